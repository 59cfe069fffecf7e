import { ethers } from 'hardhat';
import type { HardhatEthersSigner } from '@nomicfoundation/hardhat-ethers/signers';
import type { BytesLike, Contract, ContractTransactionResponse } from 'ethers';

import { CREATE_WORKFLOW_TYPES, DEACTIVATE_WORKFLOW_TYPES, workflowRegistryDomain } from '../../src/chain/abi-codec';
import { deployContracts } from '../../src/chain/deploy';
import type { Deployment } from '../../src/chain/deploy';

/** Fee cap of the fixture's escrow. */
export const MAX_FEE_PER_CHARGE = ethers.parseEther('0.01');

export const EXECUTOR_ROLE = ethers.id('EXECUTOR_ROLE');
export const WORKER_ROLE = ethers.id('WORKER_ROLE');
export const DEFAULT_ADMIN_ROLE = ethers.ZeroHash;

/** Revert data of OpenZeppelin's `ReentrancyGuardReentrantCall()`. */
export const REENTRANT_CALL_ERROR = ethers.id('ReentrancyGuardReentrantCall()').slice(0, 10);

/**
 * Deploys the whole system the way the app does (src/chain/deploy.ts), then attaches Hardhat contract objects.
 * Load it with `loadFixture(deployAutometaFixture)`.
 */
export async function deployAutometaFixture() {
  const [deployer, worker, feeRecipient, alice, bob, carol, mallory] = await ethers.getSigners();
  const deployment: Deployment = await deployContracts(deployer, {
    workerAddress: worker.address,
    feeRecipient: feeRecipient.address,
    maxFeePerChargeWei: MAX_FEE_PER_CHARGE,
  });

  const registry = await ethers.getContractAt('WorkflowRegistry', deployment.workflowRegistry);
  const escrow = await ethers.getContractAt('FeeEscrow', deployment.feeEscrow);
  const executor = await ethers.getContractAt('ActionExecutor', deployment.actionExecutor);
  const forwarder = await ethers.getContractAt('CallForwarder', deployment.callForwarder);
  const token = await ethers.getContractAt('TestToken', deployment.testToken);
  const ethFeed = await ethers.getContractAt('LocalPriceFeed', deployment.priceFeeds.ethereum);
  const btcFeed = await ethers.getContractAt('LocalPriceFeed', deployment.priceFeeds.bitcoin);
  const recorder = await ethers.deployContract('CallRecorder');
  const attacker = await ethers.deployContract('ReentrantReceiver');

  return {
    deployment,
    deployer,
    worker,
    feeRecipient,
    alice,
    bob,
    carol,
    mallory,
    registry,
    escrow,
    executor,
    forwarder,
    token,
    ethFeed,
    btcFeed,
    recorder,
    attacker,
  };
}

/** Fields of a workflow as `createWorkflow` takes them. */
export interface WorkflowInput {
  triggerType: number;
  triggerData: BytesLike;
  actionType: number;
  actionData: BytesLike;
  maxExecutions: bigint | number;
}

/** Creates a workflow owned by `owner` and returns its id. */
export async function createWorkflow(registry: Contract, owner: HardhatEthersSigner, input: WorkflowInput) {
  const connected = registry.connect(owner) as Contract;
  const tx: ContractTransactionResponse = await connected.createWorkflow(
    input.triggerType,
    input.triggerData,
    input.actionType,
    input.actionData,
    input.maxExecutions,
  );
  await tx.wait();
  return (await registry.workflowCount()) as bigint;
}

/** Signs a `CreateWorkflow` message of `signer` for `owner` with the owner's current nonce (unless given). */
export async function signCreateWorkflow(
  registry: Contract,
  signer: HardhatEthersSigner,
  message: WorkflowInput & { owner: string; deadline: bigint; nonce?: bigint },
) {
  const nonce = message.nonce ?? ((await registry.nonces(message.owner)) as bigint);
  return signer.signTypedData(await registryDomain(registry), CREATE_WORKFLOW_TYPES, {
    owner: message.owner,
    triggerType: message.triggerType,
    triggerData: message.triggerData,
    actionType: message.actionType,
    actionData: message.actionData,
    maxExecutions: message.maxExecutions,
    nonce,
    deadline: message.deadline,
  });
}

/** Signs a `DeactivateWorkflow` message of `signer` with the current nonce of `owner` (unless given). */
export async function signDeactivateWorkflow(
  registry: Contract,
  signer: HardhatEthersSigner,
  message: { workflowId: bigint; owner: string; deadline: bigint; nonce?: bigint },
) {
  const nonce = message.nonce ?? ((await registry.nonces(message.owner)) as bigint);
  return signer.signTypedData(await registryDomain(registry), DEACTIVATE_WORKFLOW_TYPES, {
    workflowId: message.workflowId,
    nonce,
    deadline: message.deadline,
  });
}

/** The registry's EIP-712 domain on the test chain. */
export async function registryDomain(registry: Contract) {
  const { chainId } = await ethers.provider.getNetwork();
  return workflowRegistryDomain(chainId, await registry.getAddress());
}

/** The execution key the worker uses for fee charges of one execution. */
export function executionKey(workflowId: bigint | number, executionNo: bigint | number): string {
  return ethers.solidityPackedKeccak256(['uint256', 'uint64'], [workflowId, executionNo]);
}

/** Timestamp of the latest block. */
export async function latestTimestamp(): Promise<bigint> {
  const block = await ethers.provider.getBlock('latest');
  return BigInt(block!.timestamp);
}
