import { Contract, type ContractRunner } from 'ethers';

import { decodeAction, decodeTrigger, type Action, type Trigger } from './abi-codec';
import { loadArtifact } from './artifacts';

/** A registry workflow as stored on-chain, with its trigger and action data decoded. */
export interface RegistryWorkflow {
  workflowId: bigint;
  owner: string;
  active: boolean;
  /** 0 = unlimited. */
  maxExecutions: bigint;
  executionCount: bigint;
  /** Unix seconds. */
  createdAt: bigint;
  /** Unix seconds; 0 before the first execution. */
  lastExecutedAt: bigint;
  trigger: Trigger;
  action: Action;
}

/** Thrown when the registry holds no workflow with the requested id. */
export class UnknownRegistryWorkflowError extends Error {
  override readonly name = 'UnknownRegistryWorkflowError';

  constructor(readonly workflowId: bigint) {
    super(`The registry has no workflow ${workflowId}`);
  }
}

/** Connects to a deployed WorkflowRegistry through `runner` (a provider to read, a signer to write). */
export function workflowRegistryContract(address: string, runner: ContractRunner): Contract {
  return new Contract(address, loadArtifact('WorkflowRegistry').abi, runner);
}

/**
 * Reads one workflow from the registry at `blockTag` and decodes its trigger and action.
 * @throws {UnknownRegistryWorkflowError} when the id was never created.
 */
export async function readRegistryWorkflow(
  registry: Contract,
  workflowId: bigint,
  blockTag: number | 'latest' = 'latest',
): Promise<RegistryWorkflow> {
  let stored: {
    owner: string;
    triggerType: bigint;
    actionType: bigint;
    active: boolean;
    maxExecutions: bigint;
    executionCount: bigint;
    createdAt: bigint;
    lastExecutedAt: bigint;
    triggerData: string;
    actionData: string;
  };
  try {
    stored = await registry.getWorkflow(workflowId, { blockTag });
  } catch (error) {
    // ethers decodes the registry's custom errors into `revert` since they are in the ABI.
    if ((error as { revert?: { name?: string } }).revert?.name === 'WorkflowRegistryUnknownWorkflow') {
      throw new UnknownRegistryWorkflowError(workflowId);
    }
    throw error;
  }
  return {
    workflowId,
    owner: stored.owner,
    active: stored.active,
    maxExecutions: stored.maxExecutions,
    executionCount: stored.executionCount,
    createdAt: stored.createdAt,
    lastExecutedAt: stored.lastExecutedAt,
    trigger: decodeTrigger(Number(stored.triggerType), stored.triggerData),
    action: decodeAction(Number(stored.actionType), stored.actionData),
  };
}
