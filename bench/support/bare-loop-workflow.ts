import { proxyLocalActivities, sleep } from '@temporalio/workflow';

import type { BenchActivities } from './bench-activities';

/** Input of {@link bareLoopWorkflow}. */
export interface BareLoopInput {
  timerMs: number;
  /** Iterations before the workflow ends; the bench terminates it sooner. */
  iterations: number;
}

// The same local-activity options as the automation's price check, so only the work differs.
const { benchNoop } = proxyLocalActivities<BenchActivities>({
  startToCloseTimeout: '20 seconds',
  retry: { initialInterval: '1 second', maximumInterval: '30 seconds', maximumAttempts: 5 },
});

/**
 * The cheapest loop Temporal runs the way an automation waits for a price: a durable timer, then one
 * local activity that does nothing. The bench compares one automation check iteration against one of these.
 */
export async function bareLoopWorkflow(input: BareLoopInput): Promise<void> {
  for (let iteration = 0; iteration < input.iterations; iteration++) {
    await sleep(input.timerMs);
    await benchNoop();
  }
}
