import path from 'node:path';

import Redis from 'ioredis';

import { createLogger, type Logger } from '../../src/logging';
import { createPriceService, type PriceService } from '../../src/prices/price-service';
import { freePort } from '../../src/stack/free-port';
import type { ManagedProcess } from '../../src/stack/managed-process';
import { startRedisServer } from '../../src/stack/redis-server';
import { startCoinGeckoStandIn, type CoinGeckoStandIn } from '../support/coingecko-stand-in';
import { testServices } from '../support/services';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface LogLine {
  level: string;
  message: string;
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

async function eventually(what: string, check: () => boolean | Promise<boolean>, timeoutMs = 5_000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs} ms`);
    await sleep(25);
  }
}

describe('price service when Redis goes down and comes back', () => {
  let standIn: CoinGeckoStandIn;
  let port: number;
  let redisServer: ManagedProcess | undefined;
  const logFile = () => path.join(testServices().workDir, `price-redis-${port}.log`);

  beforeAll(async () => {
    standIn = await startCoinGeckoStandIn({ ethereum: 3198.16, bitcoin: 95_000 });
    port = await freePort();
    redisServer = await startRedisServer({ port, logFile: logFile() });
  });

  afterAll(async () => {
    await redisServer?.stop(5_000);
    await standIn.close();
  });

  it('answers without Redis, logs the degradation once, and uses Redis again after a restart', async () => {
    const url = `redis://127.0.0.1:${port}`;
    const { logger, lines } = capturingLogger();
    const settings = {
      sources: ['coingecko' as const],
      coingeckoApiUrl: standIn.apiUrl,
      // Long enough that stopping Redis on a busy machine still ends within the local TTL.
      localTtlMs: 2_000,
      cacheTtlMs: 4_000,
    };
    const prices = createPriceService({ logger, redis: url, settings });
    const inspect = new Redis(url, { retryStrategy: () => 50, maxRetriesPerRequest: 1 });
    inspect.on('error', () => undefined);
    let other: PriceService | undefined;
    try {
      expect(await prices.getPrice('ethereum')).toMatchObject({ source: 'coingecko-direct', priceUsd: 3198.16 });
      expect(await inspect.exists('price:ethereum')).toBe(1);

      await redisServer!.stop(5_000);
      redisServer = undefined;

      // Within the local TTL the in-process tier answers.
      expect(await prices.getPrice('ethereum')).toMatchObject({ source: 'local-cache', priceUsd: 3198.16 });

      // After it, the upstream answers, quickly, on every lookup while Redis is down.
      await sleep(2_100);
      standIn.resetRequests();
      for (let round = 0; round < 5; round += 1) {
        const started = Date.now();
        const quote = await prices.getPrice('bitcoin');
        expect(Date.now() - started).toBeLessThan(1_000);
        expect(quote.priceUsd).toBe(95_000);
        expect(['coingecko-direct', 'local-cache']).toContain(quote.source);
      }
      await sleep(2_100);
      expect(await prices.getPrice('ethereum')).toMatchObject({ source: 'coingecko-direct', stale: false });
      expect(standIn.requests.length).toBeGreaterThanOrEqual(2);
      const degraded = lines.filter(
        (line) => line.message === 'Price cache in Redis is unavailable; lookups go on without it',
      );
      expect(degraded).toHaveLength(1);
      expect(degraded[0].level).toBe('warn');

      redisServer = await startRedisServer({ port, logFile: logFile() });
      await eventually('the service reconnects', () =>
        lines.some((line) => line.message === 'Price cache in Redis is available again'),
      );
      expect(lines.find((line) => line.message === 'Price cache in Redis is available again')?.level).toBe('info');

      // The restarted Redis is empty: the next miss goes upstream and is written to it again.
      await sleep(2_100);
      standIn.setPrices({ ethereum: 3210.5, bitcoin: 95_000 });
      expect(await prices.getPrice('ethereum')).toMatchObject({ source: 'coingecko-direct', priceUsd: 3210.5 });
      await eventually('the inspecting client reconnects', () => inspect.status === 'ready');
      expect(JSON.parse((await inspect.get('price:ethereum'))!)).toMatchObject({
        priceUsd: 3210.5,
        origin: 'coingecko-direct',
      });

      other = createPriceService({ logger: capturingLogger().logger, redis: url, settings });
      expect(await other.getPrice('ethereum')).toMatchObject({ source: 'backend-redis', priceUsd: 3210.5 });
    } finally {
      await prices.close();
      await other?.close();
      inspect.disconnect();
    }
  });

  it('answers from the upstream at once when Redis was never reachable', async () => {
    const { logger, lines } = capturingLogger();
    const deadPort = await freePort();
    const prices = createPriceService({
      logger,
      redis: `redis://127.0.0.1:${deadPort}`,
      settings: { sources: ['coingecko'], coingeckoApiUrl: standIn.apiUrl },
    });
    try {
      standIn.setPrices({ ethereum: 3198.16 });
      const started = Date.now();
      expect(await prices.getPrice('ethereum')).toMatchObject({ source: 'coingecko-direct', priceUsd: 3198.16 });
      expect(Date.now() - started).toBeLessThan(1_500);
      expect(await prices.getPrice('ethereum')).toMatchObject({ source: 'local-cache' });
      expect(lines.filter((line) => line.level === 'warn')).toHaveLength(1);
    } finally {
      await prices.close();
    }
  });
});
