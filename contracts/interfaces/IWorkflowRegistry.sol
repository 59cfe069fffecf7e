// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

/**
 * @dev Interface of the Autometa workflow registry: the on-chain record of each automation, what fires it,
 * what it does and how often it has run.
 *
 * Trigger types: 0 = time (once, at a unix time), 1 = interval (every N seconds), 2 = price (checked off-chain).
 * Action types: 0 = native coin transfer, 1 = ERC-20 transfer, 2 = contract call.
 *
 * The `bytes` fields hold `abi.encode` of:
 *
 * - time trigger: `(uint256 executeAt)`
 * - interval trigger: `(uint256 intervalSeconds)`
 * - price trigger: `(string token, uint8 comparator, uint256 priceUsdE8)`, comparator 0 = at or below,
 *   1 = at or above, price in USD with 8 decimals
 * - native transfer: `(address to, uint256 amountWei)`
 * - ERC-20 transfer: `(address token, address to, uint256 amount)`
 * - contract call: `(address target, bytes data, uint256 valueWei)`
 */
interface IWorkflowRegistry {
    /**
     * @dev One automation. `maxExecutions` of 0 means unlimited. `lastExecutedAt` is 0 until the first
     * execution. `active` turns false for good when the owner deactivates the workflow or when
     * `executionCount` reaches a non-zero `maxExecutions`.
     */
    struct Workflow {
        address owner;
        uint8 triggerType;
        uint8 actionType;
        bool active;
        uint64 maxExecutions;
        uint64 executionCount;
        uint64 createdAt;
        uint64 lastExecutedAt;
        bytes triggerData;
        bytes actionData;
    }

    /**
     * @dev Emitted when workflow `workflowId` of `owner` is created, by the owner, through the owner's signature or
     * by an operator of the owner.
     * `maxExecutions` is the stored value (a time trigger always stores 1).
     */
    event WorkflowCreated(
        uint256 indexed workflowId,
        address indexed owner,
        uint8 triggerType,
        uint8 actionType,
        uint64 maxExecutions
    );

    /**
     * @dev Emitted when workflow `workflowId` of `owner` is deactivated, by the owner, through the owner's
     * signature or by an operator of the owner.
     */
    event WorkflowDeactivated(uint256 indexed workflowId, address indexed owner);

    /**
     * @dev Emitted when `owner` approves (`approved` true) or revokes (`approved` false) `operator`, directly or
     * through a signature. Emitted on every call, even when the approval does not change.
     */
    event OperatorSet(address indexed owner, address indexed operator, bool approved);

    /**
     * @dev Emitted when execution number `executionNo` of `workflowId` is recorded at `executedAt`.
     */
    event WorkflowExecuted(uint256 indexed workflowId, uint64 indexed executionNo, uint64 executedAt);

    /**
     * @dev Emitted when `workflowId` reaches its maximum number of executions and becomes inactive.
     */
    event WorkflowCompleted(uint256 indexed workflowId);

    /**
     * @dev `triggerType` is not 0, 1 or 2.
     */
    error WorkflowRegistryInvalidTriggerType(uint8 triggerType);

    /**
     * @dev `actionType` is not 0, 1 or 2.
     */
    error WorkflowRegistryInvalidActionType(uint8 actionType);

    /**
     * @dev The trigger data does not decode as the layout of `triggerType`, or holds a value out of range.
     */
    error WorkflowRegistryInvalidTriggerData(uint8 triggerType);

    /**
     * @dev The action data does not decode as the layout of `actionType`, or holds a value out of range.
     */
    error WorkflowRegistryInvalidActionData(uint8 actionType);

    /**
     * @dev `maxExecutions` is not allowed for `triggerType` (a time trigger fires at most once).
     */
    error WorkflowRegistryInvalidMaxExecutions(uint8 triggerType, uint64 maxExecutions);

    /**
     * @dev A workflow cannot be created for `owner` (the zero address).
     */
    error WorkflowRegistryInvalidOwner(address owner);

