// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {AccessControl} from "@openzeppelin/contracts/access/AccessControl.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {ReentrancyGuard} from "@openzeppelin/contracts/utils/ReentrancyGuard.sol";

import {IActionExecutor} from "../interfaces/IActionExecutor.sol";
import {IFeeEscrow} from "../interfaces/IFeeEscrow.sol";
import {IWorkflowRegistry} from "../interfaces/IWorkflowRegistry.sol";
import {CallForwarder} from "./CallForwarder.sol";
import {WorkflowCodec} from "./WorkflowCodec.sol";

/**
 * @dev Runs workflow executions for the off-chain worker, exactly once per execution number.
 *
 * Each execution is recorded in the {WorkflowRegistry} before its action runs, and the registry accepts only
 * the next execution number, so a retried or replayed transaction cannot repeat an action. Actions only ever
 * move the workflow owner's assets:
 *
 * - native transfer: the owner's coin in the {FeeEscrow}, released to the recipient;
 * - ERC-20 transfer: the owner's tokens, which the owner approves this contract to move;
 * - contract call: made from the {CallForwarder} this contract deploys, never from this contract (which holds
 *   owners' allowances), with value released from the owner's escrow balance to the forwarder.
 *
 * Time and interval triggers are checked here against the block time. Price triggers are checked off-chain.
 *
 * WARNING: Accounts with {WORKER_ROLE} decide when a price trigger has fired; this contract cannot verify it.
 *
 * NOTE: The recipient or target of an action cannot be one of the Autometa contracts (registry, escrow, this
 * contract, the forwarder): coin or tokens sent there would be stuck, and calls there could abuse their rights.
 */
