import { ConfigError, loadConfig } from '../../src/config';
import { parseRetryAfter } from '../../src/prices/coingecko-client';
import { LocalPriceCache } from '../../src/prices/local-cache';
import { priceSettingsFromConfig } from '../../src/prices/settings';
import { parseStoredPrice, serializeStoredPrice, type StoredPrice } from '../../src/prices/stored-price';

describe('parseRetryAfter', () => {
  const now = Date.parse('2025-01-01T00:00:00Z');

  it('reads delay-seconds', () => {
    expect(parseRetryAfter('30', now)).toBe(30_000);
    expect(parseRetryAfter(' 0 ', now)).toBe(0);
  });

  it('reads an HTTP date', () => {
    expect(parseRetryAfter('Wed, 01 Jan 2025 00:00:45 GMT', now)).toBe(45_000);
  });

  it('reads a date in the past as no wait', () => {
    expect(parseRetryAfter('Tue, 31 Dec 2024 23:59:00 GMT', now)).toBe(0);
  });

  it('returns undefined when absent or unreadable', () => {
    expect(parseRetryAfter(null, now)).toBeUndefined();
    expect(parseRetryAfter('', now)).toBeUndefined();
    expect(parseRetryAfter('soon', now)).toBeUndefined();
    expect(parseRetryAfter('-5', now)).toBeUndefined();
  });
});

describe('LocalPriceCache', () => {
  const stored = (checkedAt: number, priceUsd = 3200): StoredPrice => ({
    priceUsd,
    origin: 'coingecko-direct',
    observedAt: checkedAt,
    checkedAt,
  });

  it('answers for its TTL, then keeps the value as the last good one', () => {
    const cache = new LocalPriceCache({ ttlMs: 15_000, maxConfirmedAgeMs: 30_000 });
    cache.store('ethereum', stored(1_000), 1_000);
    expect(cache.fresh('ethereum', 15_999)?.priceUsd).toBe(3200);
    expect(cache.fresh('ethereum', 16_000)).toBeUndefined();
    expect(cache.lastGood('ethereum')?.priceUsd).toBe(3200);
  });

  it('keeps a value confirmed long ago only until PRICE_CACHE_TTL after its confirmation', () => {
    const cache = new LocalPriceCache({ ttlMs: 15_000, maxConfirmedAgeMs: 30_000 });
    cache.store('ethereum', stored(0), 25_000);
    expect(cache.fresh('ethereum', 29_999)).toBeDefined();
    expect(cache.fresh('ethereum', 30_000)).toBeUndefined();
  });

  it('never replaces a value with one confirmed earlier', () => {
    const cache = new LocalPriceCache({ ttlMs: 15_000, maxConfirmedAgeMs: 30_000 });
    cache.store('ethereum', stored(2_000, 3300), 2_000);
    cache.store('ethereum', stored(1_000, 3100), 2_000);
    expect(cache.fresh('ethereum', 2_001)?.priceUsd).toBe(3300);
  });

  it('is off with a TTL of 0', () => {
    const cache = new LocalPriceCache({ ttlMs: 0, maxConfirmedAgeMs: 30_000 });
    cache.store('ethereum', stored(1_000), 1_000);
    expect(cache.fresh('ethereum', 1_000)).toBeUndefined();
    expect(cache.lastGood('ethereum')).toBeDefined();
  });
});

describe('parseStoredPrice', () => {
  it('reads back what serializeStoredPrice writes', () => {
    const stored: StoredPrice = { priceUsd: 3198.16, origin: 'chainlink-feed', observedAt: 1_000, checkedAt: 2_000 };
    expect(parseStoredPrice(serializeStoredPrice(stored))).toEqual(stored);
  });

  it('treats an entry without checkedAt as confirmed when observed', () => {
    expect(parseStoredPrice('{"priceUsd":1,"origin":"coingecko-direct","observedAt":5}')?.checkedAt).toBe(5);
  });

  it.each([
    ['text that is not JSON', '3198.16x'],
    ['a bare number', '3198.16'],
    ['a zero price', '{"priceUsd":0,"origin":"coingecko-direct","observedAt":5}'],
    ['an unknown origin', '{"priceUsd":1,"origin":"elsewhere","observedAt":5}'],
    ['a missing observedAt', '{"priceUsd":1,"origin":"coingecko-direct"}'],
  ])('reads %s as no entry', (_case, text) => {
    expect(parseStoredPrice(text)).toBeUndefined();
  });
});

