import { bundleWorkflowCode, NativeConnection, Runtime, Worker } from '@temporalio/worker';

import { createActivities } from './activities';
import { createLogger } from './logging';
import { runEntryPoint } from './process-entry';
import { createWorkerResources, ensureBackgroundWorkflows } from './temporal/runtime';

runEntryPoint('worker', async (config, logger) => {
  // Temporal's own log lines (SDK and native core) go through the process logger, so one format covers all.
  // The entry point owns the signals: Temporal's own handlers would stop the worker behind its back.
  Runtime.install({
    logger,
    shutdownSignals: [],
    telemetryOptions: { logging: { filter: { core: 'WARN', other: 'WARN' }, forward: {} } },
  });

  // The bundler reports webpack's whole build at info; only its warnings and errors are worth a line.
  const workflowBundle = await bundleWorkflowCode({
    workflowsPath: require.resolve('./workflows'),
    logger: createLogger({ level: 'warn', format: config.LOG_FORMAT, base: { role: 'worker' } }),
  });
  const resources = createWorkerResources(config, logger);
  const connection = await NativeConnection.connect({ address: config.TEMPORAL_ADDRESS });
  const worker = await Worker.create({
    connection,
    namespace: config.TEMPORAL_NAMESPACE,
    taskQueue: config.TEMPORAL_TASK_QUEUE,
    workflowBundle,
    activities: createActivities(resources.dependencies),
    // Every automation waits on a timer between checks, so each one this worker holds stays in its
    // cache; an evicted one replays its whole history on its next check. The SDK's default, sized for
    // larger workflows, holds about 2,300 on a 4 GiB heap.
    maxCachedWorkflows: config.WORKER_MAX_CACHED_WORKFLOWS,
    // In-flight activities get this long to finish on shutdown; they are idempotent, so a cut-off one
    // is simply retried by another worker.
    shutdownGraceTime: '10 seconds',
  });
  const running = worker.run();
  running.catch((error) => {
    logger.error('Worker stopped with an error', { error });
    process.exit(1);
  });
  await ensureBackgroundWorkflows(config, resources.temporal.client);
  logger.info('Worker polling', { taskQueue: config.TEMPORAL_TASK_QUEUE, namespace: config.TEMPORAL_NAMESPACE });

  return async () => {
    // shutdown() lets in-flight activities finish within the grace time before the process exits.
    worker.shutdown();
    await running;
    await connection.close();
    await resources.close();
  };
});
