/**
 * Measures the engine on this machine in one run: how many price automations one worker and the dev
 * server hold (250, 500, 1,000, 2,000, 5,000, until something gives), how late their checks run, how
 * fast a crossing price reaches an execute transaction, and what one check iteration costs against a
 * bare Temporal loop. Starts its own redis-server, Hardhat node and Temporal dev server (SQLite file,
 * WAL), deploys the contracts, runs src/worker.ts as its own process, and stops all of them at the end.
 * Prints readable lines, then one JSON line with the figures.
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { Client, Connection } from '@temporalio/client';
import { JsonRpcProvider, parseEther } from 'ethers';
import Redis from 'ioredis';

import { loadConfig } from '../src/config';
import { hardhatDevWallet, localWallet } from '../src/stack/local-accounts';
import { localChainSettings } from '../src/stack/local-settings';
import type { ManagedProcess } from '../src/stack/managed-process';
import { AutomationClient } from '../src/temporal/automation-client';
import { automationTimings } from '../src/temporal/runtime';
import { createPriceWorkflows, ownerContracts, setFeedPrice, type PriceWorkflowSpec } from './support/chain-load';
import { checkLagsFromHistory, type CheckLagSample } from './support/check-lag';
import { startEngineWorker, type EngineWorker } from './support/engine-worker';
import { measureIterationCost, type IterationCost } from './support/iteration-cost';
import {
  cpuPercent,
  groupRssMiB,
  loadAverages,
  machineBusyPercent,
  machineCpu,
  sampleGroups,
} from './support/process-cpu';
import { measureReaction, type ReactionResult } from './support/reaction';
import { registerNamespace, startBenchServices, type BenchServices } from './support/services';
import { mapLimit, percentiles, rounded, sleep, type Percentiles } from './support/stats';

const projectRoot = path.resolve(__dirname, '..');
const say = (line = '') => process.stdout.write(`${line}\n`);

/** Price workflows held at each level, cumulatively; BENCH_LEVELS=250,500 runs a shorter ladder. */
const LEVELS = (process.env.BENCH_LEVELS?.trim() || '250,500,1000,2000,5000').split(',').map(Number);
/**
 * The safety-net check period (BENCH_CHECK_INTERVAL, seconds): the watcher wakes automations on
 * crossings, so this only catches what it misses.
 */
const CHECK_INTERVAL_S = Number(process.env.BENCH_CHECK_INTERVAL?.trim() || 60);
const PRICE_USD = 3_500;
/** Level workflows wait for a fall to 1,000–3,000 USD, so neither price the bench sets fires them. */
const LEVEL_TARGETS_USD = [1_000, 3_000] as const;
const REACTION_TARGET_USD = 3_400;
const CROSSING_PRICE_USD = 3_300;
const REACTION_WORKFLOWS = 20;
/** Steady-state window of a level: one check interval and a margin, so every automation checks in it at least once. */
const LAG_WINDOW_MS = CHECK_INTERVAL_S * 1000 + 5_000;
/** Histories read per level for the check lag. */
const LAG_HISTORIES = 300;
/** Readiness bound of a level: this, plus {@link READY_MS_PER_NEW} per workflow added. */
const READY_BASE_MS = 60_000;
const READY_MS_PER_NEW = 100;
/** Levels are not started past this point of the run, so the bench ends in about a quarter of an hour. */
const LEVEL_START_BUDGET_MS = 12 * 60_000;
const ITERATION_NAMESPACE = 'bench-iterations';
const ITERATION_LOOPS = 100;

/** What one level measured. */
interface LevelResult {
  workflows: number;
  createSeconds: number;
  readySeconds: number;
  held: number;
  lag?: { done: Percentiles; start: Percentiles; histories: number; troubledPct: number };
  reaction?: ReactionResult;
  checksPerSecond: number;
  cpuPct: Record<string, number>;
  /** The whole machine's CPU use in the window, every process included, in percent of all cores. */
  machine?: { busy: number; steal: number };
  load: string;
  dbMiB: number;
  /** Resident memory of the worker process at the end of the steady-state window. */
  workerRssMiB: number;
  gave?: string;
}

