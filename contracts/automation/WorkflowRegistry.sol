// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {AccessControl} from "@openzeppelin/contracts/access/AccessControl.sol";
import {EIP712} from "@openzeppelin/contracts/utils/cryptography/EIP712.sol";
import {SignatureChecker} from "@openzeppelin/contracts/utils/cryptography/SignatureChecker.sol";
import {Nonces} from "@openzeppelin/contracts/utils/Nonces.sol";

import {IWorkflowRegistry} from "../interfaces/IWorkflowRegistry.sol";
import {WorkflowCodec} from "./WorkflowCodec.sol";

/**
 * @dev Stores every Autometa workflow: who owns it, its trigger and action, and how many times it has run.
 *
 * Owners create and deactivate workflows themselves, or sign EIP-712 messages that anyone (the Autometa API)
 * may submit for them; signatures are checked with ERC-1271 for contract wallets. Each signature uses the
 * owner's next nonce and carries a deadline, so it works once and not forever.
 *
 * An owner may also approve operators ({setOperator}, or gaslessly {setOperatorFor}), such as the API's relayer
 * key, which then create and deactivate the owner's workflows without a signature per call until revoked.
 *
 * Only accounts with {EXECUTOR_ROLE} (the {ActionExecutor}) record executions, which keeps execution numbers
 * consecutive and unique: the executor relies on this to run each execution exactly once.
 *
 * NOTE: The registry validates the layout of the trigger and action data and rejects obviously broken values,
 * but not whether an action can succeed (funds, allowances, call targets): that is checked at execution.
 */
