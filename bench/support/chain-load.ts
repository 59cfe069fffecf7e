import { type BaseWallet, Contract, type EventLog, type JsonRpcProvider, parseUnits } from 'ethers';

import { encodeNativeTransfer, encodePriceTrigger } from '../../src/chain/abi-codec';
import { loadArtifact } from '../../src/chain/artifacts';
import { connectContracts, type AutometaContracts } from '../../src/chain/contracts';
import type { Deployment } from '../../src/chain/deploy';
import { ActionType, PriceComparator, TriggerType } from '../../src/domain/codes';

/** One price workflow to create: at or below `targetUsd` on ethereum, then send `amountWei` to `recipient`. */
export interface PriceWorkflowSpec {
  targetUsd: number;
  recipient: string;
  amountWei: bigint;
  maxExecutions: number;
}

/** Options of {@link createPriceWorkflows}. */
export interface CreatePriceWorkflowsOptions {
  /** Transactions sent in one JSON-RPC batch, then mined. @default 200 */
  batchSize?: number;
  /** Called after each batch with the number created so far. */
  onProgress?: (created: number) => void;
}

/** Connects an owner's view of the deployment's contracts. */
export function ownerContracts(deployment: Deployment, owner: BaseWallet): AutometaContracts {
  return connectContracts(deployment, owner);
}

/**
 * Creates price workflows owned by `owner` with its own registry transactions, and returns their
 * registry ids in the order of `specs`.
 *
 * The transactions are signed here with consecutive nonces. Hardhat's automine refuses a nonce gap and
 * answers a batch request's parts in no fixed order, so automine is off while they go out: each batch
 * of `batchSize` enters the mempool in one JSON-RPC request, then `evm_mine` packs it into a few full
 * blocks. Automine is back on when this returns or throws.
 *
 * WARNING: for Hardhat only; anything else sent from other accounts meanwhile also waits for those blocks.
 */
export async function createPriceWorkflows(
  owner: BaseWallet,
  provider: JsonRpcProvider,
  deployment: Deployment,
  specs: readonly PriceWorkflowSpec[],
  options: CreatePriceWorkflowsOptions = {},
): Promise<string[]> {
  if (specs.length === 0) return [];
  const { registry } = connectContracts(deployment, owner);
  const encode = (spec: PriceWorkflowSpec) =>
    registry.interface.encodeFunctionData('createWorkflow', [
      TriggerType.Price,
      encodePriceTrigger('ethereum', PriceComparator.AtOrBelow, parseUnits(spec.targetUsd.toFixed(8), 8)),
      ActionType.NativeTransfer,
      encodeNativeTransfer(spec.recipient, spec.amountWei),
      spec.maxExecutions,
    ]);
  const to = deployment.workflowRegistry;
  const estimated = await provider.estimateGas({ from: owner.address, to, data: encode(specs[0]) });
  // Every spec encodes to the same length; the first one's estimate covers the rest with a small margin.
  const gasLimit = (estimated * 12n) / 10n;
  const fees = await provider.getFeeData();
  const maxPriorityFeePerGas = fees.maxPriorityFeePerGas ?? 1_000_000_000n;
  const maxFeePerGas = (fees.maxFeePerGas ?? 2_000_000_000n) * 2n;
  let nonce = await provider.getTransactionCount(owner.address, 'pending');
  const fromBlock = await provider.getBlockNumber();
  const batchSize = options.batchSize ?? 200;

  await provider.send('evm_setAutomine', [false]);
  try {
    for (let first = 0; first < specs.length; first += batchSize) {
      const batch = specs.slice(first, first + batchSize);
      const raws = await Promise.all(
        batch.map((spec, index) =>
          owner.signTransaction({
            type: 2,
            chainId: deployment.chainId,
            to,
            data: encode(spec),
            nonce: nonce + index,
            gasLimit,
            maxFeePerGas,
            maxPriorityFeePerGas,
          }),
        ),
      );
      nonce += batch.length;
      await Promise.all(raws.map((raw) => provider.send('eth_sendRawTransaction', [raw])));
      while ((await provider.getTransactionCount(owner.address, 'latest')) < nonce) await provider.send('evm_mine', []);
      options.onProgress?.(first + batch.length);
    }
  } finally {
    await provider.send('evm_setAutomine', [true]);
  }

  const mined = await provider.getTransactionCount(owner.address, 'latest');
  if (mined !== nonce) throw new Error(`only ${mined} of the owner's transactions up to nonce ${nonce} were mined`);
  const events = (await registry.queryFilter(
    registry.filters.WorkflowCreated(null, owner.address),
    fromBlock + 1,
  )) as EventLog[];
  events.sort((a, b) => a.blockNumber - b.blockNumber || a.index - b.index);
  if (events.length !== specs.length)
    throw new Error(`expected ${specs.length} WorkflowCreated events, found ${events.length}`);
  return events.map((event) => event.args.workflowId.toString() as string);
}

/**
 * Publishes `usd` on a local price feed and returns the time (ms since the epoch) its transaction was
 * mined, as seen here: Hardhat's automine answers the send only once the block is made.
 */
export async function setFeedPrice(deployer: BaseWallet, feedAddress: string, usd: number): Promise<number> {
  const feed = new Contract(feedAddress, loadArtifact('LocalPriceFeed').abi, deployer);
  const tx = await feed.getFunction('setAnswer')(parseUnits(usd.toFixed(8), 8));
  const minedAt = Date.now();
  await tx.wait();
  return minedAt;
}
