import type { ContractRunner } from 'ethers';
import type Redis from 'ioredis';

import { findAsset, SUPPORTED_ASSETS, type Asset } from '../domain/assets';
import type { PriceComparator } from '../domain/codes';
import {
  checkUpstreamPrice,
  comparatorWords,
  decidePriceTrigger,
  priceCheckLine,
  type PriceOrigin,
  type PriceQuote,
  type PriceTriggerDecision,
} from '../domain/price';
import type { Logger } from '../logging';
import { ChainlinkPriceSource } from './chainlink-source';
import { CoinGeckoClient } from './coingecko-client';
import { describeDuration } from './duration';
import { PriceUnavailableError, UnknownAssetError, UpstreamPriceError, type PriceTierFailure } from './errors';
import { LocalPriceCache } from './local-cache';
import { createPriceRedisClient, RedisPriceTier, type RedisTierRead } from './redis-tier';
import { DEFAULT_PRICE_SETTINGS, type PriceSettings, type PriceUpstreamName } from './settings';
import { toQuote, type StoredPrice } from './stored-price';

/** Options of {@link createPriceService}. */
export interface CreatePriceServiceOptions {
  logger: Logger;
  /**
   * A Redis URL, for which the service makes its own client (and closes it in {@link PriceService.close}),
   * or a client the caller owns.
   *
   * NOTE: a client passed in should come from {@link createPriceRedisClient}; one with an offline queue
   * makes lookups wait for Redis while it is down instead of going on without it.
   */
  redis: Redis | string;
  /** Provider of the chain with the feeds; required when PRICE_SOURCES includes chainlink and PRICE_FEEDS is set. */
  provider?: ContractRunner;
  /** HTTP client for CoinGecko. @default globalThis.fetch */
  fetch?: typeof fetch;
  /** Settings; each one left out takes its default. See {@link priceSettingsFromConfig}. */
  settings?: Partial<PriceSettings>;
  /** The clock, in milliseconds since the epoch. @default Date.now */
  now?: () => number;
  /** @default SUPPORTED_ASSETS */
  assets?: readonly Asset[];
}

/** A supported asset and the upstreams that can price it, in the order they are asked. */
export interface PricedAsset extends Asset {
  sources: PriceOrigin[];
}

/** The outcome of one token in {@link PriceService.getPrices}. */
export type PriceLookupResult =
  { token: string; quote: PriceQuote } | { token: string; error: PriceUnavailableError | UnknownAssetError };

/** Input of {@link PriceService.checkPriceTrigger}. */
export interface PriceTriggerCheckInput {
  /** Asset id or symbol. */
  token: string;
  comparator: PriceComparator;
  targetUsd: number;
}

/** Result of {@link PriceService.checkPriceTrigger}: the quote, the decision and the logged line. */
export interface PriceTriggerCheckResult extends PriceTriggerDecision {
  quote: PriceQuote;
  line: string;
}

/** Counters of upstream traffic since the service was created. */
export interface PriceServiceStats {
  coingeckoRequests: number;
  feedReads: number;
}

const LABEL: Record<PriceUpstreamName, PriceOrigin> = { coingecko: 'coingecko-direct', chainlink: 'chainlink-feed' };

/**
 * Builds the price service a process uses for every lookup; the API and each worker build it once.
 *
 * @throws {Error} when PRICE_SOURCES includes chainlink with feeds configured but no `provider` is given.
 */
export function createPriceService(options: CreatePriceServiceOptions): PriceService {
  const settings: PriceSettings = { ...DEFAULT_PRICE_SETTINGS, ...options.settings };
  const ownsRedis = typeof options.redis === 'string';
  const redis = typeof options.redis === 'string' ? createPriceRedisClient(options.redis) : options.redis;
  const now = options.now ?? Date.now;
  const coingecko = settings.sources.includes('coingecko')
    ? new CoinGeckoClient({
        apiUrl: settings.coingeckoApiUrl,
        apiKey: settings.coingeckoApiKey,
        timeoutMs: settings.coingeckoTimeoutMs,
        batchWindowMs: settings.coingeckoBatchWindowMs,
        backoffMs: settings.rateLimitBackoffMs,
        maxBackoffMs: settings.rateLimitMaxBackoffMs,
        logger: options.logger,
        fetch: options.fetch,
        now,
      })
    : undefined;
  let chainlink: ChainlinkPriceSource | undefined;
  if (settings.sources.includes('chainlink') && Object.keys(settings.feeds).length > 0) {
    if (!options.provider) throw new Error('createPriceService needs a provider to read the PRICE_FEEDS feeds');
    chainlink = new ChainlinkPriceSource({
      provider: options.provider,
      feeds: settings.feeds,
      maxAgeMs: settings.feedMaxAgeMs,
      timeoutMs: settings.feedTimeoutMs,
      now,
    });
  }
  return new PriceService({
    settings,
    logger: options.logger,
    redis,
    ownsRedis,
    coingecko,
    chainlink,
    now,
    assets: options.assets ?? SUPPORTED_ASSETS,
  });
}

