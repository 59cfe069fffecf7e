import type Redis from 'ioredis';

/** Thrown when Redis cannot say whether a signed message was used before, so it is not accepted. */
export class ReplayGuardUnavailableError extends Error {
  override readonly name = 'ReplayGuardUnavailableError';

  constructor(options: { cause: unknown }) {
    super('Signed messages cannot be checked for reuse right now (Redis does not answer); retry shortly', options);
  }
}

/** What {@link SignatureReplayGuard} needs. */
export interface SignatureReplayGuardOptions {
  /** Redis shared by every API process, so a message used at one is refused at all. */
  redis: Redis;
  /** Prefix of the keys. @default 'autometa:signatures:' */
  keyPrefix?: string;
}

/**
 * Remembers the EIP-712 digests of the signed messages the API checks off-chain (pause, resume), each until
 * its deadline, so each is accepted once across every API process. Keys: `<prefix><digest>`, set with
 * `SET NX` and an expiry at the deadline (past it the message is refused as expired anyway).
 */
export class SignatureReplayGuard {
  private readonly keyPrefix: string;

  constructor(private readonly options: SignatureReplayGuardOptions) {
    this.keyPrefix = options.keyPrefix ?? 'autometa:signatures:';
  }

  /**
   * Records `digest` as used until `deadline` (unix seconds). Answers false when it was already recorded.
   * @throws {ReplayGuardUnavailableError} when Redis does not answer.
   */
  async claim(digest: string, deadline: bigint): Promise<boolean> {
    // At least a second: a deadline this close has passed by the time anyone could replay it.
    const ttlMs = Math.max(1_000, Number(deadline) * 1000 - Date.now());
    try {
      return (await this.options.redis.set(this.key(digest), '1', 'PX', ttlMs, 'NX')) === 'OK';
    } catch (error) {
      throw new ReplayGuardUnavailableError({ cause: error });
    }
  }

  /**
   * Forgets `digest`, for a claimed message whose action then failed, so the owner may send it again.
   * Best effort: an error is swallowed, leaving the message used until its deadline.
   */
  async release(digest: string): Promise<void> {
    try {
      await this.options.redis.del(this.key(digest));
    } catch {
      // The only cost is that the owner signs again.
    }
  }

  private key(digest: string): string {
    return `${this.keyPrefix}${digest.toLowerCase()}`;
  }
}
