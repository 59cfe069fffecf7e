import {
  ActivityFailure,
  ApplicationFailure,
  CancellationScope,
  condition,
  continueAsNew,
  isCancellation,
  log,
  proxyActivities,
  proxyLocalActivities,
  setHandler,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';

import type { Activities } from '../activities';
import {
  nextIntervalDueAt,
  priceE8ToUsd,
  reachedMaxExecutions,
  type AutomationDefinition,
  type AutomationState,
  type AutomationStatus,
  type AutomationTrigger,
  type ExecutionRecord,
  type PriceCheckRecord,
} from '../domain/automation';
import { TriggerType } from '../domain/codes';
import { FailureType } from '../domain/failures';
import type { RegistryWorkflowSnapshot } from '../domain/registry-snapshot';
import { pauseSignal, resumeSignal, statusQuery, wakeSignal } from './definitions';
import { OWNER_ATTRIBUTE, STATE_ATTRIBUTE, TOKEN_ATTRIBUTE, TRIGGER_TYPE_ATTRIBUTE } from './search-attributes';

/** Timing an automation is started with; fixed for its run, so replays see the same values. */
export interface AutomationTimings {
  /** Safety-net period between price checks when no wake-up signal comes. */
  priceCheckIntervalMs: number;
  /** How often a waiting automation looks again at what it waits for (a deposit, a revert, gas). */
  waitRecheckMs: number;
  /** Iterations of the main loop before the history is handed to a new run. */
  iterationsPerRun: number;
}

/** What an automation carries into its next run through continue-as-new. */
export interface AutomationCarriedState {
  definition: AutomationDefinition;
  executionCount: number;
  /** Unix seconds; 0 before the first execution. */
  lastExecutedAt: number;
  paused: boolean;
  /** A price automation fires only when armed: at start, and again once its condition was false. */
  armed: boolean;
  lastCheck?: PriceCheckRecord;
  /** The newest executions; older ones stay in earlier runs' histories. */
  recentExecutions: ExecutionRecord[];
}

/** Input of {@link automationWorkflow}. */
export interface AutomationWorkflowInput {
  registryId: string;
  timings: AutomationTimings;
  carried?: AutomationCarriedState;
}

const RECENT_EXECUTIONS_KEPT = 50;

const { readRegistryWorkflow, armPriceThreshold, disarmPriceThreshold } = proxyActivities<Activities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', maximumInterval: '1 minute' },
});

// Sending a transaction and waiting for its receipt takes a while; both activities are idempotent
// (execution number and execution key are checked on-chain first), so retries are always safe.
const { executeAction, chargeGasFee, escrowBalance } = proxyActivities<Activities>({
  startToCloseTimeout: '3 minutes',
  // The sending activities heartbeat while they run, so an attempt whose worker died is retried within
  // seconds instead of after the start-to-close timeout.
  heartbeatTimeout: '10 seconds',
  retry: { initialInterval: '2 seconds', backoffCoefficient: 2, maximumInterval: '2 minutes' },
});

// A price check is a cache read most of the time: a local activity skips a server round trip. It
// reports a missing price in its result, so only an unexpected fault retries it, without limit: a
// local activity that gave up would fail the whole automation.
const { checkPriceTrigger } = proxyLocalActivities<Activities>({
  startToCloseTimeout: '20 seconds',
  retry: { initialInterval: '1 second', maximumInterval: '30 seconds' },
});

/** Failure types the activities raise as non-retryable, and what the automation does about each. */
const WAITING_FAILURES: ReadonlySet<string> = new Set([
  FailureType.EscrowTooLow,
  FailureType.ExecutionReverted,
  FailureType.GasPriceTooHigh,
]);

/**
 * Runs one registry workflow: waits for its trigger on durable timers, executes its action exactly
 * once per execution number, charges the gas fee from the owner's escrow, and repeats until the
 * registry's maximum of executions, a deactivation, or a cancellation.
 *
 * Cancelling it lets an execution in flight finish and be recorded; nothing new starts.
 */
