// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

/**
 * @dev Codes and `bytes` layouts of workflow triggers and actions, shared by the registry (which validates
 * them once, at creation) and the executor (which decodes them at each execution).
 *
 * Validation reads the ABI head words as plain `uint256` values before any typed `abi.decode`, so malformed
 * bytes make the `isValid…` functions return `false` instead of reverting without data. It accepts only the
 * canonical encoding `abi.encode` produces (exact lengths, dynamic data right after the head), so each
 * workflow has one byte representation.
 */
library WorkflowCodec {
    /// @dev Trigger code: fires once, at a unix time.
    uint8 internal constant TRIGGER_TIME = 0;

    /// @dev Trigger code: fires every N seconds.
    uint8 internal constant TRIGGER_INTERVAL = 1;

    /// @dev Trigger code: fires on a price condition, evaluated off-chain.
    uint8 internal constant TRIGGER_PRICE = 2;

    /// @dev Action code: sends native coin from the owner's escrow balance.
    uint8 internal constant ACTION_NATIVE_TRANSFER = 0;

    /// @dev Action code: moves ERC-20 tokens from the owner's wallet.
    uint8 internal constant ACTION_ERC20_TRANSFER = 1;

    /// @dev Action code: calls a contract, with value from the owner's escrow balance.
    uint8 internal constant ACTION_CONTRACT_CALL = 2;

    /// @dev Longest token name of a price trigger, in bytes.
    uint256 internal constant MAX_PRICE_TOKEN_LENGTH = 32;

    /// @dev Longest calldata of a contract call action, in bytes.
    uint256 internal constant MAX_CALL_DATA_LENGTH = 4096;

    uint256 private constant _WORD = 32;

    /**
     * @dev Returns whether `triggerType` is a known code and `data` its canonical encoding with sane values:
     * `executeAt > 0`; `0 < intervalSeconds <= type(uint64).max`; a price trigger's token between 1 and
     * {MAX_PRICE_TOKEN_LENGTH} bytes, comparator 0 or 1 and `priceUsdE8 > 0`.
     */
    function isValidTrigger(uint8 triggerType, bytes memory data) internal pure returns (bool) {
        if (triggerType == TRIGGER_TIME) {
            return data.length == _WORD && abi.decode(data, (uint256)) > 0;
        }
        if (triggerType == TRIGGER_INTERVAL) {
            if (data.length != _WORD) return false;
            uint256 interval = abi.decode(data, (uint256));
            return interval > 0 && interval <= type(uint64).max;
        }
        if (triggerType == TRIGGER_PRICE) {
            // Head (offset, comparator, price), then the string's length word and one padded word of text.
            if (data.length != 5 * _WORD) return false;
            (uint256 offset, uint256 comparator, uint256 price, uint256 tokenLength) = abi.decode(
                data,
                (uint256, uint256, uint256, uint256)
            );
            return
                offset == 3 * _WORD &&
                comparator <= 1 &&
                price > 0 &&
                tokenLength > 0 &&
                tokenLength <= MAX_PRICE_TOKEN_LENGTH;
        }
        return false;
    }

    /**
     * @dev Returns whether `actionType` is a known code and `data` its canonical encoding with sane values:
     * no zero address, a non-zero amount for transfers, and at most {MAX_CALL_DATA_LENGTH} bytes of calldata.
     */
    function isValidAction(uint8 actionType, bytes memory data) internal pure returns (bool) {
        if (actionType == ACTION_NATIVE_TRANSFER) {
            if (data.length != 2 * _WORD) return false;
            (uint256 to, uint256 amount) = abi.decode(data, (uint256, uint256));
            return _isAddress(to) && amount > 0;
        }
        if (actionType == ACTION_ERC20_TRANSFER) {
            if (data.length != 3 * _WORD) return false;
            (uint256 token, uint256 to, uint256 amount) = abi.decode(data, (uint256, uint256, uint256));
            return _isAddress(token) && _isAddress(to) && amount > 0;
        }
        if (actionType == ACTION_CONTRACT_CALL) {
            // Head (target, offset, value), then the calldata's length word and its padded words.
            if (data.length < 4 * _WORD) return false;
            (uint256 target, uint256 offset, , uint256 callDataLength) = abi.decode(
                data,
                (uint256, uint256, uint256, uint256)
            );
            // Length is bounded before it is rounded up, so the rounding cannot overflow.
            return
                _isAddress(target) &&
                offset == 3 * _WORD &&
                callDataLength <= MAX_CALL_DATA_LENGTH &&
                data.length == 4 * _WORD + _roundUpToWord(callDataLength);
        }
        return false;
    }

    /**
     * @dev Decodes the `executeAt` unix time of a time trigger validated by {isValidTrigger}.
     */
    function decodeTimeTrigger(bytes memory data) internal pure returns (uint256 executeAt) {
        return abi.decode(data, (uint256));
    }

    /**
     * @dev Decodes the period in seconds of an interval trigger validated by {isValidTrigger}.
     */
    function decodeIntervalTrigger(bytes memory data) internal pure returns (uint256 intervalSeconds) {
        return abi.decode(data, (uint256));
    }

    /**
     * @dev Decodes a native transfer validated by {isValidAction}.
     */
    function decodeNativeTransfer(bytes memory data) internal pure returns (address to, uint256 amountWei) {
        return abi.decode(data, (address, uint256));
    }

    /**
     * @dev Decodes an ERC-20 transfer validated by {isValidAction}.
     */
    function decodeErc20Transfer(bytes memory data) internal pure returns (address token, address to, uint256 amount) {
        return abi.decode(data, (address, address, uint256));
    }

    /**
     * @dev Decodes a contract call validated by {isValidAction}.
     */
    function decodeContractCall(
        bytes memory data
    ) internal pure returns (address target, bytes memory callData, uint256 valueWei) {
        return abi.decode(data, (address, bytes, uint256));
    }

    /**
     * @dev Returns whether `word` is a non-zero address with clean upper bits.
     */
    function _isAddress(uint256 word) private pure returns (bool) {
        return word != 0 && word >> 160 == 0;
    }

    /**
     * @dev Returns `length` rounded up to a multiple of 32. Callers bound `length` first.
     */
    function _roundUpToWord(uint256 length) private pure returns (uint256) {
        return ((length + _WORD - 1) / _WORD) * _WORD;
    }
}
