import { expect } from 'chai';
import { ethers } from 'hardhat';
import { loadFixture, time } from '@nomicfoundation/hardhat-network-helpers';
import type { HardhatEthersSigner } from '@nomicfoundation/hardhat-ethers/signers';
import type { BytesLike } from 'ethers';

import {
  encodeContractCall,
  encodeErc20Transfer,
  encodeIntervalTrigger,
  encodeNativeTransfer,
  encodePriceTrigger,
  encodeTimeTrigger,
} from '../../../src/chain/abi-codec';
import { ActionType, PriceComparator, TriggerType } from '../../../src/domain/codes';
import {
  EXECUTOR_ROLE,
  REENTRANT_CALL_ERROR,
  WORKER_ROLE,
  createWorkflow,
  deployAutometaFixture,
  latestTimestamp,
} from '../fixtures';

const ONE_ETHER = ethers.parseEther('1');
const TOKENS = ethers.parseUnits('1000', 18);
/** A price trigger: the contract leaves it to the worker, so it is always due on-chain. */
const PRICE_TRIGGER = encodePriceTrigger('ethereum', PriceComparator.AtOrBelow, 3000n * 10n ** 8n);

async function executorFixture() {
  const base = await deployAutometaFixture();
  const { alice, bob, mallory, escrow, token, executor } = base;
  await escrow.connect(alice).getFunction('deposit')({ value: 10n * ONE_ETHER });
  for (const holder of [alice, bob, mallory]) {
    await token.getFunction('mint')(holder.address, TOKENS);
  }
  await token.connect(alice).getFunction('approve')(await executor.getAddress(), ethers.MaxUint256);
  await token.connect(bob).getFunction('approve')(await executor.getAddress(), ethers.MaxUint256);

  const addresses = {
    registry: await base.registry.getAddress(),
    escrow: await escrow.getAddress(),
    executor: await executor.getAddress(),
    forwarder: await base.forwarder.getAddress(),
    token: await token.getAddress(),
    recorder: await base.recorder.getAddress(),
    attacker: await base.attacker.getAddress(),
  };

  /** Creates a workflow of `owner` (price trigger unless given) and returns its id. */
  const newWorkflow = (
    owner: HardhatEthersSigner,
    actionType: number,
    actionData: BytesLike,
    trigger: { triggerType: number; triggerData: BytesLike } = {
      triggerType: TriggerType.Price,
      triggerData: PRICE_TRIGGER,
    },
    maxExecutions: bigint | number = 0,
  ) => createWorkflow(base.registry, owner, { ...trigger, actionType, actionData, maxExecutions });

  const execute = (workflowId: bigint | number, executionNo: bigint | number) =>
    executor.connect(base.worker).getFunction('execute')(workflowId, executionNo);

  return { ...base, addresses, newWorkflow, execute };
}

