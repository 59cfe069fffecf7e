import path from 'node:path';

import type { Client } from '@temporalio/client';

import { startProcess, type ManagedProcess } from '../../src/stack/managed-process';
import type { AutomationTimings } from '../../src/workflows/automation-workflow';
import type { IterationCounters } from './bench-activities';
import { sampleGroups } from './process-cpu';
import { mapLimit, sleep } from './stats';

/** Options of {@link measureIterationCost}. */
export interface IterationCostOptions {
  projectRoot: string;
  /** Environment of the iteration worker: the engine worker's settings with a namespace and task queue of its own. */
  settings: Record<string, string>;
  logFile: string;
  started: ManagedProcess[];
  /** A client of the iteration worker's namespace. */
  client: Client;
  /** Registry ids of price workflows whose condition stays false; one automation runs per id. */
  registryIds: readonly string[];
  /** Timer of both loops; the automations get it as their price check interval. */
  timerMs: number;
  /** Measured window of each phase. */
  windowMs: number;
  /** Bare and automation phases run alternately this many times each. */
  rounds: number;
  /** Process groups whose CPU counts, besides the iteration worker's: the Temporal server, Redis, the chain. */
  groups: Record<string, number>;
  say: (line: string) => void;
}

/** One measured phase: `workflows` loops of one kind for `windowMs`. */
export interface IterationPhase {
  kind: keyof IterationCounters;
  iterations: number;
  windowMs: number;
  /** CPU time per process group during the window, idle use subtracted, in ms. */
  cpuMs: Record<string, number>;
}

/** CPU per iteration of each loop kind, in ms, per process group and in total. */
export interface IterationCost {
  phases: IterationPhase[];
  /** Idle CPU use per process group, in ms per second, subtracted from each phase. */
  idleMsPerSecond: Record<string, number>;
  perIteration: Record<keyof IterationCounters, Record<string, number>>;
}

/**
 * Measures what one automation check iteration costs against one bare loop iteration (timer plus a
 * no-op local activity), in the same worker process, on the same server, alternating phases.
 *
 * Each phase starts one workflow per registry id (bare loops, or real automations with the timer as
 * their price check interval), waits until every one has looped twice, then reads the CPU time of the
 * iteration worker, the Temporal server, Redis and the chain over `windowMs`, and the local activities
 * the worker counted in the same window. The workflows are terminated before the next phase. CPU an
 * idle window used (nothing running) is subtracted, so the figures are what the loops add.
 */
