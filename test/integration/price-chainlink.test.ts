import { randomUUID } from 'node:crypto';

import { Contract, ContractFactory, JsonRpcProvider, NonceManager, parseUnits, type Signer } from 'ethers';
import Redis from 'ioredis';

import { loadArtifact } from '../../src/chain/artifacts';
import type { Asset } from '../../src/domain/assets';
import { PriceComparator } from '../../src/domain/codes';
import { createLogger } from '../../src/logging';
import { PriceUnavailableError } from '../../src/prices/errors';
import { createPriceService, type CreatePriceServiceOptions, type PriceService } from '../../src/prices/price-service';
import { freePort } from '../../src/stack/free-port';
import { hardhatDevWallet, localWallet } from '../../src/stack/local-accounts';
import { startCoinGeckoStandIn, type CoinGeckoStandIn } from '../support/coingecko-stand-in';
import { testServices } from '../support/services';

// A database of its own, so these tests never meet other files' `price:ethereum` entries.
const redisUrl = () => `${testServices().redisUrl}/12`;
const FEED_ABI = [
  'function setAnswer(int256 answer)',
  'function latestRoundData() view returns (uint80, int256, uint256, uint256, uint80)',
];
const quiet = createLogger({ level: 'error', write: () => undefined });

describe('price service with chain feeds', () => {
  let provider: JsonRpcProvider;
  let redis: Redis;
  let standIn: CoinGeckoStandIn;
  // An account no other test uses, so its nonces never race the deployer's.
  let feedOwner: Signer;
  const services: PriceService[] = [];

  const service = (overrides: Partial<CreatePriceServiceOptions> = {}) => {
    const created = createPriceService({
      logger: quiet,
      redis: redisUrl(),
      provider,
      ...overrides,
      settings: {
        sources: ['chainlink'],
        feeds: testServices().deployment.priceFeeds,
        coingeckoApiUrl: standIn.apiUrl,
        coingeckoTimeoutMs: 300,
        feedTimeoutMs: 1_000,
        ...overrides.settings,
      },
    });
    services.push(created);
    return created;
  };

  async function deployFeed(decimals: number, initialAnswer: bigint): Promise<{ asset: Asset; feed: Contract }> {
    const { abi, bytecode } = loadArtifact('LocalPriceFeed');
    const contract = await new ContractFactory(abi, bytecode, feedOwner).deploy(decimals, 'TEST / USD', initialAnswer);
    await contract.waitForDeployment();
    const id = `feed-${randomUUID().slice(0, 8)}`;
    return {
      asset: { id, symbol: id.toUpperCase(), name: id },
      feed: new Contract(await contract.getAddress(), FEED_ABI, feedOwner),
    };
  }

  async function setAnswer(feed: Contract, answer: bigint): Promise<number> {
    const receipt = await (await feed.setAnswer(answer)).wait();
    return (await provider.getBlock(receipt.blockNumber))!.timestamp;
  }

  async function chainNowMs(): Promise<number> {
    return (await provider.getBlock('latest'))!.timestamp * 1_000;
  }

  beforeAll(async () => {
    // No request cache: a read right after a transaction must see it.
    provider = new JsonRpcProvider(testServices().rpcUrl, 31337, { staticNetwork: true, cacheTimeout: -1 });
    redis = new Redis(redisUrl());
    standIn = await startCoinGeckoStandIn();
    feedOwner = new NonceManager(hardhatDevWallet(9).connect(provider));
  });

  beforeEach(async () => {
    standIn.resetRequests();
    await redis.del('price:ethereum', 'price:last:ethereum', 'price:bitcoin', 'price:last:bitcoin');
  });

  afterEach(async () => {
    await Promise.all(services.splice(0).map((created) => created.close()));
  });

  afterAll(async () => {
    await redis.del('price:ethereum', 'price:last:ethereum', 'price:bitcoin', 'price:last:bitcoin');
    redis.disconnect();
    await standIn.close();
    provider.destroy();
  });

  it("reads the deployment's feed, scaled by its decimals, with the round's update time", async () => {
    const address = testServices().deployment.priceFeeds.ethereum;
    const feed = new Contract(address, FEED_ABI, new NonceManager(localWallet('deployer').connect(provider)));
    const [, original] = (await feed.latestRoundData()) as [bigint, bigint];
    try {
      const updatedAt = await setAnswer(feed, parseUnits('3198.16', 8));
      const quote = await service({ now: () => updatedAt * 1_000 + 5_000 }).getPrice('ETH');
      expect(quote).toEqual({
        token: 'ethereum',
        priceUsd: 3198.16,
        source: 'chainlink-feed',
        origin: 'chainlink-feed',
        observedAt: updatedAt * 1_000,
        checkedAt: updatedAt * 1_000 + 5_000,
        ageMs: 5_000,
        stale: false,
      });
    } finally {
      await setAnswer(feed, original);
    }
  });

  it('reads several feeds at once', async () => {
    const prices = service();
    const results = await prices.getPrices(['ethereum', 'bitcoin']);
    expect(results.map((result) => ('quote' in result ? result.quote.source : result.error.message))).toEqual([
      'chainlink-feed',
      'chainlink-feed',
    ]);
    expect(prices.stats().feedReads).toBe(2);
  });

  it('scales an 18-decimal feed', async () => {
    const { asset, feed } = await deployFeed(18, parseUnits('3198.16', 18));
    const prices = service({ assets: [asset], settings: { feeds: { [asset.id]: await feed.getAddress() } } });
    expect(await prices.getPrice(asset.id)).toMatchObject({ priceUsd: 3198.16, source: 'chainlink-feed' });
  });

  it.each([
    ['zero', 0n, 'chainlink-feed: absurd: usd value 0 is not above zero'],
    ['a negative answer', -1n * 10n ** 8n, 'chainlink-feed: absurd: usd value -1 is not above zero'],
  ])('never returns %s as a price', async (_case, answer, reason) => {
    const { asset, feed } = await deployFeed(8, answer);
    const prices = service({ assets: [asset], settings: { feeds: { [asset.id]: await feed.getAddress() } } });
    const error = await prices.getPrice(asset.id).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(PriceUnavailableError);
    expect((error as Error).message).toContain(reason);
  });

  it('rejects a round older than PRICE_FEED_MAX_AGE, saying how old', async () => {
    const { asset, feed } = await deployFeed(8, parseUnits('3200', 8));
    // The service's clock runs two hours ahead of the chain's, so the chain itself is not moved for other tests.
    const twoHoursLater = (await chainNowMs()) + 7_200_000;
    const prices = service({
      assets: [asset],
      now: () => twoHoursLater,
      settings: { feeds: { [asset.id]: await feed.getAddress() }, feedMaxAgeMs: 3_600_000 },
    });
    const error = await prices.getPrice(asset.id).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(PriceUnavailableError);
    expect((error as PriceUnavailableError).failures[1]).toMatchObject({ tier: 'chainlink-feed', code: 'stale-feed' });
    expect((error as Error).message).toMatch(
      /chainlink-feed: stale-feed: feed updated 720\d s ago, beyond PRICE_FEED_MAX_AGE 3600 s/,
    );
  });

  it('fires a trigger on a feed round older than PRICE_TRIGGER_MAX_AGE that was read just now', async () => {
    const { asset, feed } = await deployFeed(8, parseUnits('3100', 8));
    const halfHourLater = (await chainNowMs()) + 1_800_000;
    const prices = service({
      assets: [asset],
      now: () => halfHourLater,
      settings: { feeds: { [asset.id]: await feed.getAddress() } },
    });
    const check = await prices.checkPriceTrigger({
      token: asset.id,
      comparator: PriceComparator.AtOrBelow,
      targetUsd: 3200,
    });
    expect(check.quote.ageMs).toBeGreaterThan(1_700_000);
    expect(check).toMatchObject({ fire: true, fresh: true });
  });

  it('rejects a jump beyond PRICE_MAX_JUMP_PCT from the feed', async () => {
    const { asset, feed } = await deployFeed(8, parseUnits('3200', 8));
    const prices = service({
      assets: [asset],
      settings: { feeds: { [asset.id]: await feed.getAddress() }, localTtlMs: 0, cacheTtlMs: 1 },
    });
    expect(await prices.getPrice(asset.id)).toMatchObject({ priceUsd: 3200, source: 'chainlink-feed' });
    await setAnswer(feed, parseUnits('320', 8));
    await new Promise((resolve) => setTimeout(resolve, 5));
    const quote = await prices.getPrice(asset.id);
    expect(quote).toMatchObject({ priceUsd: 3200, stale: true });
  });

  it('uses the feed when CoinGecko fails, and skips CoinGecko while it backs off', async () => {
    const sources = ['coingecko', 'chainlink'] as const;
    standIn.respond({ kind: 'status', status: 503 });
    expect(
      await service({ settings: { sources: [...sources], localTtlMs: 0, cacheTtlMs: 1 } }).getPrice('bitcoin'),
    ).toMatchObject({
      source: 'chainlink-feed',
    });

    standIn.resetRequests();
    standIn.respond({ kind: 'status', status: 429, headers: { 'retry-after': '60' } });
    const prices = service({ settings: { sources: [...sources], localTtlMs: 0, cacheTtlMs: 1 } });
    for (let round = 0; round < 3; round += 1) {
      // Past the 1 ms Redis TTL of the value written just before, so each round misses both caches.
      await new Promise((resolve) => setTimeout(resolve, 5));
      expect(await prices.getPrice('bitcoin')).toMatchObject({ source: 'chainlink-feed', stale: false });
    }
    expect(standIn.requests).toHaveLength(1);
  });

  it('fails within the timeout when the chain does not answer', async () => {
    const deadProvider = new JsonRpcProvider(`http://127.0.0.1:${await freePort()}`, 31337, { staticNetwork: true });
    try {
      const started = Date.now();
      const error = await service({ provider: deadProvider })
        .getPrice('ethereum')
        .catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(PriceUnavailableError);
      expect((error as PriceUnavailableError).failures[1]).toMatchObject({ tier: 'chainlink-feed' });
      expect(['network', 'timeout']).toContain((error as PriceUnavailableError).failures[1].code);
      expect(Date.now() - started).toBeLessThan(2_000);
    } finally {
      deadProvider.destroy();
    }
  });

  it('says so when no feed is configured for the token', async () => {
    const prices = service({ settings: { feeds: { ethereum: testServices().deployment.priceFeeds.ethereum } } });
    const error = await prices.getPrice('bitcoin').catch((caught: unknown) => caught);
    expect((error as Error).message).toContain('chainlink-feed: no-feed: no feed configured in PRICE_FEEDS');
    expect(prices.supportedAssets().map((asset) => [asset.id, asset.sources])).toEqual([
      ['ethereum', ['chainlink-feed']],
      ['bitcoin', []],
    ]);
  });
});
