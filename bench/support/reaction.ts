import type { BaseWallet, JsonRpcProvider } from 'ethers';
import type Redis from 'ioredis';

import { thresholdKey } from '../../src/activities/price';
import { executionKey } from '../../src/chain/contracts';
import type { Deployment } from '../../src/chain/deploy';
import type { AutomationStatus } from '../../src/domain/automation';
import { PriceComparator } from '../../src/domain/codes';
import type { AutomationClient } from '../../src/temporal/automation-client';
import { statusQuery } from '../../src/workflows/definitions';
import { createPriceWorkflows, setFeedPrice } from './chain-load';
import type { EngineWorker } from './engine-worker';
import { startRedisMonitor, type MonitoredCommand } from './redis-monitor';
import { mapLimit, percentiles, sleep, type Percentiles } from './stats';

/** Options of {@link measureReaction}. */
export interface ReactionOptions {
  owner: BaseWallet;
  /** Owner of the price feed. */
  deployer: BaseWallet;
  provider: JsonRpcProvider;
  deployment: Deployment;
  automations: AutomationClient;
  worker: EngineWorker;
  redis: Redis;
  redisUrl: string;
  namespace: string;
  recipient: string;
  /** Automations created for the measurement; each runs once. */
  count: number;
  /** Their at-or-below target, between the two prices. */
  targetUsd: number;
  /** The price set to cross their targets, and the one restored afterwards. */
  crossingUsd: number;
  restoreUsd: number;
}

/** What one reaction measurement found; every figure in ms. */
export interface ReactionResult {
  expected: number;
  /** Execute transactions the worker logged as sent within 60 s. */
  sent: number;
  /** Crossed thresholds taken by the watcher (its observation) → execute transaction broadcast. */
  fromObservation: Percentiles;
  /** Feed transaction mined → execute transaction broadcast. */
  fromFeed: Percentiles;
  /** Feed transaction mined → the watcher's observation. */
  detectionMs?: number;
  /** The same span as {@link fromObservation} read from the worker's log lines (held back by the SDK). */
  fromLogLines: Percentiles;
  /** Checkpoints after the observation: woken checks done, execute activity reading its journal, transaction journaled. */
  stages: { checked: Percentiles; executeStarted: Percentiles; journaled: Percentiles };
  /** Journal written → next nonce stored: the broadcast alone (Hardhat mines the block before answering). */
  broadcast: Percentiles;
}

/**
 * Measures how fast a crossing price becomes execute transactions: creates `count` price workflows
 * on-chain (at or below `targetUsd`, 1 wei each, run once; the owner's escrow must hold their fees),
 * starts their automations as the API does, waits until the watcher's index holds all of them, publishes
 * `crossingUsd` on the feed, and times each one until its execute transaction is broadcast. Waits for
 * them to complete, then restores `restoreUsd`.
 *
 * The times come from Redis' MONITOR clock: the watcher's script removes crossed entries from the
 * threshold index (the observation), the execute activity reads its journal key, writes the signed
 * transaction there, broadcasts it, and then stores the next nonce (sent). Log lines of the workflow
 * and activity loggers reach the process logger 100–200 ms late, so they serve only as a cross-check.
 *
 * NOTE: relies on TransactionSender's Redis layout (journal `autometa:tx:…:execute:<execution key>`,
 * then `autometa:next-nonce:…` after the broadcast); it throws when it can time no send that way.
 */
