import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';

import Redis from 'ioredis';

import { createApp } from '../../src/api/app';
import { createLogger } from '../../src/logging';
import { createPriceService, type PriceService } from '../../src/prices/price-service';
import { startCoinGeckoStandIn, type CoinGeckoStandIn } from '../support/coingecko-stand-in';
import { testServices } from '../support/services';

// A database of its own, so these tests never meet other files' `price:ethereum` entries.
const redisUrl = () => `${testServices().redisUrl}/13`;
const KEYS = ['price:ethereum', 'price:last:ethereum', 'price:bitcoin', 'price:last:bitcoin'];

describe('/api/price', () => {
  let standIn: CoinGeckoStandIn;
  let prices: PriceService;
  let redis: Redis;
  let server: Server;
  let baseUrl: string;

  const get = async (path: string) => {
    const response = await fetch(`${baseUrl}${path}`);
    return { status: response.status, body: (await response.json()) as Record<string, any> };
  };

  beforeAll(async () => {
    standIn = await startCoinGeckoStandIn({ ethereum: 3198.16, bitcoin: 95_000 });
    redis = new Redis(redisUrl());
    await redis.del(...KEYS);
    const logger = createLogger({ level: 'error', write: () => undefined });
    prices = createPriceService({
      logger,
      redis: redisUrl(),
      settings: { sources: ['coingecko'], coingeckoApiUrl: standIn.apiUrl, coingeckoTimeoutMs: 300 },
    });
    const app = createApp({
      logger,
      version: 'test',
      chainId: 31337,
      contracts: { workflowRegistry: '0x', actionExecutor: '0x', feeEscrow: '0x' },
      probes: [],
      prices,
    });
    server = await new Promise<Server>((resolve) => {
      const listening = app.listen(0, '127.0.0.1', () => resolve(listening));
    });
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
    await prices.close();
    await redis.del(...KEYS);
    redis.disconnect();
    await standIn.close();
  });

  it('lists the supported assets with their sources', async () => {
    const { status, body } = await get('/api/price/');
    expect(status).toBe(200);
    expect(body.assets).toEqual([
      { id: 'ethereum', symbol: 'ETH', name: 'Ether', sources: ['coingecko-direct'] },
      { id: 'bitcoin', symbol: 'BTC', name: 'Bitcoin', sources: ['coingecko-direct'] },
    ]);
    expect((await get('/api/price')).body).toEqual(body);
  });

  it('answers a price by symbol or id, in any case, from the cache after the first lookup', async () => {
    const first = await get('/api/price/ETH');
    expect(first.status).toBe(200);
    expect(first.body).toEqual({
      symbol: 'ETH',
      token: 'ethereum',
      price_usd: 3198.16,
      source: 'coingecko-direct',
      origin: 'coingecko-direct',
      age_ms: expect.any(Number),
      stale: false,
      observed_at: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
    });
    expect(Math.abs(Date.parse(first.body.observed_at) - Date.now())).toBeLessThan(5_000);

    for (const spelling of ['eth', 'ethereum', 'Ethereum']) {
      const again = await get(`/api/price/${spelling}`);
      expect(again.status).toBe(200);
      expect(again.body).toMatchObject({ token: 'ethereum', price_usd: 3198.16, source: 'local-cache' });
    }
    expect(standIn.requests.filter((request) => request.ids.includes('ethereum'))).toHaveLength(1);
  });

  it('answers 404 with the supported list for an unknown asset', async () => {
    const { status, body } = await get('/api/price/doge');
    expect(status).toBe(404);
    expect(body).toEqual({
      success: false,
      error: { code: 'unknown_asset', message: 'Unknown asset doge', details: { supported: ['ethereum', 'bitcoin'] } },
    });
  });

  it('answers 400 for a symbol that cannot be one', async () => {
    const { status, body } = await get(`/api/price/${'x'.repeat(33)}`);
    expect(status).toBe(400);
    expect(body.error).toEqual({ code: 'bad_request', message: 'symbol must be at most 32 characters' });
    expect((await get('/api/price/eth%20usd')).status).toBe(400);
  });

  it('answers 503 saying why when no tier can answer', async () => {
    standIn.respond({ kind: 'status', status: 502 });
    await redis.del('price:bitcoin', 'price:last:bitcoin');
    const { status, body } = await get('/api/price/BTC');
    expect(status).toBe(503);
    expect(body.success).toBe(false);
    expect(body.error.code).toBe('price_unavailable');
    expect(body.error.message).toBe(
      'No price for bitcoin: backend-redis: no fresh entry; coingecko-direct: http-status: HTTP 502 from /simple/price; ' +
        'last-good: none confirmed within PRICE_MAX_STALE_AGE 300 s',
    );
  });
});
