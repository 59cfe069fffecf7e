import type { PriceOrigin } from '../domain/price';

/** Why an upstream gave no usable price. */
export type UpstreamFailureCode =
  /** No answer within the configured timeout. */
  | 'timeout'
  /** The connection failed or the chain call reverted. */
  | 'network'
  /** An HTTP status other than 200 and 429. */
  | 'http-status'
  /** HTTP 429; the client backs off until `retryAt`. */
  | 'rate-limited'
  /** Skipped: a previous 429 asked to wait until `retryAt`. */
  | 'backing-off'
  /** The answer was not JSON, or lacked the token or its usd field, or was not a number. */
  | 'malformed'
  /** Zero, negative, or a jump beyond PRICE_MAX_JUMP_PCT against the last good value. */
  | 'absurd'
  /** A feed whose `updatedAt` is older than PRICE_FEED_MAX_AGE. */
  | 'stale-feed'
  /** No feed is configured for the token (PRICE_FEEDS). */
  | 'no-feed';

/** Context of an {@link UpstreamPriceError}. */
export interface UpstreamPriceErrorDetails {
  /** The token concerned; unset when the failure hit a whole batch. */
  token?: string;
  /** HTTP status, for `http-status` and `rate-limited`. */
  status?: number;
  /** Milliseconds since the epoch before which the upstream is not asked again, for `rate-limited` and `backing-off`. */
  retryAt?: number;
  cause?: unknown;
}

/** Thrown by a price upstream (CoinGecko, a chain feed) when it gives no usable price; `code` says why. */
export class UpstreamPriceError extends Error {
  readonly token?: string;
  readonly status?: number;
  readonly retryAt?: number;

  constructor(
    readonly origin: PriceOrigin,
    readonly code: UpstreamFailureCode,
    message: string,
    details: UpstreamPriceErrorDetails = {},
  ) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.name = 'UpstreamPriceError';
    this.token = details.token;
    this.status = details.status;
    this.retryAt = details.retryAt;
  }
}

/** One tier's or upstream's reason for not answering a lookup. */
export interface PriceTierFailure {
  /** `backend-redis`, an upstream label, or `last-good` for the stale store. */
  tier: string;
  reason: string;
  /** The upstream failure code, when an upstream failed. */
  code?: UpstreamFailureCode;
}

/**
 * Thrown when no tier can answer for `token`: no fresh cache entry, every upstream failed, and no last
 * good value is within PRICE_MAX_STALE_AGE. `failures` holds each tier's reason; the message lists them.
 */
export class PriceUnavailableError extends Error {
  constructor(
    readonly token: string,
    readonly failures: readonly PriceTierFailure[],
  ) {
    super(`No price for ${token}: ${failures.map((failure) => `${failure.tier}: ${failure.reason}`).join('; ')}`);
    this.name = 'PriceUnavailableError';
  }
}

/** Thrown when a lookup names an asset that is not supported; `supported` lists the ids that are. */
export class UnknownAssetError extends Error {
  constructor(
    readonly input: string,
    readonly supported: readonly string[],
  ) {
    super(`Unknown asset ${JSON.stringify(input.slice(0, 64))}; supported: ${supported.join(', ')}`);
    this.name = 'UnknownAssetError';
  }
}

/** What a price lookup can throw, for callers that branch on it. */
export type PriceLookupErrorType = PriceUnavailableError | UnknownAssetError;
