/**
 * Measures the price tiers in one run: a hit in the local, Redis and upstream tiers, the Redis tier
 * against a bare ioredis GET on the same server, and the upstream calls 1,000 concurrent cold lookups
 * make. Starts its own redis-server and a CoinGecko stand-in on loopback. Prints readable lines, then
 * one JSON line with the figures.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import Redis from 'ioredis';

import { createLogger } from '../src/logging';
import { createPriceService, type PriceService } from '../src/prices/price-service';
import { freePort } from '../src/stack/free-port';
import { startRedisServer } from '../src/stack/redis-server';
import { startCoinGeckoStandIn } from '../test/support/coingecko-stand-in';

const say = (line = '') => process.stdout.write(`${line}\n`);

function percentile(sorted: readonly number[], fraction: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(fraction * sorted.length))];
}

function summary(samplesNs: number[]) {
  const sorted = [...samplesNs].sort((a, b) => a - b);
  return { p50: percentile(sorted, 0.5), p99: percentile(sorted, 0.99) };
}

/** Times each call of `operation` alone, after `warmup` untimed calls. */
async function timeEach(iterations: number, warmup: number, operation: () => Promise<unknown>): Promise<number[]> {
  for (let index = 0; index < warmup; index += 1) await operation();
  const samples = new Array<number>(iterations);
  for (let index = 0; index < iterations; index += 1) {
    const started = process.hrtime.bigint();
    await operation();
    samples[index] = Number(process.hrtime.bigint() - started);
  }
  return samples;
}

/** Times `batch` calls at a time and divides, so the timer's own cost is spread over the batch. */
async function timePerCall(batches: number, batch: number, operation: () => Promise<unknown>): Promise<number[]> {
  const perCall: number[] = [];
  for (let round = 0; round < batches; round += 1) {
    const started = process.hrtime.bigint();
    for (let index = 0; index < batch; index += 1) await operation();
    perCall.push(Number(process.hrtime.bigint() - started) / batch);
  }
  return perCall;
}

const us = (ns: number) => ns / 1_000;
const fixed = (value: number, digits = 1) => Number(value.toFixed(digits));

