import { ApplicationFailure, Context, log } from '@temporalio/activity';
import { formatEther, type JsonRpcProvider, type TransactionReceipt } from 'ethers';

import { decodeAction, type Action } from '../chain/abi-codec';
import { decodeRevert, executionKey, revertDataOf, type AutometaContracts } from '../chain/contracts';
import { GasPriceTooHighError, type TransactionSender } from '../chain/transaction-sender';
import { ActionType } from '../domain/codes';
import { FailureType } from '../domain/failures';

/** What the execution activities need; built once by the worker. */
export interface ExecutionDependencies {
  chainId: number;
  provider: JsonRpcProvider;
  contracts: AutometaContracts;
  /** Sends from the worker key, which holds WORKER_ROLE. */
  sender: TransactionSender;
  /** Added to the gas cost when charging the fee, in percent. */
  feePremiumPct: number;
  /** How long to wait for a receipt before the attempt fails and a retry resumes it. */
  receiptTimeoutMs: number;
  /** First block to search for events of past executions (the registry's deployment block). */
  fromBlock: number;
}

/** Input of the executeAction activity. */
export interface ExecuteActionInput {
  registryId: string;
  executionNo: number;
  /** The Temporal workflow id, for log lines. */
  workflowId: string;
}

/** What an execution cost and where it is on-chain. */
export interface ExecuteActionResult {
  txHash: string;
  blockNumber: number;
  /** Unix seconds of the block. */
  executedAt: number;
  gasUsed: string;
  effectiveGasPriceWei: string;
  /** Gas cost plus the premium: what the fee activity charges. */
  feeWei: string;
  /** True when an earlier attempt had already executed it and this one only found the transaction. */
  alreadyExecuted: boolean;
}

/** Input of the chargeGasFee activity. */
export interface ChargeGasFeeInput {
  owner: string;
  registryId: string;
  executionNo: number;
  feeWei: string;
}

/** What the fee activity charged. */
export interface ChargeGasFeeResult {
  feeWei: string;
  txHash?: string;
  alreadyCharged: boolean;
}

