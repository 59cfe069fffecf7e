import { PriceComparator } from './codes';

/** The upstreams a price can come from, as the earlier system labelled them. */
export type PriceOrigin = 'coingecko-direct' | 'chainlink-feed';

/** The tier that answered a lookup: one of the two caches, or an upstream asked just now. */
export type PriceSource = 'local-cache' | 'backend-redis' | PriceOrigin;

/** A USD price with where it came from and how old it is. */
export interface PriceQuote {
  /** Asset id, e.g. `ethereum`. */
  token: string;
  priceUsd: number;
  /** The tier that answered this lookup. */
  source: PriceSource;
  /** The upstream that produced the value, whichever tier served it. */
  origin: PriceOrigin;
  /** Milliseconds since the epoch when the upstream observed the value: CoinGecko's fetch time, a feed's `updatedAt`. */
  observedAt: number;
  /**
   * Milliseconds since the epoch when an upstream last vouched for the value: the CoinGecko fetch or the
   * feed read. Equals `observedAt` for CoinGecko; later for a feed that has not needed a new round.
   */
  checkedAt: number;
  /** Milliseconds between `observedAt` and the lookup. */
  ageMs: number;
  /** True when no upstream could confirm the value now and the last good one was served instead. */
  stale: boolean;
}

/** Why an upstream value is not a price. */
export type PriceValueProblem = 'missing' | 'not-a-number' | 'not-positive' | 'jump';

/** The verdict of {@link checkUpstreamPrice}. */
export type PriceValueCheck =
  { ok: true; priceUsd: number } | { ok: false; problem: PriceValueProblem; message: string };

/** Options of {@link checkUpstreamPrice}. */
export interface PriceValueCheckOptions {
  /** The last value accepted for the same token, when one is known. */
  lastGoodUsd?: number;
  /** Largest accepted move against `lastGoodUsd`, in percent of it. */
  maxJumpPct: number;
}

/**
 * Decides whether a value an upstream returned may be used as a USD price.
 *
 * Rejects a missing value, anything but a finite number (strings included), zero or below, and a move of
 * more than `maxJumpPct` percent against the last good value.
 *
 * NOTE: a real move beyond the bound is rejected too, until the last good value ages out of the stale
 * store (PRICE_MAX_STALE_AGE); set the bound wide enough for the assets' real volatility.
 */
export function checkUpstreamPrice(value: unknown, options: PriceValueCheckOptions): PriceValueCheck {
  if (value === undefined || value === null)
    return { ok: false, problem: 'missing', message: 'no usd value in the answer' };
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    return { ok: false, problem: 'not-a-number', message: `usd value ${describe(value)} is not a finite number` };
  }
  if (value <= 0) return { ok: false, problem: 'not-positive', message: `usd value ${value} is not above zero` };
  const last = options.lastGoodUsd;
  if (last !== undefined && last > 0) {
    const movePct = (Math.abs(value - last) / last) * 100;
    if (movePct > options.maxJumpPct) {
      return {
        ok: false,
        problem: 'jump',
        message: `usd value ${value} moved ${movePct.toFixed(1)}% from the last good ${last}, beyond the ${options.maxJumpPct}% bound`,
      };
    }
  }
  return { ok: true, priceUsd: value };
}

function describe(value: unknown): string {
  const text = typeof value === 'string' ? JSON.stringify(value) : String(value);
  return text.length > 40 ? `${text.slice(0, 40)}…` : text;
}

/** Formats a USD amount the way price log lines show it: two decimals, more below one dollar. */
export function formatUsd(amount: number): string {
  if (!Number.isFinite(amount)) return `$${amount}`;
  return amount !== 0 && Math.abs(amount) < 1 ? `$${amount.toPrecision(4)}` : `$${amount.toFixed(2)}`;
}

/** The words of a comparator code, as log lines and messages use them. */
export function comparatorWords(comparator: PriceComparator): 'at or below' | 'at or above' {
  return comparator === PriceComparator.AtOrBelow ? 'at or below' : 'at or above';
}

/** True when `priceUsd` satisfies the comparator against `targetUsd`; equality satisfies both. */
export function priceConditionMet(priceUsd: number, comparator: PriceComparator, targetUsd: number): boolean {
  return comparator === PriceComparator.AtOrBelow ? priceUsd <= targetUsd : priceUsd >= targetUsd;
}

/**
 * The line a trigger check logs, in the earlier system's words, e.g.
 * `Price check for ethereum: $3198.16 (from backend-redis) vs target $3200.00`. A stale quote says so.
 */
export function priceCheckLine(
  quote: Pick<PriceQuote, 'token' | 'priceUsd' | 'source' | 'stale'>,
  targetUsd: number,
): string {
  const from = quote.stale ? `from ${quote.source}, stale` : `from ${quote.source}`;
  return `Price check for ${quote.token}: ${formatUsd(quote.priceUsd)} (${from}) vs target ${formatUsd(targetUsd)}`;
}

/** The verdict of {@link quoteFreshForTrigger}. */
export type QuoteFreshness = { fresh: true } | { fresh: false; reason: string };

/**
 * Decides whether a quote is recent enough to fire a trigger: not stale, and vouched for by an upstream
 * at most `maxAgeMs` before `now`.
 *
 * The age counted is the time since an upstream last confirmed the value (`checkedAt`), not since the
 * value was first observed: a feed keeps its answer until the price moves past its deviation threshold
 * or its heartbeat, and that answer is current while the feed is within PRICE_FEED_MAX_AGE (which
 * marks it stale otherwise). For CoinGecko both times are the same.
 */
export function quoteFreshForTrigger(
  quote: Pick<PriceQuote, 'checkedAt' | 'stale'>,
  options: { now: number; maxAgeMs: number },
): QuoteFreshness {
  if (quote.stale) return { fresh: false, reason: 'the quote is stale: no upstream could confirm it' };
  const age = options.now - quote.checkedAt;
  if (age > options.maxAgeMs) {
    return {
      fresh: false,
      reason: `the quote was last confirmed ${age} ms ago, beyond the ${options.maxAgeMs} ms limit`,
    };
  }
  return { fresh: true };
}

/** A price trigger's condition: fire when the price is at or below / at or above the target. */
export interface PriceTriggerCondition {
  comparator: PriceComparator;
  targetUsd: number;
}

/** The outcome of {@link decidePriceTrigger}. */
export interface PriceTriggerDecision {
  /** True only when the condition is met on a fresh quote. */
  fire: boolean;
  conditionMet: boolean;
  fresh: boolean;
  /** One sentence saying why the trigger fires or not. */
  reason: string;
}

/**
 * Decides whether a price trigger fires on `quote`: the condition must hold and the quote must pass
 * {@link quoteFreshForTrigger}. A met condition on a stale or old quote does not fire.
 */
export function decidePriceTrigger(
  quote: Pick<PriceQuote, 'priceUsd' | 'checkedAt' | 'stale'>,
  condition: PriceTriggerCondition,
  options: { now: number; maxAgeMs: number },
): PriceTriggerDecision {
  const conditionMet = priceConditionMet(quote.priceUsd, condition.comparator, condition.targetUsd);
  const freshness = quoteFreshForTrigger(quote, options);
  const comparison = `${conditionMet ? '' : 'not '}${comparatorWords(condition.comparator)}`;
  const relation = `${formatUsd(quote.priceUsd)} is ${comparison} ${formatUsd(condition.targetUsd)}`;
  if (!freshness.fresh)
    return { fire: false, conditionMet, fresh: false, reason: `${relation}, but ${freshness.reason}` };
  return { fire: conditionMet, conditionMet, fresh: true, reason: relation };
}
