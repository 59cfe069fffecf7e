import type { StoredPrice } from './stored-price';

interface LocalEntry {
  stored: StoredPrice;
  freshUntil: number;
}

/** Options of {@link LocalPriceCache}. */
export interface LocalPriceCacheOptions {
  /** How long an entry answers lookups, in milliseconds (PRICE_LOCAL_TTL). 0 turns the tier off. */
  ttlMs: number;
  /**
   * Upper bound on the time since an upstream confirmed a value that is still served as fresh, in
   * milliseconds (PRICE_CACHE_TTL): a value read from Redis late in its life is kept only for what is left.
   */
  maxConfirmedAgeMs: number;
}

/**
 * The in-process tier: one entry per token, in a Map.
 *
 * An entry past its fresh time stays as the process's last good value, for stale answers and for the
 * jump check of the next upstream value. Assets are a short fixed list, so the map never grows beyond it.
 */
export class LocalPriceCache {
  private readonly entries = new Map<string, LocalEntry>();

  constructor(private readonly options: LocalPriceCacheOptions) {}

  /** The entry for `token` while it is fresh at `now`, otherwise undefined. */
  fresh(token: string, now: number): StoredPrice | undefined {
    const entry = this.entries.get(token);
    return entry !== undefined && now < entry.freshUntil ? entry.stored : undefined;
  }

  /** The last value stored for `token`, fresh or not. */
  lastGood(token: string): StoredPrice | undefined {
    return this.entries.get(token)?.stored;
  }

  /** Keeps `stored` for `token`, replacing a value confirmed earlier; an older value never replaces a newer one. */
  store(token: string, stored: StoredPrice, now: number): void {
    const current = this.entries.get(token);
    if (current !== undefined && current.stored.checkedAt > stored.checkedAt) return;
    const freshUntil = Math.min(now + this.options.ttlMs, stored.checkedAt + this.options.maxConfirmedAgeMs);
    this.entries.set(token, { stored, freshUntil });
  }

  /** Forgets every entry. */
  clear(): void {
    this.entries.clear();
  }
}
