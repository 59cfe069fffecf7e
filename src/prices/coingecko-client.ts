import type { Logger } from '../logging';
import { UpstreamPriceError } from './errors';

/** Options of {@link CoinGeckoClient}. */
export interface CoinGeckoClientOptions {
  /** API base, e.g. `https://api.coingecko.com/api/v3` (COINGECKO_API_URL). */
  apiUrl: string;
  /**
   * Demo or pro key (COINGECKO_API_KEY), sent as `x-cg-pro-api-key` when the base is on
   * pro-api.coingecko.com and as `x-cg-demo-api-key` otherwise.
   */
  apiKey?: string;
  /** A request without a complete answer within this many milliseconds fails as `timeout` (COINGECKO_TIMEOUT_MS). */
  timeoutMs: number;
  /** How long ids requested one after another are collected into one request, in milliseconds. */
  batchWindowMs: number;
  /** Back-off after a 429 without a usable Retry-After, doubled on each further 429 in a row, in milliseconds. */
  backoffMs: number;
  /** Ceiling of any back-off, Retry-After included, in milliseconds. */
  maxBackoffMs: number;
  logger: Logger;
  /** @default globalThis.fetch */
  fetch?: typeof fetch;
  /** @default Date.now */
  now?: () => number;
}

/** The raw usd value CoinGecko gave for one id, unchecked, and when the answer arrived. */
export interface CoinGeckoObservation {
  /** `answer[id].usd` as received: possibly missing, a string or zero; the caller checks it. */
  value: unknown;
  /** Milliseconds since the epoch when the answer arrived. */
  fetchedAt: number;
}

interface Waiter {
  resolve(observation: CoinGeckoObservation): void;
  reject(error: unknown): void;
}

/**
 * Reads USD prices from CoinGecko's `GET /simple/price`.
 *
 * Ids asked for within `batchWindowMs` of each other share one request. After a 429 the client asks
 * nothing until the time Retry-After gives (seconds or an HTTP date), or a back-off that doubles with
 * each 429 in a row; meanwhile {@link price} fails at once with `backing-off`.
 */
export class CoinGeckoClient {
  private readonly fetch: typeof fetch;
  private readonly now: () => number;
  private readonly keyHeader: string | undefined;
  private pending = new Map<string, Waiter[]>();
  private timer: NodeJS.Timeout | undefined;
  private notBefore = 0;
  private rateLimitedInARow = 0;
  private requests = 0;

  constructor(private readonly options: CoinGeckoClientOptions) {
    this.fetch = options.fetch ?? globalThis.fetch;
    this.now = options.now ?? Date.now;
    if (options.apiKey) {
      this.keyHeader =
        new URL(options.apiUrl).hostname === 'pro-api.coingecko.com' ? 'x-cg-pro-api-key' : 'x-cg-demo-api-key';
    }
  }

  /** How many HTTP requests this client has sent. */
  get requestCount(): number {
    return this.requests;
  }

  /** Milliseconds since the epoch before which no request is sent, or undefined when not backing off. */
  get retryAt(): number | undefined {
    return this.notBefore > this.now() ? this.notBefore : undefined;
  }

  /**
   * The usd value of coin `id`, from a request shared with the other ids asked for in the same window.
   *
   * @throws {UpstreamPriceError} `backing-off` at once after a 429; `rate-limited`, `http-status`,
   * `timeout`, `network` or `malformed` when the shared request fails.
   */
  price(id: string): Promise<CoinGeckoObservation> {
    const retryAt = this.retryAt;
    if (retryAt !== undefined) {
      return Promise.reject(
        new UpstreamPriceError(
          'coingecko-direct',
          'backing-off',
          `rate limited; not asking before ${new Date(retryAt).toISOString()}`,
          {
            token: id,
            retryAt,
          },
        ),
      );
    }
    return new Promise((resolve, reject) => {
      const waiters = this.pending.get(id);
      if (waiters) waiters.push({ resolve, reject });
      else this.pending.set(id, [{ resolve, reject }]);
      this.timer ??= setTimeout(() => this.flush(), this.options.batchWindowMs);
    });
  }

