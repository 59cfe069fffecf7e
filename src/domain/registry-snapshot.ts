/**
 * A registry workflow in a form Temporal can carry: payloads are JSON, which has no bigint, so every
 * on-chain integer is a decimal string.
 */
export interface RegistryWorkflowSnapshot {
  workflowId: string;
  owner: string;
  active: boolean;
  /** "0" = unlimited. */
  maxExecutions: string;
  executionCount: string;
  /** Unix seconds. */
  createdAt: string;
  /** Unix seconds; "0" before the first execution. */
  lastExecutedAt: string;
  trigger: Record<string, string | number> & { type: number };
  action: Record<string, string | number> & { type: number };
  /** Block the snapshot was read at. */
  blockNumber: number;
}

/** Turns bigints into decimal strings, leaving other fields as they are. */
export function withDecimalStrings(value: object): Record<string, string | number> & { type: number } {
  return Object.fromEntries(
    Object.entries(value).map(([field, inner]) => [field, typeof inner === 'bigint' ? inner.toString() : inner]),
  ) as Record<string, string | number> & { type: number };
}
