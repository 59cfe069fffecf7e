/**
 * Types of the non-retryable failures activities raise, shared with the workflows that branch on them.
 * Each names a condition that retrying the same call cannot change.
 */
export const FailureType = {
  /** The registry workflow is inactive: deactivated by its owner or done. */
  WorkflowInactive: 'WorkflowInactiveError',
  /** A time or interval trigger is not due on-chain yet; details carry `notBefore` (unix seconds). */
  TriggerNotDue: 'TriggerNotDueError',
  /** The owner's escrow cannot pay; details carry `neededWei` and `balanceWei`. */
  EscrowTooLow: 'EscrowTooLowError',
  /** Simulation of the transaction reverted for another reason; sending it would only burn gas. */
  ExecutionReverted: 'ExecutionRevertedError',
  /** The network's gas price is above MAX_GAS_PRICE. */
  GasPriceTooHigh: 'GasPriceTooHighError',
  /** The input names no registry workflow. */
  InvalidWorkflowId: 'InvalidWorkflowIdError',
  /** The registry never created the workflow. */
  UnknownRegistryWorkflow: 'UnknownRegistryWorkflowError',
} as const;
export type FailureType = (typeof FailureType)[keyof typeof FailureType];
