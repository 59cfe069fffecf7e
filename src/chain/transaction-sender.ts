import { randomBytes } from 'node:crypto';

import {
  Transaction,
  type JsonRpcProvider,
  type TransactionReceipt,
  type TransactionRequest,
  type Wallet,
} from 'ethers';
import type Redis from 'ioredis';

/** Thrown when the network's gas price is above the configured ceiling; nothing was sent. */
export class GasPriceTooHighError extends Error {
  override readonly name = 'GasPriceTooHighError';

  constructor(
    readonly gasPriceWei: bigint,
    readonly maxGasPriceWei: bigint,
  ) {
    super(`Gas price ${gasPriceWei} wei is above MAX_GAS_PRICE ${maxGasPriceWei} wei`);
  }
}

/** Thrown when the shared nonce lock could not be taken in time; nothing was sent, a retry is safe. */
export class NonceLockTimeoutError extends Error {
  override readonly name = 'NonceLockTimeoutError';

  constructor(
    readonly account: string,
    readonly waitedMs: number,
  ) {
    super(`Could not take the nonce lock of ${account} within ${waitedMs} ms`);
  }
}

/** Thrown when no receipt arrived in time; the transaction may still be mined, so look it up before resending. */
export class ReceiptTimeoutError extends Error {
  override readonly name = 'ReceiptTimeoutError';

  constructor(readonly txHash: string) {
    super(`No receipt for ${txHash} yet`);
  }
}

/** A transaction signed and broadcast, as the journal keeps it. */
export interface JournaledTransaction {
  hash: string;
  nonce: number;
  raw: string;
}

/** Options of {@link TransactionSender}. */
export interface TransactionSenderOptions {
  wallet: Wallet;
  provider: JsonRpcProvider;
  /** Holds the nonce lock, the next nonce and the journal, shared by every process that sends from this key. */
  redis: Redis;
  chainId: number;
  /** Transactions are not sent while the network asks more than this per gas. */
  maxGasPriceWei: bigint;
  /** How long a crashed holder keeps the lock. @default 15_000 */
  lockTtlMs?: number;
  /** How long to wait for the lock before giving up. @default 30_000 */
  lockWaitMs?: number;
  /** How long a journal entry is kept. @default 7 days */
  journalTtlSeconds?: number;
}

// ethers error codes of a broadcast the node refused outright.
const REJECTED_BROADCAST_CODES = new Set([
  'NONCE_EXPIRED',
  'REPLACEMENT_UNDERPRICED',
  'INSUFFICIENT_FUNDS',
  'CALL_EXCEPTION',
]);

const NEXT_NONCE_TTL_SECONDS = 60;

/** True when the node refused a broadcast, so the transaction is certainly not in flight. */
function isRejectedBroadcast(error: unknown): boolean {
  const code = (error as { code?: string }).code ?? '';
  // Hardhat's "Nonce too high" comes through ethers without a code of its own.
  return REJECTED_BROADCAST_CODES.has(code) || /nonce too (high|low)/i.test(String((error as Error).message));
}