/** What {@link PriceService} is made of; {@link createPriceService} assembles it. */
export interface PriceServiceParts {
  settings: PriceSettings;
  logger: Logger;
  redis: Redis;
  ownsRedis: boolean;
  coingecko?: CoinGeckoClient;
  chainlink?: ChainlinkPriceSource;
  now: () => number;
  assets: readonly Asset[];
}

/**
 * Token prices through tiers: the in-process cache (PRICE_LOCAL_TTL), then Redis shared by every
 * process (PRICE_CACHE_TTL), then the upstreams in PRICE_SOURCES order. Concurrent lookups of one
 * token share one pass through the tiers, and CoinGecko misses of several tokens share one request.
 *
 * When every upstream fails, the last good value is served marked stale while it was confirmed within
 * PRICE_MAX_STALE_AGE; beyond that the lookup fails with {@link PriceUnavailableError}.
 */
export class PriceService {
  private readonly settings: PriceSettings;
  private readonly logger: Logger;
  private readonly now: () => number;
  private readonly local: LocalPriceCache;
  private readonly redisTier: RedisPriceTier;
  private readonly inFlight = new Map<string, Promise<PriceQuote>>();
  // Exact spellings first, so the hot path finds the usual id without lower-casing anything.
  private readonly assetIndex = new Map<string, Asset>();

  constructor(private readonly parts: PriceServiceParts) {
    this.settings = parts.settings;
    this.logger = parts.logger;
    this.now = parts.now;
    this.local = new LocalPriceCache({
      ttlMs: parts.settings.localTtlMs,
      maxConfirmedAgeMs: parts.settings.cacheTtlMs,
    });
    this.redisTier = new RedisPriceTier(parts.redis, {
      logger: parts.logger,
      cacheTtlMs: parts.settings.cacheTtlMs,
      lastGoodTtlMs: parts.settings.maxStaleAgeMs,
    });
    for (const asset of parts.assets) {
      this.assetIndex.set(asset.id, asset);
      this.assetIndex.set(asset.symbol, asset);
    }
  }

  /**
   * Resolves an asset id or symbol, ignoring case.
   *
   * @throws {UnknownAssetError} listing the supported ids.
   */
  resolveAsset(idOrSymbol: string): Asset {
    const asset = this.assetIndex.get(idOrSymbol) ?? findAsset(idOrSymbol, this.parts.assets);
    if (!asset)
      throw new UnknownAssetError(
        idOrSymbol,
        this.parts.assets.map((known) => known.id),
      );
    return asset;
  }

  /** The supported assets, each with the upstreams configured for it. */
  supportedAssets(): PricedAsset[] {
    return this.parts.assets.map((asset) => ({
      ...asset,
      sources: this.upstreamsFor(asset.id).map((name) => LABEL[name]),
    }));
  }

  /**
   * The fresh-in-process quote of a token, without waiting for anything, or undefined when the local
   * tier has none. Does not resolve symbols: pass the asset id.
   */
  peekLocal(token: string): PriceQuote | undefined {
    const now = this.now();
    const stored = this.local.fresh(token, now);
    return stored === undefined ? undefined : toQuote(token, stored, 'local-cache', now, false);
  }