    /**
     * @dev The signature expired at `deadline`.
     */
    error WorkflowRegistryExpiredSignature(uint256 deadline);

    /**
     * @dev The signature is not a valid signature of `signer` over the typed data.
     */
    error WorkflowRegistryInvalidSignature(address signer);

    /**
     * @dev No workflow has id `workflowId`.
     */
    error WorkflowRegistryUnknownWorkflow(uint256 workflowId);

    /**
     * @dev `account` does not own `workflowId`.
     */
    error WorkflowRegistryNotOwner(uint256 workflowId, address account);

    /**
     * @dev `operator` cannot be approved or revoked: it is the zero address or the owner itself.
     */
    error WorkflowRegistryInvalidOperator(address operator);

    /**
     * @dev `account` is not an approved operator of `owner`.
     */
    error WorkflowRegistryNotOperator(address owner, address account);

    /**
     * @dev `workflowId` is inactive (deactivated or completed).
     */
    error WorkflowRegistryWorkflowInactive(uint256 workflowId);

    /**
     * @dev `executionNo` is not the next execution number `expected` of `workflowId`.
     */
    error WorkflowRegistryExecutionOutOfOrder(uint256 workflowId, uint64 executionNo, uint64 expected);

    /**
     * @dev `workflowId` has already run `maxExecutions` times.
     */
    error WorkflowRegistryMaxExecutionsReached(uint256 workflowId, uint64 maxExecutions);

    /**
     * @dev Creates a workflow owned by the caller and returns its id. Ids start at 1.
     *
     * Requirements:
     *
     * - `triggerType` and `actionType` are known codes and their data decode to sane values.
     * - For a time trigger, `maxExecutions` is 0 or 1 (stored as 1).
     *
     * Emits a {WorkflowCreated} event.
     */
    function createWorkflow(
        uint8 triggerType,
        bytes calldata triggerData,
        uint8 actionType,
        bytes calldata actionData,
        uint64 maxExecutions
    ) external returns (uint256 workflowId);

    /**
     * @dev Creates a workflow owned by `owner`, who authorised it with an EIP-712 `CreateWorkflow` signature
     * (ECDSA for accounts, ERC-1271 for contracts). Anyone may submit it. Uses the owner's next nonce.
     *
     * Requirements:
     *
     * - `owner` is not the zero address.
     * - `deadline` is not in the past.
     * - `signature` is valid for `owner` over the parameters, the owner's current nonce and `deadline`.
     * - Same as {createWorkflow} for the workflow fields.
     *
     * Emits a {WorkflowCreated} event.
     */
    function createWorkflowFor(
        address owner,
        uint8 triggerType,
        bytes calldata triggerData,
        uint8 actionType,
        bytes calldata actionData,
        uint64 maxExecutions,
        uint256 deadline,
        bytes calldata signature
    ) external returns (uint256 workflowId);

    /**
     * @dev Creates a workflow owned by `owner` on behalf of the owner, who approved the caller as an operator
     * with {setOperator} or {setOperatorFor}. Does not use a nonce.
     *
     * NOTE: The owner itself is not its own operator: an owner calls {createWorkflow}.
     *
     * Requirements:
     *
     * - The caller is an approved operator of `owner` ({isOperator}).
     * - Same as {createWorkflow} for the workflow fields.
     *
     * Emits a {WorkflowCreated} event.
     */
    function createWorkflowAsOperator(
        address owner,
        uint8 triggerType,
        bytes calldata triggerData,
        uint8 actionType,
        bytes calldata actionData,
        uint64 maxExecutions
    ) external returns (uint256 workflowId);

    /**
     * @dev Deactivates `workflowId` for good.
     *
     * Requirements:
     *
     * - `workflowId` exists and is active.
     * - The caller owns `workflowId`.
     *
     * Emits a {WorkflowDeactivated} event.
     */
    function deactivateWorkflow(uint256 workflowId) external;

