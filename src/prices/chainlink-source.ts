import { Contract, formatUnits, type ContractRunner } from 'ethers';

import { describeDuration } from './duration';
import { UpstreamPriceError } from './errors';

/** The part of Chainlink's AggregatorV3Interface the price tiers read. */
export const AGGREGATOR_V3_ABI = [
  'function decimals() view returns (uint8)',
  'function latestRoundData() view returns (uint80 roundId, int256 answer, uint256 startedAt, uint256 updatedAt, uint80 answeredInRound)',
] as const;

/** Options of {@link ChainlinkPriceSource}. */
export interface ChainlinkPriceSourceOptions {
  /** Provider of the chain the feeds live on. */
  provider: ContractRunner;
  /** Feed address by asset id (PRICE_FEEDS). */
  feeds: Readonly<Record<string, string>>;
  /** A round whose `updatedAt` is older than this many milliseconds is stale (PRICE_FEED_MAX_AGE). */
  maxAgeMs: number;
  /** A read without an answer within this many milliseconds fails as `timeout`. */
  timeoutMs: number;
  /** @default Date.now */
  now?: () => number;
}

/** One feed read: the answer in USD, unchecked for sign, with its round's update time. */
export interface FeedObservation {
  /** `answer / 10^decimals`; zero or negative when the feed says so (the caller checks it). */
  value: number;
  /** The round's `updatedAt`, in milliseconds since the epoch. */
  observedAt: number;
  /** Milliseconds since the epoch when the read returned. */
  checkedAt: number;
}

/**
 * Reads Chainlink-style price feeds (`latestRoundData` scaled by `decimals`) and rejects rounds that
 * are incomplete or stale. Each feed's `decimals` is read once and kept.
 */
export class ChainlinkPriceSource {
  private readonly now: () => number;
  private readonly contracts = new Map<string, Contract>();
  private readonly decimals = new Map<string, Promise<bigint>>();
  private reads = 0;

  constructor(private readonly options: ChainlinkPriceSourceOptions) {
    this.now = options.now ?? Date.now;
    for (const [token, address] of Object.entries(options.feeds)) {
      this.contracts.set(token, new Contract(address, AGGREGATOR_V3_ABI, options.provider));
    }
  }

  /** How many `latestRoundData` reads this source has made. */
  get readCount(): number {
    return this.reads;
  }

  /** True when a feed is configured for `token`. */
  hasFeed(token: string): boolean {
    return this.contracts.has(token);
  }

  /**
   * Reads the latest round of `token`'s feed.
   *
   * @throws {UpstreamPriceError} `no-feed` without a configured feed; `timeout` or `network` when the
   * chain does not answer or the call reverts; `malformed` for a round never updated; `stale-feed` when
   * `updatedAt` is older than `maxAgeMs` or the answer was carried over from an earlier round.
   */
  async read(token: string): Promise<FeedObservation> {
    const feed = this.contracts.get(token);
    if (!feed)
      throw new UpstreamPriceError('chainlink-feed', 'no-feed', 'no feed configured in PRICE_FEEDS', { token });
    this.reads += 1;
    const [decimals, round] = await this.withTimeout(
      token,
      Promise.all([this.decimalsOf(token, feed), feed.latestRoundData()]),
    );
    const [roundId, answer, , updatedAt, answeredInRound] = round as [bigint, bigint, bigint, bigint, bigint];
    const checkedAt = this.now();

    if (updatedAt === 0n)
      throw new UpstreamPriceError('chainlink-feed', 'malformed', `round ${roundId} was never updated`, { token });
    if (answeredInRound < roundId) {
      throw new UpstreamPriceError(
        'chainlink-feed',
        'stale-feed',
        `round ${roundId} carries the answer of round ${answeredInRound}`,
        {
          token,
        },
      );
    }
    const observedAt = Number(updatedAt) * 1_000;
    const age = checkedAt - observedAt;
    if (age > this.options.maxAgeMs) {
      const limit = describeDuration(this.options.maxAgeMs);
      const message = `feed updated ${describeDuration(age)} ago, beyond PRICE_FEED_MAX_AGE ${limit}`;
      throw new UpstreamPriceError('chainlink-feed', 'stale-feed', message, { token });
    }
    return { value: Number(formatUnits(answer, decimals)), observedAt, checkedAt };
  }

  private decimalsOf(token: string, feed: Contract): Promise<bigint> {
    let decimals = this.decimals.get(token);
    if (!decimals) {
      decimals = feed.decimals() as Promise<bigint>;
      // A failed read is asked again next time rather than remembered.
      decimals.catch(() => this.decimals.delete(token));
      this.decimals.set(token, decimals);
    }
    return decimals;
  }

  private async withTimeout<T>(token: string, read: Promise<T>): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        reject(
          new UpstreamPriceError(
            'chainlink-feed',
            'timeout',
            `no answer from the chain within ${this.options.timeoutMs} ms`,
            { token },
          ),
        );
      }, this.options.timeoutMs);
    });
    try {
      return await Promise.race([read, timeout]);
    } catch (error) {
      if (error instanceof UpstreamPriceError) throw error;
      const message =
        error instanceof Error ? ((error as { shortMessage?: string }).shortMessage ?? error.message) : String(error);
      throw new UpstreamPriceError('chainlink-feed', 'network', `feed read failed: ${message}`, {
        token,
        cause: error,
      });
    } finally {
      clearTimeout(timer);
    }
  }
}
