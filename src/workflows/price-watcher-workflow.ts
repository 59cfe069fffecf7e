import { continueAsNew, proxyActivities, sleep } from '@temporalio/workflow';

import type { Activities } from '../activities';

/** Input of {@link priceWatcherWorkflow}. */
export interface PriceWatcherInput {
  token: string;
  intervalMs: number;
  /** Scans before the history is handed to a new run. */
  scansPerRun: number;
}

const { scanPriceCrossings } = proxyActivities<Activities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', maximumInterval: '10 seconds' },
});

/**
 * Polls one token's price for every automation watching it, and wakes only those whose threshold the
 * price crosses: thousands of price automations on one token then cost one lookup per interval, and
 * react without waiting for their own check timer.
 */
export async function priceWatcherWorkflow(input: PriceWatcherInput): Promise<void> {
  for (let scan = 0; scan < input.scansPerRun; scan++) {
    await scanPriceCrossings({ token: input.token });
    await sleep(input.intervalMs);
  }
  await continueAsNew<typeof priceWatcherWorkflow>(input);
}
