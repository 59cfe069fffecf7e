// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {AccessControl} from "@openzeppelin/contracts/access/AccessControl.sol";
import {ReentrancyGuard} from "@openzeppelin/contracts/utils/ReentrancyGuard.sol";

import {IFeeEscrow} from "../interfaces/IFeeEscrow.sol";

/**
 * @dev Holds the native coin workflow owners set aside for their automations.
 *
 * Two roles spend from a balance, each narrowly:
 *
 * - {EXECUTOR_ROLE} (the {ActionExecutor}) sends an owner's coin to the recipient or call target of one of that
 *   owner's actions, with {release}.
 * - {WORKER_ROLE} (the off-chain worker key) charges an execution fee with {chargeFee}: at most once per
 *   execution key and at most {maxFeePerCharge} per charge, so a leaked worker key cannot empty a balance in
 *   one transaction.
 *
 * Fees move from the owner's balance to the balance of {feeRecipient}, which withdraws them like any user. Coin
 * therefore leaves the contract only through {withdraw} and {release}, and {totalOwed} (the sum of all
 * balances) never exceeds the contract's coin balance.
 *
 * Plain transfers to the contract (see {receive}) are deposits for the sender.
 *
 * WARNING: The worker decides when a fee is due and how much it is, within the cap. Owners should keep in the
 * escrow only what they expect their workflows to spend.
 */
