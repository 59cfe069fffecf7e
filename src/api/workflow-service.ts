import { createHash, randomUUID } from 'node:crypto';

import { WorkflowNotFoundError, type Connection } from '@temporalio/client';
import { TypedDataEncoder, getAddress, verifyTypedData } from 'ethers';
import type { Contract, ErrorDescription, TransactionReceipt, TypedDataDomain } from 'ethers';

import { SET_PAUSED_TYPES, workflowRegistryDomain } from '../chain/abi-codec';
import { decodeRevert, revertDataOf } from '../chain/contracts';
import { readRegistryWorkflow, UnknownRegistryWorkflowError, type RegistryWorkflow } from '../chain/registry';
import type { TransactionSender } from '../chain/transaction-sender';
import type { AutomationStatus } from '../domain/automation';
import type { Logger } from '../logging';
import type { AutomationClient } from '../temporal/automation-client';
import { pauseSignal, resumeSignal, statusQuery } from '../workflows/definitions';
import {
  InvalidOwnerSignatureError,
  NotWorkflowOwnerError,
  SignatureExpiredError,
  SignatureReplayedError,
  type OwnerAuthorization,
} from './owner-authorization';
import type { ReplayGuardUnavailableError, SignatureReplayGuard } from './replay-guard';
import type { RegistryWorkflowInput } from './workflow-schemas';

/** Thrown when the owner has not approved the relayer as a registry operator; nothing was sent. */
export class RelayerNotApprovedError extends Error {
  override readonly name = 'RelayerNotApprovedError';

  constructor(
    readonly owner: string,
    readonly relayer: string,
    readonly registry: string,
  ) {
    super(
      `${owner} has not approved the relayer ${relayer}: call setOperator(${relayer}, true) on the WorkflowRegistry ` +
        `at ${registry} from ${owner} (or sign a SetOperator message for setOperatorFor), then retry`,
    );
  }
}

/** Thrown when the registry rejected the workflow in simulation (bad data, max executions); nothing was sent. */
export class RegistryRejectedError extends Error {
  override readonly name = 'RegistryRejectedError';

  constructor(
    /** The registry's custom error, e.g. `WorkflowRegistryInvalidTriggerData`. */
    readonly errorName: string,
    readonly args: readonly string[],
  ) {
    super(`The WorkflowRegistry rejected the workflow: ${errorName}(${args.join(', ')})`);
  }
}

/** Thrown when the registry never created `workflowId`. */
export class WorkflowNotInRegistryError extends Error {
  override readonly name = 'WorkflowNotInRegistryError';

  constructor(readonly workflowId: bigint) {
    super(`The registry has no workflow ${workflowId}`);
  }
}

/** Thrown when `workflowId` is already inactive (deactivated or completed); nothing was sent. */
export class WorkflowAlreadyInactiveError extends Error {
  override readonly name = 'WorkflowAlreadyInactiveError';

  constructor(readonly workflowId: bigint) {
    super(`Workflow ${workflowId} is already inactive (deactivated or completed)`);
  }
}

/** Thrown when no automation (Temporal workflow) runs for `workflowId`, so it cannot be signalled. */
export class AutomationNotRunningError extends Error {
  override readonly name = 'AutomationNotRunningError';

  constructor(readonly workflowId: bigint) {
    super(`No automation runs for workflow ${workflowId}`);
  }
}

/** Thrown when a relayer transaction was mined but reverted; its gas is spent, nothing else changed. */
export class RelayerTransactionRevertedError extends Error {
  override readonly name = 'RelayerTransactionRevertedError';

  constructor(readonly txHash: string) {
    super(`The relayer transaction ${txHash} reverted on-chain`);
  }
}

/** Thrown when the status query of an automation could not be answered (no worker, Temporal down). */
export class AutomationStatusUnavailableError extends Error {
  override readonly name = 'AutomationStatusUnavailableError';

  constructor(
    readonly workflowId: bigint,
    options: { cause: unknown },
  ) {
    super(`The status of the automation of workflow ${workflowId} could not be read`, options);
  }
}

