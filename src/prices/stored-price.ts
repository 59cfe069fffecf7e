import type { PriceOrigin, PriceQuote, PriceSource } from '../domain/price';

/** A price as the caches keep it: the value and its provenance, without the per-lookup fields. */
export interface StoredPrice {
  priceUsd: number;
  origin: PriceOrigin;
  /** Milliseconds since the epoch when the upstream observed the value. */
  observedAt: number;
  /** Milliseconds since the epoch when an upstream last vouched for the value. */
  checkedAt: number;
}

const ORIGINS: readonly string[] = ['coingecko-direct', 'chainlink-feed'];

/** Builds the quote a lookup answers with from a stored price. */
export function toQuote(
  token: string,
  stored: StoredPrice,
  source: PriceSource,
  now: number,
  stale: boolean,
): PriceQuote {
  return {
    token,
    priceUsd: stored.priceUsd,
    source,
    origin: stored.origin,
    observedAt: stored.observedAt,
    checkedAt: stored.checkedAt,
    ageMs: Math.max(0, now - stored.observedAt),
    stale,
  };
}

/**
 * Reads a stored price back from its JSON form (the Redis value), or returns undefined when the text is
 * not one: another writer's format, a truncated value. Such entries count as a miss, never as a price.
 */
export function parseStoredPrice(text: string): StoredPrice | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null) return undefined;
  const { priceUsd, origin, observedAt, checkedAt } = value as Record<string, unknown>;
  if (typeof priceUsd !== 'number' || !Number.isFinite(priceUsd) || priceUsd <= 0) return undefined;
  if (typeof origin !== 'string' || !ORIGINS.includes(origin)) return undefined;
  if (typeof observedAt !== 'number' || !Number.isFinite(observedAt)) return undefined;
  // Entries written before `checkedAt` existed were confirmed when observed.
  const confirmed = typeof checkedAt === 'number' && Number.isFinite(checkedAt) ? checkedAt : observedAt;
  return { priceUsd, origin: origin as PriceOrigin, observedAt, checkedAt: confirmed };
}

/** The JSON form of a stored price, as the Redis tier writes it. */
export function serializeStoredPrice(stored: StoredPrice): string {
  return JSON.stringify({
    priceUsd: stored.priceUsd,
    origin: stored.origin,
    observedAt: stored.observedAt,
    checkedAt: stored.checkedAt,
  });
}
