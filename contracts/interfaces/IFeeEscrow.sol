// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

/**
 * @dev Interface of the Autometa fee escrow: native coin that workflow owners set aside to pay for the value
 * their actions send and for the execution fees the off-chain worker charges.
 */
interface IFeeEscrow {
    /**
     * @dev Emitted when `depositor` credits `amount` wei to the balance of `user`.
     */
    event Deposited(address indexed user, address indexed depositor, uint256 amount);

    /**
     * @dev Emitted when `user` takes `amount` wei out of their balance.
     */
    event Withdrawn(address indexed user, uint256 amount);

    /**
     * @dev Emitted when the executor sends `amount` wei of `owner`'s balance to `to` for an action.
     */
    event Released(address indexed owner, address indexed to, uint256 amount);

    /**
     * @dev Emitted when the worker charges `amount` wei of `owner`'s balance as the fee of `executionKey`.
     */
    event FeeCharged(address indexed owner, bytes32 indexed executionKey, uint256 amount);

    /**
     * @dev Emitted when the admin moves fee collection from `previousRecipient` to `newRecipient`.
     */
    event FeeRecipientUpdated(address indexed previousRecipient, address indexed newRecipient);

    /**
     * @dev Emitted when the admin changes the cap on a single fee charge.
     */
    event MaxFeePerChargeUpdated(uint256 previousCap, uint256 newCap);

    /**
     * @dev `user` holds `balance` wei, less than the `needed` amount.
     */
    error FeeEscrowInsufficientBalance(address user, uint256 balance, uint256 needed);

    /**
     * @dev A fee has already been charged for `executionKey`.
     */
    error FeeEscrowFeeAlreadyCharged(bytes32 executionKey);

    /**
     * @dev The fee `amount` is above the per-charge `cap`.
     */
    error FeeEscrowFeeAboveCap(uint256 amount, uint256 cap);

    /**
     * @dev The amount of a deposit, withdrawal, release or fee is zero.
     */
    error FeeEscrowZeroAmount();

    /**
     * @dev `user` cannot hold a balance (the zero address).
     */
    error FeeEscrowInvalidUser(address user);

    /**
     * @dev `recipient` cannot receive coin or fees (the zero address).
     */
    error FeeEscrowInvalidRecipient(address recipient);

    /**
     * @dev Sending `amount` wei to `to` failed; `reason` is what `to` reverted with.
     */
    error FeeEscrowTransferFailed(address to, uint256 amount, bytes reason);

    /**
     * @dev Credits the attached coin to the caller's balance.
     *
     * Requirements:
     *
     * - `msg.value` is not zero.
     *
     * Emits a {Deposited} event.
     */
    function deposit() external payable;

    /**
     * @dev Credits the attached coin to the balance of `user`.
     *
     * Requirements:
     *
     * - `user` is not the zero address.
     * - `msg.value` is not zero.
     *
     * Emits a {Deposited} event.
     */
    function depositFor(address user) external payable;

    /**
     * @dev Sends `amount` wei of the caller's balance to the caller.
     *
     * Requirements:
     *
     * - `amount` is not zero and at most the caller's balance.
     * - The caller accepts the coin.
     *
     * Emits a {Withdrawn} event.
     */
    function withdraw(uint256 amount) external;

    /**
     * @dev Sends `amount` wei of `owner`'s balance to `to`, for the value of one of `owner`'s actions.
     *
     * Requirements:
     *
     * - The caller has the executor role.
     * - `to` is not the zero address and accepts the coin.
     * - `amount` is not zero and at most `owner`'s balance.
     *
     * Emits a {Released} event.
     */
    function release(address owner, address payable to, uint256 amount) external;

    /**
     * @dev Moves `amount` wei of `owner`'s balance to the fee recipient's balance, once per `executionKey`.
     *
     * Requirements:
     *
     * - The caller has the worker role.
     * - No fee has been charged for `executionKey`.
     * - `amount` is not zero, at most the per-charge cap and at most `owner`'s balance.
     *
     * Emits a {FeeCharged} event.
     */
    function chargeFee(address owner, uint256 amount, bytes32 executionKey) external;

    /**
     * @dev Returns the wei `user` holds in the escrow.
     */
    function balanceOf(address user) external view returns (uint256);

    /**
     * @dev Returns the sum of every balance, which the escrow's coin balance always covers.
     */
    function totalOwed() external view returns (uint256);

    /**
     * @dev Returns whether a fee has been charged for `executionKey`.
     */
    function isFeeCharged(bytes32 executionKey) external view returns (bool);

    /**
     * @dev Returns the account whose balance collects the fees.
     */
    function feeRecipient() external view returns (address);

    /**
     * @dev Returns the largest amount a single {chargeFee} may take.
     */
    function maxFeePerCharge() external view returns (uint256);
}