/** What {@link WorkflowService} needs; the server entry point builds it once. */
export interface WorkflowServiceOptions {
  /** The WorkflowRegistry connected to the relayer's wallet, so simulations run as the relayer. */
  registry: Contract;
  /** Sends from the relayer key (`RELAYER_PRIVATE_KEY`). */
  sender: TransactionSender;
  automations: AutomationClient;
  /** The chain id of the registry's EIP-712 domain (`CHAIN_ID`). */
  chainId: number;
  /** Accepts each signed pause or resume once, across every API process. */
  replayGuard: SignatureReplayGuard;
  /** The Temporal connection, to bound status queries; without it a query waits as long as the server lets it. */
  connection?: Connection;
  logger: Logger;
  /** How long to wait for a relayer transaction's receipt. */
  receiptTimeoutMs: number;
  /** How long one status query may take. @default 10_000 */
  queryTimeoutMs?: number;
  /** How many workflows the owner list reads at once. @default 10 */
  listConcurrency?: number;
}

/** What a create did. */
export interface CreateWorkflowResult {
  workflowId: bigint;
  txHash: string;
  /** False when Temporal could not be reached; the registry sync starts the automation later. */
  automationStarted: boolean;
}

/** What a deactivation did. */
export interface DeactivateWorkflowResult {
  txHash: string;
  /** False when no automation ran or Temporal could not be reached (the registry sync cancels it later). */
  automationCancelled: boolean;
}

/** A registry workflow with its automation's status; `status` is null when no Temporal workflow exists. */
export interface WorkflowRecord {
  workflow: RegistryWorkflow;
  status: AutomationStatus | null;
}

/** The errors the service throws on purpose, for callers that branch on them. */
export type WorkflowServiceError =
  | RelayerNotApprovedError
  | RegistryRejectedError
  | WorkflowNotInRegistryError
  | WorkflowAlreadyInactiveError
  | AutomationNotRunningError
  | RelayerTransactionRevertedError
  | AutomationStatusUnavailableError
  | InvalidOwnerSignatureError
  | SignatureExpiredError
  | SignatureReplayedError
  | NotWorkflowOwnerError
  | ReplayGuardUnavailableError;

/**
 * The registry transactions and Temporal calls behind /api/workflow: creates and deactivates workflows
 * for their owners, and reads, pauses and resumes their automations.
 *
 * A mutation is authorised either by the operator key, checked by the routes, in which case the relayer acts
 * as the owner's approved registry operator (`createWorkflowAsOperator`, `deactivateWorkflowAsOperator`), or
 * by the owner's EIP-712 signature ({@link OwnerAuthorization}), which the relayer submits for the registry to
 * verify (`createWorkflowFor`, `deactivateWorkflowFor`) or which the service verifies itself (`SetPaused`).
 *
 * Every transaction is simulated on the pending block first, so a registry rejection costs no gas and
 * is reported by name. Transactions go through the relayer's {@link TransactionSender}, under its nonce
 * lock and journal; the journal entry is dropped once the receipt is in.
 */
export class WorkflowService {
  private readonly registryAddress: string;
  private readonly domain: TypedDataDomain;

  constructor(private readonly options: WorkflowServiceOptions) {
    this.registryAddress = getAddress(String(options.registry.target));
    this.domain = workflowRegistryDomain(options.chainId, this.registryAddress);
  }

  /** The relayer's address, the operator owners must approve. */
  get relayerAddress(): string {
    return this.options.sender.address;
  }

  /** The checksummed WorkflowRegistry address, the `verifyingContract` of every signed message. */
  get registry(): string {
    return this.registryAddress;
  }

  /** The chain id of every signed message's domain. */
  get chainId(): number {
    return this.options.chainId;
  }

  /**
   * The nonce `owner` signs next in a `CreateWorkflow` or `DeactivateWorkflow` message (`nonces(owner)` of
   * the registry at the latest block). Each registry signature uses it once, so it changes after each.
   */
  async nonce(owner: string): Promise<bigint> {
    return (await this.options.registry.nonces(owner)) as bigint;
  }

