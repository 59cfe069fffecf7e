import { randomUUID } from 'node:crypto';

import Redis from 'ioredis';

import type { Asset } from '../../src/domain/assets';
import { PriceComparator } from '../../src/domain/codes';
import { createLogger, type Logger } from '../../src/logging';
import { CoinGeckoClient } from '../../src/prices/coingecko-client';
import { PriceUnavailableError, UnknownAssetError, UpstreamPriceError } from '../../src/prices/errors';
import { createPriceService, type CreatePriceServiceOptions, type PriceService } from '../../src/prices/price-service';
import { freePort } from '../../src/stack/free-port';
import { startCoinGeckoStandIn, type CoinGeckoStandIn } from '../support/coingecko-stand-in';
import { testServices } from '../support/services';

// A database of its own, so the entries these tests write never meet other test files' `price:*` keys.
const redisUrl = () => `${testServices().redisUrl}/11`;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface LogLine {
  level: string;
  message: string;
  [field: string]: unknown;
}

function capturingLogger(): { logger: Logger; lines: LogLine[] } {
  const lines: LogLine[] = [];
  const logger = createLogger({
    level: 'debug',
    format: 'json',
    write: (line) => lines.push(JSON.parse(line) as LogLine),
  });
  return { logger, lines };
}

/** Asset ids unique to one test, so no two tests share Redis keys. */
function testAssets(...names: string[]): Asset[] {
  const suffix = randomUUID().slice(0, 8);
  return names.map((name) => ({
    id: `${name}-${suffix}`,
    symbol: `${name.slice(0, 3).toUpperCase()}${suffix.slice(0, 3)}`,
    name,
  }));
}

