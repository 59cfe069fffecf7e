import type { Config } from '../config';

/** An upstream PRICE_SOURCES can name. */
export type PriceUpstreamName = 'coingecko' | 'chainlink';

/** Everything the price service is tuned by; durations in milliseconds. */
export interface PriceSettings {
  /** In-process tier lifetime (PRICE_LOCAL_TTL). 0 turns the tier off. */
  localTtlMs: number;
  /** Lifetime of `price:<token>` in Redis (PRICE_CACHE_TTL). */
  cacheTtlMs: number;
  /** Oldest last good value served, marked stale, when no upstream answers (PRICE_MAX_STALE_AGE). */
  maxStaleAgeMs: number;
  /** Oldest quote a trigger acts on (PRICE_TRIGGER_MAX_AGE). */
  triggerMaxAgeMs: number;
  /** Largest accepted move of an upstream value against the last good one, in percent (PRICE_MAX_JUMP_PCT). */
  maxJumpPct: number;
  /** Oldest feed round accepted (PRICE_FEED_MAX_AGE). */
  feedMaxAgeMs: number;
  /** Upstreams asked, in order (PRICE_SOURCES). */
  sources: readonly PriceUpstreamName[];
  /** Chain feed address by asset id (PRICE_FEEDS). */
  feeds: Readonly<Record<string, string>>;
  /** COINGECKO_API_URL. */
  coingeckoApiUrl: string;
  /** COINGECKO_API_KEY. */
  coingeckoApiKey?: string;
  /** COINGECKO_TIMEOUT_MS. */
  coingeckoTimeoutMs: number;
  /** Window in which CoinGecko misses of several tokens are collected into one request. */
  coingeckoBatchWindowMs: number;
  /** First back-off after a 429 without Retry-After; doubles on each 429 in a row. */
  rateLimitBackoffMs: number;
  /** Ceiling of any back-off after a 429, Retry-After included. */
  rateLimitMaxBackoffMs: number;
  /** Timeout of one feed read on the chain. */
  feedTimeoutMs: number;
}

/** The defaults, equal to the settings' defaults in config.ts. */
export const DEFAULT_PRICE_SETTINGS: PriceSettings = {
  localTtlMs: 15_000,
  cacheTtlMs: 30_000,
  maxStaleAgeMs: 300_000,
  triggerMaxAgeMs: 60_000,
  maxJumpPct: 50,
  feedMaxAgeMs: 3_600_000,
  sources: ['coingecko', 'chainlink'],
  feeds: {},
  coingeckoApiUrl: 'https://api.coingecko.com/api/v3',
  coingeckoTimeoutMs: 5_000,
  coingeckoBatchWindowMs: 5,
  rateLimitBackoffMs: 30_000,
  rateLimitMaxBackoffMs: 900_000,
  feedTimeoutMs: 5_000,
};

/** Maps the validated process settings onto {@link PriceSettings}. */
export function priceSettingsFromConfig(config: Config): PriceSettings {
  return {
    ...DEFAULT_PRICE_SETTINGS,
    localTtlMs: config.PRICE_LOCAL_TTL * 1_000,
    cacheTtlMs: config.PRICE_CACHE_TTL * 1_000,
    maxStaleAgeMs: config.PRICE_MAX_STALE_AGE * 1_000,
    triggerMaxAgeMs: config.PRICE_TRIGGER_MAX_AGE * 1_000,
    maxJumpPct: config.PRICE_MAX_JUMP_PCT,
    feedMaxAgeMs: config.PRICE_FEED_MAX_AGE * 1_000,
    sources: config.PRICE_SOURCES,
    feeds: config.PRICE_FEEDS ?? {},
    coingeckoApiUrl: config.COINGECKO_API_URL,
    coingeckoApiKey: config.COINGECKO_API_KEY || undefined,
    coingeckoTimeoutMs: config.COINGECKO_TIMEOUT_MS,
  };
}