  /**
   * Creates a workflow for `input.owner`, then starts its automation. With `authorization` the relayer
   * submits the owner's `CreateWorkflow` signature (`createWorkflowFor`, no operator approval needed);
   * without it, it acts as the owner's operator (`createWorkflowAsOperator`).
   *
   * Not idempotent: each call that gets past the simulation creates a workflow (a signed one only once,
   * since it uses the owner's nonce). A failed automation start is logged and left to the registry sync,
   * which starts every created workflow.
   * @throws {RelayerNotApprovedError} when the owner has not approved the relayer (operator path).
   * @throws {InvalidOwnerSignatureError} when the signature is not the owner's over these fields, the current
   * nonce and the deadline; {@link SignatureExpiredError} when the chain's clock passed the deadline.
   * @throws {RegistryRejectedError} when the registry rejects the fields.
   * @throws {RelayerTransactionRevertedError} when the transaction reverted after a passing simulation.
   * @throws the sender's errors: GasPriceTooHighError, NonceLockTimeoutError, ReceiptTimeoutError.
   */
  async create(input: RegistryWorkflowInput, authorization?: OwnerAuthorization): Promise<CreateWorkflowResult> {
    const { registry } = this.options;
    const fields = [
      input.owner,
      input.triggerType,
      input.triggerData,
      input.actionType,
      input.actionData,
      input.maxExecutions,
    ] as const;
    const method = authorization ? 'createWorkflowFor' : 'createWorkflowAsOperator';
    const args = authorization ? [...fields, authorization.deadline, authorization.signature] : [...fields];
    try {
      await registry.getFunction(method).staticCall(...args, { blockTag: 'pending' });
    } catch (error) {
      this.throwRevert(error, undefined, input.owner);
    }

    const data = registry.interface.encodeFunctionData(method, args);
    const receipt = await this.sendAndWait(data, `create:${digest(data)}`, undefined, input.owner);
    const created = receipt.logs
      .filter((log) => log.address.toLowerCase() === this.registryAddress.toLowerCase())
      .map((log) => registry.interface.parseLog(log))
      .find((parsed) => parsed?.name === 'WorkflowCreated');
    if (!created) throw new Error(`Transaction ${receipt.hash} succeeded without a WorkflowCreated event`);
    const workflowId = created.args[0] as bigint;
    this.options.logger.info('Workflow created through the API', {
      workflowId: workflowId.toString(),
      owner: input.owner,
      authorizedBy: authorization ? 'owner' : 'operator',
      txHash: receipt.hash,
    });

    let automationStarted = true;
    try {
      await this.options.automations.start(workflowId.toString());
    } catch (error) {
      automationStarted = false;
      this.options.logger.warn('Automation not started; the registry sync will start it', {
        workflowId: workflowId.toString(),
        error,
      });
    }
    return { workflowId, txHash: receipt.hash, automationStarted };
  }

