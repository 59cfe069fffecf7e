import { continueAsNew, log, proxyActivities, sleep } from '@temporalio/workflow';

import type { Activities } from '../activities';

/** Input of {@link registrySyncWorkflow}. */
export interface RegistrySyncInput {
  /** The durable cursor: the first block not yet read. */
  fromBlock: number;
  /** Pause between steps once caught up with the chain. */
  pollIntervalMs: number;
  /** Steps before the history is handed to a new run. */
  stepsPerRun: number;
}

const { syncRegistryEvents } = proxyActivities<Activities>({
  startToCloseTimeout: '2 minutes',
  retry: { initialInterval: '1 second', maximumInterval: '30 seconds' },
});

/**
 * Follows the registry's events from a durable block cursor and starts or cancels one automation per
 * registry workflow, so workflows created or deactivated straight on-chain are run too.
 *
 * The cursor moves only after a step's effects are done, and each effect is idempotent: a restart
 * anywhere neither misses nor repeats an event's effect.
 */
export async function registrySyncWorkflow(input: RegistrySyncInput): Promise<void> {
  let fromBlock = input.fromBlock;
  for (let step = 0; step < input.stepsPerRun; step++) {
    const result = await syncRegistryEvents({ fromBlock });
    if (result.started > 0 || result.cancelled > 0) {
      log.info('Registry events applied', {
        fromBlock,
        toBlock: result.nextBlock - 1,
        started: result.started,
        cancelled: result.cancelled,
      });
    }
    fromBlock = result.nextBlock;
    if (result.caughtUp) await sleep(input.pollIntervalMs);
  }
  await continueAsNew<typeof registrySyncWorkflow>({ ...input, fromBlock });
}