function workerSettings(services: BenchServices): Record<string, string> {
  return {
    ...localChainSettings(services.deployment, services),
    TEMPORAL_ADDRESS: services.temporalAddress,
    TEMPORAL_NAMESPACE: services.namespace,
    TEMPORAL_TASK_QUEUE: 'autometa',
    API_KEY: 'bench-operator-key-0123456789',
    // Prices at most a second or two old in both cache tiers, so the watcher sees a new feed answer at once.
    PRICE_LOCAL_TTL: '1',
    PRICE_CACHE_TTL: '1',
    PRICE_CHECK_INTERVAL: String(CHECK_INTERVAL_S),
    PRICE_WATCH_INTERVAL: '1',
    LOG_LEVEL: 'info',
    LOG_FORMAT: 'json',
  };
}

/** Targets spread evenly (in a shuffled order) over {@link LEVEL_TARGETS_USD}, so thresholds differ. */
function levelSpecs(first: number, count: number, recipient: string): PriceWorkflowSpec[] {
  const [low, high] = LEVEL_TARGETS_USD;
  return Array.from({ length: count }, (_, offset) => {
    const index = first + offset;
    const fraction = ((index * 7_919) % 10_007) / 10_007;
    return {
      targetUsd: Number((low + fraction * (high - low)).toFixed(2)),
      recipient,
      amountWei: 1n,
      maxExecutions: 1,
    };
  });
}

async function countWatching(client: Client): Promise<number> {
  return (await client.workflow.count('AutometaState="watching"')).count;
}

/** Reads the histories of up to {@link LAG_HISTORIES} of `workflowIds` and keeps the checks due in the window. */
async function measureCheckLag(client: Client, workflowIds: readonly string[], from: number, to: number) {
  const picked = [...workflowIds].sort(() => Math.random() - 0.5).slice(0, LAG_HISTORIES);
  const samples: CheckLagSample[] = [];
  await mapLimit(picked, 16, async (workflowId) => {
    const history = await client.workflow.getHandle(workflowId).fetchHistory();
    for (const sample of checkLagsFromHistory(history.events ?? [], CHECK_INTERVAL_S * 1000)) {
      if (sample.dueAt >= from && sample.dueAt <= to) samples.push(sample);
    }
  });
  const troubled = samples.filter((sample) => sample.troubled).length;
  return {
    done: percentiles(samples.map((sample) => sample.doneLagMs)),
    start: percentiles(samples.map((sample) => sample.startLagMs)),
    histories: picked.length,
    troubledPct: samples.length ? (100 * troubled) / samples.length : 0,
  };
}

/** Waits until `check` holds, polling every `everyMs`; false after `timeoutMs`. */
async function waitFor(
  check: () => Promise<boolean>,
  timeoutMs: number,
  everyMs = 1_000,
  abort?: () => boolean,
): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check().catch(() => false)) return true;
    if (abort?.() || Date.now() > deadline) return false;
    await sleep(everyMs);
  }
}

const fmt = (p: Percentiles | undefined, unit = 'ms') =>
  p && p.count > 0
    ? `p50 ${Math.round(p.p50)} ${unit}, p99 ${Math.round(p.p99)} ${unit} (max ${Math.round(p.max)}, n=${p.count})`
    : 'no samples';