  /**
   * Deactivates `workflowId`, then cancels its automation. With `authorization` the relayer submits the
   * owner's `DeactivateWorkflow` signature (`deactivateWorkflowFor`); without it, it acts as the owner's
   * operator (`deactivateWorkflowAsOperator`). A failed cancellation is logged and left to the registry sync,
   * which cancels deactivated workflows.
   * @throws {WorkflowNotInRegistryError} for an id the registry never created.
   * @throws {RelayerNotApprovedError} when the owner has not approved the relayer (operator path).
   * @throws {InvalidOwnerSignatureError} when the signature is not the workflow owner's over this id, the
   * current nonce and the deadline; {@link SignatureExpiredError} when the chain's clock passed the deadline.
   * @throws {WorkflowAlreadyInactiveError} when the workflow is already deactivated or completed.
   * @throws the errors of {@link create} for the transaction itself.
   */
  async deactivate(workflowId: bigint, authorization?: OwnerAuthorization): Promise<DeactivateWorkflowResult> {
    const { registry } = this.options;
    const method = authorization ? 'deactivateWorkflowFor' : 'deactivateWorkflowAsOperator';
    const args = authorization ? [workflowId, authorization.deadline, authorization.signature] : [workflowId];
    try {
      await registry.getFunction(method).staticCall(...args, { blockTag: 'pending' });
    } catch (error) {
      this.throwRevert(error, workflowId);
    }

    const data = registry.interface.encodeFunctionData(method, args);
    const receipt = await this.sendAndWait(data, `deactivate:${workflowId}`, workflowId);
    this.options.logger.info('Workflow deactivated through the API', {
      workflowId: workflowId.toString(),
      authorizedBy: authorization ? 'owner' : 'operator',
      txHash: receipt.hash,
    });

    let automationCancelled = false;
    try {
      automationCancelled = await this.options.automations.cancel(workflowId.toString());
    } catch (error) {
      this.options.logger.warn('Automation not cancelled; the registry sync will cancel it', {
        workflowId: workflowId.toString(),
        error,
      });
    }
    return { txHash: receipt.hash, automationCancelled };
  }

  /**
   * Pauses (`paused` true) or resumes the automation of `workflowId` with its pause or resume signal.
   * Repeating either is harmless. A pause takes effect after any execution in flight.
   *
   * With `authorization`, the signature must be the registry owner's over the `SetPaused` typed data
   * ({@link SET_PAUSED_TYPES}: `workflowId`, `paused`, `deadline`); the deadline was checked when the request
   * was parsed. Each signed message is accepted once: it is recorded before the signal and forgotten again
   * when the signal fails, so a failed attempt can be repeated.
   * @throws {AutomationNotRunningError} when no automation runs for it (never started, or finished).
   * @throws {WorkflowNotInRegistryError} for an id the registry never created (signed path).
   * @throws {InvalidOwnerSignatureError} when the signature does not recover to an account.
   * @throws {NotWorkflowOwnerError} when it recovers to an account other than the workflow's owner.
   * @throws {SignatureReplayedError} when the same message was accepted before.
   * @throws {ReplayGuardUnavailableError} when Redis cannot tell; nothing was signalled.
   */
  async setPaused(workflowId: bigint, paused: boolean, authorization?: OwnerAuthorization): Promise<void> {
    let claimed: string | undefined;
    if (authorization) {
      const message = { workflowId, paused, deadline: authorization.deadline };
      const { owner } = await this.readWorkflow(workflowId);
      let signer: string;
      try {
        signer = verifyTypedData(this.domain, SET_PAUSED_TYPES, message, authorization.signature);
      } catch {
        throw new InvalidOwnerSignatureError(owner);
      }
      if (signer !== owner) throw new NotWorkflowOwnerError(workflowId, signer, owner);
      const messageDigest = TypedDataEncoder.hash(this.domain, SET_PAUSED_TYPES, message);
      if (!(await this.options.replayGuard.claim(messageDigest, authorization.deadline))) {
        throw new SignatureReplayedError(messageDigest);
      }
      claimed = messageDigest;
    }
    try {
      await this.options.automations.handle(workflowId.toString()).signal(paused ? pauseSignal : resumeSignal);
    } catch (error) {
      if (claimed) await this.options.replayGuard.release(claimed);
      if (error instanceof WorkflowNotFoundError) throw new AutomationNotRunningError(workflowId);
      throw error;
    }
  }

  /**
   * Reads `workflowId` from the registry and its automation's status. The status query also answers
   * for a finished automation (a worker replays it); it is null when no Temporal workflow exists.
   * @throws {WorkflowNotInRegistryError} for an id the registry never created.
   * @throws {AutomationStatusUnavailableError} when the query fails for another reason.
   */
  async get(workflowId: bigint): Promise<WorkflowRecord> {
    const workflow = await this.readWorkflow(workflowId);
    return { workflow, status: await this.status(workflowId) };
  }

