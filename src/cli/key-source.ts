import { readFileSync } from 'node:fs';

import { Wallet } from 'ethers';

import { LOCAL_CHAIN_ID } from '../stack/chain-node';
import { hardhatDevWallet } from '../stack/local-accounts';
import { KeySourceError } from './errors';

/** Where the owner key comes from, as the command line was told. */
export interface KeySourceOptions {
  /** `--key-file`: a file holding a 0x-prefixed private key. */
  keyFile?: string;
  /** `AUTOMETA_PRIVATE_KEY` from the environment or `.env`. */
  envKey?: string;
  /** `--account`: a Hardhat development account index. */
  account?: string;
}

/** The owner key a command signs with. The key itself is never part of a message. */
export interface OwnerKey {
  wallet: Wallet;
  address: string;
  /** How the key was found, for messages: `--key-file`, `AUTOMETA_PRIVATE_KEY` or `--account 3`. */
  source: string;
  /**
   * Throws unless this key may sign for chain `chainId`: a Hardhat development key only on the local
   * chain, since its private key is public knowledge.
   */
  checkChain(chainId: bigint | number | string): void;
}

const PRIVATE_KEY = /^0x[0-9a-fA-F]{64}$/;

/** Highest account index accepted by `--account`; Hardhat funds the first 20, the path allows more. */
const MAX_ACCOUNT_INDEX = 999;

/**
 * Finds the owner key in the first source given: `--key-file`, then `AUTOMETA_PRIVATE_KEY`, then
 * `--account`. The sources left unused are returned in `ignored`, so the caller can say so.
 * @throws {KeySourceError} when none is given, the file cannot be read, or what it holds is no private key.
 */
export function resolveOwnerKey(options: KeySourceOptions): { key: OwnerKey; ignored: string[] } {
  const given = [
    options.keyFile !== undefined && '--key-file',
    options.envKey?.trim() && 'AUTOMETA_PRIVATE_KEY',
    options.account !== undefined && '--account',
  ].filter((source): source is string => Boolean(source));
  if (given.length === 0) {
    throw new KeySourceError(
      'This command signs as the owner: give --key-file <path>, set AUTOMETA_PRIVATE_KEY, or use --account <N> on the local chain',
    );
  }
  const ignored = given.slice(1);

  if (options.keyFile !== undefined) {
    let text: string;
    try {
      text = readFileSync(options.keyFile, 'utf8');
    } catch (error) {
      const reason = (error as NodeJS.ErrnoException).code ?? 'unreadable';
      throw new KeySourceError(`Cannot read the key file ${options.keyFile} (${reason})`);
    }
    return { key: ownerKey(parsePrivateKey(text, `The key file ${options.keyFile}`), '--key-file'), ignored };
  }
  if (options.envKey?.trim()) {
    return { key: ownerKey(parsePrivateKey(options.envKey, 'AUTOMETA_PRIVATE_KEY'), 'AUTOMETA_PRIVATE_KEY'), ignored };
  }

  const index = options.account ?? '';
  if (!/^\d{1,3}$/.test(index) || Number(index) > MAX_ACCOUNT_INDEX) {
    throw new KeySourceError(`--account must be a Hardhat development account number from 0 to ${MAX_ACCOUNT_INDEX}`);
  }
  const dev = hardhatDevWallet(Number(index));
  const wallet = new Wallet(dev.privateKey);
  return {
    key: {
      wallet,
      address: wallet.address,
      source: `--account ${Number(index)}`,
      checkChain(chainId) {
        if (BigInt(chainId) === BigInt(LOCAL_CHAIN_ID)) return;
        throw new KeySourceError(
          `--account uses Hardhat's public development keys and works only on the local chain (id ${LOCAL_CHAIN_ID}); ` +
            `this API serves chain ${chainId}. Use --key-file or AUTOMETA_PRIVATE_KEY.`,
        );
      },
    },
    ignored,
  };
}

function ownerKey(privateKey: string, source: string): OwnerKey {
  const wallet = new Wallet(privateKey);
  return { wallet, address: wallet.address, source, checkChain: () => undefined };
}

/** Checks the text is one private key; the message never repeats the text, which may be a key with a typo. */
function parsePrivateKey(text: string, what: string): string {
  const value = text.trim();
  if (!PRIVATE_KEY.test(value)) {
    throw new KeySourceError(`${what} must hold one private key: 0x followed by 64 hex digits`);
  }
  try {
    // Zero and values above the curve order pass the pattern but are no key.
    return new Wallet(value).privateKey;
  } catch {
    throw new KeySourceError(`${what} holds 64 hex digits that are not a valid secp256k1 private key`);
  }
}
