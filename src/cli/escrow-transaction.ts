import { formatEther, getAddress, type TransactionReceipt, type TransactionResponse, type Wallet } from 'ethers';

import type { UnsignedTransaction } from './api-client';
import { feeEscrowInterface, shortMessage, type ChainClient } from './chain-client';
import { TransactionError } from './errors';

/** Seconds to wait for the receipt of an escrow transaction. */
export const ESCROW_RECEIPT_TIMEOUT_SECONDS = 120;

/** What the command asked for, which the API-built transaction must do exactly. */
export interface EscrowExpectation {
  kind: 'deposit' | 'withdraw';
  owner: string;
  amountWei: bigint;
  /** The FeeEscrow address from GET /api/utils/contracts. */
  escrow: string;
  chainId: bigint;
}

/**
 * Checks that a transaction the API built is the escrow call the owner asked for: from the owner, to
 * the deployment's FeeEscrow, on its chain, calling `deposit()` with the amount as value or
 * `withdraw(amount)` with no value. Nothing is signed otherwise.
 * @throws {TransactionError} `transaction_mismatch` naming the first field that differs.
 */
export function checkEscrowTransaction(tx: UnsignedTransaction, expected: EscrowExpectation): void {
  const mismatch = (what: string) =>
    new TransactionError(
      `The API built a ${expected.kind} transaction with ${what}; nothing was signed`,
      'transaction_mismatch',
    );
  if (getAddress(tx.from) !== getAddress(expected.owner)) throw mismatch(`sender ${tx.from}, not ${expected.owner}`);
  if (getAddress(tx.to) !== getAddress(expected.escrow)) {
    throw mismatch(`recipient ${tx.to}, not the FeeEscrow ${expected.escrow}`);
  }
  if (tx.chainId !== expected.chainId) throw mismatch(`chain id ${tx.chainId}, not ${expected.chainId}`);
  const wantedValue = expected.kind === 'deposit' ? expected.amountWei : 0n;
  if (tx.value !== wantedValue) throw mismatch(`value ${tx.value} wei, not ${wantedValue} wei`);
  let call: ReturnType<typeof feeEscrowInterface.parseTransaction> = null;
  try {
    call = feeEscrowInterface.parseTransaction({ data: tx.data, value: tx.value });
  } catch {
    // A known selector with arguments that do not decode: as foreign as an unknown function.
  }
  if (call?.name !== expected.kind) throw mismatch(`calldata that is not FeeEscrow.${expected.kind}`);
  if (expected.kind === 'withdraw' && call.args[0] !== expected.amountWei) {
    throw mismatch(`withdraw(${call.args[0]}), not withdraw(${expected.amountWei})`);
  }
}

/**
 * Simulates `tx`, then signs it with `wallet`, sends it through `chain` and waits for its receipt.
 * @throws {TransactionError} `transaction_rejected` when the simulation reverts or the node refuses it
 * (nothing was sent), `transaction_reverted` when it was mined and reverted.
 */
export async function sendEscrowTransaction(
  chain: ChainClient,
  wallet: Wallet,
  tx: UnsignedTransaction,
): Promise<TransactionReceipt> {
  await chain.ready();
  const request = { from: tx.from, to: tx.to, data: tx.data, value: tx.value };
  try {
    await chain.provider.call(request);
  } catch (error) {
    throw new TransactionError(
      `The escrow would reject this transaction: ${revertReason(error)}; nothing was sent`,
      'transaction_rejected',
      undefined,
      { cause: error },
    );
  }

  let sent: TransactionResponse;
  try {
    sent = await wallet.connect(chain.provider).sendTransaction({ ...request, chainId: tx.chainId, gasLimit: tx.gas });
  } catch (error) {
    throw new TransactionError(
      `The node refused the transaction: ${shortMessage(error)}`,
      'transaction_rejected',
      undefined,
      { cause: error },
    );
  }

  let receipt: TransactionReceipt | null;
  try {
    receipt = await sent.wait(1, ESCROW_RECEIPT_TIMEOUT_SECONDS * 1000);
  } catch (error) {
    if ((error as { code?: string }).code === 'CALL_EXCEPTION') {
      throw new TransactionError(`Transaction ${sent.hash} reverted`, 'transaction_reverted', sent.hash, {
        cause: error,
      });
    }
    throw new TransactionError(
      `No receipt for ${sent.hash} within ${ESCROW_RECEIPT_TIMEOUT_SECONDS} s (${shortMessage(error)}); it may still be mined`,
      'chain_unavailable',
      sent.hash,
      { cause: error },
    );
  }
  if (!receipt) throw new TransactionError(`No receipt for ${sent.hash}`, 'chain_unavailable', sent.hash);
  return receipt;
}

/** The FeeEscrow error of a failed simulation in words, or ethers' message for anything else. */
function revertReason(error: unknown): string {
  const data = (error as { data?: unknown }).data;
  if (typeof data === 'string' && data.length > 2) {
    const decoded = feeEscrowInterface.parseError(data);
    if (decoded?.name === 'FeeEscrowInsufficientBalance') {
      return `the escrow holds ${formatEther(decoded.args[1])} ETH, less than ${formatEther(decoded.args[2])} ETH`;
    }
    if (decoded) return `${decoded.name}(${decoded.args.map(String).join(', ')})`;
  }
  return shortMessage(error);
}
