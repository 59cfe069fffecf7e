import {
  WorkflowExecutionAlreadyStartedError,
  WorkflowNotFoundError,
  type Client,
  type WorkflowHandle,
} from '@temporalio/client';

import { automationWorkflowId } from '../domain/automation';
import type { AutomationTimings } from '../workflows/automation-workflow';

/** Where automations run and with what timing; the same for the API and the workers. */
export interface AutomationClientOptions {
  client: Client;
  taskQueue: string;
  chainId: number;
  registry: string;
  timings: AutomationTimings;
}

/**
 * Starts, cancels and signals the Temporal workflows of registry workflows: the one place that knows
 * their workflow ids and start options.
 */
export class AutomationClient {
  constructor(private readonly options: AutomationClientOptions) {}

  /** The Temporal workflow id of registry workflow `registryId`. */
  workflowId(registryId: string | bigint): string {
    return automationWorkflowId(this.options.chainId, this.options.registry, registryId);
  }

  /**
   * Starts the automation of `registryId` unless it runs or ran already: starting twice (the API and
   * the registry sync both do) is harmless, and a finished automation is never started again.
   * @returns whether this call started it.
   */
  async start(registryId: string): Promise<boolean> {
    try {
      await this.options.client.workflow.start('automationWorkflow', {
        taskQueue: this.options.taskQueue,
        workflowId: this.workflowId(registryId),
        args: [{ registryId, timings: this.options.timings }],
        // A running or finished automation of this id both answer "already started", so the result says
        // whether this call started one (the registry sync logs only those).
        workflowIdConflictPolicy: 'FAIL',
        workflowIdReusePolicy: 'REJECT_DUPLICATE',
      });
      return true;
    } catch (error) {
      if (error instanceof WorkflowExecutionAlreadyStartedError) return false;
      throw error;
    }
  }

  /**
   * Cancels the automation of `registryId`; an execution in flight finishes first.
   * @returns false when no such automation runs.
   */
  async cancel(registryId: string): Promise<boolean> {
    try {
      await this.handle(registryId).cancel();
      return true;
    } catch (error) {
      if (error instanceof WorkflowNotFoundError) return false;
      throw error;
    }
  }

  /** The handle of the automation of `registryId`, to query or signal it. */
  handle(registryId: string): WorkflowHandle {
    return this.options.client.workflow.getHandle(this.workflowId(registryId));
  }
}
