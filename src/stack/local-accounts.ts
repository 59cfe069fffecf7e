import { HDNodeWallet, Mnemonic } from 'ethers';

/**
 * Hardhat's built-in development mnemonic. Its keys are public knowledge and funded only on local
 * chains: never send real value to them.
 */
export const HARDHAT_DEV_MNEMONIC = 'test test test test test test test test test test test junk';

/** The local stack's roles, each a Hardhat development account by index. */
export const LOCAL_ACCOUNT_INDEX = { deployer: 0, relayer: 1, worker: 2, user: 3 } as const;
export type LocalAccountRole = keyof typeof LOCAL_ACCOUNT_INDEX;

/** Derives the wallet of Hardhat development account `index` (path m/44'/60'/0'/0/index). */
export function hardhatDevWallet(index: number): HDNodeWallet {
  return HDNodeWallet.fromMnemonic(Mnemonic.fromPhrase(HARDHAT_DEV_MNEMONIC), `m/44'/60'/0'/0/${index}`);
}

/** The wallet the local stack uses for `role`. */
export function localWallet(role: LocalAccountRole): HDNodeWallet {
  return hardhatDevWallet(LOCAL_ACCOUNT_INDEX[role]);
}
