import Redis from 'ioredis';

import type { Logger } from '../logging';
import { parseStoredPrice, serializeStoredPrice, type StoredPrice } from './stored-price';

/** Options of {@link createPriceRedisClient}. */
export interface PriceRedisClientOptions {
  /** A command without an answer within this many milliseconds fails. @default 250 */
  commandTimeoutMs?: number;
  /** @default 1000 */
  connectTimeoutMs?: number;
}

/**
 * Creates the ioredis client the price tiers need: commands fail at once while disconnected (no offline
 * queue, no retries per request) and after `commandTimeoutMs` when Redis hangs, so a down Redis costs a
 * lookup almost nothing; the client keeps reconnecting in the background, every 100 ms to 2 s.
 */
export function createPriceRedisClient(url: string, options: PriceRedisClientOptions = {}): Redis {
  return new Redis(url, {
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    commandTimeout: options.commandTimeoutMs ?? 250,
    connectTimeout: options.connectTimeoutMs ?? 1_000,
    retryStrategy: (attempt) => Math.min(attempt * 100, 2_000),
  });
}

const STARTING = new Set(['wait', 'connecting', 'connect']);
const MISS = { status: 'miss' } as const;

/** The outcome of a Redis tier read. */
export type RedisTierRead =
  { status: 'hit'; stored: StoredPrice } | { status: 'miss' } | { status: 'down'; reason: string };

/** Options of {@link RedisPriceTier}. */
export interface RedisPriceTierOptions {
  logger: Logger;
  /** TTL of `price:<token>`, in milliseconds (PRICE_CACHE_TTL). */
  cacheTtlMs: number;
  /** TTL of `price:last:<token>`, the last good value for stale answers, in milliseconds (PRICE_MAX_STALE_AGE). */
  lastGoodTtlMs: number;
  /** How long lookups wait for the client's first connection before going on without Redis. @default 500 */
  firstConnectionWaitMs?: number;
}

/**
 * The tier shared by every process: `price:<token>` holds the fresh value for PRICE_CACHE_TTL, and
 * `price:last:<token>` the last good one for PRICE_MAX_STALE_AGE, both as JSON {@link StoredPrice}.
 *
 * No read or write ever throws: a down Redis reads as `down` and writes are dropped. The tier logs once
 * when Redis becomes unavailable and once when it is back, not once per lookup.
 */
export class RedisPriceTier {
  private available: boolean | undefined;

  private firstConnection: Promise<void> | undefined;

  constructor(
    private readonly client: Redis,
    private readonly options: RedisPriceTierOptions,
  ) {
    client.on('ready', () => this.markAvailable());
    // Without a listener ioredis reports every failed reconnection as an unhandled error event.
    client.on('error', (error: Error) => this.markUnavailable(error.message));
    if (STARTING.has(client.status)) {
      // A process's first lookups come right after start: they wait for the first connection, briefly,
      // rather than skip a Redis that is about to answer.
      this.firstConnection = new Promise<void>((resolve) => {
        const timer = setTimeout(done, options.firstConnectionWaitMs ?? 500);
        function done() {
          clearTimeout(timer);
          client.off('ready', done);
          client.off('error', done);
          resolve();
        }
        client.once('ready', done);
        client.once('error', done);
      }).then(() => {
        this.firstConnection = undefined;
      });
    }
  }

  /** Reads the fresh value of `token`. */
  getFresh(token: string): Promise<RedisTierRead> {
    return this.read(`price:${token}`);
  }

  /** Reads the last good value of `token`, kept longer than the fresh one for stale answers. */
  getLastGood(token: string): Promise<RedisTierRead> {
    return this.read(`price:last:${token}`);
  }

  /** Writes `stored` as both the fresh and the last good value of `token`; a failure is logged once and dropped. */
  async store(token: string, stored: StoredPrice): Promise<void> {
    if (this.firstConnection) await this.firstConnection;
    if (this.client.status !== 'ready') {
      this.notReady();
      return;
    }
    const value = serializeStoredPrice(stored);
    try {
      await this.client
        .multi()
        .set(`price:${token}`, value, 'PX', this.options.cacheTtlMs)
        .set(`price:last:${token}`, value, 'PX', this.options.lastGoodTtlMs)
        .exec();
      this.markAvailable();
    } catch (error) {
      this.markUnavailable(error instanceof Error ? error.message : String(error));
    }
  }

  // Plain promise chains rather than async functions: this is the Redis tier's hit path, and each
  // async layer costs a measurable share of a loopback GET (see bench/prices.ts).
  private read(key: string): Promise<RedisTierRead> {
    if (this.firstConnection) return this.firstConnection.then(() => this.readNow(key));
    return this.readNow(key);
  }

  private readNow(key: string): Promise<RedisTierRead> {
    // Checked first so a disconnected client costs no command and no error object.
    if (this.client.status !== 'ready') return Promise.resolve({ status: 'down', reason: this.notReady() });
    return this.client.get(key).then(
      (text): RedisTierRead => {
        if (this.available !== true) this.markAvailable();
        if (text === null) return MISS;
        const stored = parseStoredPrice(text);
        return stored === undefined ? MISS : { status: 'hit', stored };
      },
      (error: unknown): RedisTierRead => {
        const reason = error instanceof Error ? error.message : String(error);
        this.markUnavailable(reason);
        return { status: 'down', reason };
      },
    );
  }

  private notReady(): string {
    const reason = `connection ${this.client.status}`;
    // While the first connection is being made it is not a degradation yet; its failure arrives as an error event.
    if (this.available !== undefined || !STARTING.has(this.client.status)) this.markUnavailable(reason);
    return reason;
  }

  private markAvailable() {
    if (this.available === false) this.options.logger.info('Price cache in Redis is available again');
    this.available = true;
  }

  private markUnavailable(reason: string) {
    if (this.available !== false) {
      this.options.logger.warn('Price cache in Redis is unavailable; lookups go on without it', { reason });
    }
    this.available = false;
  }
}