async function main() {
  const runStarted = Date.now();
  const workDir = mkdtempSync(path.join(os.tmpdir(), 'autometa-engine-bench-'));
  const started: ManagedProcess[] = [];
  const closers: (() => Promise<unknown> | void)[] = [];
  // Stops what is tracked so far; safe to call again for what was tracked since.
  const stopAll = async () => {
    for (const close of closers.splice(0).reverse()) await Promise.resolve(close()).catch(() => undefined);
    for (const service of started.splice(0).reverse()) await service.stop(10_000);
  };
  let servicesStarting: Promise<unknown> = Promise.resolve();
  const onSignal = (signal: NodeJS.Signals) => {
    say(`\n${signal}: stopping the bench's processes`);
    void (async () => {
      await stopAll();
      // A service still starting is tracked once it answers; stop it too.
      await servicesStarting.catch(() => undefined);
      await stopAll();
      process.exit(130);
    })();
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  let succeeded = false;

  try {
    const cpu = os.cpus();
    say(
      `Engine figures, ${new Date().toISOString()}, Node ${process.version}, ${cpu.length} cores (${cpu[0]?.model ?? 'unknown CPU'})`,
    );
    say(`load averages at start: ${loadAverages()}`);
    const starting = startBenchServices(projectRoot, workDir, started);
    servicesStarting = starting;
    const services = await starting;
    say(
      `services: Redis ${services.redisUrl}, Hardhat ${services.rpcUrl}, Temporal ${services.temporalAddress} (SQLite ${workDir}/temporal.db)`,
    );

    // No response cache: the bench reads nonces right after its own transactions.
    const provider = new JsonRpcProvider(services.rpcUrl, 31337, {
      staticNetwork: true,
      pollingInterval: 200,
      cacheTimeout: -1,
    });
    closers.push(() => provider.destroy());
    const redis = new Redis(services.redisUrl);
    closers.push(() => redis.disconnect());
    const connection = await Connection.connect({ address: services.temporalAddress });
    closers.push(() => connection.close());
    const client = new Client({ connection, namespace: services.namespace });

    const owner = hardhatDevWallet(10).connect(provider);
    const deployer = localWallet('deployer').connect(provider);
    const recipient = hardhatDevWallet(11).address;
    const feed = services.deployment.priceFeeds.ethereum;
    const settings = workerSettings(services);
    const config = loadConfig(settings);
    const automations = new AutomationClient({
      client,
      taskQueue: config.TEMPORAL_TASK_QUEUE,
      chainId: config.CHAIN_ID,
      registry: config.WORKFLOW_REGISTRY_ADDRESS,
      timings: automationTimings(config),
    });
    const groups = { temporal: services.temporal.pid, redis: services.redis.pid, chain: services.chain.pid };

    await setFeedPrice(deployer, feed, PRICE_USD);
    // Escrow for the reaction automations: each sends 1 wei and pays its gas fee from here.
    await (
      await ownerContracts(services.deployment, owner).escrow.getFunction('deposit')({ value: parseEther('10') })
    ).wait();

    const levelIds: string[] = [];
    const create = async (count: number) => {
      const createStarted = Date.now();
      const ids = await createPriceWorkflows(
        owner,
        provider,
        services.deployment,
        levelSpecs(levelIds.length, count, recipient),
      );
      levelIds.push(...ids);
      return (Date.now() - createStarted) / 1000;
    };

    // Iteration cost first, while nothing else runs on the server: the bare loop against real automations.
    let firstCreateSeconds = await create(LEVELS[0]);
    say(`created ${LEVELS[0]} price workflows on-chain in ${firstCreateSeconds.toFixed(1)} s`);
    say('');
    say(
      `Check iteration vs bare loop (${ITERATION_LOOPS} loops, 1 s timer, 12 s windows, 2 rounds each, one worker process):`,
    );
    await registerNamespace(projectRoot, services.temporalAddress, ITERATION_NAMESPACE);
    const iterationClient = new Client({ connection, namespace: ITERATION_NAMESPACE });
    const iteration: IterationCost = await measureIterationCost({
      projectRoot,
      settings: { ...settings, TEMPORAL_NAMESPACE: ITERATION_NAMESPACE, TEMPORAL_TASK_QUEUE: ITERATION_NAMESPACE },
      logFile: path.join(workDir, 'iteration-worker.log'),
      started,
      client: iterationClient,
      registryIds: levelIds.slice(0, ITERATION_LOOPS),
      timerMs: 1_000,
      windowMs: 12_000,
      rounds: 2,
      groups,
      say,
    });
    const { bare, check } = iteration.perIteration;
    const iterationRatio = check.total / bare.total;
    const engineRatio = (check.worker + check.temporal) / (bare.worker + bare.temporal);
    say(
      `  per iteration: bare ${bare.total.toFixed(2)} ms CPU (worker ${bare.worker.toFixed(2)}, temporal ${bare.temporal.toFixed(2)}), ` +
        `automation ${check.total.toFixed(2)} ms (worker ${check.worker.toFixed(2)}, temporal ${check.temporal.toFixed(2)}, ` +
        `redis ${check.redis.toFixed(2)}, chain ${check.chain.toFixed(2)})`,
    );
    say(
      `  automation vs bare: ${iterationRatio.toFixed(2)}× all processes, ${engineRatio.toFixed(2)}× worker + Temporal server`,
    );

    say('');
    const worker: EngineWorker = await startEngineWorker(
      projectRoot,
      settings,
      path.join(workDir, 'worker.log'),
      started,
      {
        keepChecksMatching: `vs target $${REACTION_TARGET_USD.toFixed(2)}`,
      },
    );
    say(
      `engine worker polling (PRICE_CHECK_INTERVAL ${CHECK_INTERVAL_S} s, PRICE_WATCH_INTERVAL 1 s, PRICE_LOCAL_TTL 1 s, PRICE_CACHE_TTL 1 s)`,
    );

    const levels: LevelResult[] = [];
    let maxWatching = 0;
    let heldBefore = 0; // level automations started for the levels before
    let reactionCount = 0;
    let stoppedBy: string | undefined;

    for (const level of LEVELS) {
      if (Date.now() - runStarted > LEVEL_START_BUDGET_MS) {
        stoppedBy = `time budget: level ${level} not started after ${Math.round((Date.now() - runStarted) / 60_000)} min`;
        say(`\n${stoppedBy}`);
        break;
      }
      say('');
      const added = level - levelIds.length;
      const createSeconds = added > 0 ? await create(added) : firstCreateSeconds;
      firstCreateSeconds = 0;
      const newIds = levelIds.slice(heldBefore);
      const newCount = newIds.length;
      heldBefore = level;
      // Started as the API starts an automation after its create transaction. The registry sync would start
      // them too, but one at a time within one activity, which a burst of thousands outlasts (see README).
      const startBegan = Date.now();
      await mapLimit(newIds, 16, (registryId) => automations.start(registryId));
      say(
        `level ${level}: ${newCount} created on-chain in ${createSeconds.toFixed(1)} s, ` +
          `automations started in ${((Date.now() - startBegan) / 1000).toFixed(1)} s`,
      );

      const readyBound = READY_BASE_MS + READY_MS_PER_NEW * newCount;
      const cpuAtStart = sampleGroups({ worker: worker.process.pid, ...groups });
      const machineAtStart = machineCpu();
      let watching = 0;
      let nextProgress = Date.now() + 30_000;
      const ready = await waitFor(
        async () => {
          watching = await countWatching(client);
          maxWatching = Math.max(maxWatching, watching);
          if (Date.now() > nextProgress) {
            nextProgress += 30_000;
            say(
              `  ${watching} watching ${Math.round((Date.now() - startBegan) / 1000)} s after the first start (load ${loadAverages()})`,
            );
          }
          return watching >= level;
        },
        readyBound,
        2_000,
        worker.exited,
      );
      const readySeconds = (Date.now() - startBegan) / 1000;
      const startupCpu = cpuPercent(
        cpuAtStart,
        sampleGroups({ worker: worker.process.pid, ...groups }),
        Date.now() - startBegan,
      );
      const startupMachine = machineBusyPercent(machineAtStart, machineCpu());
      const cpuLine = (pct: Record<string, number>) =>
        Object.entries(pct)
          .map(([name, value]) => `${name} ${value}`)
          .join(', ');
      const result: LevelResult = {
        workflows: level,
        createSeconds,
        readySeconds,
        held: watching,
        checksPerSecond: 0,
        cpuPct: {},
        load: loadAverages(),
        dbMiB: 0,
        workerRssMiB: groupRssMiB(worker.process.pid),
      };
      levels.push(result);
      if (!ready) {
        result.gave = worker.exited()
          ? 'the worker exited'
          : `${watching} of ${level} watching ${Math.round(readyBound / 1000)} s after the first start`;
        result.cpuPct = startupCpu;
        result.machine = startupMachine;
        say(
          `  gave: ${result.gave}; CPU % of a core while starting: ${cpuLine(startupCpu)}; ` +
            `machine ${startupMachine.busy}% busy (steal ${startupMachine.steal}%); load ${loadAverages()}`,
        );
        if (!worker.exited()) {
          // How late the checks of the automations already watching ran meanwhile.
          result.lag = await measureCheckLag(
            client,
            levelIds.map((id) => automations.workflowId(id)),
            startBegan,
            Date.now() - 2_000,
          );
          say(
            `  check lag while starting: check done ${fmt(result.lag.done)}; ` +
              `${result.lag.troubledPct.toFixed(1)}% with a timed-out, failed or rerouted task`,
          );
        }
        break;
      }
      say(
        `  all ${level} watching ${readySeconds.toFixed(1)} s after the first start; CPU % of a core meanwhile: ${cpuLine(startupCpu)}; ` +
          `machine ${startupMachine.busy}% busy`,
      );

      // Steady state: the checks of every automation on their timers, nothing else asked of the engine.
      const checksBefore = worker.checkLines();
      const cpuBefore = sampleGroups({ worker: worker.process.pid, ...groups });
      const machineBefore = machineCpu();
      const benchBefore = process.cpuUsage();
      const windowStart = Date.now();
      await sleep(LAG_WINDOW_MS);
      const windowEnd = Date.now();
      result.cpuPct = cpuPercent(
        cpuBefore,
        sampleGroups({ worker: worker.process.pid, ...groups }),
        windowEnd - windowStart,
      );
      const benchUsage = process.cpuUsage(benchBefore);
      result.cpuPct.bench = Math.round((benchUsage.user + benchUsage.system) / 10 / (windowEnd - windowStart));
      result.machine = machineBusyPercent(machineBefore, machineCpu());
      result.checksPerSecond = ((worker.checkLines() - checksBefore) * 1000) / (windowEnd - windowStart);
      result.load = loadAverages();
      result.held = await countWatching(client);
      result.workerRssMiB = groupRssMiB(worker.process.pid);
      maxWatching = Math.max(maxWatching, result.held);
      result.dbMiB =
        ['', '-wal']
          .map((suffix) => {
            try {
              return statSync(path.join(workDir, `temporal.db${suffix}`)).size;
            } catch {
              return 0;
            }
          })
          .reduce((sum, size) => sum + size, 0) /
        2 ** 20;
      if (worker.exited()) {
        result.gave = 'the worker exited';
        say(`  gave: ${result.gave}`);
        break;
      }
      result.lag = await measureCheckLag(
        client,
        levelIds.map((id) => automations.workflowId(id)),
        windowStart,
        windowEnd - 2_000,
      );
      say(
        `  check lag over ${LAG_WINDOW_MS / 1000} s (${result.lag.histories} histories): check done ${fmt(result.lag.done)}; ` +
          `task started ${fmt(result.lag.start)}; ${result.lag.troubledPct.toFixed(1)}% with a timed-out, failed or rerouted task`,
      );
      say(
        `  checks ${result.checksPerSecond.toFixed(1)}/s (due ${(level / CHECK_INTERVAL_S).toFixed(1)}/s); CPU % of a core: ` +
          `${cpuLine(result.cpuPct)}; machine ${result.machine.busy}% busy of ${os.cpus().length} cores (steal ${result.machine.steal}%); ` +
          `load ${result.load}; SQLite ${result.dbMiB.toFixed(0)} MiB; worker RSS ${result.workerRssMiB.toFixed(0)} MiB`,
      );

      // Reaction: a small set whose threshold the bench's next price crosses.
      try {
        result.reaction = await measureReaction({
          owner,
          deployer,
          provider,
          deployment: services.deployment,
          automations,
          worker,
          redis,
          redisUrl: services.redisUrl,
          namespace: services.namespace,
          recipient,
          count: REACTION_WORKFLOWS,
          targetUsd: REACTION_TARGET_USD,
          crossingUsd: CROSSING_PRICE_USD,
          restoreUsd: PRICE_USD,
        });
      } catch (error) {
        result.gave = error instanceof Error ? error.message : String(error);
        say(`  gave: ${result.gave}`);
        break;
      }
      reactionCount += REACTION_WORKFLOWS;
      const reaction = result.reaction;
      say(
        `  reaction (${reaction.sent} of ${reaction.expected} sent): watcher took the crossed thresholds → execute tx broadcast ` +
          `${fmt(reaction.fromObservation)}; feed tx mined → broadcast ${fmt(reaction.fromFeed)} (watcher saw the price after ` +
          `${reaction.detectionMs === undefined ? '?' : Math.round(reaction.detectionMs)} ms); from the log lines ${fmt(reaction.fromLogLines)}`,
      );
      say(
        `  after the watcher took them: woken checks done ${fmt(reaction.stages.checked)}; execute activity read its journal ` +
          `${fmt(reaction.stages.executeStarted)}; transaction signed and journaled ${fmt(reaction.stages.journaled)}; ` +
          `broadcast alone ${fmt(reaction.broadcast)}`,
      );

      if (reaction.sent < reaction.expected) {
        result.gave = `only ${reaction.sent} of ${reaction.expected} execute transactions were sent within 60 s`;
      } else if (result.lag.done.p99 > CHECK_INTERVAL_S * 1000) {
        result.gave = `check lag p99 ${Math.round(result.lag.done.p99)} ms is beyond the ${CHECK_INTERVAL_S} s check interval`;
      }
      if (result.gave) {
        say(`  gave: ${result.gave}`);
        break;
      }
    }

    const held = levels.filter((level) => !level.gave);
    const largest = held[held.length - 1];
    const gave = levels.find((level) => level.gave);
    say('');
    say(
      `held up to ${largest?.workflows ?? 0} price automations` +
        (gave
          ? `; gave at ${gave.workflows}: ${gave.gave}`
          : stoppedBy
            ? `; stopped: ${stoppedBy}`
            : '; nothing gave') +
        `; ${reactionCount} reaction automations on top; worker warnings/errors logged: ${worker.problems.length}`,
    );
    for (const problem of worker.problems.slice(0, 5))
      say(`  ${problem.level}: ${problem.message} ${JSON.stringify(problem.fields).slice(0, 240)}`);
    say(`load averages at the end: ${loadAverages()}; run took ${((Date.now() - runStarted) / 60_000).toFixed(1)} min`);
    say('');
    say(
      JSON.stringify({
        workflows: largest?.workflows ?? 0,
        lag_p99_ms: rounded(largest?.lag?.done.p99 ?? Number.NaN),
        reaction_p99_ms: rounded(largest?.reaction?.fromObservation.p99 ?? Number.NaN),
        max_workflows_held: maxWatching,
        iteration_vs_bare: rounded(iterationRatio, 2),
        lag_p50_ms: rounded(largest?.lag?.done.p50 ?? Number.NaN),
        reaction_p50_ms: rounded(largest?.reaction?.fromObservation.p50 ?? Number.NaN),
        reaction_from_feed_p99_ms: rounded(largest?.reaction?.fromFeed.p99 ?? Number.NaN),
        iteration_vs_bare_worker_and_server: rounded(engineRatio, 2),
        bare_iteration_cpu_ms: rounded(bare.total, 3),
        check_iteration_cpu_ms: rounded(check.total, 3),
        gave_at: gave?.workflows ?? null,
        gave_reason: gave?.gave ?? stoppedBy ?? null,
        check_interval_s: CHECK_INTERVAL_S,
        levels: levels.map((level) => ({
          workflows: level.workflows,
          held: level.held,
          ready_s: rounded(level.readySeconds, 1),
          lag_p50_ms: rounded(level.lag?.done.p50 ?? Number.NaN),
          lag_p99_ms: rounded(level.lag?.done.p99 ?? Number.NaN),
          troubled_task_pct: rounded(level.lag?.troubledPct ?? Number.NaN, 1),
          reaction_p50_ms: rounded(level.reaction?.fromObservation.p50 ?? Number.NaN),
          reaction_p99_ms: rounded(level.reaction?.fromObservation.p99 ?? Number.NaN),
          checks_per_s: rounded(level.checksPerSecond, 1),
          cpu_pct: level.cpuPct,
          machine_busy_pct: level.machine?.busy ?? null,
          worker_rss_mib: rounded(level.workerRssMiB, 0),
          load: level.load,
          gave: level.gave ?? null,
        })),
      }),
    );
    succeeded = true;
  } finally {
    await stopAll();
    // BENCH_KEEP_LOGS=1 keeps the logs and the SQLite file of a run that went well too.
    if (succeeded && !process.env.BENCH_KEEP_LOGS) rmSync(workDir, { recursive: true, force: true });
    else process.stderr.write(`bench:engine: logs kept in ${workDir}\n`);
  }
}

main().catch((error) => {
  process.stderr.write(
    `bench:engine failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exit(1);
});