  /**
   * Sends one request for `ids` and returns the answer's entries by id, unchecked.
   *
   * @throws {UpstreamPriceError} `rate-limited` (and starts backing off), `http-status`, `timeout`,
   * `network`, or `malformed` when the body is not a JSON object.
   */
  async fetchPrices(ids: readonly string[]): Promise<{ entries: Record<string, unknown>; fetchedAt: number }> {
    const base = this.options.apiUrl.replace(/\/+$/, '');
    const url = `${base}/simple/price?ids=${ids.map(encodeURIComponent).join(',')}&vs_currencies=usd`;
    const headers: Record<string, string> = { accept: 'application/json' };
    if (this.keyHeader) headers[this.keyHeader] = this.options.apiKey!;
    this.requests += 1;

    let status: number;
    let retryAfter: string | null;
    let text: string;
    try {
      // One signal covers the headers and the body, so a server that stalls mid-body times out too.
      const response = await this.fetch(url, { headers, signal: AbortSignal.timeout(this.options.timeoutMs) });
      status = response.status;
      retryAfter = response.headers.get('retry-after');
      text = await response.text();
    } catch (error) {
      throw transportError(error, this.options.timeoutMs);
    }

    if (status === 429) throw this.startBackingOff(retryAfter);
    if (status !== 200) {
      throw new UpstreamPriceError('coingecko-direct', 'http-status', `HTTP ${status} from /simple/price`, { status });
    }
    this.rateLimitedInARow = 0;

    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch (error) {
      throw new UpstreamPriceError('coingecko-direct', 'malformed', `the answer is not JSON: ${preview(text)}`, {
        cause: error,
      });
    }
    if (typeof body !== 'object' || body === null || Array.isArray(body)) {
      throw new UpstreamPriceError(
        'coingecko-direct',
        'malformed',
        `the answer is not a JSON object: ${preview(text)}`,
      );
    }
    return { entries: body as Record<string, unknown>, fetchedAt: this.now() };
  }

  /** Fails every lookup still waiting for a batch; later lookups still work. */
  cancelPending(reason = 'the price service is closing'): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    const waiters = this.pending;
    this.pending = new Map();
    const error = new UpstreamPriceError('coingecko-direct', 'network', reason);
    for (const list of waiters.values()) for (const waiter of list) waiter.reject(error);
  }

  private flush() {
    this.timer = undefined;
    const batch = this.pending;
    this.pending = new Map();
    this.fetchPrices([...batch.keys()]).then(
      ({ entries, fetchedAt }) => {
        for (const [id, waiters] of batch) {
          const entry = entries[id];
          const value =
            typeof entry === 'object' && entry !== null ? (entry as Record<string, unknown>).usd : undefined;
          for (const waiter of waiters) waiter.resolve({ value, fetchedAt });
        }
      },
      (error: unknown) => {
        for (const waiters of batch.values()) for (const waiter of waiters) waiter.reject(error);
      },
    );
  }

  private startBackingOff(retryAfter: string | null): UpstreamPriceError {
    const now = this.now();
    this.rateLimitedInARow += 1;
    const fallback = this.options.backoffMs * 2 ** Math.min(this.rateLimitedInARow - 1, 20);
    const delay = Math.min(parseRetryAfter(retryAfter, now) ?? fallback, this.options.maxBackoffMs);
    this.notBefore = now + delay;
    const retryAt = this.notBefore;
    this.options.logger.warn('CoinGecko rate limit reached; backing off', {
      retryAt: new Date(retryAt).toISOString(),
      retryAfter,
      inARow: this.rateLimitedInARow,
    });
    return new UpstreamPriceError(
      'coingecko-direct',
      'rate-limited',
      `HTTP 429; not asking before ${new Date(retryAt).toISOString()}`,
      {
        status: 429,
        retryAt,
      },
    );
  }
}

/**
 * Reads a Retry-After header: delay-seconds or an HTTP date. Returns the wait in milliseconds from `now`
 * (0 for a date already past), or undefined when the header is absent or unreadable.
 */
export function parseRetryAfter(header: string | null | undefined, now: number): number | undefined {
  const value = header?.trim();
  if (!value) return undefined;
  if (/^\d+$/.test(value)) return Number(value) * 1_000;
  // An HTTP date names its day and month in letters; this keeps odd numbers like "-5" from parsing as years.
  const date = /[a-z]/i.test(value) ? Date.parse(value) : Number.NaN;
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

function transportError(error: unknown, timeoutMs: number): UpstreamPriceError {
  // Read by shape, not `instanceof`: fetch's DOMException and undici's errors may come from another realm.
  const { name, message, cause } = (error ?? {}) as {
    name?: unknown;
    message?: unknown;
    cause?: { message?: unknown };
  };
  if (name === 'TimeoutError' || name === 'AbortError') {
    return new UpstreamPriceError('coingecko-direct', 'timeout', `no complete answer within ${timeoutMs} ms`, {
      cause: error,
    });
  }
  const detail =
    typeof cause?.message === 'string' ? cause.message : typeof message === 'string' ? message : String(error);
  return new UpstreamPriceError('coingecko-direct', 'network', `request failed: ${detail}`, { cause: error });
}

function preview(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return JSON.stringify(flat.length > 60 ? `${flat.slice(0, 60)}…` : flat);
}
