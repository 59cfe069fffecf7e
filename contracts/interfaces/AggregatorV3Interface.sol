// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

/**
 * @dev The read interface of a Chainlink price feed (v3 aggregator), so local feeds and real feeds are read
 * the same way. The name keeps Chainlink's spelling rather than the `I` prefix so off-chain code and ABIs
 * written for Chainlink recognise it.
 *
 * A round is one published answer. `answer` has {decimals} decimals; `startedAt` and `updatedAt` are unix
 * times; `answeredInRound` is the round in which the answer was computed.
 */
interface AggregatorV3Interface {
    /**
     * @dev Returns the number of decimals of every answer.
     */
    function decimals() external view returns (uint8);

    /**
     * @dev Returns what the feed prices, e.g. "ETH / USD".
     */
    function description() external view returns (string memory);

    /**
     * @dev Returns the version of the feed implementation.
     */
    function version() external view returns (uint256);

    /**
     * @dev Returns round `requestedRoundId`.
     *
     * Requirements:
     *
     * - Round `requestedRoundId` has been published.
     */
    function getRoundData(
        uint80 requestedRoundId
    )
        external
        view
        returns (uint80 roundId, int256 answer, uint256 startedAt, uint256 updatedAt, uint80 answeredInRound);

    /**
     * @dev Returns the most recent round.
     */
    function latestRoundData()
        external
        view
        returns (uint80 roundId, int256 answer, uint256 startedAt, uint256 updatedAt, uint80 answeredInRound);
}
