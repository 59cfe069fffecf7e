import { expect } from 'chai';
import { ethers } from 'hardhat';
import { loadFixture, time } from '@nomicfoundation/hardhat-network-helpers';

import { deployAutometaFixture, latestTimestamp } from '../fixtures';

const USD = 10n ** 8n;

async function feedFixture() {
  const base = await deployAutometaFixture();
  const feed = await ethers.deployContract('LocalPriceFeed', [8, 'ETH / USD', 3500n * USD], base.deployer);
  const deployedAt = await latestTimestamp();
  return { ...base, feed, deployedAt };
}

describe('LocalPriceFeed', function () {
  it('reports its decimals, description and version', async function () {
    const { feed } = await loadFixture(feedFixture);
    expect(await feed.decimals()).to.equal(8n);
    expect(await feed.description()).to.equal('ETH / USD');
    expect(await feed.version()).to.equal(1n);
  });

  it('publishes the initial answer as round 1', async function () {
    const { feed, deployedAt } = await loadFixture(feedFixture);
    expect(await feed.latestRoundData()).to.deep.equal([1n, 3500n * USD, deployedAt, deployedAt, 1n]);
  });

  it('opens a new round on each answer, stamped with the block time', async function () {
    const { feed, deployer } = await loadFixture(feedFixture);
    const at = (await latestTimestamp()) + 60n;
    await time.setNextBlockTimestamp(at);
    await expect(feed.connect(deployer).getFunction('setAnswer')(3400n * USD))
      .to.emit(feed, 'AnswerUpdated')
      .withArgs(3400n * USD, 2n, at);
    expect(await feed.latestRoundData()).to.deep.equal([2n, 3400n * USD, at, at, 2n]);
  });

  it('keeps past rounds readable', async function () {
    const { feed, deployer, deployedAt } = await loadFixture(feedFixture);
    await feed.connect(deployer).getFunction('setAnswer')(3400n * USD);
    await feed.connect(deployer).getFunction('setAnswer')(-1n);
    expect(await feed.getRoundData(1)).to.deep.equal([1n, 3500n * USD, deployedAt, deployedAt, 1n]);
    expect((await feed.getRoundData(2)).answer).to.equal(3400n * USD);
    expect((await feed.getRoundData(3)).answer).to.equal(-1n);
  });

  it('rejects rounds that were never published', async function () {
    const { feed } = await loadFixture(feedFixture);
    for (const roundId of [0n, 2n]) {
      await expect(feed.getRoundData(roundId))
        .to.be.revertedWithCustomError(feed, 'LocalPriceFeedUnknownRound')
        .withArgs(roundId);
    }
  });

  it('lets only the owner publish answers', async function () {
    const { feed, mallory } = await loadFixture(feedFixture);
    await expect(feed.connect(mallory).getFunction('setAnswer')(1n))
      .to.be.revertedWithCustomError(feed, 'OwnableUnauthorizedAccount')
      .withArgs(mallory.address);
  });
});