contract ActionExecutor is IActionExecutor, AccessControl, ReentrancyGuard {
    using SafeERC20 for IERC20;

    /// @dev Role allowed to call {execute}.
    bytes32 public constant WORKER_ROLE = keccak256("WORKER_ROLE");

    IWorkflowRegistry private immutable _registry;
    IFeeEscrow private immutable _escrow;
    CallForwarder private immutable _callForwarder;

    /**
     * @dev Gives `admin` the default admin role, binds the executor to `registry_` and `escrow_`, and deploys
     * its {CallForwarder}. The executor needs the registry's and the escrow's `EXECUTOR_ROLE` to work.
     */
    constructor(address admin, IWorkflowRegistry registry_, IFeeEscrow escrow_) {
        _grantRole(DEFAULT_ADMIN_ROLE, admin);
        _registry = registry_;
        _escrow = escrow_;
        _callForwarder = new CallForwarder(address(escrow_));
    }

    /// @inheritdoc IActionExecutor
    function execute(uint256 workflowId, uint64 executionNo) external nonReentrant onlyRole(WORKER_ROLE) {
        IWorkflowRegistry.Workflow memory workflow = _registry.getWorkflow(workflowId);
        bytes memory reason = _checkExecution(workflowId, executionNo, workflow);
        if (reason.length != 0) {
            _revertWith(reason);
        }

        _registry.recordExecution(workflowId, executionNo);
        emit ActionExecuted(workflowId, executionNo, workflow.actionType);

        _performAction(workflowId, workflow);
    }

    /// @inheritdoc IActionExecutor
    function canExecute(uint256 workflowId, uint64 executionNo) external view returns (bool ok, bytes memory reason) {
        try _registry.getWorkflow(workflowId) returns (IWorkflowRegistry.Workflow memory workflow) {
            reason = _checkExecution(workflowId, executionNo, workflow);
        } catch (bytes memory registryError) {
            reason = registryError;
        }
        ok = reason.length == 0;
    }

    /**
     * @dev Returns the registry whose workflows this contract executes.
     */
    function registry() external view returns (IWorkflowRegistry) {
        return _registry;
    }

    /**
     * @dev Returns the escrow that holds the owners' coin.
     */
    function escrow() external view returns (IFeeEscrow) {
        return _escrow;
    }

    /**
     * @dev Returns the forwarder that makes the contract calls of workflows.
     */
    function callForwarder() external view returns (CallForwarder) {
        return _callForwarder;
    }

    /**
     * @dev Sends the owner's assets as the action of `workflow` says. Assumes {_checkExecution} passed.
     */
    function _performAction(uint256 workflowId, IWorkflowRegistry.Workflow memory workflow) private {
        if (workflow.actionType == WorkflowCodec.ACTION_NATIVE_TRANSFER) {
            (address to, uint256 amountWei) = WorkflowCodec.decodeNativeTransfer(workflow.actionData);
            _escrow.release(workflow.owner, payable(to), amountWei);
        } else if (workflow.actionType == WorkflowCodec.ACTION_ERC20_TRANSFER) {
            (address token, address to, uint256 amount) = WorkflowCodec.decodeErc20Transfer(workflow.actionData);
            IERC20(token).safeTransferFrom(workflow.owner, to, amount);
        } else {
            (address target, bytes memory callData, uint256 valueWei) = WorkflowCodec.decodeContractCall(
                workflow.actionData
            );
            if (valueWei > 0) {
                _escrow.release(workflow.owner, payable(address(_callForwarder)), valueWei);
            }
            (bool success, bytes memory returndata) = _callForwarder.forward(target, callData, valueWei);
            if (!success) {
                revert ActionExecutorCallFailed(workflowId, returndata);
            }
        }
    }

    /**
     * @dev Returns the ABI-encoded error {execute} must revert with for `executionNo` of `workflow`, or empty
     * bytes if the execution may run: state, execution number, trigger timing and action destination.
     */
    function _checkExecution(
        uint256 workflowId,
        uint64 executionNo,
        IWorkflowRegistry.Workflow memory workflow
    ) private view returns (bytes memory) {
        uint64 count = workflow.executionCount;
        if (executionNo != 0 && executionNo <= count) {
            return abi.encodeWithSelector(ActionExecutorExecutionAlreadyDone.selector, workflowId, executionNo);
        }
        if (!workflow.active) {
            return abi.encodeWithSelector(ActionExecutorWorkflowInactive.selector, workflowId);
        }
        if (executionNo != count + 1) {
            return
                abi.encodeWithSelector(ActionExecutorExecutionOutOfOrder.selector, workflowId, executionNo, count + 1);
        }
        // Unreachable while the registry deactivates a workflow when it reaches its maximum; kept as a guard.
        if (workflow.maxExecutions != 0 && count >= workflow.maxExecutions) {
            return
                abi.encodeWithSelector(ActionExecutorMaxExecutionsReached.selector, workflowId, workflow.maxExecutions);
        }

        uint256 notBefore = _notBefore(workflow);
        if (block.timestamp < notBefore) {
            return abi.encodeWithSelector(ActionExecutorTriggerNotDue.selector, workflowId, notBefore);
        }

        address destination = _destination(workflow);
        if (_isForbiddenDestination(destination)) {
            return abi.encodeWithSelector(ActionExecutorForbiddenTarget.selector, workflowId, destination);
        }
        return "";
    }

    /**
     * @dev Returns the earliest block time at which `workflow` may run: `executeAt` for a time trigger, the last
     * execution (or the creation, before the first) plus the interval for an interval trigger, and 0 for a price
     * trigger, which is checked off-chain.
     */
    function _notBefore(IWorkflowRegistry.Workflow memory workflow) private pure returns (uint256) {
        if (workflow.triggerType == WorkflowCodec.TRIGGER_TIME) {
            return WorkflowCodec.decodeTimeTrigger(workflow.triggerData);
        }
        if (workflow.triggerType == WorkflowCodec.TRIGGER_INTERVAL) {
            uint256 lastRun = workflow.lastExecutedAt == 0 ? workflow.createdAt : workflow.lastExecutedAt;
            // Cannot overflow: both terms are at most type(uint64).max (the registry bounds the interval).
            return lastRun + WorkflowCodec.decodeIntervalTrigger(workflow.triggerData);
        }
        return 0;
    }

    /**
     * @dev Returns where the action of `workflow` sends assets or calls: the recipient of a transfer or the
     * target of a call.
     */
    function _destination(IWorkflowRegistry.Workflow memory workflow) private pure returns (address) {
        if (workflow.actionType == WorkflowCodec.ACTION_ERC20_TRANSFER) {
            (, address to, ) = WorkflowCodec.decodeErc20Transfer(workflow.actionData);
            return to;
        }
        // The native transfer's recipient and the call's target are both the first word of the data.
        return abi.decode(workflow.actionData, (address));
    }

    /**
     * @dev Returns whether `destination` is one of the Autometa contracts.
     */
    function _isForbiddenDestination(address destination) private view returns (bool) {
        return
            destination == address(this) ||
            destination == address(_registry) ||
            destination == address(_escrow) ||
            destination == address(_callForwarder);
    }

    /**
     * @dev Reverts with `reason`, the ABI encoding of a custom error, as its return data.
     */
    function _revertWith(bytes memory reason) private pure {
        assembly ("memory-safe") {
            revert(add(reason, 0x20), mload(reason))
        }
    }
}
