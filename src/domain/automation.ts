import { PriceComparator, TriggerType } from './codes';
import type { PriceSource } from './price';

/** The states an automation shows in its status query and in the `AutometaState` search attribute. */
export type AutomationState =
  | 'starting'
  | 'scheduled'
  | 'watching'
  | 'executing'
  | 'waiting'
  | 'paused'
  | 'completed'
  | 'deactivated'
  | 'cancelled';

/** A trigger as workflow code holds it: JSON-safe, every on-chain integer a decimal string. */
export type AutomationTrigger =
  | { type: typeof TriggerType.Time; executeAt: string }
  | { type: typeof TriggerType.Interval; intervalSeconds: string }
  | { type: typeof TriggerType.Price; token: string; comparator: PriceComparator; priceUsdE8: string };

/** The registry record an automation runs, as read once when it starts. */
export interface AutomationDefinition {
  owner: string;
  trigger: AutomationTrigger;
  /** The decoded action, for logs and status; the chain holds the authoritative copy. */
  action: Record<string, string | number> & { type: number };
  /** "0" = unlimited. */
  maxExecutions: string;
  /** Unix seconds. */
  createdAt: string;
}

/** One execution as the automation recorded it. */
export interface ExecutionRecord {
  executionNo: number;
  txHash: string;
  /** Unix seconds of the block that ran it. */
  executedAt: number;
  /** Gas fee charged from the owner's escrow, in wei; undefined until charged. */
  gasFeeWei?: string;
  feeTxHash?: string;
}

/** The last price check of a price automation. */
export interface PriceCheckRecord {
  priceUsd: number;
  source: PriceSource;
  /** Milliseconds since the epoch. */
  checkedAt: number;
  conditionMet: boolean;
  fresh: boolean;
}

/** What the status query answers. */
export interface AutomationStatus {
  registryId: string;
  state: AutomationState;
  paused: boolean;
  /** Why the automation waits, when `state` is `waiting`. */
  waitingReason?: string;
  owner?: string;
  triggerType?: number;
  token?: string;
  executionCount: number;
  maxExecutions: number;
  /** Milliseconds since the epoch of the next trigger check or due time. */
  nextCheckAt?: number;
  lastCheck?: PriceCheckRecord;
  executions: ExecutionRecord[];
}

/**
 * The Temporal workflow id of registry workflow `registryId`. Chain id and registry address make it
 * unique across deployments, so starting it twice (API and registry sync) finds the same workflow.
 */
export function automationWorkflowId(chainId: number, registry: string, registryId: string | bigint): string {
  return `autometa-${chainId}-${registry.toLowerCase()}-${registryId}`;
}

/** The Temporal workflow id of the registry sync of one deployment. */
export function registrySyncWorkflowId(chainId: number, registry: string): string {
  return `autometa-registry-sync-${chainId}-${registry.toLowerCase()}`;
}

/** The Temporal workflow id of the price watcher of `token`. */
export function priceWatcherWorkflowId(token: string): string {
  return `autometa-price-watcher-${token}`;
}

/**
 * The number of executions a new workflow gets when its creator names none: once for time and price
 * triggers, unlimited (0) for intervals.
 */
export function defaultMaxExecutions(triggerType: number): number {
  return triggerType === TriggerType.Interval ? 0 : 1;
}

/**
 * When an interval automation is next due, in unix seconds: one interval after the last execution,
 * or after creation before the first. The ActionExecutor checks the same rule against block time.
 */
export function nextIntervalDueAt(createdAt: bigint, lastExecutedAt: bigint, intervalSeconds: bigint): bigint {
  return (lastExecutedAt > 0n ? lastExecutedAt : createdAt) + intervalSeconds;
}

/** A USD price with 8 decimals as a number of dollars, for comparisons with quotes. */
export function priceE8ToUsd(priceUsdE8: string): number {
  return Number(BigInt(priceUsdE8)) / 1e8;
}

/** True once `executionCount` has reached a non-zero `maxExecutions`. */
export function reachedMaxExecutions(executionCount: number, maxExecutions: number): boolean {
  return maxExecutions > 0 && executionCount >= maxExecutions;
}
