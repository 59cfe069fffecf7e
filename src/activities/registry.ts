import { ApplicationFailure, log } from '@temporalio/activity';
import type { Contract, EventLog, JsonRpcProvider } from 'ethers';

import { readRegistryWorkflow, UnknownRegistryWorkflowError } from '../chain/registry';
import { FailureType } from '../domain/failures';
import { withDecimalStrings, type RegistryWorkflowSnapshot } from '../domain/registry-snapshot';
import type { AutomationClient } from '../temporal/automation-client';

/** What the registry activities need; built once by the worker. */
export interface RegistryDependencies {
  provider: JsonRpcProvider;
  registry: Contract;
  automations: AutomationClient;
  /** Largest block range one sync step reads, so a long gap is caught up in bounded steps. */
  maxBlockRange?: number;
}

/** Input of the syncRegistryEvents activity. */
export interface SyncRegistryEventsInput {
  fromBlock: number;
}

/** What one sync step did, and where the next one starts. */
export interface SyncRegistryEventsResult {
  nextBlock: number;
  started: number;
  cancelled: number;
  /** True when the step reached the newest block. */
  caughtUp: boolean;
}

/** Creates the activities that read the registry and keep automations in step with it. */
export function createRegistryActivities(deps: RegistryDependencies) {
  return {
    /**
     * Reads a workflow from the registry at the newest block. Read-only, so any retry is safe.
     * An id the registry never created fails without retrying.
     */
    async readRegistryWorkflow(workflowId: string): Promise<RegistryWorkflowSnapshot> {
      if (!/^[1-9]\d{0,77}$/.test(workflowId)) {
        throw ApplicationFailure.nonRetryable(
          `"${workflowId}" is not a registry workflow id`,
          FailureType.InvalidWorkflowId,
        );
      }
      // One block for the whole read, so the snapshot is consistent with the block it names.
      const blockNumber = Number(await deps.provider.send('eth_blockNumber', []));
      try {
        const stored = await readRegistryWorkflow(deps.registry, BigInt(workflowId), blockNumber);
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
          throw ApplicationFailure.nonRetryable(error.message, FailureType.UnknownRegistryWorkflow);
        }
        throw error;
      }
    },

    /**
     * Reads the registry's created and deactivated events from `fromBlock` on (a bounded range) and
     * starts or cancels the matching automations, in block order.
     *
     * Idempotent: starting a started automation and cancelling a gone one do nothing, so a retry of a
     * step that failed half-way repeats no effect. The caller keeps the cursor.
     */
    async syncRegistryEvents(input: SyncRegistryEventsInput): Promise<SyncRegistryEventsResult> {
      const latest = Number(await deps.provider.send('eth_blockNumber', []));
      if (input.fromBlock > latest) return { nextBlock: input.fromBlock, started: 0, cancelled: 0, caughtUp: true };
      const toBlock = Math.min(latest, input.fromBlock + (deps.maxBlockRange ?? 2_000) - 1);
      const [created, deactivated] = await Promise.all([
        deps.registry.queryFilter(deps.registry.filters.WorkflowCreated(), input.fromBlock, toBlock),
        deps.registry.queryFilter(deps.registry.filters.WorkflowDeactivated(), input.fromBlock, toBlock),
      ]);
      const events = [...created, ...deactivated].sort(
        (a, b) => a.blockNumber - b.blockNumber || a.index - b.index,
      ) as EventLog[];
      let started = 0;
      let cancelled = 0;
      for (const event of events) {
        const registryId = event.args[0].toString();
        if (event.eventName === 'WorkflowCreated') {
          if (await deps.automations.start(registryId)) {
            started++;
            log.info('Automation started from a registry event', { registryId, blockNumber: event.blockNumber });
          }
        } else if (await deps.automations.cancel(registryId)) {
          cancelled++;
          log.info('Automation cancelled from a registry event', { registryId, blockNumber: event.blockNumber });
        }
      }
      return { nextBlock: toBlock + 1, started, cancelled, caughtUp: toBlock === latest };
    },
  };
}