  /**
   * The USD price of an asset (id or symbol, any case), from the first tier that has it.
   *
   * Safe to call any number of times concurrently: callers of one token share a single pass through
   * Redis and the upstreams.
   * @throws {UnknownAssetError} for an asset that is not supported.
   * @throws {PriceUnavailableError} when no tier can answer; its `failures` give each tier's reason.
   */
  getPrice(idOrSymbol: string): Promise<PriceQuote> {
    let asset: Asset;
    try {
      asset = this.resolveAsset(idOrSymbol);
    } catch (error) {
      return Promise.reject(error);
    }
    const token = asset.id;
    const now = this.now();
    const stored = this.local.fresh(token, now);
    if (stored !== undefined) return Promise.resolve(toQuote(token, stored, 'local-cache', now, false));
    let flight = this.inFlight.get(token);
    if (flight === undefined) {
      // Callbacks run on a later tick, after the flight is registered below; each path ends it itself,
      // since a shared `.finally` would put one more promise between every caller and its answer.
      flight = this.redisTier.getFresh(token).then((cached) => {
        if (cached.status !== 'hit') return this.lookUpstream(token, cached);
        this.inFlight.delete(token);
        const now = this.now();
        this.local.store(token, cached.stored, now);
        return toQuote(token, cached.stored, 'backend-redis', now, false);
      });
      this.inFlight.set(token, flight);
    }
    return flight;
  }

  /**
   * The prices of several assets at once; each result holds a quote or the error of that asset alone.
   * Tokens CoinGecko must answer share one request.
   */
  getPrices(idsOrSymbols: readonly string[]): Promise<PriceLookupResult[]> {
    return Promise.all(
      idsOrSymbols.map((token) =>
        this.getPrice(token).then(
          (quote): PriceLookupResult => ({ token: quote.token, quote }),
          (error: unknown): PriceLookupResult => {
            if (error instanceof PriceUnavailableError || error instanceof UnknownAssetError) return { token, error };
            throw error;
          },
        ),
      ),
    );
  }

  /**
   * Looks up the price for a price trigger, decides whether it fires, and logs the check line
   * (`Price check for ethereum: $3198.16 (from backend-redis) vs target $3200.00`).
   *
   * The trigger fires only when the condition holds on a quote that is not stale and was confirmed by
   * an upstream within PRICE_TRIGGER_MAX_AGE.
   * @throws {UnknownAssetError} for an asset that is not supported.
   * @throws {PriceUnavailableError} when no tier can answer.
   */
  async checkPriceTrigger(input: PriceTriggerCheckInput): Promise<PriceTriggerCheckResult> {
    let quote: PriceQuote;
    try {
      quote = await this.getPrice(input.token);
    } catch (error) {
      this.logger.warn('Price check failed', { token: input.token, targetUsd: input.targetUsd, error });
      throw error;
    }
    const decision = decidePriceTrigger(quote, input, { now: this.now(), maxAgeMs: this.settings.triggerMaxAgeMs });
    const line = priceCheckLine(quote, input.targetUsd);
    // The earlier system's operators search for this exact sentence, so the values stay in the message
    // as well as in the metadata.
    this.logger.info(line, {
      token: quote.token,
      priceUsd: quote.priceUsd,
      source: quote.source,
      origin: quote.origin,
      ageMs: quote.ageMs,
      stale: quote.stale,
      targetUsd: input.targetUsd,
      comparator: comparatorWords(input.comparator),
      fire: decision.fire,
    });
    return { ...decision, quote, line };
  }

  /** Counts of upstream requests made so far. */
  stats(): PriceServiceStats {
    return {
      coingeckoRequests: this.parts.coingecko?.requestCount ?? 0,
      feedReads: this.parts.chainlink?.readCount ?? 0,
    };
  }

  /** Fails lookups waiting for a CoinGecko batch and closes the Redis client if the service made it. */
  async close(): Promise<void> {
    this.parts.coingecko?.cancelPending();
    if (this.parts.ownsRedis) this.parts.redis.disconnect();
  }

  private upstreamsFor(token: string): PriceUpstreamName[] {
    return this.settings.sources.filter((name) => name === 'coingecko' || this.parts.chainlink?.hasFeed(token));
  }

  /** Asks the upstreams in order after a Redis miss, then falls back to the last good value. */
  private async lookUpstream(token: string, cached: Exclude<RedisTierRead, { status: 'hit' }>): Promise<PriceQuote> {
    try {
      return await this.askUpstreams(token, cached);
    } finally {
      this.inFlight.delete(token);
    }
  }

