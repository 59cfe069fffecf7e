import { expect } from 'chai';
import { ethers } from 'hardhat';
import { loadFixture } from '@nomicfoundation/hardhat-network-helpers';

import { deployContracts } from '../../src/chain/deploy';
import { DEFAULT_ADMIN_ROLE, EXECUTOR_ROLE, MAX_FEE_PER_CHARGE, WORKER_ROLE, deployAutometaFixture } from './fixtures';

describe('deployContracts', function () {
  it('returns checksummed addresses in plain JSON', async function () {
    const { deployment, deployer, worker } = await loadFixture(deployAutometaFixture);
    expect(JSON.parse(JSON.stringify(deployment))).to.deep.equal(deployment);
    expect(deployment.chainId).to.equal(31337);
    expect(deployment.deployer).to.equal(deployer.address);
    expect(deployment.worker).to.equal(worker.address);
    const addresses = [
      deployment.workflowRegistry,
      deployment.actionExecutor,
      deployment.feeEscrow,
      deployment.callForwarder,
      deployment.testToken,
      ...Object.values(deployment.priceFeeds),
    ];
    for (const address of addresses) {
      expect(address).to.equal(ethers.getAddress(address));
      expect(await ethers.provider.getCode(address)).not.to.equal('0x');
    }
    expect(new Set(addresses).size).to.equal(addresses.length);
  });

  it('records the block of the registry deployment, before any other contract', async function () {
    const { deployment } = await loadFixture(deployAutometaFixture);
    expect(await ethers.provider.getCode(deployment.workflowRegistry, deployment.blockNumber - 1)).to.equal('0x');
    expect(await ethers.provider.getCode(deployment.workflowRegistry, deployment.blockNumber)).not.to.equal('0x');
    expect(await ethers.provider.getCode(deployment.feeEscrow, deployment.blockNumber)).to.equal('0x');
  });

  it('wires the roles between the contracts and to the worker', async function () {
    const { deployment, registry, escrow, executor, deployer, worker } = await loadFixture(deployAutometaFixture);
    expect(await registry.hasRole(EXECUTOR_ROLE, deployment.actionExecutor)).to.equal(true);
    expect(await escrow.hasRole(EXECUTOR_ROLE, deployment.actionExecutor)).to.equal(true);
    expect(await executor.hasRole(WORKER_ROLE, worker.address)).to.equal(true);
    expect(await escrow.hasRole(WORKER_ROLE, worker.address)).to.equal(true);
    for (const contract of [registry, escrow, executor]) {
      expect(await contract.hasRole(DEFAULT_ADMIN_ROLE, deployer.address)).to.equal(true);
      expect(await contract.hasRole(DEFAULT_ADMIN_ROLE, worker.address)).to.equal(false);
    }
    expect(await escrow.maxFeePerCharge()).to.equal(MAX_FEE_PER_CHARGE);
  });

  it('deploys ethereum and bitcoin feeds at 3500 and 95000 USD with 8 decimals by default', async function () {
    const { ethFeed, btcFeed, deployment } = await loadFixture(deployAutometaFixture);
    expect(Object.keys(deployment.priceFeeds)).to.deep.equal(['ethereum', 'bitcoin']);
    expect(await ethFeed.decimals()).to.equal(8n);
    expect((await ethFeed.latestRoundData()).answer).to.equal(3500n * 10n ** 8n);
    expect(await ethFeed.description()).to.equal('ethereum / USD');
    expect((await btcFeed.latestRoundData()).answer).to.equal(95_000n * 10n ** 8n);
  });

  it('deploys the price feeds and fee settings it is given', async function () {
    const [deployer, worker, , , , , , , recipient] = await ethers.getSigners();
    const deployment = await deployContracts(deployer, {
      workerAddress: worker.address,
      feeRecipient: recipient.address,
      maxFeePerChargeWei: 5n,
      priceFeeds: { solana: { decimals: 6, initialUsd: 142.25 } },
    });
    expect(Object.keys(deployment.priceFeeds)).to.deep.equal(['solana']);
    const feed = await ethers.getContractAt('LocalPriceFeed', deployment.priceFeeds.solana);
    expect(await feed.decimals()).to.equal(6n);
    expect((await feed.latestRoundData()).answer).to.equal(142_250_000n);
    const escrow = await ethers.getContractAt('FeeEscrow', deployment.feeEscrow);
    expect(await escrow.feeRecipient()).to.equal(recipient.address);
    expect(await escrow.maxFeePerCharge()).to.equal(5n);
  });

  it('rejects a price that is not a positive number', async function () {
    const [deployer, worker] = await ethers.getSigners();
    const options = { workerAddress: worker.address, priceFeeds: { bad: { decimals: 8, initialUsd: -1 } } };
    const error: unknown = await deployContracts(deployer, options).then(
      () => undefined,
      (rejection: unknown) => rejection,
    );
    expect(error).to.be.instanceOf(RangeError);
    expect((error as RangeError).message).to.equal(
      'Price feed bad: initialUsd must be a positive number below 1e21, got -1',
    );
  });
});
