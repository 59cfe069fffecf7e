import { proxyActivities } from '@temporalio/workflow';

import type { Activities } from '../activities';
import type { RegistryWorkflowSnapshot } from '../domain/registry-snapshot';

const { readRegistryWorkflow } = proxyActivities<Activities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', maximumInterval: '30 seconds' },
});

/**
 * Reads one registry workflow through a worker: an operator's check, from the Web UI or the CLI, that
 * the workers reach the chain and see the deployment the API registered on.
 */
export async function describeRegistryWorkflow(workflowId: string): Promise<RegistryWorkflowSnapshot> {
  return readRegistryWorkflow(workflowId);
}