contract WorkflowRegistry is IWorkflowRegistry, AccessControl, EIP712, Nonces {
    /// @dev Role allowed to call {recordExecution}.
    bytes32 public constant EXECUTOR_ROLE = keccak256("EXECUTOR_ROLE");

    /// @dev EIP-712 type hash of the {createWorkflowFor} message.
    bytes32 public constant CREATE_WORKFLOW_TYPEHASH = keccak256(
        "CreateWorkflow(address owner,uint8 triggerType,bytes triggerData,uint8 actionType,bytes actionData,uint64 maxExecutions,uint256 nonce,uint256 deadline)"
    );

    /// @dev EIP-712 type hash of the {deactivateWorkflowFor} message.
    bytes32 public constant DEACTIVATE_WORKFLOW_TYPEHASH = keccak256(
        "DeactivateWorkflow(uint256 workflowId,uint256 nonce,uint256 deadline)"
    );

    /// @dev EIP-712 type hash of the {setOperatorFor} message.
    bytes32 public constant SET_OPERATOR_TYPEHASH = keccak256(
        "SetOperator(address owner,address operator,bool approved,uint256 nonce,uint256 deadline)"
    );

    mapping(uint256 workflowId => Workflow) private _workflows;
    mapping(address owner => uint256[] workflowIds) private _ownerWorkflows;
    uint256 private _workflowCount;
    mapping(address owner => mapping(address operator => bool approved)) private _operators;

    /**
     * @dev Reverts with {WorkflowRegistryUnknownWorkflow} unless `workflowId` exists.
     */
    modifier onlyExisting(uint256 workflowId) {
        _requireExisting(workflowId);
        _;
    }

    /**
     * @dev Sets up the EIP-712 domain ("Autometa WorkflowRegistry", version "1") and gives `admin` the
     * default admin role, with which it grants {EXECUTOR_ROLE}.
     */
    constructor(address admin) EIP712("Autometa WorkflowRegistry", "1") {
        _grantRole(DEFAULT_ADMIN_ROLE, admin);
    }

    /// @inheritdoc IWorkflowRegistry
    function createWorkflow(
        uint8 triggerType,
        bytes calldata triggerData,
        uint8 actionType,
        bytes calldata actionData,
        uint64 maxExecutions
    ) external returns (uint256 workflowId) {
        return _createWorkflow(msg.sender, triggerType, triggerData, actionType, actionData, maxExecutions);
    }

    /// @inheritdoc IWorkflowRegistry
    function createWorkflowFor(
        address owner,
        uint8 triggerType,
        bytes calldata triggerData,
        uint8 actionType,
        bytes calldata actionData,
        uint64 maxExecutions,
        uint256 deadline,
        bytes calldata signature
    ) external returns (uint256 workflowId) {
        if (owner == address(0)) {
            revert WorkflowRegistryInvalidOwner(owner);
        }
        bytes32 structHash = _hashCreateWorkflow(
            owner,
            triggerType,
            keccak256(triggerData),
            actionType,
            keccak256(actionData),
            maxExecutions,
            deadline
        );
        _checkSignature(owner, structHash, deadline, signature);
        return _createWorkflow(owner, triggerType, triggerData, actionType, actionData, maxExecutions);
    }

    /// @inheritdoc IWorkflowRegistry
    function createWorkflowAsOperator(
        address owner,
        uint8 triggerType,
        bytes calldata triggerData,
        uint8 actionType,
        bytes calldata actionData,
        uint64 maxExecutions
    ) external returns (uint256 workflowId) {
        // No operator can be approved for the zero address, so this also rejects `owner == address(0)`.
        _requireOperator(owner, msg.sender);
        return _createWorkflow(owner, triggerType, triggerData, actionType, actionData, maxExecutions);
    }

    /// @inheritdoc IWorkflowRegistry
    function deactivateWorkflow(uint256 workflowId) external onlyExisting(workflowId) {
        Workflow storage workflow = _workflows[workflowId];
        if (workflow.owner != msg.sender) {
            revert WorkflowRegistryNotOwner(workflowId, msg.sender);
        }
        _deactivate(workflowId, workflow);
    }

    /// @inheritdoc IWorkflowRegistry
    function deactivateWorkflowFor(
        uint256 workflowId,
        uint256 deadline,
        bytes calldata signature
    ) external onlyExisting(workflowId) {
        Workflow storage workflow = _workflows[workflowId];
        address owner = workflow.owner;
        bytes32 structHash = keccak256(
            abi.encode(DEACTIVATE_WORKFLOW_TYPEHASH, workflowId, _useNonce(owner), deadline)
        );
        _checkSignature(owner, structHash, deadline, signature);
        _deactivate(workflowId, workflow);
    }

    /// @inheritdoc IWorkflowRegistry
    function deactivateWorkflowAsOperator(uint256 workflowId) external onlyExisting(workflowId) {
        Workflow storage workflow = _workflows[workflowId];
        _requireOperator(workflow.owner, msg.sender);
        _deactivate(workflowId, workflow);
    }

    /// @inheritdoc IWorkflowRegistry
    function setOperator(address operator, bool approved) external {
        _setOperator(msg.sender, operator, approved);
    }

    /// @inheritdoc IWorkflowRegistry
    function setOperatorFor(
        address owner,
        address operator,
        bool approved,
        uint256 deadline,
        bytes calldata signature
    ) external {
        if (owner == address(0)) {
            revert WorkflowRegistryInvalidOwner(owner);
        }
        bytes32 structHash = keccak256(
            abi.encode(SET_OPERATOR_TYPEHASH, owner, operator, approved, _useNonce(owner), deadline)
        );
        _checkSignature(owner, structHash, deadline, signature);
        _setOperator(owner, operator, approved);
    }

    /// @inheritdoc IWorkflowRegistry
    function recordExecution(
        uint256 workflowId,
        uint64 executionNo
    ) external onlyRole(EXECUTOR_ROLE) onlyExisting(workflowId) {
        Workflow storage workflow = _workflows[workflowId];
        if (!workflow.active) {
            revert WorkflowRegistryWorkflowInactive(workflowId);
        }
        uint64 count = workflow.executionCount;
        if (executionNo != count + 1) {
            revert WorkflowRegistryExecutionOutOfOrder(workflowId, executionNo, count + 1);
        }
        // Unreachable while a workflow is made inactive in the call that reaches its maximum; kept as a guard
        // so a future change to that rule cannot let a workflow run past its limit.
        uint64 maxExecutions = workflow.maxExecutions;
        if (maxExecutions != 0 && count >= maxExecutions) {
            revert WorkflowRegistryMaxExecutionsReached(workflowId, maxExecutions);
        }

        uint64 executedAt = uint64(block.timestamp);
        workflow.executionCount = executionNo;
        workflow.lastExecutedAt = executedAt;
        emit WorkflowExecuted(workflowId, executionNo, executedAt);

        if (executionNo == maxExecutions) {
            workflow.active = false;
            emit WorkflowCompleted(workflowId);
        }
    }

    /// @inheritdoc IWorkflowRegistry
    function getWorkflow(uint256 workflowId) external view onlyExisting(workflowId) returns (Workflow memory) {
        return _workflows[workflowId];
    }

    /// @inheritdoc IWorkflowRegistry
    function getOwnerWorkflows(address owner) external view returns (uint256[] memory) {
        return _ownerWorkflows[owner];
    }

    /// @inheritdoc IWorkflowRegistry
    function workflowCount() external view returns (uint256) {
        return _workflowCount;
    }

    /// @inheritdoc IWorkflowRegistry
    function isOperator(address owner, address operator) public view returns (bool) {
        return _operators[owner][operator];
    }

    /// @inheritdoc IWorkflowRegistry
    function nonces(address owner) public view override(IWorkflowRegistry, Nonces) returns (uint256) {
        return super.nonces(owner);
    }

    /// @inheritdoc IWorkflowRegistry
    function DOMAIN_SEPARATOR() external view returns (bytes32) {
        return _domainSeparatorV4();
    }

    /**
     * @dev Validates and stores a new workflow of `owner`, returning its id.
     */
    function _createWorkflow(
        address owner,
        uint8 triggerType,
        bytes calldata triggerData,
        uint8 actionType,
        bytes calldata actionData,
        uint64 maxExecutions
    ) private returns (uint256 workflowId) {
        if (triggerType > WorkflowCodec.TRIGGER_PRICE) {
            revert WorkflowRegistryInvalidTriggerType(triggerType);
        }
        if (actionType > WorkflowCodec.ACTION_CONTRACT_CALL) {
            revert WorkflowRegistryInvalidActionType(actionType);
        }
        if (!WorkflowCodec.isValidTrigger(triggerType, triggerData)) {
            revert WorkflowRegistryInvalidTriggerData(triggerType);
        }
        if (!WorkflowCodec.isValidAction(actionType, actionData)) {
            revert WorkflowRegistryInvalidActionData(actionType);
        }
        if (triggerType == WorkflowCodec.TRIGGER_TIME) {
            // A time trigger fires once: 0 ("no limit") and 1 both mean one execution.
            if (maxExecutions > 1) {
                revert WorkflowRegistryInvalidMaxExecutions(triggerType, maxExecutions);
            }
            maxExecutions = 1;
        }

        workflowId = ++_workflowCount;
        _workflows[workflowId] = Workflow({
            owner: owner,
            triggerType: triggerType,
            actionType: actionType,
            active: true,
            maxExecutions: maxExecutions,
            executionCount: 0,
            createdAt: uint64(block.timestamp),
            lastExecutedAt: 0,
            triggerData: triggerData,
            actionData: actionData
        });
        _ownerWorkflows[owner].push(workflowId);
        emit WorkflowCreated(workflowId, owner, triggerType, actionType, maxExecutions);
    }

    /**
     * @dev Returns the EIP-712 struct hash of a `CreateWorkflow` message of `owner`, consuming the owner's nonce.
     */
    function _hashCreateWorkflow(
        address owner,
        uint8 triggerType,
        bytes32 triggerDataHash,
        uint8 actionType,
        bytes32 actionDataHash,
        uint64 maxExecutions,
        uint256 deadline
    ) private returns (bytes32) {
        return
            keccak256(
                abi.encode(
                    CREATE_WORKFLOW_TYPEHASH,
                    owner,
                    triggerType,
                    triggerDataHash,
                    actionType,
                    actionDataHash,
                    maxExecutions,
                    _useNonce(owner),
                    deadline
                )
            );
    }

    /**
     * @dev Marks `workflow` inactive, reverting if it already is.
     */
    function _deactivate(uint256 workflowId, Workflow storage workflow) private {
        if (!workflow.active) {
            revert WorkflowRegistryWorkflowInactive(workflowId);
        }
        workflow.active = false;
        emit WorkflowDeactivated(workflowId, workflow.owner);
    }

    /**
     * @dev Approves or revokes `operator` for `owner`, reverting with {WorkflowRegistryInvalidOperator} when
     * `operator` is the zero address or `owner`.
     */
    function _setOperator(address owner, address operator, bool approved) private {
        if (operator == address(0) || operator == owner) {
            revert WorkflowRegistryInvalidOperator(operator);
        }
        _operators[owner][operator] = approved;
        emit OperatorSet(owner, operator, approved);
    }

    /**
     * @dev Reverts unless `deadline` has not passed and `signature` is `signer`'s over the typed data hashing
     * to `structHash` in this registry's domain.
     */
    function _checkSignature(
        address signer,
        bytes32 structHash,
        uint256 deadline,
        bytes calldata signature
    ) private view {
        if (block.timestamp > deadline) {
            revert WorkflowRegistryExpiredSignature(deadline);
        }
        if (!SignatureChecker.isValidSignatureNow(signer, _hashTypedDataV4(structHash), signature)) {
            revert WorkflowRegistryInvalidSignature(signer);
        }
    }

    /**
     * @dev Reverts with {WorkflowRegistryNotOperator} unless `account` is an approved operator of `owner`.
     */
    function _requireOperator(address owner, address account) private view {
        if (!isOperator(owner, account)) {
            revert WorkflowRegistryNotOperator(owner, account);
        }
    }

    /**
     * @dev Reverts with {WorkflowRegistryUnknownWorkflow} unless `workflowId` is between 1 and the count.
     */
    function _requireExisting(uint256 workflowId) private view {
        if (workflowId == 0 || workflowId > _workflowCount) {
            revert WorkflowRegistryUnknownWorkflow(workflowId);
        }
    }
}