describe('ActionExecutor', function () {
  describe('deployment', function () {
    it('deploys a call forwarder bound to the executor and the escrow', async function () {
      const { executor, forwarder, addresses } = await loadFixture(executorFixture);
      expect(await executor.callForwarder()).to.equal(addresses.forwarder);
      expect(await forwarder.executor()).to.equal(addresses.executor);
      expect(await forwarder.escrow()).to.equal(addresses.escrow);
      expect(await executor.registry()).to.equal(addresses.registry);
      expect(await executor.escrow()).to.equal(addresses.escrow);
    });

    it('gives the call forwarder no role anywhere', async function () {
      const { registry, escrow, executor, addresses } = await loadFixture(executorFixture);
      expect(await registry.hasRole(EXECUTOR_ROLE, addresses.forwarder)).to.equal(false);
      expect(await escrow.hasRole(EXECUTOR_ROLE, addresses.forwarder)).to.equal(false);
      expect(await escrow.hasRole(WORKER_ROLE, addresses.forwarder)).to.equal(false);
      expect(await executor.hasRole(WORKER_ROLE, addresses.forwarder)).to.equal(false);
    });
  });

  describe('access', function () {
    it('rejects callers without the worker role', async function () {
      const { executor, alice, mallory, deployer, newWorkflow } = await loadFixture(executorFixture);
      await newWorkflow(alice, ActionType.NativeTransfer, encodeNativeTransfer(mallory.address, ONE_ETHER));
      for (const caller of [mallory, alice, deployer]) {
        await expect(executor.connect(caller).getFunction('execute')(1, 1))
          .to.be.revertedWithCustomError(executor, 'AccessControlUnauthorizedAccount')
          .withArgs(caller.address, WORKER_ROLE);
      }
    });

    it('rejects direct calls to the call forwarder', async function () {
      const { forwarder, mallory, addresses } = await loadFixture(executorFixture);
      await expect(forwarder.connect(mallory).getFunction('forward')(addresses.recorder, '0x', 0))
        .to.be.revertedWithCustomError(forwarder, 'CallForwarderUnauthorizedCaller')
        .withArgs(mallory.address);
    });

    it('refuses coin sent to the call forwarder by anyone but the escrow', async function () {
      const { forwarder, mallory, addresses } = await loadFixture(executorFixture);
      await expect(mallory.sendTransaction({ to: addresses.forwarder, value: 1n }))
        .to.be.revertedWithCustomError(forwarder, 'CallForwarderUnexpectedValue')
        .withArgs(mallory.address);
    });
  });

  describe('native transfer', function () {
    it("sends coin from the owner's escrow balance to the recipient", async function () {
      const { registry, escrow, executor, alice, bob, newWorkflow, execute } = await loadFixture(executorFixture);
      await newWorkflow(alice, ActionType.NativeTransfer, encodeNativeTransfer(bob.address, ONE_ETHER));
      const tx = execute(1, 1);
      await expect(tx).to.changeEtherBalances([escrow, bob], [-ONE_ETHER, ONE_ETHER]);
      await expect(tx).to.emit(executor, 'ActionExecuted').withArgs(1n, 1n, ActionType.NativeTransfer);
      await expect(tx).to.emit(registry, 'WorkflowExecuted');
      await expect(tx).to.emit(escrow, 'Released').withArgs(alice.address, bob.address, ONE_ETHER);
      expect(await escrow.balanceOf(alice.address)).to.equal(9n * ONE_ETHER);
    });

    it("reverts, recording nothing, when the owner's escrow balance is short", async function () {
      const { registry, escrow, alice, bob, newWorkflow, execute } = await loadFixture(executorFixture);
      await newWorkflow(alice, ActionType.NativeTransfer, encodeNativeTransfer(bob.address, 11n * ONE_ETHER));
      await expect(execute(1, 1))
        .to.be.revertedWithCustomError(escrow, 'FeeEscrowInsufficientBalance')
        .withArgs(alice.address, 10n * ONE_ETHER, 11n * ONE_ETHER);
      expect((await registry.getWorkflow(1)).executionCount).to.equal(0n);
    });

    it("never spends another owner's escrow balance", async function () {
      const { escrow, alice, mallory, newWorkflow, execute } = await loadFixture(executorFixture);
      await newWorkflow(mallory, ActionType.NativeTransfer, encodeNativeTransfer(mallory.address, ONE_ETHER));
      await expect(execute(1, 1))
        .to.be.revertedWithCustomError(escrow, 'FeeEscrowInsufficientBalance')
        .withArgs(mallory.address, 0n, ONE_ETHER);
      expect(await escrow.balanceOf(alice.address)).to.equal(10n * ONE_ETHER);
    });
  });

  describe('ERC-20 transfer', function () {
    it('moves tokens from the owner to the recipient', async function () {
      const { executor, token, alice, carol, newWorkflow, execute, addresses } = await loadFixture(executorFixture);
      await newWorkflow(alice, ActionType.Erc20Transfer, encodeErc20Transfer(addresses.token, carol.address, 250n));
      const tx = execute(1, 1);
      await expect(tx).to.changeTokenBalances(token, [alice, carol], [-250n, 250n]);
      await expect(tx).to.emit(executor, 'ActionExecuted').withArgs(1n, 1n, ActionType.Erc20Transfer);
    });

    it('cannot take tokens from anyone but the workflow owner', async function () {
      const { token, bob, mallory, newWorkflow, execute, addresses } = await loadFixture(executorFixture);
      // Bob approved the executor; Mallory did not. Mallory's workflow can only pull from Mallory.
      await newWorkflow(mallory, ActionType.Erc20Transfer, encodeErc20Transfer(addresses.token, mallory.address, 100n));
      await expect(execute(1, 1))
        .to.be.revertedWithCustomError(token, 'ERC20InsufficientAllowance')
        .withArgs(addresses.executor, 0n, 100n);
      expect(await token.balanceOf(bob.address)).to.equal(TOKENS);
    });

    it("reverts when the owner's token balance is short", async function () {
      const { token, alice, bob, newWorkflow, execute, addresses } = await loadFixture(executorFixture);
      await newWorkflow(
        alice,
        ActionType.Erc20Transfer,
        encodeErc20Transfer(addresses.token, bob.address, TOKENS + 1n),
      );
      await expect(execute(1, 1))
        .to.be.revertedWithCustomError(token, 'ERC20InsufficientBalance')
        .withArgs(alice.address, TOKENS, TOKENS + 1n);
    });
  });

  describe('contract call', function () {
    it("calls the target from the call forwarder with value from the owner's escrow", async function () {
      const { escrow, executor, recorder, alice, newWorkflow, execute, addresses } = await loadFixture(executorFixture);
      const data = recorder.interface.encodeFunctionData('record', [42]);
      await newWorkflow(alice, ActionType.ContractCall, encodeContractCall(addresses.recorder, data, ONE_ETHER / 2n));

      const tx = execute(1, 1);
      await expect(tx).to.changeEtherBalances([escrow, recorder], [-ONE_ETHER / 2n, ONE_ETHER / 2n]);
      await expect(tx)
        .to.emit(recorder, 'Called')
        .withArgs(addresses.forwarder, ONE_ETHER / 2n, 42n);
      await expect(tx)
        .to.emit(escrow, 'Released')
        .withArgs(alice.address, addresses.forwarder, ONE_ETHER / 2n);
      await expect(tx).to.emit(executor, 'ActionExecuted').withArgs(1n, 1n, ActionType.ContractCall);

      const [caller, value, tag, count] = await recorder.lastCall();
      expect([caller, value, tag, count]).to.deep.equal([addresses.forwarder, ONE_ETHER / 2n, 42n, 1n]);
      expect(await ethers.provider.getBalance(addresses.forwarder)).to.equal(0n);
      expect(await escrow.balanceOf(alice.address)).to.equal(10n * ONE_ETHER - ONE_ETHER / 2n);
    });

    it('makes a call without value without touching the escrow', async function () {
      const { escrow, recorder, alice, newWorkflow, execute, addresses } = await loadFixture(executorFixture);
      const data = recorder.interface.encodeFunctionData('record', [7]);
      await newWorkflow(alice, ActionType.ContractCall, encodeContractCall(addresses.recorder, data, 0n));
      const tx = execute(1, 1);
      await expect(tx).to.emit(recorder, 'Called').withArgs(addresses.forwarder, 0n, 7n);
      await expect(tx).not.to.emit(escrow, 'Released');
    });

    it("reverts with the target's revert data when the call fails, recording nothing", async function () {
      const { registry, escrow, executor, recorder, alice, newWorkflow, execute, addresses } =
        await loadFixture(executorFixture);
      const data = recorder.interface.encodeFunctionData('fail', [7]);
      await newWorkflow(alice, ActionType.ContractCall, encodeContractCall(addresses.recorder, data, ONE_ETHER));
      await expect(execute(1, 1))
        .to.be.revertedWithCustomError(executor, 'ActionExecutorCallFailed')
        .withArgs(1n, recorder.interface.encodeErrorResult('CallRecorderRejected', [7]));
      expect((await registry.getWorkflow(1)).executionCount).to.equal(0n);
      expect(await escrow.balanceOf(alice.address)).to.equal(10n * ONE_ETHER);
    });

    it('cannot spend token allowances given to the executor', async function () {
      const { executor, token, bob, mallory, newWorkflow, execute, addresses } = await loadFixture(executorFixture);
      // Bob approved the executor. A call from the executor itself could move Bob's tokens; the forwarder cannot.
      const steal = token.interface.encodeFunctionData('transferFrom', [bob.address, mallory.address, 100n]);
      await newWorkflow(mallory, ActionType.ContractCall, encodeContractCall(addresses.token, steal, 0n));
      await expect(execute(1, 1))
        .to.be.revertedWithCustomError(executor, 'ActionExecutorCallFailed')
        .withArgs(1n, token.interface.encodeErrorResult('ERC20InsufficientAllowance', [addresses.forwarder, 0n, 100n]));
      expect(await token.balanceOf(bob.address)).to.equal(TOKENS);
    });
  });

  describe('forbidden destinations', function () {
    for (const name of ['registry', 'escrow', 'executor', 'forwarder'] as const) {
      it(`rejects a contract call to the ${name}`, async function () {
        const { executor, alice, newWorkflow, execute, addresses } = await loadFixture(executorFixture);
        await newWorkflow(alice, ActionType.ContractCall, encodeContractCall(addresses[name], '0x', 0n));
        await expect(execute(1, 1))
          .to.be.revertedWithCustomError(executor, 'ActionExecutorForbiddenTarget')
          .withArgs(1n, addresses[name]);
      });
    }

    it('rejects a native transfer to the escrow', async function () {
      const { executor, alice, newWorkflow, execute, addresses } = await loadFixture(executorFixture);
      await newWorkflow(alice, ActionType.NativeTransfer, encodeNativeTransfer(addresses.escrow, ONE_ETHER));
      await expect(execute(1, 1))
        .to.be.revertedWithCustomError(executor, 'ActionExecutorForbiddenTarget')
        .withArgs(1n, addresses.escrow);
    });

    it('rejects an ERC-20 transfer to the call forwarder', async function () {
      const { executor, alice, newWorkflow, execute, addresses } = await loadFixture(executorFixture);
      await newWorkflow(alice, ActionType.Erc20Transfer, encodeErc20Transfer(addresses.token, addresses.forwarder, 1n));
      await expect(execute(1, 1))
        .to.be.revertedWithCustomError(executor, 'ActionExecutorForbiddenTarget')
        .withArgs(1n, addresses.forwarder);
    });
  });

  describe('execution numbers', function () {
    it('runs each execution number only once', async function () {
      const { executor, alice, bob, newWorkflow, execute } = await loadFixture(executorFixture);
      await newWorkflow(alice, ActionType.NativeTransfer, encodeNativeTransfer(bob.address, ONE_ETHER));
      await execute(1, 1);
      await expect(execute(1, 1))
        .to.be.revertedWithCustomError(executor, 'ActionExecutorExecutionAlreadyDone')
        .withArgs(1n, 1n);
      await execute(1, 2);
      await expect(execute(1, 1))
        .to.be.revertedWithCustomError(executor, 'ActionExecutorExecutionAlreadyDone')
        .withArgs(1n, 1n);
    });

    it('reports an execution already done even after the workflow completed', async function () {
      const { executor, registry, alice, bob, newWorkflow, execute } = await loadFixture(executorFixture);
      const trigger = { triggerType: TriggerType.Price, triggerData: PRICE_TRIGGER };
      await newWorkflow(alice, ActionType.NativeTransfer, encodeNativeTransfer(bob.address, ONE_ETHER), trigger, 1);
      await execute(1, 1);
      expect((await registry.getWorkflow(1)).active).to.equal(false);
      await expect(execute(1, 1))
        .to.be.revertedWithCustomError(executor, 'ActionExecutorExecutionAlreadyDone')
        .withArgs(1n, 1n);
    });

    it('rejects an execution number that skips ahead, or 0', async function () {
      const { executor, alice, bob, newWorkflow, execute } = await loadFixture(executorFixture);
      await newWorkflow(alice, ActionType.NativeTransfer, encodeNativeTransfer(bob.address, ONE_ETHER));
      for (const executionNo of [2n, 3n, 0n]) {
        await expect(execute(1, executionNo))
          .to.be.revertedWithCustomError(executor, 'ActionExecutorExecutionOutOfOrder')
          .withArgs(1n, executionNo, 1n);
      }
    });

    it('rejects a deactivated workflow', async function () {
      const { executor, registry, alice, bob, newWorkflow, execute } = await loadFixture(executorFixture);
      await newWorkflow(alice, ActionType.NativeTransfer, encodeNativeTransfer(bob.address, ONE_ETHER));
      await registry.connect(alice).getFunction('deactivateWorkflow')(1);
      await expect(execute(1, 1))
        .to.be.revertedWithCustomError(executor, 'ActionExecutorWorkflowInactive')
        .withArgs(1n);
    });

    it('rejects an unknown workflow with the registry error', async function () {
      const { registry, execute } = await loadFixture(executorFixture);
      await expect(execute(5, 1))
        .to.be.revertedWithCustomError(registry, 'WorkflowRegistryUnknownWorkflow')
        .withArgs(5n);
    });

    it('ends the workflow after its maximum number of executions', async function () {
      const { executor, registry, alice, bob, newWorkflow, execute } = await loadFixture(executorFixture);
      const trigger = { triggerType: TriggerType.Price, triggerData: PRICE_TRIGGER };
      await newWorkflow(alice, ActionType.NativeTransfer, encodeNativeTransfer(bob.address, ONE_ETHER), trigger, 2);
      await expect(execute(1, 1)).not.to.emit(registry, 'WorkflowCompleted');
      await expect(execute(1, 2)).to.emit(registry, 'WorkflowCompleted').withArgs(1n);
      expect((await registry.getWorkflow(1)).active).to.equal(false);
      await expect(execute(1, 3))
        .to.be.revertedWithCustomError(executor, 'ActionExecutorWorkflowInactive')
        .withArgs(1n);
    });

    it('records the execution in the registry before the action runs', async function () {
      const { registry, attacker, alice, newWorkflow, execute, addresses } = await loadFixture(executorFixture);
      await newWorkflow(alice, ActionType.ContractCall, encodeContractCall(addresses.attacker, '0x01', 0n));
      // During the call, the target reads the workflow back from the registry.
      await attacker.getFunction('setAttack')(
        addresses.registry,
        registry.interface.encodeFunctionData('getWorkflow', [1]),
        false,
      );
      await execute(1, 1);
      const [attempted, succeeded, returndata] = await attacker.attackResult();
      expect([attempted, succeeded]).to.deep.equal([true, true]);
      const [seen] = registry.interface.decodeFunctionResult('getWorkflow', returndata);
      expect(seen.executionCount).to.equal(1n);
      expect(seen.lastExecutedAt).to.equal(await latestTimestamp());
    });
  });

  describe('time and interval triggers', function () {
    it('rejects a time trigger before its time and runs it once from then on', async function () {
      const { executor, registry, alice, bob, newWorkflow, execute } = await loadFixture(executorFixture);
      const executeAt = (await latestTimestamp()) + 1000n;
      const trigger = { triggerType: TriggerType.Time, triggerData: encodeTimeTrigger(executeAt) };
      await newWorkflow(alice, ActionType.NativeTransfer, encodeNativeTransfer(bob.address, ONE_ETHER), trigger);

      await time.setNextBlockTimestamp(executeAt - 1n);
      await expect(execute(1, 1))
        .to.be.revertedWithCustomError(executor, 'ActionExecutorTriggerNotDue')
        .withArgs(1n, executeAt);

      await time.setNextBlockTimestamp(executeAt);
      await expect(execute(1, 1)).to.emit(registry, 'WorkflowCompleted').withArgs(1n);
      await expect(execute(1, 2))
        .to.be.revertedWithCustomError(executor, 'ActionExecutorWorkflowInactive')
        .withArgs(1n);
    });

    it('rejects an interval trigger until one interval after creation', async function () {
      const { executor, registry, alice, bob, newWorkflow, execute } = await loadFixture(executorFixture);
      const trigger = { triggerType: TriggerType.Interval, triggerData: encodeIntervalTrigger(3600) };
      await newWorkflow(alice, ActionType.NativeTransfer, encodeNativeTransfer(bob.address, ONE_ETHER), trigger);
      const createdAt = (await registry.getWorkflow(1)).createdAt as bigint;

      await expect(execute(1, 1))
        .to.be.revertedWithCustomError(executor, 'ActionExecutorTriggerNotDue')
        .withArgs(1n, createdAt + 3600n);
      await time.setNextBlockTimestamp(createdAt + 3600n);
      await expect(execute(1, 1)).to.emit(executor, 'ActionExecuted').withArgs(1n, 1n, ActionType.NativeTransfer);
    });

    it('measures the next interval from the last execution', async function () {
      const { executor, registry, alice, bob, newWorkflow, execute } = await loadFixture(executorFixture);
      const trigger = { triggerType: TriggerType.Interval, triggerData: encodeIntervalTrigger(3600) };
      await newWorkflow(alice, ActionType.NativeTransfer, encodeNativeTransfer(bob.address, ONE_ETHER), trigger);
      const createdAt = (await registry.getWorkflow(1)).createdAt as bigint;

      // The first run comes late: the second is due one interval after it, not after the schedule.
      const firstRun = createdAt + 5000n;
      await time.setNextBlockTimestamp(firstRun);
      await execute(1, 1);
      await time.setNextBlockTimestamp(firstRun + 3599n);
      await expect(execute(1, 2))
        .to.be.revertedWithCustomError(executor, 'ActionExecutorTriggerNotDue')
        .withArgs(1n, firstRun + 3600n);
      await time.setNextBlockTimestamp(firstRun + 3600n);
      await expect(execute(1, 2)).to.emit(executor, 'ActionExecuted').withArgs(1n, 2n, ActionType.NativeTransfer);
    });

    it('leaves price triggers to the worker', async function () {
      const { executor, alice, bob, newWorkflow, execute } = await loadFixture(executorFixture);
      await newWorkflow(alice, ActionType.NativeTransfer, encodeNativeTransfer(bob.address, ONE_ETHER));
      await expect(execute(1, 1)).to.emit(executor, 'ActionExecuted').withArgs(1n, 1n, ActionType.NativeTransfer);
    });
  });

  describe('reentrancy', function () {
    async function attackFixture() {
      const base = await executorFixture();
      const { alice, deployer, executor, attacker, addresses, newWorkflow } = base;
      // Worst case: the attacking contract even holds the worker role, so only the guard can stop it.
      await executor.connect(deployer).getFunction('grantRole')(WORKER_ROLE, addresses.attacker);
      await newWorkflow(alice, ActionType.NativeTransfer, encodeNativeTransfer(addresses.attacker, ONE_ETHER));
      await newWorkflow(alice, ActionType.ContractCall, encodeContractCall(addresses.attacker, '0x01', ONE_ETHER));
      await newWorkflow(alice, ActionType.NativeTransfer, encodeNativeTransfer(base.bob.address, ONE_ETHER));
      const reenterExecute = executor.interface.encodeFunctionData('execute', [3, 1]);
      return { ...base, attacker, reenterExecute };
    }
    const NATIVE_TO_ATTACKER = 1;
    const CALL_TO_ATTACKER = 2;

    it('blocks re-entry into execute from a native-transfer recipient', async function () {
      const { registry, escrow, attacker, alice, addresses, reenterExecute, execute } =
        await loadFixture(attackFixture);
      await attacker.getFunction('setAttack')(addresses.executor, reenterExecute, false);
      await execute(NATIVE_TO_ATTACKER, 1);

      expect(await attacker.attackResult()).to.deep.equal([true, false, REENTRANT_CALL_ERROR]);
      expect((await registry.getWorkflow(3)).executionCount).to.equal(0n);
      expect(await attacker.totalReceived()).to.equal(ONE_ETHER);
      expect(await escrow.balanceOf(alice.address)).to.equal(9n * ONE_ETHER);
    });

    it('fails the transfer when the recipient passes the blocked re-entry on', async function () {
      const { registry, escrow, attacker, addresses, reenterExecute, execute } = await loadFixture(attackFixture);
      await attacker.getFunction('setAttack')(addresses.executor, reenterExecute, true);
      await expect(execute(NATIVE_TO_ATTACKER, 1))
        .to.be.revertedWithCustomError(escrow, 'FeeEscrowTransferFailed')
        .withArgs(addresses.attacker, ONE_ETHER, REENTRANT_CALL_ERROR);
      expect((await registry.getWorkflow(NATIVE_TO_ATTACKER)).executionCount).to.equal(0n);
    });

    it('blocks re-entry into the escrow from a native-transfer recipient', async function () {
      const { escrow, attacker, addresses, execute } = await loadFixture(attackFixture);
      await attacker.getFunction('act')(addresses.escrow, escrow.interface.encodeFunctionData('deposit'), {
        value: ONE_ETHER,
      });
      const withdraw = escrow.interface.encodeFunctionData('withdraw', [ONE_ETHER]);
      await attacker.getFunction('setAttack')(addresses.escrow, withdraw, false);
      await execute(NATIVE_TO_ATTACKER, 1);

      expect(await attacker.attackResult()).to.deep.equal([true, false, REENTRANT_CALL_ERROR]);
      expect(await escrow.balanceOf(addresses.attacker)).to.equal(ONE_ETHER);
    });

    it('blocks re-entry into execute from a contract-call target', async function () {
      const { registry, escrow, attacker, alice, addresses, reenterExecute, execute } =
        await loadFixture(attackFixture);
      await attacker.getFunction('setAttack')(addresses.executor, reenterExecute, false);
      await execute(CALL_TO_ATTACKER, 1);

      expect(await attacker.attackResult()).to.deep.equal([true, false, REENTRANT_CALL_ERROR]);
      expect((await registry.getWorkflow(3)).executionCount).to.equal(0n);
      expect(await attacker.totalReceived()).to.equal(ONE_ETHER);
      expect(await escrow.balanceOf(alice.address)).to.equal(9n * ONE_ETHER);
    });

    it('fails the call when the target passes the blocked re-entry on', async function () {
      const { executor, attacker, addresses, reenterExecute, execute } = await loadFixture(attackFixture);
      await attacker.getFunction('setAttack')(addresses.executor, reenterExecute, true);
      await expect(execute(CALL_TO_ATTACKER, 1))
        .to.be.revertedWithCustomError(executor, 'ActionExecutorCallFailed')
        .withArgs(BigInt(CALL_TO_ATTACKER), REENTRANT_CALL_ERROR);
    });

    it('gives a call target no access to the forwarder, the escrow, the registry or the executor', async function () {
      const fixture = await loadFixture(attackFixture);
      const { forwarder, escrow, registry, attacker, alice, deployer, executor, addresses, execute } = fixture;
      await executor.connect(deployer).getFunction('revokeRole')(WORKER_ROLE, addresses.attacker);
      const attempts: [string, string, string][] = [
        [
          addresses.forwarder,
          forwarder.interface.encodeFunctionData('forward', [addresses.attacker, '0x', 0]),
          forwarder.interface.encodeErrorResult('CallForwarderUnauthorizedCaller', [addresses.attacker]),
        ],
        [
          addresses.escrow,
          escrow.interface.encodeFunctionData('release', [alice.address, addresses.attacker, ONE_ETHER]),
          escrow.interface.encodeErrorResult('AccessControlUnauthorizedAccount', [addresses.attacker, EXECUTOR_ROLE]),
        ],
        [
          addresses.registry,
          registry.interface.encodeFunctionData('recordExecution', [3, 1]),
          registry.interface.encodeErrorResult('AccessControlUnauthorizedAccount', [addresses.attacker, EXECUTOR_ROLE]),
        ],
        // The executor's guard stops the call before its role check.
        [addresses.executor, executor.interface.encodeFunctionData('execute', [3, 1]), REENTRANT_CALL_ERROR],
      ];
      let executionNo = 0;
      for (const [target, data, expectedError] of attempts) {
        await attacker.getFunction('setAttack')(target, data, false);
        await execute(CALL_TO_ATTACKER, ++executionNo);
        expect(await attacker.attackResult()).to.deep.equal([true, false, expectedError]);
      }
      expect(await escrow.balanceOf(alice.address)).to.equal(10n * ONE_ETHER - BigInt(executionNo) * ONE_ETHER);
    });
  });

  describe('canExecute', function () {
    it('reports an execution that may run', async function () {
      const { executor, alice, bob, newWorkflow } = await loadFixture(executorFixture);
      await newWorkflow(alice, ActionType.NativeTransfer, encodeNativeTransfer(bob.address, ONE_ETHER));
      expect(await executor.canExecute(1, 1)).to.deep.equal([true, '0x']);
    });

    it('reports the error execute would revert with', async function () {
      const { executor, registry, alice, bob, newWorkflow, execute, addresses } = await loadFixture(executorFixture);
      const executeAt = (await latestTimestamp()) + 1000n;
      const trigger = { triggerType: TriggerType.Time, triggerData: encodeTimeTrigger(executeAt) };
      await newWorkflow(alice, ActionType.NativeTransfer, encodeNativeTransfer(bob.address, ONE_ETHER), trigger);
      await newWorkflow(alice, ActionType.NativeTransfer, encodeNativeTransfer(bob.address, ONE_ETHER));
      await execute(2, 1);
      await newWorkflow(alice, ActionType.ContractCall, encodeContractCall(addresses.escrow, '0x', 0n));

      const cases: [number, number, string][] = [
        [1, 1, executor.interface.encodeErrorResult('ActionExecutorTriggerNotDue', [1, executeAt])],
        [2, 1, executor.interface.encodeErrorResult('ActionExecutorExecutionAlreadyDone', [2, 1])],
        [2, 3, executor.interface.encodeErrorResult('ActionExecutorExecutionOutOfOrder', [2, 3, 2])],
        [3, 1, executor.interface.encodeErrorResult('ActionExecutorForbiddenTarget', [3, addresses.escrow])],
        [9, 1, registry.interface.encodeErrorResult('WorkflowRegistryUnknownWorkflow', [9])],
      ];
      for (const [workflowId, executionNo, reason] of cases) {
        expect(await executor.canExecute(workflowId, executionNo)).to.deep.equal([false, reason]);
      }
    });
  });
});
