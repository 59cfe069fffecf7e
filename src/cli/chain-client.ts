import { Contract, Interface, JsonRpcProvider, Network } from 'ethers';

import { TransactionError } from './errors';

/** Default JSON-RPC endpoint: the local stack's chain. */
export const DEFAULT_RPC_URL = 'http://127.0.0.1:8545';

/** The FeeEscrow functions and errors the command line uses, so it needs no compiled artifacts. */
export const FEE_ESCROW_CLI_ABI = [
  'function deposit() payable',
  'function withdraw(uint256 amount)',
  'function balanceOf(address user) view returns (uint256)',
  'error FeeEscrowInsufficientBalance(address user, uint256 balance, uint256 needed)',
  'error FeeEscrowZeroAmount()',
  'error FeeEscrowInvalidUser(address user)',
  'error FeeEscrowTransferFailed(address to, uint256 amount, bytes reason)',
];

/** The FeeEscrow interface of {@link FEE_ESCROW_CLI_ABI}. */
export const feeEscrowInterface = new Interface(FEE_ESCROW_CLI_ABI);

/**
 * The chain as the command line reads it, through `RPC_URL`, pinned to the chain id the API serves so
 * a wrong endpoint fails at once instead of retrying its network detection.
 */
export class ChainClient {
  readonly provider: JsonRpcProvider;

  private verified?: Promise<void>;

  constructor(
    readonly rpcUrl: string,
    readonly chainId: bigint,
  ) {
    this.provider = new JsonRpcProvider(rpcUrl, Network.from(chainId), { staticNetwork: true, pollingInterval: 250 });
  }

  /**
   * Resolves once the endpoint answers with the expected chain id.
   * @throws {TransactionError} `chain_unavailable` when it does not answer or serves another chain.
   */
  ready(): Promise<void> {
    this.verified ??= this.provider.send('eth_chainId', []).then(
      (answer: string) => {
        if (BigInt(answer) !== this.chainId) {
          throw new TransactionError(
            `RPC_URL serves chain ${BigInt(answer)}, the API chain ${this.chainId}; point RPC_URL at the API's chain`,
            'chain_unavailable',
          );
        }
      },
      (error: unknown) => {
        throw new TransactionError(
          `Cannot reach the chain at RPC_URL ${redactUrl(this.rpcUrl)} (${shortMessage(error)})`,
          'chain_unavailable',
          undefined,
          { cause: error },
        );
      },
    );
    return this.verified;
  }

  /** The escrow balance of `owner` in FeeEscrow `escrow`, in wei. */
  async escrowBalance(escrow: string, owner: string): Promise<bigint> {
    await this.ready();
    return (await new Contract(escrow, FEE_ESCROW_CLI_ABI, this.provider).balanceOf(owner)) as bigint;
  }

  /** The native balance of `account`, in wei. */
  async walletBalance(account: string): Promise<bigint> {
    await this.ready();
    return this.provider.getBalance(account);
  }

  /** Stops the provider's timers, so the process can exit. */
  close(): void {
    this.provider.destroy();
  }
}

/** ethers' short message of an error, or its message. */
export function shortMessage(error: unknown): string {
  if (error && typeof error === 'object') {
    const short = (error as { shortMessage?: unknown }).shortMessage;
    if (typeof short === 'string') return short;
    if (error instanceof Error) return error.message;
  }
  return String(error);
}

/** The URL without credentials, which RPC providers often put in the path or user part. */
function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.protocol}//${parsed.host}`;
  } catch {
    return '(unparsable URL)';
  }
}