contract FeeEscrow is IFeeEscrow, AccessControl, ReentrancyGuard {
    /// @dev Role allowed to call {release}.
    bytes32 public constant EXECUTOR_ROLE = keccak256("EXECUTOR_ROLE");

    /// @dev Role allowed to call {chargeFee}.
    bytes32 public constant WORKER_ROLE = keccak256("WORKER_ROLE");

    mapping(address user => uint256) private _balances;
    mapping(bytes32 executionKey => bool) private _feeCharged;
    uint256 private _totalOwed;
    address private _feeRecipient;
    uint256 private _maxFeePerCharge;

    /**
     * @dev Gives `admin` the default admin role and sets where fees go and the largest single fee charge.
     *
     * Requirements:
     *
     * - `initialFeeRecipient` is not the zero address.
     */
    constructor(address admin, address initialFeeRecipient, uint256 initialMaxFeePerCharge) {
        _grantRole(DEFAULT_ADMIN_ROLE, admin);
        _setFeeRecipient(initialFeeRecipient);
        _setMaxFeePerCharge(initialMaxFeePerCharge);
    }

    /**
     * @dev Credits the coin sent to the sender's balance, as {deposit} does.
     *
     * Requirements:
     *
     * - `msg.value` is not zero.
     *
     * Emits a {Deposited} event.
     */
    receive() external payable {
        _deposit(msg.sender);
    }

    /// @inheritdoc IFeeEscrow
    function deposit() external payable {
        _deposit(msg.sender);
    }

    /// @inheritdoc IFeeEscrow
    function depositFor(address user) external payable {
        if (user == address(0)) {
            revert FeeEscrowInvalidUser(user);
        }
        _deposit(user);
    }

    /// @inheritdoc IFeeEscrow
    function withdraw(uint256 amount) external nonReentrant {
        _debit(msg.sender, amount);
        emit Withdrawn(msg.sender, amount);
        _sendValue(payable(msg.sender), amount);
    }

    /// @inheritdoc IFeeEscrow
    function release(address owner, address payable to, uint256 amount) external nonReentrant onlyRole(EXECUTOR_ROLE) {
        if (to == address(0)) {
            revert FeeEscrowInvalidRecipient(to);
        }
        _debit(owner, amount);
        emit Released(owner, to, amount);
        _sendValue(to, amount);
    }

    /// @inheritdoc IFeeEscrow
    function chargeFee(address owner, uint256 amount, bytes32 executionKey) external onlyRole(WORKER_ROLE) {
        if (_feeCharged[executionKey]) {
            revert FeeEscrowFeeAlreadyCharged(executionKey);
        }
        if (amount > _maxFeePerCharge) {
            revert FeeEscrowFeeAboveCap(amount, _maxFeePerCharge);
        }
        uint256 balance = _requireBalance(owner, amount);

        _feeCharged[executionKey] = true;
        // The coin stays in the contract and only changes owner, so the total owed does not change.
        // Cannot underflow: amount <= balance.
        unchecked {
            _balances[owner] = balance - amount;
        }
        _balances[_feeRecipient] += amount;
        emit FeeCharged(owner, executionKey, amount);
    }

    /**
     * @dev Makes `newRecipient` the account whose balance collects future fees. Fees already collected stay in
     * the previous recipient's balance.
     *
     * Requirements:
     *
     * - The caller has the default admin role.
     * - `newRecipient` is not the zero address.
     *
     * Emits a {FeeRecipientUpdated} event.
     */
    function setFeeRecipient(address newRecipient) external onlyRole(DEFAULT_ADMIN_ROLE) {
        _setFeeRecipient(newRecipient);
    }

    /**
     * @dev Sets the largest amount, in wei, a single {chargeFee} may take. A cap of 0 stops fee charging.
     *
     * Requirements:
     *
     * - The caller has the default admin role.
     *
     * Emits a {MaxFeePerChargeUpdated} event.
     */
    function setMaxFeePerCharge(uint256 newCap) external onlyRole(DEFAULT_ADMIN_ROLE) {
        _setMaxFeePerCharge(newCap);
    }

    /// @inheritdoc IFeeEscrow
    function balanceOf(address user) external view returns (uint256) {
        return _balances[user];
    }

    /// @inheritdoc IFeeEscrow
    function totalOwed() external view returns (uint256) {
        return _totalOwed;
    }

    /// @inheritdoc IFeeEscrow
    function isFeeCharged(bytes32 executionKey) external view returns (bool) {
        return _feeCharged[executionKey];
    }

    /// @inheritdoc IFeeEscrow
    function feeRecipient() external view returns (address) {
        return _feeRecipient;
    }

    /// @inheritdoc IFeeEscrow
    function maxFeePerCharge() external view returns (uint256) {
        return _maxFeePerCharge;
    }

    /**
     * @dev Credits `msg.value` to `user`.
     */
    function _deposit(address user) private {
        if (msg.value == 0) {
            revert FeeEscrowZeroAmount();
        }
        _balances[user] += msg.value;
        _totalOwed += msg.value;
        emit Deposited(user, msg.sender, msg.value);
    }

    /**
     * @dev Takes `amount` off the balance of `user` and off the total owed, before the coin leaves the contract.
     */
    function _debit(address user, uint256 amount) private {
        uint256 balance = _requireBalance(user, amount);
        // Cannot underflow: amount <= balance <= total owed, the sum of all balances.
        unchecked {
            _balances[user] = balance - amount;
            _totalOwed -= amount;
        }
    }

    /**
     * @dev Returns the balance of `user`, reverting unless it covers a non-zero `amount`.
     */
    function _requireBalance(address user, uint256 amount) private view returns (uint256 balance) {
        if (amount == 0) {
            revert FeeEscrowZeroAmount();
        }
        balance = _balances[user];
        if (amount > balance) {
            revert FeeEscrowInsufficientBalance(user, balance, amount);
        }
    }

    /**
     * @dev Sends `amount` wei to `to`, reverting with {FeeEscrowTransferFailed} if `to` rejects it.
     */
    function _sendValue(address payable to, uint256 amount) private {
        (bool success, bytes memory reason) = to.call{value: amount}("");
        if (!success) {
            revert FeeEscrowTransferFailed(to, amount, reason);
        }
    }

    /**
     * @dev Sets {feeRecipient}, rejecting the zero address.
     */
    function _setFeeRecipient(address newRecipient) private {
        if (newRecipient == address(0)) {
            revert FeeEscrowInvalidRecipient(newRecipient);
        }
        address previousRecipient = _feeRecipient;
        _feeRecipient = newRecipient;
        emit FeeRecipientUpdated(previousRecipient, newRecipient);
    }

    /**
     * @dev Sets {maxFeePerCharge}.
     */
    function _setMaxFeePerCharge(uint256 newCap) private {
        uint256 previousCap = _maxFeePerCharge;
        _maxFeePerCharge = newCap;
        emit MaxFeePerChargeUpdated(previousCap, newCap);
    }
}
