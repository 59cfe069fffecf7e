import { ContractFactory, getAddress, id, parseEther, parseUnits } from 'ethers';
import type { BaseContract, ContractTransactionResponse, Signer, TransactionReceipt } from 'ethers';

import { loadArtifact } from './artifacts';
import type { ContractName } from './artifacts';

/** Initial state of one local price feed. */
export interface PriceFeedOptions {
  /** Decimals of the feed's answers (Chainlink USD feeds use 8). */
  decimals: number;
  /** First published price, in whole USD (fractions allowed). */
  initialUsd: number;
}

/** Options of {@link deployContracts}. */
export interface DeployContractsOptions {
  /** Address of the off-chain worker key; gets `WORKER_ROLE` on the executor and the escrow. */
  workerAddress: string;
  /**
   * Account whose escrow balance collects execution fees.
   * @default the deployer
   */
  feeRecipient?: string;
  /**
   * Largest fee, in wei, the worker may charge for one execution.
   * @default 0.01 ether
   */
  maxFeePerChargeWei?: bigint;
  /**
   * One local price feed per asset key (the key is also the feed's description prefix).
   * @default {@link DEFAULT_PRICE_FEEDS}: ethereum at 3500 USD and bitcoin at 95000 USD, 8 decimals
   */
  priceFeeds?: Record<string, PriceFeedOptions>;
}

/** Where the contracts live on a chain; plain JSON, so it can be written to a file and read back. */
export interface Deployment {
  chainId: number;
  /** Holds the default admin role of every contract and owns the price feeds. */
  deployer: string;
  worker: string;
  workflowRegistry: string;
  actionExecutor: string;
  feeEscrow: string;
  /** Deployed by the executor; the address every contract-call action calls from. */
  callForwarder: string;
  testToken: string;
  /** Feed address per asset key of {@link DeployContractsOptions.priceFeeds}. */
  priceFeeds: Record<string, string>;
  /** Block of the first deployment (the registry): the earliest block to scan for the contracts' events. */
  blockNumber: number;
}

/** Price feeds deployed when {@link DeployContractsOptions.priceFeeds} is not given. */
export const DEFAULT_PRICE_FEEDS: Readonly<Record<string, PriceFeedOptions>> = Object.freeze({
  ethereum: { decimals: 8, initialUsd: 3500 },
  bitcoin: { decimals: 8, initialUsd: 95_000 },
});

/** Fee cap used when {@link DeployContractsOptions.maxFeePerChargeWei} is not given. */
export const DEFAULT_MAX_FEE_PER_CHARGE_WEI = parseEther('0.01');

const EXECUTOR_ROLE = id('EXECUTOR_ROLE');
const WORKER_ROLE = id('WORKER_ROLE');

/**
 * Deploys and wires the Autometa contracts with plain ethers (no Hardhat runtime), for a local chain or tests:
 * registry, escrow, executor (which deploys its call forwarder), the role grants between them and to the
 * worker, the test token and one local price feed per asset.
 *
 * Transactions go out one at a time with explicit consecutive nonces, each waited for before the next, so
 * chains that reject out-of-order nonces (Hardhat automine) accept them.
 *
 * Not idempotent: every call deploys a fresh set of contracts. A failure part-way leaves the contracts
 * deployed so far in place; deploy again from scratch.
 *
 * @throws when the contracts are not compiled (`ArtifactNotFoundError`), an address option is invalid,
 * a price is not a positive finite number, or a transaction fails.
 */
export async function deployContracts(deployer: Signer, options: DeployContractsOptions): Promise<Deployment> {
  const provider = deployer.provider;
  if (!provider) {
    throw new Error('The deployer signer must be connected to a provider');
  }
  const deployerAddress = getAddress(await deployer.getAddress());
  const worker = getAddress(options.workerAddress);
  const feeRecipient = getAddress(options.feeRecipient ?? deployerAddress);
  const maxFeePerChargeWei = options.maxFeePerChargeWei ?? DEFAULT_MAX_FEE_PER_CHARGE_WEI;
  const priceFeedOptions = options.priceFeeds ?? DEFAULT_PRICE_FEEDS;
  const initialAnswers = Object.entries(priceFeedOptions).map(
    ([asset, feed]) => [asset, feed.decimals, toFeedAnswer(asset, feed)] as const,
  );

  const { chainId } = await provider.getNetwork();
  let nonce = await provider.getTransactionCount(deployerAddress, 'pending');

  const deploy = async (name: ContractName, ...args: unknown[]) => {
    const { abi, bytecode } = loadArtifact(name);
    const contract = await new ContractFactory(abi, bytecode, deployer).deploy(...args, { nonce: nonce++ });
    const receipt = await waitForReceipt(contract.deploymentTransaction(), name);
    return { contract, address: getAddress(await contract.getAddress()), receipt };
  };
  const send = async (contract: BaseContract, method: string, ...args: unknown[]) => {
    const tx = (await contract.getFunction(method)(...args, { nonce: nonce++ })) as ContractTransactionResponse;
    await waitForReceipt(tx, method);
  };

  const registry = await deploy('WorkflowRegistry', deployerAddress);
  const escrow = await deploy('FeeEscrow', deployerAddress, feeRecipient, maxFeePerChargeWei);
  const executor = await deploy('ActionExecutor', deployerAddress, registry.address, escrow.address);

  await send(registry.contract, 'grantRole', EXECUTOR_ROLE, executor.address);
  await send(escrow.contract, 'grantRole', EXECUTOR_ROLE, executor.address);
  await send(executor.contract, 'grantRole', WORKER_ROLE, worker);
  await send(escrow.contract, 'grantRole', WORKER_ROLE, worker);

  const testToken = await deploy('TestToken');
  const priceFeeds: Record<string, string> = {};
  for (const [asset, decimals, answer] of initialAnswers) {
    priceFeeds[asset] = (await deploy('LocalPriceFeed', decimals, `${asset} / USD`, answer)).address;
  }

  const callForwarder = (await executor.contract.getFunction('callForwarder')()) as string;
  return {
    chainId: Number(chainId),
    deployer: deployerAddress,
    worker,
    workflowRegistry: registry.address,
    actionExecutor: executor.address,
    feeEscrow: escrow.address,
    callForwarder: getAddress(callForwarder),
    testToken: testToken.address,
    priceFeeds,
    blockNumber: registry.receipt.blockNumber,
  };
}

async function waitForReceipt(tx: ContractTransactionResponse | null, label: string): Promise<TransactionReceipt> {
  const receipt = tx ? await tx.wait() : null;
  if (!receipt) {
    throw new Error(`No receipt for the ${label} transaction`);
  }
  return receipt;
}

/** Converts a USD price to the feed's fixed-point answer, e.g. 3500 with 8 decimals to 350000000000n. */
function toFeedAnswer(asset: string, feed: PriceFeedOptions): bigint {
  if (!Number.isInteger(feed.decimals) || feed.decimals < 0 || feed.decimals > 18) {
    throw new RangeError(`Price feed ${asset}: decimals must be an integer from 0 to 18, got ${feed.decimals}`);
  }
  // toFixed writes plain digits below 1e21; larger prices are not meaningful for a local feed.
  if (!Number.isFinite(feed.initialUsd) || feed.initialUsd <= 0 || feed.initialUsd >= 1e21) {
    throw new RangeError(
      `Price feed ${asset}: initialUsd must be a positive number below 1e21, got ${feed.initialUsd}`,
    );
  }
  return parseUnits(feed.initialUsd.toFixed(feed.decimals), feed.decimals);
}
