import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';

import { JsonRpcProvider, NonceManager } from 'ethers';

import { deployContracts, type Deployment } from '../chain/deploy';
import { workflowRegistryContract } from '../chain/registry';
import { localWallet } from './local-accounts';

/** A deployment together with the chain instance it lives on. */
export interface LocalDeployment extends Deployment {
  /** Hash of block 0. Hardhat stamps the genesis block with its start time, so each new node has its own. */
  genesisHash: string;
}

/** What {@link ensureLocalDeployment} found or did. */
export interface EnsureDeploymentResult {
  deployment: LocalDeployment;
  /** True when the contracts were deployed now, so state kept for an earlier deployment no longer applies. */
  deployedNow: boolean;
}

const CONTRACT_FIELDS = ['workflowRegistry', 'actionExecutor', 'feeEscrow', 'testToken'] as const;

/**
 * Reuses the deployment recorded in `file` when it is on this very chain instance with code at every
 * address; otherwise deploys the contracts afresh and records them.
 */
export async function ensureLocalDeployment(
  rpcUrl: string,
  chainId: number,
  file: string,
): Promise<EnsureDeploymentResult> {
  const provider = new JsonRpcProvider(rpcUrl, chainId, { staticNetwork: true });
  try {
    const genesis = await provider.getBlock(0);
    if (!genesis?.hash) throw new Error(`the chain at ${rpcUrl} has no genesis block`);

    const recorded = readRecordedDeployment(file);
    if (recorded && recorded.genesisHash === genesis.hash && recorded.chainId === chainId) {
      const addresses = [...CONTRACT_FIELDS.map((field) => recorded[field]), ...Object.values(recorded.priceFeeds)];
      const codes = await Promise.all(addresses.map((address) => provider.getCode(address)));
      if (codes.every((code) => code !== '0x')) return { deployment: recorded, deployedNow: false };
    }

    const deployer = new NonceManager(localWallet('deployer').connect(provider));
    const deployed = await deployContracts(deployer, { workerAddress: localWallet('worker').address });
    // The local user approves the relayer as its registry operator, so the API can create and delete its
    // workflows out of the box (the Quick Start); anyone else approves it with setOperator themselves.
    const user = localWallet('user').connect(provider);
    const registry = workflowRegistryContract(deployed.workflowRegistry, user);
    await (await registry.getFunction('setOperator')(localWallet('relayer').address, true)).wait();
    const deployment: LocalDeployment = { ...deployed, genesisHash: genesis.hash };
    mkdirSync(path.dirname(file), { recursive: true });
    // Written whole to a temporary file, then renamed: a crash leaves the old record or the new one, never half.
    writeFileSync(`${file}.tmp`, `${JSON.stringify(deployment, null, 2)}\n`);
    renameSync(`${file}.tmp`, file);
    return { deployment, deployedNow: true };
  } finally {
    provider.destroy();
  }
}

function readRecordedDeployment(file: string): LocalDeployment | undefined {
  if (!existsSync(file)) return undefined;
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as LocalDeployment;
  } catch {
    return undefined;
  }
}
