// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

/**
 * @dev Interface of the Autometa action executor: the one contract the off-chain worker calls to run an
 * execution of a workflow, exactly once per execution number.
 */
interface IActionExecutor {
    /**
     * @dev Emitted when execution `executionNo` of `workflowId` has been recorded and its action performed.
     */
    event ActionExecuted(uint256 indexed workflowId, uint64 indexed executionNo, uint8 actionType);

    /**
     * @dev `workflowId` is inactive (deactivated or completed).
     */
    error ActionExecutorWorkflowInactive(uint256 workflowId);

    /**
     * @dev Execution `executionNo` of `workflowId` has already run.
     */
    error ActionExecutorExecutionAlreadyDone(uint256 workflowId, uint64 executionNo);

    /**
     * @dev `executionNo` skips ahead of (or is 0 instead of) the next execution number `expected`.
     */
    error ActionExecutorExecutionOutOfOrder(uint256 workflowId, uint64 executionNo, uint64 expected);

    /**
     * @dev `workflowId` has already run `maxExecutions` times.
     */
    error ActionExecutorMaxExecutionsReached(uint256 workflowId, uint64 maxExecutions);

    /**
     * @dev The time or interval trigger of `workflowId` fires at `notBefore`, which is still in the future.
     */
    error ActionExecutorTriggerNotDue(uint256 workflowId, uint256 notBefore);

    /**
     * @dev The action of `workflowId` sends to or calls `target`, one of the Autometa contracts.
     */
    error ActionExecutorForbiddenTarget(uint256 workflowId, address target);

    /**
     * @dev The contract call of `workflowId` reverted with `returndata`.
     */
    error ActionExecutorCallFailed(uint256 workflowId, bytes returndata);

    /**
     * @dev Runs execution `executionNo` of `workflowId`: checks it is the next one and that a time or interval
     * trigger is due, records it in the registry, then performs the action from the owner's assets.
     *
     * An execution number that has already run reverts with {ActionExecutorExecutionAlreadyDone} even when the
     * workflow has become inactive since (completed, for instance), so a retried transaction can be told apart
     * from a workflow its owner stopped. An unknown workflow reverts with the registry's
     * {IWorkflowRegistry-WorkflowRegistryUnknownWorkflow}; a failed action with the escrow's or the token's error,
     * or {ActionExecutorCallFailed}.
     *
     * Requirements:
     *
     * - The caller has the worker role.
     * - `workflowId` exists and is active.
     * - `executionNo` is the registry's execution count plus one.
     * - A time trigger's `executeAt`, or an interval trigger's previous execution (or creation) plus the interval,
     *   is not in the future.
     * - The action's recipient or target is not an Autometa contract (registry, escrow, executor, forwarder).
     * - A native transfer is covered by the owner's escrow balance; an ERC-20 transfer by the owner's balance and
     *   allowance to this contract; a contract call's value by the owner's escrow balance, and the call succeeds.
     *
     * Emits an {ActionExecuted} event, after the registry's {IWorkflowRegistry-WorkflowExecuted}.
     */
    function execute(uint256 workflowId, uint64 executionNo) external;

    /**
     * @dev Returns whether {execute} would pass its state and trigger checks for `workflowId` and `executionNo`,
     * and if not, the ABI-encoded custom error it would revert with. It does not simulate the action itself
     * (balances, allowances, the call's outcome): `eth_call` {execute} for that.
     */
    function canExecute(uint256 workflowId, uint64 executionNo) external view returns (bool ok, bytes memory reason);
}