const RELEASE_LOCK_SCRIPT = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end`;

/**
 * Sends transactions from one key without nonce collisions, across every process that shares the key.
 *
 * A Redis lock serialises nonce assignment, signing and broadcast, so transactions reach the node in
 * nonce order (Hardhat's automine refuses a gap). Before broadcast, the signed transaction is written to
 * a journal entry named by the caller, so a retry after a crash finds the transaction instead of
 * sending a second one.
 */
export class TransactionSender {
  readonly address: string;
  private readonly lockKey: string;
  private readonly nonceKey: string;
  private readonly journalPrefix: string;

  constructor(private readonly options: TransactionSenderOptions) {
    this.address = options.wallet.address;
    this.lockKey = `autometa:nonce-lock:${options.chainId}:${this.address.toLowerCase()}`;
    this.nonceKey = `autometa:next-nonce:${options.chainId}:${this.address.toLowerCase()}`;
    this.journalPrefix = `autometa:tx:${options.chainId}:`;
  }

  /**
   * Signs and broadcasts `request` under the shared nonce lock, journaling it under `journalName` first
   * (a name unique to what the transaction does, such as one execution).
   * @throws {GasPriceTooHighError} when the gas price is above the ceiling (nothing sent).
   * @throws {NonceLockTimeoutError} when another sender held the lock too long (nothing sent).
   */
  async send(request: TransactionRequest, journalName: string): Promise<JournaledTransaction> {
    const { provider, wallet, redis } = this.options;
    const journalKey = this.journalPrefix + journalName;
    const fees = await provider.getFeeData();
    const maxFeePerGas = fees.maxFeePerGas ?? fees.gasPrice ?? 0n;
    if (maxFeePerGas > this.options.maxGasPriceWei)
      throw new GasPriceTooHighError(maxFeePerGas, this.options.maxGasPriceWei);
    const gasLimit =
      request.gasLimit ??
      ((await provider.estimateGas({ ...request, from: this.address, blockTag: 'pending' })) * 12n) / 10n;

    return this.withLock(async () => {
      const pending = await provider.getTransactionCount(this.address, 'pending');
      const stored = Number((await redis.get(this.nonceKey)) ?? 0);
      // The stored nonce covers a node that has not yet seen the previous sender's broadcast.
      const nonce = Math.max(pending, stored);
      const raw = await wallet.signTransaction({
        ...request,
        type: 2,
        chainId: this.options.chainId,
        nonce,
        gasLimit,
        maxFeePerGas,
        maxPriorityFeePerGas: fees.maxPriorityFeePerGas ?? maxFeePerGas,
      });
      const entry: JournaledTransaction = { hash: Transaction.from(raw).hash!, nonce, raw };
      await redis.set(journalKey, JSON.stringify(entry), 'EX', this.options.journalTtlSeconds ?? 7 * 24 * 3600);
      try {
        await provider.broadcastTransaction(raw);
      } catch (error) {
        if (isRejectedBroadcast(error)) {
          // The node refused it, so nothing is in flight: the next attempt starts from the node's count.
          await redis.del(this.nonceKey, journalKey);
        }
        // Otherwise (a timeout, a dropped connection) the node may have it: the journal entry stays for resume().
        throw error;
      }
      // Kept briefly: it only bridges a node that has not yet counted this broadcast.
      await redis.set(this.nonceKey, String(nonce + 1), 'EX', NEXT_NONCE_TTL_SECONDS);
      return entry;
    });
  }

  /**
   * Finds what became of the transaction journaled under `journalName`: its receipt once mined; a
   * rebroadcast when the node lost it while its nonce is still free; `undefined` when there is none
   * or its nonce went to another transaction (the entry is then dropped).
   */
  async resume(journalName: string, timeoutMs: number): Promise<TransactionReceipt | undefined> {
    const { provider, redis } = this.options;
    const journalKey = this.journalPrefix + journalName;
    const stored = await redis.get(journalKey);
    if (!stored) return undefined;
    const entry = JSON.parse(stored) as JournaledTransaction;
    const receipt = await provider.getTransactionReceipt(entry.hash);
    if (receipt) return receipt;
    if (!(await provider.getTransaction(entry.hash))) {
      const mined = await provider.getTransactionCount(this.address, 'latest');
      if (mined > entry.nonce) {
        await redis.del(journalKey);
        return undefined;
      }
      try {
        await this.withLock(() => provider.broadcastTransaction(entry.raw));
      } catch (error) {
        if (!isRejectedBroadcast(error)) throw error;
        await redis.del(journalKey);
        return undefined;
      }
    }
    return this.waitForReceipt(entry.hash, timeoutMs);
  }

  /** Forgets the journal entry of a transaction that reverted, so the next attempt starts afresh. */
  async forget(journalName: string): Promise<void> {
    await this.options.redis.del(this.journalPrefix + journalName);
  }

  /**
   * Polls for the receipt of `hash`, quickly at first (a local chain mines at once), then backing off.
   * @throws {ReceiptTimeoutError} after `timeoutMs`.
   */
  async waitForReceipt(hash: string, timeoutMs: number): Promise<TransactionReceipt> {
    const deadline = Date.now() + timeoutMs;
    for (let pause = 50; ; pause = Math.min(pause * 2, 2_000)) {
      const receipt = await this.options.provider.getTransactionReceipt(hash);
      if (receipt) return receipt;
      if (Date.now() + pause > deadline) throw new ReceiptTimeoutError(hash);
      await new Promise((resolve) => setTimeout(resolve, pause));
    }
  }

  private async withLock<T>(work: () => Promise<T>): Promise<T> {
    const { redis } = this.options;
    const token = randomBytes(16).toString('hex');
    const ttl = this.options.lockTtlMs ?? 15_000;
    const waitMs = this.options.lockWaitMs ?? 30_000;
    const started = Date.now();
    let pause = 2;
    while ((await redis.set(this.lockKey, token, 'PX', ttl, 'NX')) !== 'OK') {
      if (Date.now() - started > waitMs) throw new NonceLockTimeoutError(this.address, waitMs);
      await new Promise((resolve) => setTimeout(resolve, pause + Math.random() * pause));
      pause = Math.min(pause * 2, 50);
    }
    try {
      return await work();
    } finally {
      await redis.eval(RELEASE_LOCK_SCRIPT, 1, this.lockKey, token).catch(() => undefined);
    }
  }
}