/** Creates the activities that execute actions and charge their fees, exactly once each. */
export function createExecutionActivities(deps: ExecutionDependencies) {
  const { registry, executor, escrow } = deps.contracts;
  const registryAddress = String(registry.target);

  const resultOf = async (receipt: TransactionReceipt, alreadyExecuted: boolean): Promise<ExecuteActionResult> => {
    const block = await deps.provider.getBlock(receipt.blockNumber);
    const fee = (receipt.gasUsed * receipt.gasPrice * BigInt(100 + deps.feePremiumPct)) / 100n;
    return {
      txHash: receipt.hash,
      blockNumber: receipt.blockNumber,
      executedAt: block?.timestamp ?? 0,
      gasUsed: receipt.gasUsed.toString(),
      effectiveGasPriceWei: receipt.gasPrice.toString(),
      feeWei: fee.toString(),
      alreadyExecuted,
    };
  };

  /** The receipt of the transaction that ran execution `executionNo`, found through its event. */
  const findExecution = async (registryId: bigint, executionNo: number): Promise<TransactionReceipt> => {
    const events = await executor.queryFilter(executor.filters.ActionExecuted(registryId, executionNo), deps.fromBlock);
    const receipt = events[0] && (await deps.provider.getTransactionReceipt(events[0].transactionHash));
    if (!receipt)
      throw new Error(`Execution ${executionNo} of workflow ${registryId} is recorded but its event was not found yet`);
    return receipt;
  };

  /** Turns a simulated revert into the failure the workflow branches on. */
  const classifyRevert = (error: unknown, what: string): never => {
    const revert = decodeRevert(revertDataOf(error));
    if (!revert) throw error;
    switch (revert.name) {
      case 'ActionExecutorWorkflowInactive':
      case 'WorkflowRegistryWorkflowInactive':
        throw ApplicationFailure.create({
          message: `${what}: the workflow is inactive`,
          type: FailureType.WorkflowInactive,
          nonRetryable: true,
        });
      case 'ActionExecutorTriggerNotDue':
        throw ApplicationFailure.create({
          message: `${what}: the trigger is not due before ${revert.args[1]}`,
          type: FailureType.TriggerNotDue,
          nonRetryable: true,
          details: [{ notBefore: revert.args[1].toString() }],
        });
      case 'FeeEscrowInsufficientBalance':
        throw ApplicationFailure.create({
          message: `${what}: the owner's escrow holds ${formatEther(revert.args[1])} ETH, ${formatEther(revert.args[2])} ETH needed`,
          type: FailureType.EscrowTooLow,
          nonRetryable: true,
          details: [{ balanceWei: revert.args[1].toString(), neededWei: revert.args[2].toString() }],
        });
      default:
        throw ApplicationFailure.create({
          message: `${what}: simulation reverted with ${revert.name}(${revert.args.map(String).join(', ')})`,
          type: FailureType.ExecutionReverted,
          nonRetryable: true,
        });
    }
  };

  const gasPriceFailure = (error: GasPriceTooHighError) =>
    ApplicationFailure.create({ message: error.message, type: FailureType.GasPriceTooHigh, nonRetryable: true });

  const activities = {
    /**
     * Executes one action through ActionExecutor.execute, at most once per execution number.
     *
     * Idempotent: an execution already recorded on-chain is looked up instead of sent; a transaction an
     * earlier attempt journaled is resumed (receipt, or rebroadcast of the same signed bytes) before any
     * new one; the transaction is simulated first, so a revert costs no gas and fails without retrying.
     */
    async executeAction(input: ExecuteActionInput): Promise<ExecuteActionResult> {
      const registryId = BigInt(input.registryId);
      const key = executionKey(deps.chainId, registryAddress, registryId, input.executionNo);
      const journalName = `execute:${key}`;
      const meta = { workflowId: input.workflowId, registryId: input.registryId, executionNo: input.executionNo };

      const stored = await registry.getWorkflow(registryId);
      if (stored.executionCount >= BigInt(input.executionNo)) {
        log.info('Execution already on-chain', meta);
        return resultOf(await findExecution(registryId, input.executionNo), true);
      }
      const resumed = await deps.sender.resume(journalName, deps.receiptTimeoutMs);
      if (resumed?.status === 1) return resultOf(resumed, true);
      if (resumed) await deps.sender.forget(journalName); // it reverted: simulate afresh below
      if (!stored.active) {
        throw ApplicationFailure.create({
          message: 'The workflow is inactive',
          type: FailureType.WorkflowInactive,
          nonRetryable: true,
        });
      }

      try {
        // Simulated on the pending block: its timestamp is now, while `latest` keeps the last block's time,
        // which on a quiet chain would leave a due time trigger "not due" until someone else mines.
        await executor.execute.staticCall(registryId, input.executionNo, {
          from: deps.sender.address,
          blockTag: 'pending',
        });
      } catch (error) {
        if (decodeRevert(revertDataOf(error))?.name === 'ActionExecutorExecutionAlreadyDone') {
          return resultOf(await findExecution(registryId, input.executionNo), true);
        }
        classifyRevert(error, 'execute');
      }

      log.info(describeAction(decodeAction(Number(stored.actionType), stored.actionData)), meta);
      let sent;
      try {
        sent = await deps.sender.send(
          {
            to: String(executor.target),
            data: executor.interface.encodeFunctionData('execute', [registryId, input.executionNo]),
          },
          journalName,
        );
      } catch (error) {
        if (error instanceof GasPriceTooHighError) throw gasPriceFailure(error);
        throw error;
      }
      log.info('Execute transaction sent', { ...meta, txHash: sent.hash, nonce: sent.nonce });
      const receipt = await deps.sender.waitForReceipt(sent.hash, deps.receiptTimeoutMs);
      if (receipt.status !== 1) {
        await deps.sender.forget(journalName);
        throw new Error(`Execute transaction ${receipt.hash} reverted on-chain; the next attempt simulates again`);
      }
      return resultOf(receipt, false);
    },

    /**
     * Charges an execution's gas fee from the owner's escrow, at most once per execution key.
     *
     * Idempotent: a key the escrow already charged is looked up instead of charged again. A fee above
     * the escrow's per-charge cap is charged at the cap.
     */
    async chargeGasFee(input: ChargeGasFeeInput): Promise<ChargeGasFeeResult> {
      const registryId = BigInt(input.registryId);
      const key = executionKey(deps.chainId, registryAddress, registryId, input.executionNo);
      const journalName = `fee:${key}`;
      const meta = { registryId: input.registryId, executionNo: input.executionNo };

      const findCharge = async (): Promise<ChargeGasFeeResult> => {
        const events = await escrow.queryFilter(escrow.filters.FeeCharged(input.owner, key), deps.fromBlock);
        const event = events[0] as unknown as { transactionHash: string; args: [string, string, bigint] } | undefined;
        return {
          feeWei: event ? event.args[2].toString() : input.feeWei,
          txHash: event?.transactionHash,
          alreadyCharged: true,
        };
      };
      if (await escrow.isFeeCharged(key)) return findCharge();
      const resumed = await deps.sender.resume(journalName, deps.receiptTimeoutMs);
      if (resumed?.status === 1) return findCharge();
      if (resumed) await deps.sender.forget(journalName);

      const cap: bigint = await escrow.maxFeePerCharge();
      let fee = BigInt(input.feeWei);
      if (fee > cap) {
        log.warn('Gas fee above the per-charge cap; charging the cap', {
          ...meta,
          feeWei: input.feeWei,
          capWei: cap.toString(),
        });
        fee = cap;
      }
      if (fee === 0n) return { feeWei: '0', alreadyCharged: false };
      try {
        await escrow.chargeFee.staticCall(input.owner, fee, key, { from: deps.sender.address, blockTag: 'pending' });
      } catch (error) {
        if (decodeRevert(revertDataOf(error))?.name === 'FeeEscrowFeeAlreadyCharged') return findCharge();
        classifyRevert(error, 'charge gas fee');
      }
      let sent;
      try {
        sent = await deps.sender.send(
          {
            to: String(escrow.target),
            data: escrow.interface.encodeFunctionData('chargeFee', [input.owner, fee, key]),
          },
          journalName,
        );
      } catch (error) {
        if (error instanceof GasPriceTooHighError) throw gasPriceFailure(error);
        throw error;
      }
      const receipt = await deps.sender.waitForReceipt(sent.hash, deps.receiptTimeoutMs);
      if (receipt.status !== 1) {
        await deps.sender.forget(journalName);
        throw new Error(`Fee transaction ${receipt.hash} reverted on-chain; the next attempt simulates again`);
      }
      return { feeWei: fee.toString(), txHash: receipt.hash, alreadyCharged: false };
    },

    /** The owner's escrow balance in wei, as a decimal string. Read-only. */
    async escrowBalance(owner: string): Promise<string> {
      return (await escrow.balanceOf(owner)).toString();
    },
  };
  return {
    ...activities,
    executeAction: heartbeating(activities.executeAction),
    chargeGasFee: heartbeating(activities.chargeGasFee),
  };
}

/**
 * Wraps an activity so that it heartbeats every second while it runs: when its worker process dies, the
 * heartbeats stop and the server retries the attempt after the heartbeat timeout, not the start-to-close one.
 */
function heartbeating<I, O>(activity: (input: I) => Promise<O>): (input: I) => Promise<O> {
  return async (input) => {
    const context = Context.current();
    const timer = setInterval(() => context.heartbeat(), 1_000);
    try {
      return await activity(input);
    } finally {
      clearInterval(timer);
    }
  };
}

/** The log line of an action, as the earlier executor wrote it. */
export function describeAction(action: Action): string {
  switch (action.type) {
    case ActionType.NativeTransfer:
      return `Executing native transfer: ${formatEther(action.amountWei)} ETH to ${action.to}`;
    case ActionType.Erc20Transfer:
      return `Executing ERC-20 transfer: ${action.amount} units of ${action.token} to ${action.to}`;
    case ActionType.ContractCall:
      return `Executing contract call: ${action.target} with ${formatEther(action.valueWei)} ETH`;
  }
}
