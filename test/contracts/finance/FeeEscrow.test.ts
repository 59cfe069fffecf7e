import { expect } from 'chai';
import { ethers } from 'hardhat';
import { loadFixture } from '@nomicfoundation/hardhat-network-helpers';
import type { HardhatEthersSigner } from '@nomicfoundation/hardhat-ethers/signers';

import {
  DEFAULT_ADMIN_ROLE,
  EXECUTOR_ROLE,
  MAX_FEE_PER_CHARGE,
  REENTRANT_CALL_ERROR,
  WORKER_ROLE,
  deployAutometaFixture,
  executionKey,
} from '../fixtures';

const ONE_ETHER = ethers.parseEther('1');
const FEE = ethers.parseEther('0.001');

async function escrowFixture() {
  const base = await deployAutometaFixture();
  // A plain account with the executor role, to drive release directly.
  const [, , , , , , , releaser, sink] = await ethers.getSigners();
  await base.escrow.connect(base.deployer).getFunction('grantRole')(EXECUTOR_ROLE, releaser.address);
  const escrowAddress = await base.escrow.getAddress();
  const attackerAddress = await base.attacker.getAddress();
  return { ...base, releaser, sink, escrowAddress, attackerAddress };
}

/** Deterministic pseudo-random numbers (mulberry32), so the randomized sequence is the same on every run. */
function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('FeeEscrow', function () {
  describe('deployment', function () {
    it('sets the admin, the fee recipient and the fee cap, and grants the roles to executor and worker', async function () {
      const { escrow, deployer, feeRecipient, worker, deployment } = await loadFixture(escrowFixture);
      expect(await escrow.feeRecipient()).to.equal(feeRecipient.address);
      expect(await escrow.maxFeePerCharge()).to.equal(MAX_FEE_PER_CHARGE);
      expect(await escrow.hasRole(DEFAULT_ADMIN_ROLE, deployer.address)).to.equal(true);
      expect(await escrow.hasRole(EXECUTOR_ROLE, deployment.actionExecutor)).to.equal(true);
      expect(await escrow.hasRole(WORKER_ROLE, worker.address)).to.equal(true);
      expect(await escrow.hasRole(EXECUTOR_ROLE, worker.address)).to.equal(false);
    });

    it('rejects the zero address as fee recipient', async function () {
      const { deployer } = await loadFixture(escrowFixture);
      const factory = await ethers.getContractFactory('FeeEscrow');
      await expect(factory.deploy(deployer.address, ethers.ZeroAddress, MAX_FEE_PER_CHARGE))
        .to.be.revertedWithCustomError(factory, 'FeeEscrowInvalidRecipient')
        .withArgs(ethers.ZeroAddress);
    });
  });

  describe('deposits', function () {
    it("credits a deposit to the caller's balance", async function () {
      const { escrow, alice } = await loadFixture(escrowFixture);
      const tx = escrow.connect(alice).getFunction('deposit')({ value: ONE_ETHER });
      await expect(tx).to.emit(escrow, 'Deposited').withArgs(alice.address, alice.address, ONE_ETHER);
      await expect(tx).to.changeEtherBalances([alice, escrow], [-ONE_ETHER, ONE_ETHER]);
      expect(await escrow.balanceOf(alice.address)).to.equal(ONE_ETHER);
      expect(await escrow.totalOwed()).to.equal(ONE_ETHER);
    });

    it('credits a deposit for another user to that user', async function () {
      const { escrow, alice, bob } = await loadFixture(escrowFixture);
      await expect(escrow.connect(alice).getFunction('depositFor')(bob.address, { value: ONE_ETHER }))
        .to.emit(escrow, 'Deposited')
        .withArgs(bob.address, alice.address, ONE_ETHER);
      expect(await escrow.balanceOf(bob.address)).to.equal(ONE_ETHER);
      expect(await escrow.balanceOf(alice.address)).to.equal(0n);
    });

    it('credits a plain transfer to the sender', async function () {
      const { escrow, alice, escrowAddress } = await loadFixture(escrowFixture);
      await expect(alice.sendTransaction({ to: escrowAddress, value: ONE_ETHER }))
        .to.emit(escrow, 'Deposited')
        .withArgs(alice.address, alice.address, ONE_ETHER);
      expect(await escrow.balanceOf(alice.address)).to.equal(ONE_ETHER);
    });

    it('rejects deposits of nothing', async function () {
      const { escrow, alice, bob, escrowAddress } = await loadFixture(escrowFixture);
      await expect(escrow.connect(alice).getFunction('deposit')()).to.be.revertedWithCustomError(
        escrow,
        'FeeEscrowZeroAmount',
      );
      await expect(escrow.connect(alice).getFunction('depositFor')(bob.address)).to.be.revertedWithCustomError(
        escrow,
        'FeeEscrowZeroAmount',
      );
      await expect(alice.sendTransaction({ to: escrowAddress, value: 0 })).to.be.revertedWithCustomError(
        escrow,
        'FeeEscrowZeroAmount',
      );
    });

    it('rejects a deposit for the zero address', async function () {
      const { escrow, alice } = await loadFixture(escrowFixture);
      await expect(escrow.connect(alice).getFunction('depositFor')(ethers.ZeroAddress, { value: 1n }))
        .to.be.revertedWithCustomError(escrow, 'FeeEscrowInvalidUser')
        .withArgs(ethers.ZeroAddress);
    });
  });

  describe('withdraw', function () {
    it("sends coin from the caller's balance back to the caller", async function () {
      const { escrow, alice } = await loadFixture(escrowFixture);
      await escrow.connect(alice).getFunction('deposit')({ value: ONE_ETHER });
      const tx = escrow.connect(alice).getFunction('withdraw')(ONE_ETHER / 4n);
      await expect(tx)
        .to.emit(escrow, 'Withdrawn')
        .withArgs(alice.address, ONE_ETHER / 4n);
      await expect(tx).to.changeEtherBalances([alice, escrow], [ONE_ETHER / 4n, -ONE_ETHER / 4n]);
      expect(await escrow.balanceOf(alice.address)).to.equal((ONE_ETHER * 3n) / 4n);
      expect(await escrow.totalOwed()).to.equal((ONE_ETHER * 3n) / 4n);
    });

    it('rejects withdrawing more than the balance', async function () {
      const { escrow, alice, bob } = await loadFixture(escrowFixture);
      await escrow.connect(alice).getFunction('deposit')({ value: ONE_ETHER });
      await escrow.connect(bob).getFunction('deposit')({ value: ONE_ETHER });
      await expect(escrow.connect(alice).getFunction('withdraw')(ONE_ETHER + 1n))
        .to.be.revertedWithCustomError(escrow, 'FeeEscrowInsufficientBalance')
        .withArgs(alice.address, ONE_ETHER, ONE_ETHER + 1n);
    });

    it('rejects withdrawing nothing', async function () {
      const { escrow, alice } = await loadFixture(escrowFixture);
      await expect(escrow.connect(alice).getFunction('withdraw')(0)).to.be.revertedWithCustomError(
        escrow,
        'FeeEscrowZeroAmount',
      );
    });

    it('blocks re-entry into withdraw from the withdrawing contract', async function () {
      const { escrow, attacker, escrowAddress, attackerAddress } = await loadFixture(escrowFixture);
      const deposit = escrow.interface.encodeFunctionData('deposit');
      await attacker.getFunction('act')(escrowAddress, deposit, { value: 2n * ONE_ETHER });
      const withdraw = escrow.interface.encodeFunctionData('withdraw', [ONE_ETHER]);
      await attacker.getFunction('setAttack')(escrowAddress, withdraw, false);

      await attacker.getFunction('act')(escrowAddress, withdraw);
      expect(await attacker.attackResult()).to.deep.equal([true, false, REENTRANT_CALL_ERROR]);
      expect(await escrow.balanceOf(attackerAddress)).to.equal(ONE_ETHER);
      expect(await attacker.totalReceived()).to.equal(ONE_ETHER);
      expect(await ethers.provider.getBalance(escrowAddress)).to.equal(ONE_ETHER);
    });

    it('reverts with the reason when the caller rejects the coin', async function () {
      const { escrow, attacker, escrowAddress, attackerAddress } = await loadFixture(escrowFixture);
      const deposit = escrow.interface.encodeFunctionData('deposit');
      await attacker.getFunction('act')(escrowAddress, deposit, { value: ONE_ETHER });
      const withdraw = escrow.interface.encodeFunctionData('withdraw', [ONE_ETHER]);
      await attacker.getFunction('setAttack')(escrowAddress, withdraw, true);

      await expect(attacker.getFunction('act')(escrowAddress, withdraw))
        .to.be.revertedWithCustomError(escrow, 'FeeEscrowTransferFailed')
        .withArgs(attackerAddress, ONE_ETHER, REENTRANT_CALL_ERROR);
      expect(await escrow.balanceOf(attackerAddress)).to.equal(ONE_ETHER);
    });
  });

  describe('release', function () {
    it("sends the owner's coin to the recipient", async function () {
      const { escrow, alice, bob, releaser } = await loadFixture(escrowFixture);
      await escrow.connect(alice).getFunction('deposit')({ value: ONE_ETHER });
      const tx = escrow.connect(releaser).getFunction('release')(alice.address, bob.address, ONE_ETHER / 2n);
      await expect(tx)
        .to.emit(escrow, 'Released')
        .withArgs(alice.address, bob.address, ONE_ETHER / 2n);
      await expect(tx).to.changeEtherBalances([bob, escrow], [ONE_ETHER / 2n, -ONE_ETHER / 2n]);
      expect(await escrow.balanceOf(alice.address)).to.equal(ONE_ETHER / 2n);
      expect(await escrow.totalOwed()).to.equal(ONE_ETHER / 2n);
    });

    it('rejects callers without the executor role', async function () {
      const { escrow, alice, worker, mallory } = await loadFixture(escrowFixture);
      await escrow.connect(alice).getFunction('deposit')({ value: ONE_ETHER });
      for (const caller of [mallory, worker, alice]) {
        await expect(escrow.connect(caller).getFunction('release')(alice.address, mallory.address, 1n))
          .to.be.revertedWithCustomError(escrow, 'AccessControlUnauthorizedAccount')
          .withArgs(caller.address, EXECUTOR_ROLE);
      }
    });

    it("rejects releasing more than the owner's balance", async function () {
      const { escrow, alice, bob, releaser } = await loadFixture(escrowFixture);
      await escrow.connect(alice).getFunction('deposit')({ value: ONE_ETHER });
      await escrow.connect(bob).getFunction('deposit')({ value: ONE_ETHER });
      await expect(escrow.connect(releaser).getFunction('release')(alice.address, bob.address, ONE_ETHER + 1n))
        .to.be.revertedWithCustomError(escrow, 'FeeEscrowInsufficientBalance')
        .withArgs(alice.address, ONE_ETHER, ONE_ETHER + 1n);
    });

    it('rejects releasing nothing or to the zero address', async function () {
      const { escrow, alice, bob, releaser } = await loadFixture(escrowFixture);
      await escrow.connect(alice).getFunction('deposit')({ value: ONE_ETHER });
      const release = escrow.connect(releaser).getFunction('release');
      await expect(release(alice.address, bob.address, 0)).to.be.revertedWithCustomError(escrow, 'FeeEscrowZeroAmount');
      await expect(release(alice.address, ethers.ZeroAddress, 1n))
        .to.be.revertedWithCustomError(escrow, 'FeeEscrowInvalidRecipient')
        .withArgs(ethers.ZeroAddress);
    });

    it('reverts when the recipient rejects the coin', async function () {
      const { escrow, alice, releaser, recorder } = await loadFixture(escrowFixture);
      await escrow.connect(alice).getFunction('deposit')({ value: ONE_ETHER });
      const recorderAddress = await recorder.getAddress();
      await expect(escrow.connect(releaser).getFunction('release')(alice.address, recorderAddress, 1n))
        .to.be.revertedWithCustomError(escrow, 'FeeEscrowTransferFailed')
        .withArgs(recorderAddress, 1n, '0x');
    });
  });

  describe('chargeFee', function () {
    async function feeFixture() {
      const base = await escrowFixture();
      await base.escrow.connect(base.alice).getFunction('deposit')({ value: ONE_ETHER });
      const charge = (owner: HardhatEthersSigner, amount: bigint, key: string) =>
        base.escrow.connect(base.worker).getFunction('chargeFee')(owner.address, amount, key);
      return { ...base, charge };
    }

    it("moves the fee from the owner's balance to the fee recipient's", async function () {
      const { escrow, alice, feeRecipient, charge } = await loadFixture(feeFixture);
      const key = executionKey(1, 1);
      await expect(charge(alice, FEE, key))
        .to.emit(escrow, 'FeeCharged')
        .withArgs(alice.address, key, FEE);
      expect(await escrow.balanceOf(alice.address)).to.equal(ONE_ETHER - FEE);
      expect(await escrow.balanceOf(feeRecipient.address)).to.equal(FEE);
      expect(await escrow.totalOwed()).to.equal(ONE_ETHER);
      expect(await escrow.isFeeCharged(key)).to.equal(true);
    });

    it('lets the fee recipient withdraw the collected fees', async function () {
      const { escrow, alice, feeRecipient, charge } = await loadFixture(feeFixture);
      await charge(alice, FEE, executionKey(1, 1));
      await expect(escrow.connect(feeRecipient).getFunction('withdraw')(FEE)).to.changeEtherBalance(feeRecipient, FEE);
    });

    it('rejects a second fee charge with the same execution key', async function () {
      const { escrow, alice, bob, charge } = await loadFixture(feeFixture);
      await escrow.connect(bob).getFunction('deposit')({ value: ONE_ETHER });
      const key = executionKey(1, 1);
      await charge(alice, FEE, key);
      for (const owner of [alice, bob]) {
        await expect(charge(owner, FEE, key))
          .to.be.revertedWithCustomError(escrow, 'FeeEscrowFeeAlreadyCharged')
          .withArgs(key);
      }
      expect(await escrow.balanceOf(alice.address)).to.equal(ONE_ETHER - FEE);
    });

    it('rejects a fee above the per-charge cap', async function () {
      const { escrow, alice, charge } = await loadFixture(feeFixture);
      await expect(charge(alice, MAX_FEE_PER_CHARGE + 1n, executionKey(1, 1)))
        .to.be.revertedWithCustomError(escrow, 'FeeEscrowFeeAboveCap')
        .withArgs(MAX_FEE_PER_CHARGE + 1n, MAX_FEE_PER_CHARGE);
      await expect(charge(alice, MAX_FEE_PER_CHARGE, executionKey(1, 1))).to.emit(escrow, 'FeeCharged');
    });

    it("rejects a fee above the owner's balance", async function () {
      const { escrow, bob, charge } = await loadFixture(feeFixture);
      await expect(charge(bob, FEE, executionKey(1, 1)))
        .to.be.revertedWithCustomError(escrow, 'FeeEscrowInsufficientBalance')
        .withArgs(bob.address, 0n, FEE);
      expect(await escrow.isFeeCharged(executionKey(1, 1))).to.equal(false);
    });

    it('rejects a fee of nothing', async function () {
      const { escrow, alice, charge } = await loadFixture(feeFixture);
      await expect(charge(alice, 0n, executionKey(1, 1))).to.be.revertedWithCustomError(escrow, 'FeeEscrowZeroAmount');
    });

    it('rejects callers without the worker role', async function () {
      const { escrow, alice, mallory, releaser, deployer } = await loadFixture(feeFixture);
      for (const caller of [mallory, releaser, deployer]) {
        await expect(escrow.connect(caller).getFunction('chargeFee')(alice.address, FEE, executionKey(1, 1)))
          .to.be.revertedWithCustomError(escrow, 'AccessControlUnauthorizedAccount')
          .withArgs(caller.address, WORKER_ROLE);
      }
    });
  });

  describe('administration', function () {
    it('lets the admin move fee collection to a new recipient', async function () {
      const { escrow, deployer, alice, feeRecipient, carol, worker } = await loadFixture(escrowFixture);
      await escrow.connect(alice).getFunction('deposit')({ value: ONE_ETHER });
      const charge = escrow.connect(worker).getFunction('chargeFee');
      await charge(alice.address, FEE, executionKey(1, 1));

      await expect(escrow.connect(deployer).getFunction('setFeeRecipient')(carol.address))
        .to.emit(escrow, 'FeeRecipientUpdated')
        .withArgs(feeRecipient.address, carol.address);
      await charge(alice.address, FEE, executionKey(1, 2));
      expect(await escrow.balanceOf(feeRecipient.address)).to.equal(FEE);
      expect(await escrow.balanceOf(carol.address)).to.equal(FEE);
    });

    it('lets the admin change the fee cap, down to 0 to stop charging', async function () {
      const { escrow, deployer, alice, worker } = await loadFixture(escrowFixture);
      await escrow.connect(alice).getFunction('deposit')({ value: ONE_ETHER });
      await expect(escrow.connect(deployer).getFunction('setMaxFeePerCharge')(0))
        .to.emit(escrow, 'MaxFeePerChargeUpdated')
        .withArgs(MAX_FEE_PER_CHARGE, 0n);
      await expect(escrow.connect(worker).getFunction('chargeFee')(alice.address, 1n, executionKey(1, 1)))
        .to.be.revertedWithCustomError(escrow, 'FeeEscrowFeeAboveCap')
        .withArgs(1n, 0n);
    });

    it('rejects the zero address as fee recipient', async function () {
      const { escrow, deployer } = await loadFixture(escrowFixture);
      await expect(escrow.connect(deployer).getFunction('setFeeRecipient')(ethers.ZeroAddress))
        .to.be.revertedWithCustomError(escrow, 'FeeEscrowInvalidRecipient')
        .withArgs(ethers.ZeroAddress);
    });

    it('rejects settings changes by anyone but the admin', async function () {
      const { escrow, worker, mallory } = await loadFixture(escrowFixture);
      for (const caller of [worker, mallory]) {
        await expect(escrow.connect(caller).getFunction('setFeeRecipient')(caller.address))
          .to.be.revertedWithCustomError(escrow, 'AccessControlUnauthorizedAccount')
          .withArgs(caller.address, DEFAULT_ADMIN_ROLE);
        await expect(escrow.connect(caller).getFunction('setMaxFeePerCharge')(ONE_ETHER))
          .to.be.revertedWithCustomError(escrow, 'AccessControlUnauthorizedAccount')
          .withArgs(caller.address, DEFAULT_ADMIN_ROLE);
      }
    });
  });

  describe('solvency', function () {
    it('holds at least what it owes through a random sequence of deposits, withdrawals, releases and fees', async function () {
      const { escrow, alice, bob, carol, feeRecipient, worker, releaser, sink, escrowAddress } =
        await loadFixture(escrowFixture);
      const random = seededRandom(20240611);
      const users = [alice, bob, carol];
      const accounts = [...users, feeRecipient];
      const model = new Map<string, bigint>(accounts.map((account) => [account.address, 0n]));
      const pick = <T>(items: readonly T[]) => items[Math.floor(random() * items.length)];
      const amountUpTo = (max: bigint) => (max * BigInt(Math.floor(random() * 1000) + 1)) / 1000n;
      const add = (address: string, delta: bigint) => model.set(address, model.get(address)! + delta);
      const chargedKeys: string[] = [];
      let nextKey = 0;
      const rejections = new Set<string>();
      const operations = new Set<string>();

      for (let step = 0; step < 80; step++) {
        const user = pick(users);
        const balance = model.get(user.address)!;
        const overdraw = random() < 0.15;
        const operation = pick(['deposit', 'depositFor', 'transfer', 'withdraw', 'release', 'fee', 'collect'] as const);
        operations.add(operation);

        if (operation === 'deposit' || operation === 'depositFor' || operation === 'transfer') {
          const amount = amountUpTo(3n * ONE_ETHER);
          const beneficiary = operation === 'depositFor' ? pick(users) : user;
          if (operation === 'deposit') await escrow.connect(user).getFunction('deposit')({ value: amount });
          if (operation === 'depositFor') {
            await escrow.connect(user).getFunction('depositFor')(beneficiary.address, { value: amount });
          }
          if (operation === 'transfer') await user.sendTransaction({ to: escrowAddress, value: amount });
          add(beneficiary.address, amount);
        } else if (operation === 'withdraw' || operation === 'release') {
          const amount = overdraw || balance === 0n ? balance + 1n : amountUpTo(balance);
          const tx =
            operation === 'withdraw'
              ? escrow.connect(user).getFunction('withdraw')(amount)
              : escrow.connect(releaser).getFunction('release')(user.address, sink.address, amount);
          if (amount > balance) {
            await expect(tx)
              .to.be.revertedWithCustomError(escrow, 'FeeEscrowInsufficientBalance')
              .withArgs(user.address, balance, amount);
            rejections.add(`${operation} above balance`);
          } else {
            await tx;
            add(user.address, -amount);
          }
        } else if (operation === 'fee') {
          const reuseKey = chargedKeys.length > 0 && random() < 0.2;
          const key = reuseKey ? pick(chargedKeys) : executionKey(++nextKey, 1);
          const cap = balance < MAX_FEE_PER_CHARGE ? balance : MAX_FEE_PER_CHARGE;
          const amount = cap === 0n ? 1n : amountUpTo(cap);
          const tx = escrow.connect(worker).getFunction('chargeFee')(user.address, amount, key);
          if (reuseKey) {
            await expect(tx).to.be.revertedWithCustomError(escrow, 'FeeEscrowFeeAlreadyCharged').withArgs(key);
            rejections.add('fee charged twice');
          } else if (amount > balance) {
            await expect(tx)
              .to.be.revertedWithCustomError(escrow, 'FeeEscrowInsufficientBalance')
              .withArgs(user.address, balance, amount);
            rejections.add('fee above balance');
          } else {
            await tx;
            chargedKeys.push(key);
            add(user.address, -amount);
            add(feeRecipient.address, amount);
          }
        } else {
          const collected = model.get(feeRecipient.address)!;
          if (collected > 0n) {
            await escrow.connect(feeRecipient).getFunction('withdraw')(collected);
            add(feeRecipient.address, -collected);
          }
        }

        let owed = 0n;
        for (const account of accounts) {
          const expected = model.get(account.address)!;
          expect(await escrow.balanceOf(account.address)).to.equal(expected, `balance at step ${step}`);
          owed += expected;
        }
        expect(await escrow.totalOwed()).to.equal(owed, `total owed at step ${step}`);
        expect(await ethers.provider.getBalance(escrowAddress)).to.be.gte(owed, `solvency at step ${step}`);
      }
      // The seed must exercise every operation and rejection, or the sequence proves less than it claims.
      expect(operations.size).to.equal(7);
      expect([...rejections].sort()).to.deep.equal([
        'fee above balance',
        'fee charged twice',
        'release above balance',
        'withdraw above balance',
      ]);
    });
  });
});
