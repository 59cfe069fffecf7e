import { parseEth } from '../arguments';
import type { Command } from '../context';
import { UsageError } from '../errors';
import { checkEscrowTransaction, sendEscrowTransaction } from '../escrow-transaction';
import { eth } from '../format';

/**
 * `deposit <eth>` and `withdraw <eth>`: the API builds the unsigned FeeEscrow transaction, the command
 * checks it does what was asked, signs it with the local key, sends it through RPC_URL and waits for
 * its receipt.
 */
function escrowCommand(kind: 'deposit' | 'withdraw'): Command {
  return {
    name: kind,
    usage: `${kind} <eth>`,
    summary:
      kind === 'deposit'
        ? 'Moves ETH from your wallet into your escrow, which pays actions and gas fees.'
        : 'Moves ETH from your escrow back to your wallet.',
    options: [],
    async run(context, positionals) {
      if (positionals.length !== 1) {
        throw new UsageError(`${kind} takes one amount of ETH, e.g. ${kind} 2`, kind);
      }
      const amountWei = parseEth(positionals[0], 'the amount', kind);
      const key = context.ownerKey();
      const contracts = await context.api.contracts();
      key.checkChain(contracts.chain_id);
      const tx = await context.api.escrowTransaction(kind, key.address, amountWei);
      checkEscrowTransaction(tx, {
        kind,
        owner: key.address,
        amountWei,
        escrow: contracts.fee_escrow,
        chainId: contracts.chain_id,
      });

      const chain = context.chain(contracts.chain_id);
      context.note(`Sending the ${kind} of ${eth(amountWei)} from ${key.address}…`);
      const receipt = await sendEscrowTransaction(chain, key.wallet, tx);
      const balanceWei = await chain.escrowBalance(contracts.fee_escrow, key.address);
      const verb = kind === 'deposit' ? 'Deposited' : 'Withdrew';
      return {
        lines: [
          `${verb} ${eth(amountWei)}: tx ${receipt.hash} (block ${receipt.blockNumber})`,
          `Escrow balance of ${key.address}: ${eth(balanceWei)}`,
        ],
        json: {
          success: true,
          action: kind,
          address: key.address,
          amount_wei: amountWei.toString(),
          tx_hash: receipt.hash,
          block_number: receipt.blockNumber,
          escrow_wei: balanceWei.toString(),
        },
      };
    },
  };
}

/** `deposit <eth>`. */
export const depositCommand = escrowCommand('deposit');

/** `withdraw <eth>`. */
export const withdrawCommand = escrowCommand('withdraw');
