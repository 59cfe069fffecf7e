// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

/**
 * @dev Test-only call target that records who called it with how much coin, or reverts on demand. It has no
 * `receive` function, so plain coin transfers to it fail.
 */
contract CallRecorder {
    address private _lastCaller;
    uint256 private _lastValue;
    uint256 private _lastTag;
    uint256 private _callCount;

    /**
     * @dev Emitted when {record} is called by `caller` with `value` wei and `tag`.
     */
    event Called(address indexed caller, uint256 value, uint256 tag);

    /**
     * @dev {fail} was called with `code`.
     */
    error CallRecorderRejected(uint256 code);

    /**
     * @dev Records the caller, the coin sent and `tag`.
     *
     * Emits a {Called} event.
     */
    function record(uint256 tag) external payable returns (uint256) {
        _lastCaller = msg.sender;
        _lastValue = msg.value;
        _lastTag = tag;
        _callCount += 1;
        emit Called(msg.sender, msg.value, tag);
        return _callCount;
    }

    /**
     * @dev Always reverts with {CallRecorderRejected}.
     */
    function fail(uint256 code) external payable {
        revert CallRecorderRejected(code);
    }

    /**
     * @dev Returns what the last {record} call recorded and how many there were.
     */
    function lastCall() external view returns (address caller, uint256 value, uint256 tag, uint256 count) {
        return (_lastCaller, _lastValue, _lastTag, _callCount);
    }
}