export async function measureReaction(options: ReactionOptions): Promise<ReactionResult> {
  const { automations, worker, deployment } = options;
  const specs = Array.from({ length: options.count }, () => ({
    targetUsd: options.targetUsd,
    recipient: options.recipient,
    amountWei: 1n,
    maxExecutions: 1,
  }));
  const ids = await createPriceWorkflows(options.owner, options.provider, deployment, specs);
  await mapLimit(ids, 16, (registryId) => automations.start(registryId));
  const indexKey = thresholdKey(options.namespace, 'ethereum', PriceComparator.AtOrBelow);
  const deadline = Date.now() + 120_000;
  for (;;) {
    const scores = await Promise.all(ids.map((id) => options.redis.zscore(indexKey, automations.workflowId(id))));
    if (scores.every((score) => score !== null)) break;
    if (worker.exited() || Date.now() > deadline)
      throw new Error(`the ${options.count} reaction automations were not all armed within 120 s`);
    await sleep(250);
  }

  const monitor = await startRedisMonitor(options.redisUrl);
  const sentBefore = worker.sent.length;
  const crossingsBefore = worker.crossings.length;
  const checksBefore = worker.keptChecks.length;
  const wanted = new Set(ids);
  const sentLines = () => worker.sent.slice(sentBefore).filter((line) => wanted.has(String(line.fields.registryId)));
  let feedAt: number;
  try {
    feedAt = await setFeedPrice(options.deployer, deployment.priceFeeds.ethereum, options.crossingUsd);
    const sentBy = Date.now() + 60_000;
    while (sentLines().length < ids.length && Date.now() < sentBy && !worker.exited()) await sleep(100);
    // MONITOR's stream may trail the worker's log; let it catch up before closing it.
    await sleep(2_000);
  } finally {
    await monitor.stop();
  }

  const commands = monitor.commands;
  const firstAfter = (at: number, match: (command: MonitoredCommand) => boolean) =>
    commands.find((command) => command.at >= at && match(command))?.at;
  // The watcher's script runs ZREM only when the price met some entries: its first one is the observation.
  const observedAt = firstAfter(feedAt - 50, (command) => command.command === 'zrem' && command.key === indexKey);
  const registry = deployment.workflowRegistry;
  const checkpoints = ids.map((id) => {
    // TransactionSender's journal key of the first execution, whatever prefix it puts before the name.
    const journalName = `:execute:${executionKey(deployment.chainId, registry, BigInt(id), 1)}`;
    const isJournal = (command: MonitoredCommand) =>
      command.key.startsWith('autometa:tx:') && command.key.endsWith(journalName);
    const read = firstAfter(feedAt, (command) => command.command === 'get' && isJournal(command));
    const journaled = firstAfter(feedAt, (command) => command.command === 'set' && isJournal(command));
    // Sends hold the nonce lock from journal to nonce, so the next nonce write after the journal is this one's.
    const sent =
      journaled === undefined
        ? undefined
        : firstAfter(
            journaled,
            (command) => command.command === 'set' && command.key.startsWith('autometa:next-nonce:'),
          );
    return { read, journaled, sent };
  });
  const since = (from: number | undefined, values: (number | undefined)[]) =>
    percentiles(from === undefined ? [] : values.flatMap((value) => (value === undefined ? [] : [value - from])));

  const sent = sentLines();
  const crossing = worker.crossings.slice(crossingsBefore).find((line) => line.at >= feedAt);
  const checks = worker.keptChecks.slice(checksBefore).filter((line) => line.at >= feedAt);

  // Let the executions and fee charges finish before the price goes back and the next level's transactions.
  const doneBy = Date.now() + 60_000;
  while (Date.now() < doneBy) {
    const states = await Promise.all(
      ids.map((id) =>
        automations
          .handle(id)
          .query(statusQuery)
          .then((status: AutomationStatus) => status.state)
          .catch(() => 'unknown'),
      ),
    );
    if (states.every((state) => state === 'completed')) break;
    await sleep(500);
  }
  await setFeedPrice(options.deployer, deployment.priceFeeds.ethereum, options.restoreUsd);

  const timed = checkpoints.filter((checkpoint) => checkpoint.sent !== undefined).length;
  if (sent.length > 0 && timed === 0) {
    throw new Error('no execute transaction could be timed in Redis: has the transaction journal key layout changed?');
  }
  return {
    expected: ids.length,
    sent: sent.length,
    fromObservation: since(
      observedAt,
      checkpoints.map((checkpoint) => checkpoint.sent),
    ),
    fromFeed: since(
      feedAt,
      checkpoints.map((checkpoint) => checkpoint.sent),
    ),
    detectionMs: observedAt === undefined ? undefined : observedAt - feedAt,
    fromLogLines: percentiles(crossing ? sent.map((line) => line.at - crossing.at) : []),
    stages: {
      checked: since(
        observedAt,
        checks.map((line) => line.at),
      ),
      executeStarted: since(
        observedAt,
        checkpoints.map((checkpoint) => checkpoint.read),
      ),
      journaled: since(
        observedAt,
        checkpoints.map((checkpoint) => checkpoint.journaled),
      ),
    },
    broadcast: percentiles(
      checkpoints.flatMap(({ journaled, sent: at }) =>
        journaled === undefined || at === undefined ? [] : [at - journaled],
      ),
    ),
  };
}
