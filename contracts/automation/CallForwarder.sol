// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

/**
 * @dev Makes the contract calls of workflows for the {ActionExecutor} that deployed it, so those calls come
 * from an address that holds nothing worth taking: no roles, no token allowances, no coin between executions.
 *
 * The executor itself cannot make the calls: owners approve it to move their ERC-20 tokens and it may release
 * their escrowed coin, so a call made from it could spend other owners' allowances.
 *
 * It accepts coin only from the fee escrow, which releases an owner's coin here right before a call that
 * sends value. A target that pays coin back to its caller (a refund, for instance) therefore fails.
 *
 * WARNING: Any owner's workflow can make any call from this contract. Never approve it to spend tokens or
 * grant it a role anywhere: anyone could use that through a workflow.
 */
contract CallForwarder {
    address private immutable _executor;
    address private immutable _escrow;

    /**
     * @dev `caller` is not the executor that deployed this forwarder.
     */
    error CallForwarderUnauthorizedCaller(address caller);

    /**
     * @dev `sender`, which is not the fee escrow, sent coin.
     */
    error CallForwarderUnexpectedValue(address sender);

    /**
     * @dev Binds the forwarder to its deployer, the executor, and to `escrow_`, the only source of coin.
     */
    constructor(address escrow_) {
        _executor = msg.sender;
        _escrow = escrow_;
    }

    /**
     * @dev Accepts coin released by the escrow for the next call.
     *
     * Requirements:
     *
     * - The sender is the fee escrow.
     */
    receive() external payable {
        if (msg.sender != _escrow) {
            revert CallForwarderUnexpectedValue(msg.sender);
        }
    }

    /**
     * @dev Calls `target` with `data` and `value` wei, returning whether the call succeeded and what it returned.
     * It does not revert when the call fails, so the executor can report the failure with its own error.
     *
     * Requirements:
     *
     * - The caller is the executor that deployed this forwarder.
     */
    function forward(
        address target,
        bytes calldata data,
        uint256 value
    ) external returns (bool success, bytes memory returndata) {
        if (msg.sender != _executor) {
            revert CallForwarderUnauthorizedCaller(msg.sender);
        }
        (success, returndata) = target.call{value: value}(data);
    }

    /**
     * @dev Returns the executor allowed to call {forward}.
     */
    function executor() external view returns (address) {
        return _executor;
    }

    /**
     * @dev Returns the fee escrow allowed to send coin to this contract.
     */
    function escrow() external view returns (address) {
        return _escrow;
    }
}
