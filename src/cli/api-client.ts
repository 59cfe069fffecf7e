import { getAddress, isAddress } from 'ethers';
import { z } from 'zod';

import type { WorkflowView } from '../api/workflow-schemas';
import { ApiRequestError, ApiUnavailableError } from './errors';

/** Milliseconds a request may take: mutations wait for their registry transaction's receipt. */
export const API_REQUEST_TIMEOUT_MS = 120_000;

const address = z
  .string()
  .refine((value) => isAddress(value), 'is not an address')
  .transform((value) => getAddress(value));

/** A uint256 the API may send as a decimal string or a JSON number. */
const uint = z
  .union([z.string().regex(/^\d{1,78}$/), z.number().int().nonnegative()])
  .transform((value) => BigInt(value));

const nonceBody = z.object({ nonce: uint, registry: address, chain_id: uint });

const contractsBody = z.object({
  chain_id: uint,
  workflow_registry: address,
  action_executor: address,
  fee_escrow: address,
});

const unsignedTransactionBody = z.object({
  transaction: z.object({
    from: address,
    to: address,
    data: z.string().regex(/^0x(?:[0-9a-fA-F]{2})*$/, 'is not hex data'),
    value: uint,
    chainId: uint,
    gas: uint.optional(),
  }),
});

/** The owner's registry nonce and the EIP-712 domain to sign under, from GET /api/workflow/nonce/{address}. */
export type NonceResult = z.output<typeof nonceBody>;

/** The deployment, from GET /api/utils/contracts. */
export type ContractsResult = z.output<typeof contractsBody>;

/** An escrow transaction the API built for the owner to sign and send; amounts in wei. */
export type UnsignedTransaction = z.output<typeof unsignedTransactionBody>['transaction'];

/** The answer of POST /api/workflow/create and DELETE /api/workflow/{id}. */
export interface WorkflowTransactionResult {
  success: true;
  workflow_id: number;
  tx_hash: string;
  message: string;
}

/** The answer of POST /api/workflow/{id}/pause and /resume. */
export interface PauseResult {
  success: true;
  workflow_id: number;
  paused: boolean;
}

/** The answer of GET /api/workflow/{id}. */
export interface WorkflowResult {
  success: true;
  workflow: WorkflowView;
}

/** The answer of GET /api/workflow/user/{address}. */
export interface WorkflowListResult {
  success: true;
  user_address: string;
  workflows: WorkflowView[];
}

/** A signature and its deadline (unix seconds), the body of every signed mutation. */
export interface SignedBody {
  signature: string;
  deadline: number;
}

/**
 * The Autometa HTTP API as the command line uses it. Every method throws {@link ApiRequestError} with the
 * API's error code and message for an error answer, and {@link ApiUnavailableError} when the API cannot
 * be reached or answers something else than its JSON.
 */
export class ApiClient {
  readonly baseUrl: string;

  constructor(baseUrl: string) {
    this.baseUrl = baseUrl.replace(/\/+$/, '');
  }

  /** The owner's registry nonce, the registry address and chain id to sign under. */
  async nonce(owner: string): Promise<NonceResult> {
    return parsed(nonceBody, await this.request('GET', `/api/workflow/nonce/${owner}`), 'nonce');
  }

  /** The deployed contracts and chain id. */
  async contracts(): Promise<ContractsResult> {
    return parsed(contractsBody, await this.request('GET', '/api/utils/contracts'), 'contracts');
  }

  /** Registers a workflow from a signed create body. */
  createWorkflow(body: Record<string, unknown>): Promise<WorkflowTransactionResult> {
    return this.request('POST', '/api/workflow/create', body) as Promise<WorkflowTransactionResult>;
  }

  /** One workflow with its automation's status. */
  getWorkflow(workflowId: bigint): Promise<WorkflowResult> {
    return this.request('GET', `/api/workflow/${workflowId}`) as Promise<WorkflowResult>;
  }

  /** Every workflow `owner` has, each with its automation's status. */
  listWorkflows(owner: string): Promise<WorkflowListResult> {
    return this.request('GET', `/api/workflow/user/${owner}`) as Promise<WorkflowListResult>;
  }

  /** Deactivates a workflow with its owner's signature. */
  deleteWorkflow(workflowId: bigint, body: SignedBody): Promise<WorkflowTransactionResult> {
    return this.request('DELETE', `/api/workflow/${workflowId}`, body) as Promise<WorkflowTransactionResult>;
  }

  /** Pauses (`paused` true) or resumes an automation with its owner's signature. */
  setPaused(workflowId: bigint, paused: boolean, body: SignedBody): Promise<PauseResult> {
    const action = paused ? 'pause' : 'resume';
    return this.request('POST', `/api/workflow/${workflowId}/${action}`, body) as Promise<PauseResult>;
  }

  /** Asks the API to build the unsigned `FeeEscrow.deposit` or `withdraw` transaction of `amountWei`. */
  async escrowTransaction(
    kind: 'deposit' | 'withdraw',
    owner: string,
    amountWei: bigint,
  ): Promise<UnsignedTransaction> {
    const body = await this.request('POST', `/api/escrow/${kind}`, {
      user_address: owner,
      amount_wei: amountWei.toString(),
    });
    return parsed(unsignedTransactionBody, body, `escrow ${kind}`).transaction;
  }

  private async request(method: string, route: string, body?: unknown): Promise<unknown> {
    const url = `${this.baseUrl}${route}`;
    let response: Response;
    try {
      response = await fetch(url, {
        method,
        headers: body === undefined ? {} : { 'Content-Type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(API_REQUEST_TIMEOUT_MS),
      });
    } catch (error) {
      const reason = error instanceof Error ? ((error.cause as Error | undefined)?.message ?? error.message) : '';
      throw new ApiUnavailableError(
        `Cannot reach the API at ${this.baseUrl} (${reason}); is it running? Set BACKEND_API_URL to point elsewhere`,
        url,
        { cause: error },
      );
    }
    const text = await response.text();
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      throw new ApiUnavailableError(
        `${method} ${route} answered HTTP ${response.status} without JSON: ${text.slice(0, 200)}`,
        url,
      );
    }
    if (!response.ok) {
      const error = (json as { error?: { code?: unknown; message?: unknown; details?: unknown } }).error;
      throw new ApiRequestError(
        response.status,
        typeof error?.code === 'string' ? error.code : `http_${response.status}`,
        typeof error?.message === 'string' ? error.message : `${method} ${route} answered HTTP ${response.status}`,
        error?.details,
      );
    }
    return json;
  }
}

function parsed<T extends z.ZodType>(schema: T, body: unknown, what: string): z.output<T> {
  const result = schema.safeParse(body);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  throw new ApiUnavailableError(
    `The API's ${what} answer is not what this command line expects: ${issue?.path.join('.') || 'body'} ${issue?.message ?? ''}`,
    what,
  );
}
