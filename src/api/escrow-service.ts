import { getAddress, type Contract, type Provider } from 'ethers';

import { decodeRevert, revertDataOf } from '../chain/contracts';

/** Thrown when a withdrawal asks for more than the user's escrow balance; nothing was built. */
export class InsufficientEscrowBalanceError extends Error {
  override readonly name = 'InsufficientEscrowBalanceError';

  constructor(
    readonly user: string,
    readonly amountWei: bigint,
    readonly balanceWei: bigint,
  ) {
    super(`amount_wei ${amountWei} is above the escrow balance of ${user}, ${balanceWei} wei`);
  }
}

/** Thrown when a deposit asks for more coin than the user's wallet holds; nothing was built. */
export class InsufficientWalletBalanceError extends Error {
  override readonly name = 'InsufficientWalletBalanceError';

  constructor(
    readonly user: string,
    readonly amountWei: bigint,
    readonly balanceWei: bigint,
  ) {
    super(`amount_wei ${amountWei} is above the wallet balance of ${user}, ${balanceWei} wei`);
  }
}

/** Thrown when the chain rejects the transaction in gas estimation: it would revert if sent. */
export class EscrowTransactionRejectedError extends Error {
  override readonly name = 'EscrowTransactionRejectedError';

  constructor(
    /** The escrow's custom error when the revert decodes to one, e.g. `FeeEscrowZeroAmount`. */
    readonly errorName: string | undefined,
    options: { cause: unknown },
  ) {
    super(`The FeeEscrow would reject this transaction${errorName ? `: ${errorName}` : ''}`, options);
  }
}

/** The errors {@link EscrowService} throws on purpose, for callers that branch on them. */
export type EscrowServiceError =
  InsufficientEscrowBalanceError | InsufficientWalletBalanceError | EscrowTransactionRejectedError;

/** What {@link EscrowService} needs. */
export interface EscrowServiceOptions {
  /** The FeeEscrow, connected to a provider: the service only reads and estimates. */
  escrow: Contract;
  provider: Provider;
  /** The chain id the transactions are built for (`CHAIN_ID`). */
  chainId: number;
}

/**
 * An unsigned transaction for the user's own wallet to sign and send. Amounts are decimal strings of wei.
 * The wallet fills in the nonce and the fee fields.
 */
export interface UnsignedEscrowTransaction {
  from: string;
  /** The FeeEscrow. */
  to: string;
  data: string;
  /** Wei sent with the call: the deposit, or "0" for a withdrawal. */
  value: string;
  chainId: number;
  /** The gas limit `eth_estimateGas` answered for this call from `from`, decimal. */
  gas: string;
}

/**
 * Reads FeeEscrow balances and builds deposit and withdrawal transactions for users' wallets to sign.
 *
 * NOTE: The service never holds or asks for a user key: what it builds moves coin only once the user signs
 * and sends it. The balances checked are those at the latest block; the contract checks again when the
 * transaction runs.
 */
export class EscrowService {
  private readonly escrowAddress: string;

  constructor(private readonly options: EscrowServiceOptions) {
    this.escrowAddress = getAddress(String(options.escrow.target));
  }

  /** The wei `user` holds in the escrow. */
  async balance(user: string): Promise<bigint> {
    return (await this.options.escrow.balanceOf(user)) as bigint;
  }

  /**
   * Builds `deposit()` with `amountWei` attached, from `user`.
   * @throws {InsufficientWalletBalanceError} when the wallet holds less than `amountWei`.
   * @throws {EscrowTransactionRejectedError} when the estimate reverts or the chain refuses the call.
   */
  async buildDeposit(user: string, amountWei: bigint): Promise<UnsignedEscrowTransaction> {
    const wallet = await this.options.provider.getBalance(user);
    if (amountWei > wallet) throw new InsufficientWalletBalanceError(user, amountWei, wallet);
    return this.build(user, this.options.escrow.interface.encodeFunctionData('deposit', []), amountWei);
  }

  /**
   * Builds `withdraw(amountWei)` from `user`.
   * @throws {InsufficientEscrowBalanceError} when the escrow holds less than `amountWei` for `user`.
   * @throws {EscrowTransactionRejectedError} when the estimate reverts or the chain refuses the call.
   */
  async buildWithdraw(user: string, amountWei: bigint): Promise<UnsignedEscrowTransaction> {
    const balance = await this.balance(user);
    if (amountWei > balance) throw new InsufficientEscrowBalanceError(user, amountWei, balance);
    return this.build(user, this.options.escrow.interface.encodeFunctionData('withdraw', [amountWei]), 0n);
  }

  private async build(from: string, data: string, value: bigint): Promise<UnsignedEscrowTransaction> {
    let gas: bigint;
    try {
      gas = await this.options.provider.estimateGas({ from, to: this.escrowAddress, data, value });
    } catch (error) {
      // A revert (or a wallet too poor for value and gas) is the request's fault; anything else is the chain's.
      const code = (error as { code?: string }).code;
      if (code !== 'CALL_EXCEPTION' && code !== 'INSUFFICIENT_FUNDS') throw error;
      throw new EscrowTransactionRejectedError(decodeRevert(revertDataOf(error))?.name, { cause: error });
    }
    return {
      from,
      to: this.escrowAddress,
      data,
      value: value.toString(),
      chainId: this.options.chainId,
      gas: gas.toString(),
    };
  }
}
