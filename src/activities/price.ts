import { log } from '@temporalio/activity';
import type { Client } from '@temporalio/client';
import type Redis from 'ioredis';

import type { PriceComparator } from '../domain/codes';
import type { PriceSource } from '../domain/price';
import type { PriceService } from '../prices';
import { wakeSignal } from '../workflows/definitions';

/** What the price activities need; built once by the worker. */
export interface PriceActivityDependencies {
  prices: PriceService;
  /** Holds the threshold index every worker shares. */
  redis: Redis;
  client: Client;
  /** Temporal namespace of the automations: the index holds workflow ids, which are unique only within one. */
  namespace: string;
}

/** Input of the checkPriceTrigger activity. */
export interface CheckPriceTriggerInput {
  token: string;
  comparator: PriceComparator;
  targetUsd: number;
}

/** A price check's outcome, JSON-safe for the workflow history. */
export interface CheckPriceTriggerResult {
  /** True only when the condition holds on a quote fresh enough to act on. */
  fire: boolean;
  conditionMet: boolean;
  fresh: boolean;
  reason: string;
  /** 0 when no tier could answer (`available` false). */
  priceUsd: number;
  source: PriceSource;
  /** Milliseconds since the epoch when an upstream last confirmed the price. */
  checkedAt: number;
  available: boolean;
}

/** Names a price threshold in the shared index. */
export interface PriceThresholdInput {
  token: string;
  comparator: PriceComparator;
  workflowId: string;
}

/** Result of one watcher scan. */
export interface ScanPriceCrossingsResult {
  priceUsd?: number;
  woken: number;
}

/** The sorted set of armed thresholds of one namespace, token and comparator; scores are target prices in USD. */
export function thresholdKey(namespace: string, token: string, comparator: PriceComparator): string {
  return `autometa:thresholds:${namespace}:${token}:${comparator}`;
}

/** Creates the price check and threshold index activities. */
export function createPriceActivities(deps: PriceActivityDependencies) {
  return {
    /**
     * Checks a price trigger through the price tiers. Never throws for a missing price: a check that
     * no tier can answer reports `available: false`, and the automation tries again on its next check.
     */
    async checkPriceTrigger(input: CheckPriceTriggerInput): Promise<CheckPriceTriggerResult> {
      try {
        const check = await deps.prices.checkPriceTrigger(input);
        return {
          fire: check.fire,
          conditionMet: check.conditionMet,
          fresh: check.fresh,
          reason: check.reason,
          priceUsd: check.quote.priceUsd,
          source: check.quote.source,
          checkedAt: check.quote.checkedAt,
          available: true,
        };
      } catch (error) {
        const reason = error instanceof Error ? error.message : String(error);
        return {
          fire: false,
          conditionMet: false,
          fresh: false,
          reason,
          priceUsd: 0,
          source: 'local-cache',
          checkedAt: 0,
          available: false,
        };
      }
    },

    /** Adds an automation to the threshold index, so the watcher wakes it on a crossing. Idempotent. */
    async armPriceThreshold(input: PriceThresholdInput & { targetUsd: number }): Promise<void> {
      await deps.redis.zadd(
        thresholdKey(deps.namespace, input.token, input.comparator),
        input.targetUsd,
        input.workflowId,
      );
    },

    /** Removes an automation from the threshold index. Idempotent. */
    async disarmPriceThreshold(input: PriceThresholdInput): Promise<void> {
      await deps.redis.zrem(thresholdKey(deps.namespace, input.token, input.comparator), input.workflowId);
    },

    /**
     * Looks up `token` once and wakes every automation whose threshold the price meets: at or below
     * wakes targets at or above the price, at or above wakes targets at or below it. Woken entries leave
     * the index (each automation re-arms itself if its check does not fire), so a price that stays
     * past a threshold does not wake the same automation on every scan.
     */
    async scanPriceCrossings(input: { token: string }): Promise<ScanPriceCrossingsResult> {
      let priceUsd: number;
      try {
        const quote = await deps.prices.getPrice(input.token);
        if (quote.stale) return { priceUsd: quote.priceUsd, woken: 0 };
        priceUsd = quote.priceUsd;
      } catch (error) {
        log.warn('Price watcher could not get a price', { token: input.token, error });
        return { woken: 0 };
      }
      const crossed = await Promise.all([
        takeRange(deps.redis, thresholdKey(deps.namespace, input.token, 0), String(priceUsd), '+inf'),
        takeRange(deps.redis, thresholdKey(deps.namespace, input.token, 1), '-inf', String(priceUsd)),
      ]);
      const workflowIds = crossed.flat();
      // In slices, so thousands of crossings do not open thousands of calls at once.
      for (let first = 0; first < workflowIds.length; first += SIGNAL_SLICE) {
        await Promise.all(
          workflowIds.slice(first, first + SIGNAL_SLICE).map((workflowId) =>
            deps.client.workflow
              .getHandle(workflowId)
              .signal(wakeSignal)
              .catch((error) => log.debug('Wake-up not delivered', { workflowId, error: String(error) })),
          ),
        );
      }
      if (workflowIds.length > 0)
        log.info('Price crossed thresholds', { token: input.token, priceUsd, woken: workflowIds.length });
      return { priceUsd, woken: workflowIds.length };
    },
  };
}

const SIGNAL_SLICE = 200;

// Reads and removes one score range in a single step, so two watchers never wake the same entry twice.
const TAKE_RANGE_SCRIPT = `
local members = redis.call('zrangebyscore', KEYS[1], ARGV[1], ARGV[2])
for first = 1, #members, 1000 do
  redis.call('zrem', KEYS[1], unpack(members, first, math.min(first + 999, #members)))
end
return members`;

async function takeRange(redis: Redis, key: string, min: string, max: string): Promise<string[]> {
  return (await redis.eval(TAKE_RANGE_SCRIPT, 1, key, min, max)) as string[];
}
