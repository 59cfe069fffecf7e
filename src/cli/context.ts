import type { ApiClient } from './api-client';
import { ChainClient } from './chain-client';
import { resolveOwnerKey, type KeySourceOptions, type OwnerKey } from './key-source';

/** The option values of one invocation, as `node:util` parseArgs returns them. */
export type OptionValues = Record<string, string | boolean | undefined>;

/** What a command produced: the lines a person reads, and the object `--json` prints instead. */
export interface CommandResult {
  lines: string[];
  json: unknown;
}

/** A command of the command line. */
export interface Command {
  name: string;
  /** Its arguments and options, after `npm run cli -- [key options] <name>`. */
  usage: string;
  /** One line on what it does. */
  summary: string;
  /** The long names of the options it takes besides the global ones. */
  options: readonly string[];
  run(context: CliContext, positionals: string[], options: OptionValues): Promise<CommandResult>;
}

/** Options of {@link CliContext}. */
export interface CliContextOptions {
  api: ApiClient;
  rpcUrl: string;
  keySource: KeySourceOptions;
  /** Writes a progress line for people; it goes to stderr so `--json` output stays one object. */
  note(line: string): void;
}

/** What commands share: the API, the chain, the owner key (read only when a command needs it). */
export class CliContext {
  readonly api: ApiClient;

  private key?: OwnerKey;
  private readonly chains: ChainClient[] = [];

  constructor(private readonly options: CliContextOptions) {
    this.api = options.api;
  }

  /**
   * The owner key from the first source given; says once which other sources it ignored.
   * @throws {KeySourceError} as {@link resolveOwnerKey} does.
   */
  ownerKey(): OwnerKey {
    if (!this.key) {
      const { key, ignored } = resolveOwnerKey(this.options.keySource);
      if (ignored.length > 0) this.note(`Signing with the key from ${key.source}; ignoring ${ignored.join(' and ')}`);
      this.key = key;
    }
    return this.key;
  }

  /** A client of the chain at RPC_URL, expected to serve `chainId`; closed by {@link close}. */
  chain(chainId: bigint): ChainClient {
    const chain = new ChainClient(this.options.rpcUrl, chainId);
    this.chains.push(chain);
    return chain;
  }

  /** Writes a progress line for people (stderr). */
  note(line: string): void {
    this.options.note(line);
  }

  /** Releases the chain clients. */
  close(): void {
    for (const chain of this.chains.splice(0)) chain.close();
  }
}
