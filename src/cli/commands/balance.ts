import { noMorePositionals, parseAddress, stringOption } from '../arguments';
import type { Command } from '../context';
import { eth } from '../format';

/** `balance [--owner <address>]`: the escrow and wallet balances of the key's address or of `--owner`. */
export const balanceCommand: Command = {
  name: 'balance',
  usage: 'balance [--owner <address>]',
  summary: "Escrow and wallet balance of the key's address (or of --owner, which needs no key).",
  options: ['owner'],
  async run(context, positionals, options) {
    noMorePositionals(positionals, 0, 'balance');
    const ownerOption = stringOption(options, 'owner');
    const owner = ownerOption ? parseAddress(ownerOption, '--owner', 'balance') : context.ownerKey().address;
    const contracts = await context.api.contracts();
    const chain = context.chain(contracts.chain_id);
    const [escrowWei, walletWei] = await Promise.all([
      chain.escrowBalance(contracts.fee_escrow, owner),
      chain.walletBalance(owner),
    ]);
    return {
      lines: [`Escrow balance of ${owner}: ${eth(escrowWei)}`, `Wallet balance: ${eth(walletWei)}`],
      json: {
        address: owner,
        escrow_wei: escrowWei.toString(),
        wallet_wei: walletWei.toString(),
        fee_escrow: contracts.fee_escrow,
        chain_id: Number(contracts.chain_id),
      },
    };
  },
};