describe('price service with CoinGecko', () => {
  let standIn: CoinGeckoStandIn;
  let redis: Redis;
  const services: PriceService[] = [];

  const service = (assets: Asset[], overrides: Partial<CreatePriceServiceOptions> = {}) => {
    const created = createPriceService({
      logger: capturingLogger().logger,
      redis: redisUrl(),
      assets,
      ...overrides,
      settings: {
        sources: ['coingecko'],
        coingeckoApiUrl: standIn.apiUrl,
        coingeckoTimeoutMs: 300,
        coingeckoBatchWindowMs: 5,
        ...overrides.settings,
      },
    });
    services.push(created);
    return created;
  };

  beforeAll(async () => {
    standIn = await startCoinGeckoStandIn();
    redis = new Redis(redisUrl());
  });

  afterEach(async () => {
    await Promise.all(services.splice(0).map((created) => created.close()));
  });

  afterAll(async () => {
    await standIn.close();
    redis.disconnect();
  });

  beforeEach(() => standIn.resetRequests());

  it('answers from CoinGecko, then from the local tier, then from Redis in another process', async () => {
    const [coin] = testAssets('ethereum');
    standIn.setPrices({ [coin.id]: 3198.16 });
    const first = service([coin]);

    const direct = await first.getPrice(coin.id);
    expect(direct).toMatchObject({
      token: coin.id,
      priceUsd: 3198.16,
      source: 'coingecko-direct',
      origin: 'coingecko-direct',
      stale: false,
    });
    expect(direct.checkedAt).toBe(direct.observedAt);
    expect(Math.abs(direct.observedAt - Date.now())).toBeLessThan(2_000);

    const local = await first.getPrice(coin.symbol.toLowerCase());
    expect(local).toMatchObject({ priceUsd: 3198.16, source: 'local-cache', origin: 'coingecko-direct' });

    const shared = await service([coin]).getPrice(coin.id);
    expect(shared).toMatchObject({
      priceUsd: 3198.16,
      source: 'backend-redis',
      origin: 'coingecko-direct',
      stale: false,
    });
    expect(standIn.requests).toHaveLength(1);
    expect(standIn.requests[0]).toMatchObject({ ids: [coin.id], vsCurrencies: 'usd' });

    expect(JSON.parse((await redis.get(`price:${coin.id}`))!)).toMatchObject({
      priceUsd: 3198.16,
      origin: 'coingecko-direct',
    });
    const freshTtl = await redis.pttl(`price:${coin.id}`);
    expect(freshTtl).toBeGreaterThan(25_000);
    expect(freshTtl).toBeLessThanOrEqual(30_000);
    expect(await redis.pttl(`price:last:${coin.id}`)).toBeGreaterThan(290_000);
  });

  it('sends no key header without a key, and the demo key header with one', async () => {
    const [plain, keyed] = testAssets('plain', 'keyed');
    standIn.setPrices({ [plain.id]: 1, [keyed.id]: 2 });
    await service([plain]).getPrice(plain.id);
    await service([keyed], { settings: { coingeckoApiKey: 'demo-key-123' } }).getPrice(keyed.id);

    expect(standIn.requests[0].headers['x-cg-demo-api-key']).toBeUndefined();
    expect(standIn.requests[0].headers['x-cg-pro-api-key']).toBeUndefined();
    expect(standIn.requests[1].headers['x-cg-demo-api-key']).toBe('demo-key-123');
    expect(standIn.requests[1].headers['x-cg-pro-api-key']).toBeUndefined();
  });

  it('sends the pro key header when the base is pro-api.coingecko.com', async () => {
    // The request still goes to the stand-in: only the host is rewritten, after the client chose its header.
    const toStandIn: typeof fetch = (input, init) =>
      fetch(String(input).replace('https://pro-api.coingecko.com/api/v3', standIn.apiUrl), init);
    const client = new CoinGeckoClient({
      apiUrl: 'https://pro-api.coingecko.com/api/v3',
      apiKey: 'pro-key-456',
      timeoutMs: 300,
      batchWindowMs: 1,
      backoffMs: 1_000,
      maxBackoffMs: 5_000,
      logger: capturingLogger().logger,
      fetch: toStandIn,
    });
    standIn.setPrices({ ethereum: 3000 });
    await client.fetchPrices(['ethereum']);
    expect(standIn.requests[0].headers['x-cg-pro-api-key']).toBe('pro-key-456');
    expect(standIn.requests[0].headers['x-cg-demo-api-key']).toBeUndefined();
  });

  it('makes one upstream call for 1,000 concurrent cold lookups of one token', async () => {
    const [coin] = testAssets('crowd');
    standIn.setPrices({ [coin.id]: 42.5 }, 50);
    const prices = service([coin]);
    const quotes = await Promise.all(Array.from({ length: 1_000 }, () => prices.getPrice(coin.id)));
    expect(new Set(quotes.map((quote) => quote.priceUsd))).toEqual(new Set([42.5]));
    expect(standIn.requests).toHaveLength(1);
    expect(prices.stats().coingeckoRequests).toBe(1);
  });

  it('asks for every due token in one request', async () => {
    const assets = testAssets('alpha', 'beta', 'gamma');
    standIn.setPrices(Object.fromEntries(assets.map((asset, index) => [asset.id, 10 + index])));
    const results = await service(assets).getPrices([...assets.map((asset) => asset.id), assets[0].symbol]);
    expect(results.map((result) => ('quote' in result ? result.quote.priceUsd : result.error))).toEqual([
      10, 11, 12, 10,
    ]);
    expect(standIn.requests).toHaveLength(1);
    expect([...standIn.requests[0].ids].sort()).toEqual(assets.map((asset) => asset.id).sort());
  });

  it('reports an unknown asset with the supported ids, without any upstream call', async () => {
    const [coin] = testAssets('known');
    const error = await service([coin])
      .getPrice('dogecoin')
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(UnknownAssetError);
    expect((error as UnknownAssetError).supported).toEqual([coin.id]);
    expect((error as Error).message).toBe(`Unknown asset "dogecoin"; supported: ${coin.id}`);
    expect(standIn.requests).toHaveLength(0);
  });

  describe('never returns a bad answer as a price', () => {
    const cases: [string, () => void, string][] = [
      [
        'HTTP 503',
        () => standIn.respond({ kind: 'status', status: 503, body: '{"error":"down"}' }),
        'http-status: HTTP 503 from /simple/price',
      ],
      ['HTTP 500', () => standIn.respond({ kind: 'status', status: 500 }), 'http-status: HTTP 500 from /simple/price'],
      ['a hung request', () => standIn.respond({ kind: 'hang' }), 'timeout: no complete answer within 300 ms'],
      [
        'text that is not JSON',
        () => standIn.respond({ kind: 'raw', body: '<html>busy</html>' }),
        'malformed: the answer is not JSON',
      ],
      [
        'a JSON array',
        () => standIn.respond({ kind: 'raw', body: '[1,2]' }),
        'malformed: the answer is not a JSON object',
      ],
      ['a missing token', () => standIn.setPrices({}), 'malformed: no usd value in the answer'],
      [
        'a missing usd field',
        () => standIn.respond({ kind: 'raw', body: '{"%ID%":{"eur":3000}}' }),
        'malformed: no usd value',
      ],
      [
        'the string NaN',
        () => standIn.respond({ kind: 'raw', body: '{"%ID%":{"usd":"NaN"}}' }),
        'malformed: usd value "NaN" is not a finite number',
      ],
      [
        'null',
        () => standIn.respond({ kind: 'raw', body: '{"%ID%":{"usd":null}}' }),
        'malformed: no usd value in the answer',
      ],
      [
        'an overflowing number',
        () => standIn.respond({ kind: 'raw', body: '{"%ID%":{"usd":1e999}}' }),
        'malformed: usd value Infinity',
      ],
      [
        'zero',
        () => standIn.respond({ kind: 'raw', body: '{"%ID%":{"usd":0}}' }),
        'absurd: usd value 0 is not above zero',
      ],
      [
        'a negative price',
        () => standIn.respond({ kind: 'raw', body: '{"%ID%":{"usd":-3200}}' }),
        'absurd: usd value -3200 is not above zero',
      ],
    ];

    it.each(cases)('%s', async (_case, arrange, reason) => {
      const [coin] = testAssets('faulty');
      arrange();
      // Stand-in bodies name the token as %ID%, replaced here by this test's unique id.
      const fetchWithId: typeof fetch = async (input, init) => {
        const response = await fetch(input, init);
        const text = await response.text();
        return new Response(text.replaceAll('%ID%', coin.id), { status: response.status, headers: response.headers });
      };
      const started = Date.now();
      const error = await service([coin], { fetch: fetchWithId })
        .getPrice(coin.id)
        .catch((caught: unknown) => caught);

      expect(error).toBeInstanceOf(PriceUnavailableError);
      const unavailable = error as PriceUnavailableError;
      expect(unavailable.token).toBe(coin.id);
      expect(unavailable.failures.map((failure) => failure.tier)).toEqual([
        'backend-redis',
        'coingecko-direct',
        'last-good',
      ]);
      expect(unavailable.message).toContain(`coingecko-direct: ${reason}`);
      expect(unavailable.message).toContain('last-good: none confirmed within PRICE_MAX_STALE_AGE 300 s');
      expect(Date.now() - started).toBeLessThan(2_000);
      expect(await redis.exists(`price:${coin.id}`, `price:last:${coin.id}`)).toBe(0);
    });
  });

  it('reports a connection failure when nothing listens at COINGECKO_API_URL', async () => {
    const [coin] = testAssets('unreachable');
    const prices = service([coin], { settings: { coingeckoApiUrl: `http://127.0.0.1:${await freePort()}/api/v3` } });
    const error = await prices.getPrice(coin.id).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(PriceUnavailableError);
    expect((error as PriceUnavailableError).failures[1]).toMatchObject({ tier: 'coingecko-direct', code: 'network' });
    expect((error as Error).message).toMatch(/coingecko-direct: network: request failed: connect ECONNREFUSED/);
  });

  it('rejects a jump beyond PRICE_MAX_JUMP_PCT and serves the last good value, marked stale', async () => {
    const [coin] = testAssets('jumpy');
    const settings = { localTtlMs: 20, cacheTtlMs: 40, maxJumpPct: 50 };
    standIn.setPrices({ [coin.id]: 3200 });
    const prices = service([coin], { settings });
    await prices.getPrice(coin.id);
    await sleep(60);

    standIn.setPrices({ [coin.id]: 6400 });
    const quote = await prices.getPrice(coin.id);
    expect(quote).toMatchObject({ priceUsd: 3200, stale: true, origin: 'coingecko-direct' });
    expect(['local-cache', 'backend-redis']).toContain(quote.source);

    standIn.setPrices({ [coin.id]: 4500 });
    expect(await prices.getPrice(coin.id)).toMatchObject({ priceUsd: 4500, stale: false, source: 'coingecko-direct' });
  });

  it('judges a jump against the last good value another process stored', async () => {
    const [coin] = testAssets('shared-jump');
    const settings = { localTtlMs: 20, cacheTtlMs: 40 };
    standIn.setPrices({ [coin.id]: 100 });
    await service([coin], { settings }).getPrice(coin.id);
    await sleep(60);

    standIn.setPrices({ [coin.id]: 1_000 });
    const other = await service([coin], { settings }).getPrice(coin.id);
    expect(other).toMatchObject({ priceUsd: 100, stale: true, source: 'backend-redis' });
  });

  it('serves the last good value marked stale, across processes, up to PRICE_MAX_STALE_AGE, then fails saying why', async () => {
    const [coin] = testAssets('stale');
    const settings = { localTtlMs: 20, cacheTtlMs: 40, maxStaleAgeMs: 400 };
    standIn.setPrices({ [coin.id]: 3198.16 });
    const first = service([coin], { settings });
    await first.getPrice(coin.id);
    await sleep(60);

    standIn.respond({ kind: 'status', status: 502 });
    const local = await first.getPrice(coin.id);
    expect(local).toMatchObject({ priceUsd: 3198.16, stale: true, source: 'local-cache' });
    const shared = await service([coin], { settings }).getPrice(coin.id);
    expect(shared).toMatchObject({ priceUsd: 3198.16, stale: true, source: 'backend-redis' });
    expect(shared.ageMs).toBeGreaterThanOrEqual(60);

    await sleep(420);
    const error = await first.getPrice(coin.id).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(PriceUnavailableError);
    expect((error as Error).message).toMatch(
      /; last-good: last confirmed \d+ ms ago, beyond PRICE_MAX_STALE_AGE 400 ms$/,
    );
  });

  describe('rate limits', () => {
    it('backs off for Retry-After seconds without asking, then asks again', async () => {
      const [coin] = testAssets('limited');
      const { logger, lines } = capturingLogger();
      standIn.respond({ kind: 'status', status: 429, headers: { 'retry-after': '1' } });
      const prices = service([coin], { logger });

      const limited = await prices.getPrice(coin.id).catch((caught: unknown) => caught);
      expect((limited as Error).message).toContain('coingecko-direct: rate-limited: HTTP 429; not asking before');
      const waiting = await prices.getPrice(coin.id).catch((caught: unknown) => caught);
      expect((waiting as PriceUnavailableError).failures[1]).toMatchObject({
        tier: 'coingecko-direct',
        code: 'backing-off',
      });
      expect(standIn.requests).toHaveLength(1);
      expect(lines.filter((line) => line.message === 'CoinGecko rate limit reached; backing off')).toHaveLength(1);

      standIn.setPrices({ [coin.id]: 3100 });
      await sleep(1_050);
      expect(await prices.getPrice(coin.id)).toMatchObject({ priceUsd: 3100, source: 'coingecko-direct' });
      expect(standIn.requests).toHaveLength(2);
    });

    it('serves the last good value while backing off', async () => {
      const [coin] = testAssets('limited-stale');
      const settings = { localTtlMs: 20, cacheTtlMs: 40 };
      standIn.setPrices({ [coin.id]: 95_000 });
      const prices = service([coin], { settings });
      await prices.getPrice(coin.id);
      await sleep(60);

      standIn.respond({ kind: 'status', status: 429, headers: { 'retry-after': '30' } });
      expect(await prices.getPrice(coin.id)).toMatchObject({ priceUsd: 95_000, stale: true });
      expect(await prices.getPrice(coin.id)).toMatchObject({ priceUsd: 95_000, stale: true });
      expect(standIn.requests).toHaveLength(2);
    });

    it('honours a Retry-After date and backs off longer on each 429 in a row without one', async () => {
      const client = new CoinGeckoClient({
        apiUrl: standIn.apiUrl,
        timeoutMs: 300,
        batchWindowMs: 1,
        backoffMs: 100,
        maxBackoffMs: 10_000,
        logger: capturingLogger().logger,
      });
      const retryDate = new Date(Math.ceil(Date.now() / 1_000) * 1_000 + 2_000);
      standIn.respond({ kind: 'status', status: 429, headers: { 'retry-after': retryDate.toUTCString() } });
      await expect(client.fetchPrices(['ethereum'])).rejects.toMatchObject({ code: 'rate-limited', status: 429 });
      expect(client.retryAt).toBe(retryDate.getTime());

      standIn.respond({ kind: 'status', status: 429 });
      let before = Date.now();
      await expect(client.fetchPrices(['ethereum'])).rejects.toBeInstanceOf(UpstreamPriceError);
      const first = client.retryAt! - before;
      before = Date.now();
      await expect(client.fetchPrices(['ethereum'])).rejects.toBeInstanceOf(UpstreamPriceError);
      const second = client.retryAt! - before;
      expect(first).toBeGreaterThanOrEqual(150);
      expect(first).toBeLessThanOrEqual(300);
      expect(second).toBeGreaterThanOrEqual(350);
      expect(second).toBeLessThanOrEqual(500);
    });
  });

  describe('price triggers', () => {
    it('logs the check line and fires on a fresh quote that meets the condition', async () => {
      const [coin] = testAssets('trigger');
      const { logger, lines } = capturingLogger();
      standIn.setPrices({ [coin.id]: 3198.16 });
      const prices = service([coin], { logger });
      await prices.getPrice(coin.id);

      const check = await prices.checkPriceTrigger({
        token: coin.id,
        comparator: PriceComparator.AtOrBelow,
        targetUsd: 3200,
      });
      expect(check).toMatchObject({ fire: true, conditionMet: true, fresh: true });
      expect(check.line).toBe(`Price check for ${coin.id}: $3198.16 (from local-cache) vs target $3200.00`);
      expect(lines).toContainEqual(
        expect.objectContaining({
          level: 'info',
          message: check.line,
          token: coin.id,
          priceUsd: 3198.16,
          source: 'local-cache',
          targetUsd: 3200,
        }),
      );
    });

    it('does not fire on a stale quote that meets the condition', async () => {
      const [coin] = testAssets('trigger-stale');
      standIn.setPrices({ [coin.id]: 3100 });
      const prices = service([coin], { settings: { localTtlMs: 20, cacheTtlMs: 40 } });
      await prices.getPrice(coin.id);
      await sleep(60);

      standIn.respond({ kind: 'status', status: 500 });
      const check = await prices.checkPriceTrigger({
        token: coin.id,
        comparator: PriceComparator.AtOrBelow,
        targetUsd: 3200,
      });
      expect(check).toMatchObject({ fire: false, conditionMet: true, fresh: false });
      expect(check.line).toBe(`Price check for ${coin.id}: $3100.00 (from local-cache, stale) vs target $3200.00`);
    });

    it('does not fire on a quote confirmed longer ago than PRICE_TRIGGER_MAX_AGE', async () => {
      const [coin] = testAssets('trigger-old');
      standIn.setPrices({ [coin.id]: 3100 });
      const prices = service([coin], { settings: { triggerMaxAgeMs: 30 } });
      await prices.getPrice(coin.id);
      await sleep(50);

      const check = await prices.checkPriceTrigger({
        token: coin.id,
        comparator: PriceComparator.AtOrBelow,
        targetUsd: 3200,
      });
      expect(check.quote.source).toBe('local-cache');
      expect(check).toMatchObject({ fire: false, conditionMet: true, fresh: false });
    });
  });
});