describe('price settings', () => {
  const validEnv = {
    RPC_URL: 'http://127.0.0.1:8545',
    CHAIN_ID: '31337',
    WORKFLOW_REGISTRY_ADDRESS: '0x5fbdb2315678afecb367f032d93f642f64180aa3',
    ACTION_EXECUTOR_ADDRESS: '0xe7f1725E7734CE288F8367e1Bb143E90bb3F0512',
    FEE_ESCROW_ADDRESS: '0x9fE46736679d2D9a65F0992F2272dE9f3c7fa6e0',
    RELAYER_PRIVATE_KEY: `0x${'11'.repeat(32)}`,
    WORKER_PRIVATE_KEY: `0x${'22'.repeat(32)}`,
    REDIS_URL: 'redis://127.0.0.1:6379',
    API_KEY: 'an-operator-key-of-length',
  };
  const problemsOf = (env: NodeJS.ProcessEnv) => {
    try {
      loadConfig(env);
    } catch (error) {
      if (error instanceof ConfigError) return error.problems;
      throw error;
    }
    throw new Error('expected a ConfigError');
  };

  it('applies the defaults', () => {
    const settings = priceSettingsFromConfig(loadConfig(validEnv));
    expect(settings).toMatchObject({
      localTtlMs: 15_000,
      cacheTtlMs: 30_000,
      maxStaleAgeMs: 300_000,
      triggerMaxAgeMs: 60_000,
      maxJumpPct: 50,
      feedMaxAgeMs: 3_600_000,
      coingeckoTimeoutMs: 5_000,
      sources: ['coingecko', 'chainlink'],
      feeds: {},
    });
  });

  it('reads PRICE_SOURCES and PRICE_FEEDS, checksumming the addresses', () => {
    const config = loadConfig({
      ...validEnv,
      PRICE_SOURCES: 'Chainlink, coingecko',
      PRICE_FEEDS:
        'ethereum=0x5fbdb2315678afecb367f032d93f642f64180aa3, BITCOIN=0xe7f1725e7734ce288f8367e1bb143e90bb3f0512',
    });
    expect(config.PRICE_SOURCES).toEqual(['chainlink', 'coingecko']);
    expect(config.PRICE_FEEDS).toEqual({
      ethereum: '0x5FbDB2315678afecb367f032d93F642f64180aa3',
      bitcoin: '0xe7f1725E7734CE288F8367e1Bb143E90bb3F0512',
    });
  });

  it('names each malformed price setting', () => {
    expect(problemsOf({ ...validEnv, PRICE_SOURCES: 'coingecko,binance' })).toEqual([
      'PRICE_SOURCES must list coingecko and/or chainlink, comma-separated',
    ]);
    expect(problemsOf({ ...validEnv, PRICE_SOURCES: 'chainlink,chainlink' })).toEqual([
      'PRICE_SOURCES must not name a source twice',
    ]);
    expect(problemsOf({ ...validEnv, PRICE_FEEDS: 'dogecoin=0x5fbdb2315678afecb367f032d93f642f64180aa3' })).toEqual([
      'PRICE_FEEDS names unknown asset "dogecoin" (supported: ethereum, bitcoin)',
    ]);
    expect(problemsOf({ ...validEnv, PRICE_FEEDS: 'ethereum=0x1234' })).toEqual([
      'PRICE_FEEDS must map assets to addresses, e.g. ethereum=0x…; "ethereum=0x1234" is not one',
    ]);
    expect(
      problemsOf({ ...validEnv, PRICE_MAX_JUMP_PCT: '0', COINGECKO_TIMEOUT_MS: '1.5', PRICE_LOCAL_TTL: '-1' }),
    ).toEqual([
      'PRICE_LOCAL_TTL must be 0 or above',
      'PRICE_MAX_JUMP_PCT must be above 0',
      'COINGECKO_TIMEOUT_MS must be a whole number of milliseconds',
    ]);
  });

  it('requires PRICE_FEEDS when the chain feeds are the only source', () => {
    expect(problemsOf({ ...validEnv, PRICE_SOURCES: 'chainlink' })).toEqual([
      'PRICE_FEEDS is required when PRICE_SOURCES is chainlink only',
    ]);
  });
});