export async function measureIterationCost(options: IterationCostOptions): Promise<IterationCost> {
  const waiters: ((counters: IterationCounters) => void)[] = [];
  let ready = false;
  const worker = startProcess({
    name: 'iteration-worker',
    command: process.execPath,
    args: ['--import', 'tsx', path.join(options.projectRoot, 'bench', 'support', 'iteration-worker.ts')],
    cwd: options.projectRoot,
    env: { PATH: process.env.PATH, HOME: process.env.HOME, DATA_DIR: '/nonexistent', ...options.settings },
    logFile: options.logFile,
    onLine: (line) => {
      if (!line.startsWith('{"bench')) return;
      const parsed = JSON.parse(line) as { benchCounters?: IterationCounters; benchReady?: boolean };
      if (parsed.benchReady) ready = true;
      if (parsed.benchCounters) for (const resolve of waiters.splice(0)) resolve(parsed.benchCounters);
    },
  });
  options.started.push(worker);
  let exited = false;
  void worker.exited.then(() => (exited = true));
  const groups = { worker: worker.pid, ...options.groups };

  // CPU is read the moment a counters line arrives, so both describe the same instant.
  const sample = () =>
    new Promise<{ at: number; counters: IterationCounters; cpu: Record<string, number> }>((resolve, reject) => {
      if (exited) reject(new Error(`the iteration worker exited; see ${options.logFile}`));
      waiters.push((counters) => resolve({ at: Date.now(), counters, cpu: sampleGroups(groups) }));
    });

  try {
    const deadline = Date.now() + 120_000;
    while (!ready) {
      if (exited || Date.now() > deadline)
        throw new Error(`the iteration worker did not start; see ${options.logFile}`);
      await sleep(100);
    }
    await sleep(2_000);
    const idleStart = await sample();
    await sleep(options.windowMs / 2);
    const idleEnd = await sample();
    const idleSeconds = (idleEnd.at - idleStart.at) / 1000;
    const idleMsPerSecond = Object.fromEntries(
      Object.keys(groups).map((name) => [name, (idleEnd.cpu[name] - idleStart.cpu[name]) / idleSeconds]),
    );

    const phases: IterationPhase[] = [];
    for (let round = 0; round < options.rounds; round++) {
      for (const kind of ['bare', 'check'] as const) {
        phases.push(await runPhase(options, kind, round, sample, idleMsPerSecond));
        const phase = phases[phases.length - 1];
        const total = Object.values(phase.cpuMs).reduce((sum, value) => sum + value, 0);
        options.say(
          `  ${kind === 'bare' ? 'bare loop ' : 'automation'} round ${round + 1}: ${phase.iterations} iterations in ${(phase.windowMs / 1000).toFixed(1)} s, ` +
            `${(total / phase.iterations).toFixed(2)} ms CPU each (${Object.entries(phase.cpuMs)
              .map(([name, ms]) => `${name} ${(ms / phase.iterations).toFixed(2)}`)
              .join(', ')})`,
        );
      }
    }

    const perIteration = {} as IterationCost['perIteration'];
    for (const kind of ['bare', 'check'] as const) {
      const own = phases.filter((phase) => phase.kind === kind);
      const iterations = own.reduce((sum, phase) => sum + phase.iterations, 0);
      const names = Object.keys(groups);
      const costs = Object.fromEntries(
        names.map((name) => [name, own.reduce((sum, phase) => sum + phase.cpuMs[name], 0) / iterations]),
      );
      costs.total = names.reduce((sum, name) => sum + costs[name], 0);
      perIteration[kind] = costs;
    }
    return { phases, idleMsPerSecond, perIteration };
  } finally {
    await worker.stop(10_000);
  }
}

async function runPhase(
  options: IterationCostOptions,
  kind: keyof IterationCounters,
  round: number,
  sample: () => Promise<{ at: number; counters: IterationCounters; cpu: Record<string, number> }>,
  idleMsPerSecond: Record<string, number>,
): Promise<IterationPhase> {
  const { client, settings } = options;
  const taskQueue = settings.TEMPORAL_TASK_QUEUE;
  const timings: AutomationTimings = {
    priceCheckIntervalMs: options.timerMs,
    waitRecheckMs: 30_000,
    iterationsPerRun: 500,
  };
  const ids = options.registryIds.map((registryId, index) => ({
    registryId,
    workflowId: `bench-${kind}-${round}-${index}`,
  }));
  const before = await sample();
  await mapLimit(ids, 16, ({ registryId, workflowId }) =>
    kind === 'bare'
      ? client.workflow.start('bareLoopWorkflow', {
          taskQueue,
          workflowId,
          args: [{ timerMs: options.timerMs, iterations: 1_000_000 }],
        })
      : client.workflow.start('automationWorkflow', { taskQueue, workflowId, args: [{ registryId, timings }] }),
  );
  // Every loop has gone round twice (on average) and the start-up work is behind.
  const deadline = Date.now() + 60_000;
  for (;;) {
    const now = await sample();
    if (now.counters[kind] - before.counters[kind] >= 2 * ids.length) break;
    if (Date.now() > deadline)
      throw new Error(`the ${kind} loops did not get going within 60 s; see ${options.logFile}`);
  }
  await sleep(options.timerMs);
  const start = await sample();
  await sleep(options.windowMs);
  const end = await sample();
  const windowMs = end.at - start.at;
  const cpuMs = Object.fromEntries(
    Object.keys(end.cpu).map((name) => [
      name,
      Math.max(0, end.cpu[name] - start.cpu[name] - (idleMsPerSecond[name] * windowMs) / 1000),
    ]),
  );
  await mapLimit(ids, 16, ({ workflowId }) => client.workflow.getHandle(workflowId).terminate('bench phase over'));
  await sleep(2_000);
  return { kind, iterations: end.counters[kind] - start.counters[kind], windowMs, cpuMs };
}
