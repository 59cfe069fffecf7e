import { ApplicationFailure } from '@temporalio/activity';
import type { JsonRpcProvider } from 'ethers';

import { readRegistryWorkflow, UnknownRegistryWorkflowError, workflowRegistryContract } from '../chain/registry';
import { withDecimalStrings, type RegistryWorkflowSnapshot } from '../domain/registry-snapshot';

/** What the activities need from the worker process; built once in src/worker.ts. */
export interface ActivityDependencies {
  provider: JsonRpcProvider;
  registryAddress: string;
}

/** Creates the activities a worker registers, bound to one provider and deployment. */
export function createActivities(dependencies: ActivityDependencies) {
  const registry = workflowRegistryContract(dependencies.registryAddress, dependencies.provider);

  return {
    /**
     * Reads a workflow from the registry at the newest block. Read-only, so any retry is safe.
     * An id the registry never created fails without retrying.
     */
    async readRegistryWorkflow(workflowId: string): Promise<RegistryWorkflowSnapshot> {
      if (!/^[1-9]\d{0,77}$/.test(workflowId)) {
        throw ApplicationFailure.nonRetryable(`"${workflowId}" is not a registry workflow id`, 'InvalidWorkflowIdError');
      }
      // One block for the whole read, so the snapshot is consistent with the block it names.
      const blockNumber = Number(await dependencies.provider.send('eth_blockNumber', []));
      try {
        const stored = await readRegistryWorkflow(registry, BigInt(workflowId), blockNumber);
        return {
          workflowId: stored.workflowId.toString(),
          owner: stored.owner,
          active: stored.active,
          maxExecutions: stored.maxExecutions.toString(),
          executionCount: stored.executionCount.toString(),
          createdAt: stored.createdAt.toString(),
          lastExecutedAt: stored.lastExecutedAt.toString(),
          trigger: withDecimalStrings(stored.trigger),
          action: withDecimalStrings(stored.action),
          blockNumber,
        };
      } catch (error) {
        if (error instanceof UnknownRegistryWorkflowError) {
          throw ApplicationFailure.nonRetryable(error.message, error.name);
        }
        throw error;
      }
    },
  };
}

/** The activities' types, which workflow code imports (types only, never the implementations). */
export type Activities = ReturnType<typeof createActivities>;
