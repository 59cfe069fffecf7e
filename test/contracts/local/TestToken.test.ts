import { expect } from 'chai';
import { ethers } from 'hardhat';
import { loadFixture } from '@nomicfoundation/hardhat-network-helpers';

import { deployAutometaFixture } from '../fixtures';

describe('TestToken', function () {
  it('is the 18-decimal "Autometa Test Token" (ATT) with no initial supply', async function () {
    const { token } = await loadFixture(deployAutometaFixture);
    expect(await token.name()).to.equal('Autometa Test Token');
    expect(await token.symbol()).to.equal('ATT');
    expect(await token.decimals()).to.equal(18n);
    expect(await token.totalSupply()).to.equal(0n);
  });

  it('lets anyone mint to any account', async function () {
    const { token, mallory, bob } = await loadFixture(deployAutometaFixture);
    const amount = ethers.parseUnits('5', 18);
    const tx = token.connect(mallory).getFunction('mint')(bob.address, amount);
    await expect(tx).to.emit(token, 'Transfer').withArgs(ethers.ZeroAddress, bob.address, amount);
    await expect(tx).to.changeTokenBalance(token, bob, amount);
  });

  it('rejects minting to the zero address', async function () {
    const { token, alice } = await loadFixture(deployAutometaFixture);
    await expect(token.connect(alice).getFunction('mint')(ethers.ZeroAddress, 1n))
      .to.be.revertedWithCustomError(token, 'ERC20InvalidReceiver')
      .withArgs(ethers.ZeroAddress);
  });
});