  private async askUpstreams(token: string, cached: Exclude<RedisTierRead, { status: 'hit' }>): Promise<PriceQuote> {
    const failures: PriceTierFailure[] = [
      { tier: 'backend-redis', reason: cached.status === 'down' ? `unavailable (${cached.reason})` : 'no fresh entry' },
    ];

    // Read once, in parallel with the first upstream: the jump check and the stale answer both need it.
    const lastGood = this.lastGood(token);
    for (const name of this.settings.sources) {
      try {
        const stored = await this.fromUpstream(name, token, lastGood);
        const now = this.now();
        this.local.store(token, stored, now);
        await this.redisTier.store(token, stored);
        return toQuote(token, stored, stored.origin, now, false);
      } catch (error) {
        const failure = upstreamFailure(name, error);
        this.logger.debug('Price upstream gave no price', {
          token,
          upstream: failure.tier,
          code: failure.code,
          reason: failure.reason,
        });
        failures.push(failure);
      }
    }

    const last = await lastGood;
    const now = this.now();
    const maxAge = describeDuration(this.settings.maxStaleAgeMs);
    if (last !== undefined) {
      const sinceConfirmed = now - last.stored.checkedAt;
      if (sinceConfirmed <= this.settings.maxStaleAgeMs) {
        this.logger.debug('Serving a stale price', { token, source: last.source, sinceConfirmedMs: sinceConfirmed });
        return toQuote(token, last.stored, last.source, now, true);
      }
      failures.push({
        tier: 'last-good',
        reason: `last confirmed ${describeDuration(sinceConfirmed)} ago, beyond PRICE_MAX_STALE_AGE ${maxAge}`,
      });
    } else {
      failures.push({ tier: 'last-good', reason: `none confirmed within PRICE_MAX_STALE_AGE ${maxAge}` });
    }
    throw new PriceUnavailableError(token, failures);
  }

  private async fromUpstream(
    name: PriceUpstreamName,
    token: string,
    lastGood: Promise<{ stored: StoredPrice } | undefined>,
  ): Promise<StoredPrice> {
    if (name === 'coingecko') {
      const { value, fetchedAt } = await this.parts.coingecko!.price(token);
      const priceUsd = this.checked('coingecko-direct', token, value, (await lastGood)?.stored);
      return { priceUsd, origin: 'coingecko-direct', observedAt: fetchedAt, checkedAt: fetchedAt };
    }
    if (!this.parts.chainlink)
      throw new UpstreamPriceError('chainlink-feed', 'no-feed', 'no feed configured in PRICE_FEEDS', { token });
    const { value, observedAt, checkedAt } = await this.parts.chainlink.read(token);
    const priceUsd = this.checked('chainlink-feed', token, value, (await lastGood)?.stored);
    return { priceUsd, origin: 'chainlink-feed', observedAt, checkedAt };
  }

  private checked(origin: PriceOrigin, token: string, value: unknown, lastGood: StoredPrice | undefined): number {
    // A value older than the stale limit is no reference: comparing against it would refuse a real move forever.
    const reference =
      lastGood !== undefined && this.now() - lastGood.checkedAt <= this.settings.maxStaleAgeMs ? lastGood : undefined;
    const verdict = checkUpstreamPrice(value, {
      lastGoodUsd: reference?.priceUsd,
      maxJumpPct: this.settings.maxJumpPct,
    });
    if (verdict.ok) return verdict.priceUsd;
    const code = verdict.problem === 'missing' || verdict.problem === 'not-a-number' ? 'malformed' : 'absurd';
    throw new UpstreamPriceError(origin, code, verdict.message, { token });
  }

  /** The most recently confirmed good value, from this process or from Redis; never throws. */
  private async lastGood(
    token: string,
  ): Promise<{ stored: StoredPrice; source: 'local-cache' | 'backend-redis' } | undefined> {
    const local = this.local.lastGood(token);
    const shared = await this.redisTier.getLastGood(token);
    if (shared.status === 'hit' && (local === undefined || shared.stored.checkedAt > local.checkedAt)) {
      return { stored: shared.stored, source: 'backend-redis' };
    }
    return local === undefined ? undefined : { stored: local, source: 'local-cache' };
  }
}

function upstreamFailure(name: PriceUpstreamName, error: unknown): PriceTierFailure {
  if (error instanceof UpstreamPriceError)
    return { tier: error.origin, reason: `${error.code}: ${error.message}`, code: error.code };
  return { tier: LABEL[name], reason: error instanceof Error ? error.message : String(error) };
}
