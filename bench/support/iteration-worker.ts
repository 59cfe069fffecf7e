/**
 * The engine bench's iteration worker: one Temporal worker, built like src/worker.ts (same settings,
 * same activities, same logger), whose bundle holds both the automation workflow and the bare loop. It
 * counts the local activities of each kind and prints the counts on stdout every 200 ms as
 * `{"benchCounters":{...}}`, so the bench can divide CPU time by iterations. Started by bench/engine.ts.
 */
import { bundleWorkflowCode, NativeConnection, Runtime, Worker } from '@temporalio/worker';

import { createActivities } from '../../src/activities';
import { loadConfig } from '../../src/config';
import { createLogger } from '../../src/logging';
import { createWorkerResources } from '../../src/temporal/runtime';
import { createBenchActivities, type IterationCounters } from './bench-activities';

async function main() {
  const config = loadConfig();
  const logger = createLogger({ level: config.LOG_LEVEL, format: config.LOG_FORMAT, base: { role: 'worker' } });
  Runtime.install({ logger, telemetryOptions: { logging: { filter: { core: 'WARN', other: 'WARN' }, forward: {} } } });
  const workflowBundle = await bundleWorkflowCode({
    workflowsPath: require.resolve('./iteration-workflows'),
    logger: createLogger({ level: 'warn', format: config.LOG_FORMAT }),
  });
  const resources = createWorkerResources(config, logger);
  const counters: IterationCounters = { bare: 0, check: 0 };
  const activities = createActivities(resources.dependencies);
  const { checkPriceTrigger } = activities;
  const connection = await NativeConnection.connect({ address: config.TEMPORAL_ADDRESS });
  const worker = await Worker.create({
    connection,
    namespace: config.TEMPORAL_NAMESPACE,
    taskQueue: config.TEMPORAL_TASK_QUEUE,
    workflowBundle,
    activities: {
      ...activities,
      // The real check, counted the same way as the bare loop's no-op.
      checkPriceTrigger: (input: Parameters<typeof checkPriceTrigger>[0]) => {
        counters.check++;
        return checkPriceTrigger(input);
      },
      ...createBenchActivities(counters),
    },
  });
  const report = setInterval(() => process.stdout.write(`${JSON.stringify({ benchCounters: counters })}\n`), 200);
  const running = worker.run();
  process.once('SIGTERM', () => worker.shutdown());
  process.stdout.write(`${JSON.stringify({ benchReady: true })}\n`);
  try {
    await running;
  } finally {
    clearInterval(report);
    await connection.close();
    await resources.close();
  }
}

main().then(
  () => process.exit(0),
  (error) => {
    process.stderr.write(
      `iteration worker failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    process.exit(1);
  },
);