  /**
   * Every workflow `owner` created, oldest first, each as {@link get} reads it, a bounded number at a time.
   * @throws {AutomationStatusUnavailableError} when one of the status queries fails.
   */
  async listByOwner(owner: string): Promise<WorkflowRecord[]> {
    const ids = (await this.options.registry.getOwnerWorkflows(owner)) as bigint[];
    const records: WorkflowRecord[] = new Array(ids.length);
    let next = 0;
    const lane = async () => {
      while (next < ids.length) {
        const index = next++;
        records[index] = await this.get(ids[index]);
      }
    };
    await Promise.all(Array.from({ length: Math.min(this.options.listConcurrency ?? 10, ids.length) }, lane));
    return records;
  }

  private async readWorkflow(workflowId: bigint): Promise<RegistryWorkflow> {
    try {
      return await readRegistryWorkflow(this.options.registry, workflowId);
    } catch (error) {
      if (error instanceof UnknownRegistryWorkflowError) throw new WorkflowNotInRegistryError(workflowId);
      throw error;
    }
  }

  private async status(workflowId: bigint): Promise<AutomationStatus | null> {
    const query = () => this.options.automations.handle(workflowId.toString()).query(statusQuery);
    const { connection } = this.options;
    try {
      const deadline = Date.now() + (this.options.queryTimeoutMs ?? 10_000);
      return await (connection ? connection.withDeadline(deadline, query) : query());
    } catch (error) {
      if (error instanceof WorkflowNotFoundError) return null;
      throw new AutomationStatusUnavailableError(workflowId, { cause: error });
    }
  }

  private async sendAndWait(
    data: string,
    purpose: string,
    workflowId?: bigint,
    owner?: string,
  ): Promise<TransactionReceipt> {
    const { sender } = this.options;
    // A random part makes every request its own journal entry: two identical requests are two workflows.
    const journalName = `api:${digest(`${purpose}:${randomUUID()}`)}`;
    let sent;
    try {
      sent = await sender.send({ to: this.registryAddress, data }, journalName);
    } catch (error) {
      // estimateGas on the pending block can still revert when the state moved since the simulation.
      this.throwRevert(error, workflowId, owner);
    }
    this.options.logger.debug('Relayer transaction sent', { txHash: sent.hash, nonce: sent.nonce, purpose });
    // A receipt timeout keeps the journal entry: the transaction may still be mined.
    const receipt = await sender.waitForReceipt(sent.hash, this.options.receiptTimeoutMs);
    await sender.forget(journalName);
    if (receipt.status !== 1) throw new RelayerTransactionRevertedError(receipt.hash);
    return receipt;
  }

  private throwRevert(error: unknown, workflowId?: bigint, owner?: string): never {
    const revert = registryRevert(error);
    if (!revert) throw error;
    switch (revert.name) {
      case 'WorkflowRegistryInvalidSignature':
        throw new InvalidOwnerSignatureError(String(revert.args[0] ?? owner));
      case 'WorkflowRegistryExpiredSignature':
        throw new SignatureExpiredError(BigInt(revert.args[0] as bigint));
      case 'WorkflowRegistryNotOperator':
        throw new RelayerNotApprovedError(String(revert.args[0]), this.relayerAddress, this.registryAddress);
      case 'WorkflowRegistryUnknownWorkflow':
        throw new WorkflowNotInRegistryError(workflowId ?? (revert.args[0] as bigint));
      case 'WorkflowRegistryWorkflowInactive':
        throw new WorkflowAlreadyInactiveError(workflowId ?? (revert.args[0] as bigint));
      default:
        throw new RegistryRejectedError(revert.name, revert.args.map(String));
    }
  }
}

/** The registry's custom error inside an ethers error, decoded wherever ethers put it. */
function registryRevert(error: unknown): ErrorDescription | { name: string; args: readonly unknown[] } | undefined {
  const decoded = decodeRevert(revertDataOf(error));
  if (decoded) return decoded;
  const revert = (error as { revert?: { name?: string; args?: readonly unknown[] } }).revert;
  return revert?.name ? { name: revert.name, args: revert.args ?? [] } : undefined;
}

function digest(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}
