// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

/**
 * @dev Test-only attacker: an account that, on receiving coin or an arbitrary call, makes one configured call
 * back into the system (for instance {ActionExecutor-execute} or {FeeEscrow-withdraw}) and records whether it
 * got through. It also acts as an ordinary user through {act}.
 *
 * WARNING: For tests only; it forwards any call anyone asks it to make.
 */
contract ReentrantReceiver {
    address private _attackTarget;
    bytes private _attackData;
    bool private _propagateFailure;
    bool private _attackAttempted;
    bool private _attackSucceeded;
    bytes private _attackReturndata;
    uint256 private _totalReceived;

    /**
     * @dev Emitted when the re-entrant call was made, with its outcome.
     */
    event AttackAttempted(address indexed target, bool success, bytes returndata);

    /**
     * @dev On the next coin or call received, call `target` with `data` once. With `propagateFailure`, a
     * failed re-entrant call makes the receipt itself revert with the same data; otherwise the receipt succeeds
     * and the failure is only recorded.
     */
    function setAttack(address target, bytes calldata data, bool propagateFailure) external {
        _attackTarget = target;
        _attackData = data;
        _propagateFailure = propagateFailure;
        _attackAttempted = false;
        _attackSucceeded = false;
        delete _attackReturndata;
    }

    /**
     * @dev Calls `target` with `data` and `msg.value` as this contract; a revert is passed on with its data.
     */
    function act(address target, bytes calldata data) external payable returns (bytes memory) {
        (bool success, bytes memory returndata) = target.call{value: msg.value}(data);
        if (!success) {
            _revertWith(returndata);
        }
        return returndata;
    }

    /**
     * @dev Accepts coin and attempts the configured attack.
     */
    receive() external payable {
        _attack();
    }

    /**
     * @dev Accepts any call (with or without coin) and attempts the configured attack.
     */
    fallback() external payable {
        _attack();
    }

    /**
     * @dev Returns whether the attack was attempted, whether it succeeded, and what it returned.
     */
    function attackResult() external view returns (bool attempted, bool succeeded, bytes memory returndata) {
        return (_attackAttempted, _attackSucceeded, _attackReturndata);
    }

    /**
     * @dev Returns the coin received through {receive} and {fallback}.
     */
    function totalReceived() external view returns (uint256) {
        return _totalReceived;
    }

    /**
     * @dev Records the coin and makes the configured call once.
     */
    function _attack() private {
        _totalReceived += msg.value;
        if (_attackTarget == address(0) || _attackAttempted) {
            return;
        }
        _attackAttempted = true;
        (bool success, bytes memory returndata) = _attackTarget.call(_attackData);
        _attackSucceeded = success;
        _attackReturndata = returndata;
        emit AttackAttempted(_attackTarget, success, returndata);
        if (!success && _propagateFailure) {
            _revertWith(returndata);
        }
    }

    /**
     * @dev Reverts with `returndata` as the revert data.
     */
    function _revertWith(bytes memory returndata) private pure {
        assembly ("memory-safe") {
            revert(add(returndata, 0x20), mload(returndata))
        }
    }
}
