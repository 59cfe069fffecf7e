// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {Ownable} from "@openzeppelin/contracts/access/Ownable.sol";

import {AggregatorV3Interface} from "../interfaces/AggregatorV3Interface.sol";

/**
 * @dev A price feed for local chains whose owner publishes answers by hand, read through the same
 * {AggregatorV3Interface} as a Chainlink feed. Each {setAnswer} opens a new round; past rounds stay readable.
 *
 * NOTE: Answers are not checked: zero or negative prices can be published to test how readers handle them.
 *
 * WARNING: For local development chains only. The price is whatever the owner says.
 */
contract LocalPriceFeed is AggregatorV3Interface, Ownable {
    /**
     * @dev One published answer and when it was published.
     */
    struct Round {
        int256 answer;
        uint64 startedAt;
        uint64 updatedAt;
    }

    /// @dev Version reported by {version}.
    uint256 public constant VERSION = 1;

    uint8 private immutable _decimals;
    string private _description;
    uint80 private _latestRoundId;
    mapping(uint80 roundId => Round) private _rounds;

    /**
     * @dev Emitted when round `roundId` publishes `answer` at `updatedAt`.
     */
    event AnswerUpdated(int256 indexed answer, uint80 indexed roundId, uint256 updatedAt);

    /**
     * @dev Round `roundId` has not been published.
     */
    error LocalPriceFeedUnknownRound(uint80 roundId);

    /**
     * @dev Makes the deployer the owner and publishes `initialAnswer` as round 1.
     *
     * Emits an {AnswerUpdated} event.
     */
    constructor(uint8 decimals_, string memory description_, int256 initialAnswer) Ownable(msg.sender) {
        _decimals = decimals_;
        _description = description_;
        _publish(initialAnswer);
    }

    /**
     * @dev Publishes `answer` as a new round, started and updated at the current block time.
     *
     * Requirements:
     *
     * - The caller is the owner.
     *
     * Emits an {AnswerUpdated} event.
     */
    function setAnswer(int256 answer) external onlyOwner {
        _publish(answer);
    }

    /// @inheritdoc AggregatorV3Interface
    function decimals() external view returns (uint8) {
        return _decimals;
    }

    /// @inheritdoc AggregatorV3Interface
    function description() external view returns (string memory) {
        return _description;
    }

    /// @inheritdoc AggregatorV3Interface
    function version() external pure returns (uint256) {
        return VERSION;
    }

    /// @inheritdoc AggregatorV3Interface
    function getRoundData(
        uint80 requestedRoundId
    )
        external
        view
        returns (uint80 roundId, int256 answer, uint256 startedAt, uint256 updatedAt, uint80 answeredInRound)
    {
        if (requestedRoundId == 0 || requestedRoundId > _latestRoundId) {
            revert LocalPriceFeedUnknownRound(requestedRoundId);
        }
        return _roundData(requestedRoundId);
    }

    /// @inheritdoc AggregatorV3Interface
    function latestRoundData()
        external
        view
        returns (uint80 roundId, int256 answer, uint256 startedAt, uint256 updatedAt, uint80 answeredInRound)
    {
        return _roundData(_latestRoundId);
    }

    /**
     * @dev Stores `answer` as the next round.
     */
    function _publish(int256 answer) private {
        uint80 roundId = ++_latestRoundId;
        uint64 timestamp = uint64(block.timestamp);
        _rounds[roundId] = Round({answer: answer, startedAt: timestamp, updatedAt: timestamp});
        emit AnswerUpdated(answer, roundId, timestamp);
    }

    /**
     * @dev Returns round `roundId` in the {AggregatorV3Interface} shape; every answer is computed in its own round.
     */
    function _roundData(uint80 roundId) private view returns (uint80, int256, uint256, uint256, uint80) {
        Round storage round = _rounds[roundId];
        return (roundId, round.answer, round.startedAt, round.updatedAt, roundId);
    }
}