async function main() {
  const workDir = mkdtempSync(path.join(os.tmpdir(), 'autometa-bench-'));
  const redisPort = await freePort();
  const redisServer = await startRedisServer({ port: redisPort, logFile: path.join(workDir, 'redis.log') });
  const standIn = await startCoinGeckoStandIn({ ethereum: 3198.16, bitcoin: 95_000 });
  const redisUrl = `redis://127.0.0.1:${redisPort}`;
  const logger = createLogger({ level: 'error' });
  const base = { sources: ['coingecko' as const], coingeckoApiUrl: standIn.apiUrl, cacheTtlMs: 600_000 };
  const services: PriceService[] = [];
  const bare = new Redis(redisUrl);
  const admin = new Redis(redisUrl);

  try {
    say(
      `Price tier figures, ${new Date().toISOString()}, Node ${process.version}, ${os.cpus().length} cores (${os.cpus()[0]?.model ?? 'unknown CPU'})`,
    );
    say('');

    // Local tier: the value is in the process; a lookup is a Map read and a quote object.
    const local = createPriceService({ logger, redis: redisUrl, settings: { ...base, localTtlMs: 600_000 } });
    services.push(local);
    await local.getPrice('ethereum');
    const localHits = summary(await timeEach(200_000, 50_000, () => local.getPrice('ethereum')));
    const localPerCall = summary(await timePerCall(200, 5_000, () => local.getPrice('ethereum')));
    say(
      `local tier hit        p50 ${localHits.p50} ns   p99 ${localHits.p99} ns   (each call timed alone, timer included)`,
    );
    say(`local tier per lookup ${fixed(localPerCall.p50)} ns median over batches of 5,000 awaited lookups`);

    // Redis tier: the in-process tier is off, so every lookup is one GET, a JSON parse and a quote.
    const shared = createPriceService({ logger, redis: redisUrl, settings: { ...base, localTtlMs: 0 } });
    services.push(shared);
    await shared.getPrice('ethereum');
    if ((await shared.getPrice('ethereum')).source !== 'backend-redis')
      throw new Error('the Redis tier did not answer');
    const redisSamples: number[] = [];
    const bareSamples: number[] = [];
    // Interleaved blocks, so both see the same machine state.
    await timeEach(0, 2_000, () => shared.getPrice('ethereum'));
    await timeEach(0, 2_000, () => bare.get('price:ethereum'));
    for (let block = 0; block < 20; block += 1) {
      redisSamples.push(...(await timeEach(1_000, 0, () => shared.getPrice('ethereum'))));
      bareSamples.push(...(await timeEach(1_000, 0, () => bare.get('price:ethereum'))));
    }
    const redisHits = summary(redisSamples);
    const bareHits = summary(bareSamples);
    const ratio = redisHits.p50 / bareHits.p50;
    say(`Redis tier hit        p50 ${fixed(us(redisHits.p50))} µs   p99 ${fixed(us(redisHits.p99))} µs`);
    say(
      `bare ioredis GET      p50 ${fixed(us(bareHits.p50))} µs   p99 ${fixed(us(bareHits.p99))} µs   (same server, same key)`,
    );
    say(`Redis tier vs bare    ${fixed(ratio, 2)}× at p50`);

    // Upstream tier: both caches are emptied before each lookup, so each one asks the stand-in.
    const upstream = createPriceService({ logger, redis: redisUrl, settings: { ...base, localTtlMs: 0 } });
    services.push(upstream);
    const coldKeys = ['price:ethereum', 'price:last:ethereum'];
    const upstreamHits = summary(
      await timeEach(300, 20, async () => {
        await admin.del(...coldKeys);
        await upstream.getPrice('ethereum');
      }),
    );
    say(
      `upstream tier hit     p50 ${fixed(us(upstreamHits.p50))} µs   p99 ${fixed(us(upstreamHits.p99))} µs   (loopback stand-in, 5 ms batch window and one Redis DEL included)`,
    );

    // 1,000 concurrent cold lookups of one token, the stand-in answering after 20 ms.
    await admin.del(...coldKeys);
    standIn.setPrices({ ethereum: 3198.16, bitcoin: 95_000 }, 20);
    standIn.resetRequests();
    const cold = createPriceService({ logger, redis: redisUrl, settings: base });
    services.push(cold);
    const quotes = await Promise.all(Array.from({ length: 1_000 }, () => cold.getPrice('ethereum')));
    const upstreamCalls = standIn.requests.length;
    if (quotes.some((quote) => quote.priceUsd !== 3198.16)) throw new Error('a cold lookup answered a wrong price');
    say(`1,000 concurrent cold lookups of one token: ${upstreamCalls} upstream call(s)`);
    say('');

    say(
      JSON.stringify({
        local_p50_ns: localHits.p50,
        local_p99_ns: localHits.p99,
        local_per_lookup_ns: fixed(localPerCall.p50),
        redis_p50_us: fixed(us(redisHits.p50)),
        redis_p99_us: fixed(us(redisHits.p99)),
        bare_redis_p50_us: fixed(us(bareHits.p50)),
        bare_redis_p99_us: fixed(us(bareHits.p99)),
        redis_vs_bare: fixed(ratio, 2),
        upstream_p50_us: fixed(us(upstreamHits.p50)),
        upstream_p99_us: fixed(us(upstreamHits.p99)),
        upstream_calls_for_1000_cold: upstreamCalls,
      }),
    );
  } finally {
    await Promise.all(services.map((service) => service.close()));
    bare.disconnect();
    admin.disconnect();
    await standIn.close();
    await redisServer.stop(5_000);
    rmSync(workDir, { recursive: true, force: true });
  }
}

main().catch((error) => {
  process.stderr.write(
    `bench:prices failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exit(1);
});