    /**
     * @dev Deactivates `workflowId` for good on an EIP-712 `DeactivateWorkflow` signature of its owner. Anyone
     * may submit it. Uses the owner's next nonce.
     *
     * Requirements:
     *
     * - `workflowId` exists and is active.
     * - `deadline` is not in the past.
     * - `signature` is valid for the workflow owner over `workflowId`, the owner's current nonce and `deadline`.
     *
     * Emits a {WorkflowDeactivated} event.
     */
    function deactivateWorkflowFor(uint256 workflowId, uint256 deadline, bytes calldata signature) external;

    /**
     * @dev Deactivates `workflowId` for good on behalf of its owner, who approved the caller as an operator.
     * Does not use a nonce.
     *
     * Requirements:
     *
     * - `workflowId` exists and is active.
     * - The caller is an approved operator of the workflow owner ({isOperator}).
     *
     * Emits a {WorkflowDeactivated} event.
     */
    function deactivateWorkflowAsOperator(uint256 workflowId) external;

    /**
     * @dev Approves or revokes `operator` to create and deactivate workflows of the caller, as ERC-721's
     * `setApprovalForAll` does for tokens.
     *
     * WARNING: An operator can create any workflow for the owner, including actions that move the owner's escrow
     * balance and the tokens the owner let the executor spend, and can deactivate any of the owner's workflows.
     * Approve only a back-end you trust with that, and revoke it when you stop using it.
     *
     * Requirements:
     *
     * - `operator` is neither the zero address nor the caller.
     *
     * Emits an {OperatorSet} event.
     */
    function setOperator(address operator, bool approved) external;

    /**
     * @dev Approves or revokes `operator` for `owner` on an EIP-712 `SetOperator` signature of the owner (ECDSA
     * for accounts, ERC-1271 for contracts), so the owner needs no gas. Anyone may submit it. Uses the owner's
     * next nonce, shared with {createWorkflowFor} and {deactivateWorkflowFor}.
     *
     * WARNING: Same as {setOperator}.
     *
     * Requirements:
     *
     * - `owner` is not the zero address.
     * - `deadline` is not in the past.
     * - `signature` is valid for `owner` over `operator`, `approved`, the owner's current nonce and `deadline`.
     * - `operator` is neither the zero address nor `owner`.
     *
     * Emits an {OperatorSet} event.
     */
    function setOperatorFor(
        address owner,
        address operator,
        bool approved,
        uint256 deadline,
        bytes calldata signature
    ) external;

    /**
     * @dev Records execution number `executionNo` of `workflowId` and completes the workflow when it reaches
     * its maximum number of executions.
     *
     * Requirements:
     *
     * - The caller has the executor role.
     * - `workflowId` exists and is active.
     * - `executionNo` is the execution count plus one.
     *
     * Emits a {WorkflowExecuted} event, then a {WorkflowCompleted} event if this was the last execution.
     */
    function recordExecution(uint256 workflowId, uint64 executionNo) external;

    /**
     * @dev Returns workflow `workflowId`.
     *
     * Requirements:
     *
     * - `workflowId` exists.
     */
    function getWorkflow(uint256 workflowId) external view returns (Workflow memory);

    /**
     * @dev Returns the ids of every workflow `owner` has created, active or not, oldest first.
     */
    function getOwnerWorkflows(address owner) external view returns (uint256[] memory);

    /**
     * @dev Returns the number of workflows created so far, which is also the highest id.
     */
    function workflowCount() external view returns (uint256);

    /**
     * @dev Returns whether `operator` may create and deactivate workflows for `owner`.
     */
    function isOperator(address owner, address operator) external view returns (bool);

    /**
     * @dev Returns the next nonce `owner` must sign for {createWorkflowFor}, {deactivateWorkflowFor} or
     * {setOperatorFor}.
     */
    function nonces(address owner) external view returns (uint256);

    /**
     * @dev Returns the EIP-712 domain separator the signatures are checked against.
     */
    function DOMAIN_SEPARATOR() external view returns (bytes32);
}