export async function automationWorkflow(input: AutomationWorkflowInput): Promise<AutomationStatus> {
  const { registryId, timings } = input;
  let state: AutomationState = 'starting';
  let waitingReason: string | undefined;
  let nextCheckAt: number | undefined;
  let woken = false;
  let carried: AutomationCarriedState | undefined = input.carried;
  // A pause or resume may arrive before the registry record is read; it applies once it is.
  let pausedBeforeStart = false;

  const status = (): AutomationStatus => ({
    registryId,
    state,
    paused: carried?.paused ?? pausedBeforeStart,
    waitingReason: state === 'waiting' ? waitingReason : undefined,
    owner: carried?.definition.owner,
    triggerType: carried?.definition.trigger.type,
    token: carried?.definition.trigger.type === TriggerType.Price ? carried.definition.trigger.token : undefined,
    executionCount: carried?.executionCount ?? 0,
    maxExecutions: Number(carried?.definition.maxExecutions ?? 0),
    nextCheckAt,
    lastCheck: carried?.lastCheck,
    executions: carried?.recentExecutions ?? [],
  });
  setHandler(statusQuery, status);
  setHandler(pauseSignal, () => {
    if (carried) carried.paused = true;
    else pausedBeforeStart = true;
  });
  setHandler(resumeSignal, () => {
    if (carried) carried.paused = false;
    else pausedBeforeStart = false;
    woken = true;
  });
  setHandler(wakeSignal, () => {
    woken = true;
  });

  const setState = (next: AutomationState, reason?: string) => {
    waitingReason = reason;
    if (next === state) return;
    state = next;
    upsertSearchAttributes([{ key: STATE_ATTRIBUTE, value: next }]);
  };

  if (!carried) {
    const snapshot = await readRegistryWorkflow(registryId);
    carried = { ...fromSnapshot(snapshot), paused: pausedBeforeStart };
    upsertSearchAttributes([
      { key: OWNER_ATTRIBUTE, value: carried.definition.owner },
      { key: TRIGGER_TYPE_ATTRIBUTE, value: triggerName(carried.definition.trigger) },
      ...(carried.definition.trigger.type === TriggerType.Price
        ? [{ key: TOKEN_ATTRIBUTE, value: carried.definition.trigger.token }]
        : []),
    ]);
    if (!snapshot.active) {
      setState(
        reachedMaxExecutions(carried.executionCount, Number(carried.definition.maxExecutions))
          ? 'completed'
          : 'deactivated',
      );
      return status();
    }
    log.info('Automation started', {
      registryId,
      owner: carried.definition.owner,
      trigger: triggerName(carried.definition.trigger),
    });
  }
  const run = carried;
  const trigger = run.definition.trigger;
  const maxExecutions = Number(run.definition.maxExecutions);

  /** Waits while paused; true when it had to wait. */
  const waitWhilePaused = async () => {
    if (!run.paused) return false;
    setState('paused');
    await condition(() => !run.paused);
    return true;
  };

  /** Sleeps until `dueAtMs` on a durable timer, pausing when asked. */
  const sleepUntil = async (dueAtMs: number) => {
    for (;;) {
      await waitWhilePaused();
      setState('scheduled');
      nextCheckAt = dueAtMs;
      const remaining = dueAtMs - Date.now();
      if (remaining <= 0) return;
      await condition(() => run.paused, remaining);
    }
  };

  /** Checks the price until the trigger fires, on the timer or when the watcher wakes it. */
  const waitForPrice = async (price: Extract<AutomationTrigger, { type: 2 }>) => {
    const targetUsd = priceE8ToUsd(price.priceUsdE8);
    let thresholdArmed = false;
    for (;;) {
      await waitWhilePaused();
      setState('watching');
      // The watcher takes an entry out of the index when it wakes us, so a wake-up means it must be re-added.
      if (woken) thresholdArmed = false;
      woken = false;
      const check = await checkPriceTrigger({ token: price.token, comparator: price.comparator, targetUsd });
      if (!check.available) {
        log.warn('Price check found no price', { registryId, token: price.token, reason: check.reason });
      }
      run.lastCheck = {
        priceUsd: check.priceUsd,
        source: check.source,
        checkedAt: check.checkedAt,
        conditionMet: check.conditionMet,
        fresh: check.fresh,
      };
      if (!check.conditionMet && !run.armed) {
        run.armed = true;
        log.info('Price trigger re-armed', { registryId, token: price.token, priceUsd: check.priceUsd });
      }
      if (check.fire && run.armed) {
        log.info('Trigger condition met', {
          registryId,
          token: price.token,
          priceUsd: check.priceUsd,
          source: check.source,
        });
        if (thresholdArmed)
          await disarmPriceThreshold({
            token: price.token,
            comparator: price.comparator,
            workflowId: workflowInfo().workflowId,
          });
        return;
      }
      // Only an armed automation is worth waking: a met condition on a disarmed one must first turn false.
      if (run.armed && !thresholdArmed) {
        await armPriceThreshold({
          token: price.token,
          comparator: price.comparator,
          targetUsd,
          workflowId: workflowInfo().workflowId,
        });
        thresholdArmed = true;
      }
      nextCheckAt = Date.now() + timings.priceCheckIntervalMs;
      await condition(() => woken || run.paused, timings.priceCheckIntervalMs);
    }
  };

  const waitForTrigger = async () => {
    switch (trigger.type) {
      case TriggerType.Time:
        return sleepUntil(Number(trigger.executeAt) * 1000);
      case TriggerType.Interval: {
        const due = nextIntervalDueAt(
          BigInt(run.definition.createdAt),
          BigInt(run.lastExecutedAt),
          BigInt(trigger.intervalSeconds),
        );
        return sleepUntil(Number(due) * 1000);
      }
      case TriggerType.Price:
        return waitForPrice(trigger);
    }
  };

  /** Runs `step` until it succeeds, waiting (visibly, without sending anything) on failures retries cannot fix. */
  const untilDone = async <T>(what: string, step: () => Promise<T>): Promise<T | 'inactive'> => {
    for (;;) {
      try {
        return await step();
      } catch (error) {
        const failure =
          error instanceof ActivityFailure && error.cause instanceof ApplicationFailure ? error.cause : undefined;
        if (failure?.type === FailureType.WorkflowInactive) return 'inactive';
        if (failure?.type === FailureType.TriggerNotDue) {
          const notBefore = Number((failure.details?.[0] as { notBefore?: string } | undefined)?.notBefore ?? 0);
          setState('scheduled');
          await condition(() => false, Math.max(1_000, notBefore * 1000 - Date.now() + 1_000));
          continue;
        }
        if (!failure?.type || !WAITING_FAILURES.has(failure.type)) throw error;
        setState('waiting', `${what}: ${failure.message}`);
        log.warn('Automation waiting', { registryId, step: what, reason: failure.message });
        woken = false;
        nextCheckAt = Date.now() + timings.waitRecheckMs;
        if (failure.type === FailureType.EscrowTooLow) {
          await waitForDeposit(failure);
        } else {
          await condition(() => woken, timings.waitRecheckMs);
        }
        setState('executing');
      }
    }
  };

  /** Waits until the owner's escrow holds what the failed step needed, checking on the recheck timer. */
  const waitForDeposit = async (failure: ApplicationFailure) => {
    const neededWei = BigInt((failure.details?.[0] as { neededWei?: string } | undefined)?.neededWei ?? '0');
    for (;;) {
      await condition(() => woken, timings.waitRecheckMs);
      woken = false;
      const balance = BigInt(await escrowBalance(run.definition.owner));
      if (balance >= neededWei) return;
      nextCheckAt = Date.now() + timings.waitRecheckMs;
    }
  };

  const executeOnce = async (): Promise<'done' | 'inactive'> => {
    const executionNo = run.executionCount + 1;
    setState('executing');
    log.info('Execution started', { registryId, executionNo });
    // Each send runs to its end even when the automation is cancelled meanwhile, so what it did is
    // recorded; the waits between attempts stay cancellable.
    const executed = await untilDone('execute', () =>
      CancellationScope.nonCancellable(() =>
        executeAction({ registryId, executionNo, workflowId: workflowInfo().workflowId }),
      ),
    );
    if (executed === 'inactive') return 'inactive';
    const record: ExecutionRecord = { executionNo, txHash: executed.txHash, executedAt: executed.executedAt };
    run.executionCount = executionNo;
    run.lastExecutedAt = executed.executedAt;
    run.armed = false;
    run.recentExecutions = [...run.recentExecutions, record].slice(-RECENT_EXECUTIONS_KEPT);
    log.info('Workflow executed', { registryId, executionNo, txHash: executed.txHash });

    const charged = await untilDone('charge gas fee', () =>
      CancellationScope.nonCancellable(() =>
        chargeGasFee({ owner: run.definition.owner, registryId, executionNo, feeWei: executed.feeWei }),
      ),
    );
    if (charged !== 'inactive') {
      record.gasFeeWei = charged.feeWei;
      record.feeTxHash = charged.txHash;
      log.info('Gas fee deducted from escrow', {
        registryId,
        executionNo,
        gasFeeWei: charged.feeWei,
        feeTxHash: charged.txHash,
      });
    }
    return 'done';
  };

  try {
    for (let iteration = 0; ; iteration++) {
      if (reachedMaxExecutions(run.executionCount, maxExecutions)) {
        setState('completed');
        log.info('Automation completed', { registryId, executionCount: run.executionCount });
        return status();
      }
      if (iteration >= timings.iterationsPerRun || workflowInfo().continueAsNewSuggested) {
        await continueAsNew<typeof automationWorkflow>({ registryId, timings, carried: run });
      }
      await waitForTrigger();
      const outcome = await executeOnce();
      if (outcome === 'inactive') {
        setState('deactivated');
        log.info('Automation ended: deactivated on-chain', { registryId });
        return status();
      }
    }
  } catch (error) {
    if (isCancellation(error)) {
      setState('cancelled');
      if (trigger.type === TriggerType.Price) {
        await CancellationScope.nonCancellable(() =>
          disarmPriceThreshold({
            token: trigger.token,
            comparator: trigger.comparator,
            workflowId: workflowInfo().workflowId,
          }),
        );
      }
      log.info('Automation cancelled', { registryId });
    }
    throw error;
  }
}

function triggerName(trigger: AutomationTrigger): string {
  return trigger.type === TriggerType.Time ? 'time' : trigger.type === TriggerType.Interval ? 'interval' : 'price';
}

function fromSnapshot(snapshot: RegistryWorkflowSnapshot): AutomationCarriedState {
  return {
    definition: {
      owner: snapshot.owner,
      trigger: snapshot.trigger as unknown as AutomationTrigger,
      action: snapshot.action,
      maxExecutions: snapshot.maxExecutions,
      createdAt: snapshot.createdAt,
    },
    executionCount: Number(snapshot.executionCount),
    lastExecutedAt: Number(snapshot.lastExecutedAt),
    paused: false,
    armed: true,
    recentExecutions: [],
  };
}
