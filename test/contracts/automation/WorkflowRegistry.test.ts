import { expect } from 'chai';
import { ethers } from 'hardhat';
import { loadFixture, time } from '@nomicfoundation/hardhat-network-helpers';
import type { HardhatEthersSigner } from '@nomicfoundation/hardhat-ethers/signers';
import type { Contract } from 'ethers';

import {
  CREATE_WORKFLOW_TYPES,
  DEACTIVATE_WORKFLOW_TYPES,
  SET_OPERATOR_TYPES,
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
  createWorkflow,
  deployAutometaFixture,
  latestTimestamp,
  registryDomain,
  signCreateWorkflow,
  signDeactivateWorkflow,
} from '../fixtures';
import type { WorkflowInput } from '../fixtures';

const coder = ethers.AbiCoder.defaultAbiCoder();
const ONE_ETHER = ethers.parseEther('1');
const ADDRESS_1 = '0x0000000000000000000000000000000000000001';

/** Concatenates 32-byte words given as numbers or hex, for hand-made malformed encodings. */
function words(...values: (bigint | number)[]): string {
  return ethers.concat(values.map((value) => ethers.toBeHex(value, 32)));
}

async function registryFixture() {
  const base = await deployAutometaFixture();
  const { alice, registry, deployer } = base;
  // A plain account with the executor role, to drive recordExecution directly.
  const [, , , , , , , recorderAccount] = await ethers.getSigners();
  await registry.connect(deployer).getFunction('grantRole')(EXECUTOR_ROLE, recorderAccount.address);
  const interval: WorkflowInput = {
    triggerType: TriggerType.Interval,
    triggerData: encodeIntervalTrigger(60),
    actionType: ActionType.NativeTransfer,
    actionData: encodeNativeTransfer(base.bob.address, ONE_ETHER),
    maxExecutions: 3,
  };
  return { ...base, recorderAccount, interval, owner: alice };
}

/** Adds `relayer`, the API's relayer key that owners approve as their operator. */
async function operatorFixture() {
  const base = await registryFixture();
  const [, , , , , , , , relayer] = await ethers.getSigners();
  return { ...base, relayer };
}

/** {operatorFixture} with `relayer` approved as an operator of alice. */
async function approvedFixture() {
  const base = await operatorFixture();
  await base.registry.connect(base.alice).getFunction('setOperator')(base.relayer.address, true);
  return base;
}

/** Signs a `SetOperator` message of `signer` with the current nonce of `owner` (unless given). */
async function signSetOperator(
  registry: Contract,
  signer: HardhatEthersSigner,
  message: { owner: string; operator: string; approved: boolean; deadline: bigint; nonce?: bigint },
) {
  const nonce = message.nonce ?? ((await registry.nonces(message.owner)) as bigint);
  return signer.signTypedData(await registryDomain(registry), SET_OPERATOR_TYPES, {
    owner: message.owner,
    operator: message.operator,
    approved: message.approved,
    nonce,
    deadline: message.deadline,
  });
}

describe('WorkflowRegistry', function () {
  describe('deployment', function () {
    it('exposes the EIP-712 domain "Autometa WorkflowRegistry" version 1', async function () {
      const { registry } = await loadFixture(registryFixture);
      const domain = await registryDomain(registry);
      const reported = await registry.eip712Domain();
      expect(reported.name).to.equal('Autometa WorkflowRegistry');
      expect(reported.version).to.equal('1');
      expect(reported.chainId).to.equal(domain.chainId);
      expect(reported.verifyingContract).to.equal(domain.verifyingContract);
      expect(await registry.DOMAIN_SEPARATOR()).to.equal(ethers.TypedDataEncoder.hashDomain(domain));
    });

    it('publishes the type hashes of the messages owners sign', async function () {
      const { registry } = await loadFixture(registryFixture);
      const create = ethers.TypedDataEncoder.from(CREATE_WORKFLOW_TYPES).encodeType('CreateWorkflow');
      const deactivate = ethers.TypedDataEncoder.from(DEACTIVATE_WORKFLOW_TYPES).encodeType('DeactivateWorkflow');
      expect(await registry.CREATE_WORKFLOW_TYPEHASH()).to.equal(ethers.id(create));
      expect(await registry.DEACTIVATE_WORKFLOW_TYPEHASH()).to.equal(ethers.id(deactivate));
    });

    it('starts with no workflows', async function () {
      const { registry, alice } = await loadFixture(registryFixture);
      expect(await registry.workflowCount()).to.equal(0n);
      expect(await registry.getOwnerWorkflows(alice.address)).to.deep.equal([]);
    });
  });

  describe('createWorkflow', function () {
    it('stores a workflow owned by the caller, with ids starting at 1', async function () {
      const { registry, alice, interval } = await loadFixture(registryFixture);
      const id = await createWorkflow(registry, alice, interval);
      expect(id).to.equal(1n);

      const workflow = await registry.getWorkflow(1);
      expect(workflow.owner).to.equal(alice.address);
      expect(workflow.triggerType).to.equal(TriggerType.Interval);
      expect(workflow.actionType).to.equal(ActionType.NativeTransfer);
      expect(workflow.active).to.equal(true);
      expect(workflow.maxExecutions).to.equal(3n);
      expect(workflow.executionCount).to.equal(0n);
      expect(workflow.createdAt).to.equal(await latestTimestamp());
      expect(workflow.lastExecutedAt).to.equal(0n);
      expect(workflow.triggerData).to.equal(interval.triggerData);
      expect(workflow.actionData).to.equal(interval.actionData);
    });

    it('emits WorkflowCreated with the owner, the types and the maximum', async function () {
      const { registry, alice, interval } = await loadFixture(registryFixture);
      await expect(
        registry.connect(alice).getFunction('createWorkflow')(
          interval.triggerType,
          interval.triggerData,
          interval.actionType,
          interval.actionData,
          interval.maxExecutions,
        ),
      )
        .to.emit(registry, 'WorkflowCreated')
        .withArgs(1n, alice.address, TriggerType.Interval, ActionType.NativeTransfer, 3n);
    });

    it('lists the workflows of each owner separately, oldest first', async function () {
      const { registry, alice, bob, interval } = await loadFixture(registryFixture);
      await createWorkflow(registry, alice, interval);
      await createWorkflow(registry, bob, interval);
      await createWorkflow(registry, alice, interval);
      expect(await registry.getOwnerWorkflows(alice.address)).to.deep.equal([1n, 3n]);
      expect(await registry.getOwnerWorkflows(bob.address)).to.deep.equal([2n]);
      expect(await registry.workflowCount()).to.equal(3n);
    });

    it('accepts every trigger type with every action type', async function () {
      const { registry, alice, token, recorder } = await loadFixture(registryFixture);
      const triggers = [
        [TriggerType.Time, encodeTimeTrigger(1_900_000_000)],
        [TriggerType.Interval, encodeIntervalTrigger(3600)],
        [TriggerType.Price, encodePriceTrigger('ethereum', PriceComparator.AtOrAbove, 4000n * 10n ** 8n)],
      ] as const;
      const actions = [
        [ActionType.NativeTransfer, encodeNativeTransfer(alice.address, 1n)],
        [ActionType.Erc20Transfer, encodeErc20Transfer(await token.getAddress(), alice.address, 1n)],
        [ActionType.ContractCall, encodeContractCall(await recorder.getAddress(), '0x', 0n)],
      ] as const;
      for (const [triggerType, triggerData] of triggers) {
        for (const [actionType, actionData] of actions) {
          await createWorkflow(registry, alice, { triggerType, triggerData, actionType, actionData, maxExecutions: 0 });
        }
      }
      expect(await registry.workflowCount()).to.equal(9n);
    });

    it('stores a time trigger with a maximum of one execution', async function () {
      const { registry, alice, interval } = await loadFixture(registryFixture);
      const timeTrigger = { ...interval, triggerType: TriggerType.Time, triggerData: encodeTimeTrigger(1_900_000_000) };
      await expect(
        registry.connect(alice).getFunction('createWorkflow')(
          timeTrigger.triggerType,
          timeTrigger.triggerData,
          0,
          interval.actionData,
          0,
        ),
      )
        .to.emit(registry, 'WorkflowCreated')
        .withArgs(1n, alice.address, TriggerType.Time, ActionType.NativeTransfer, 1n);
      expect((await registry.getWorkflow(1)).maxExecutions).to.equal(1n);
    });

    it('rejects a time trigger allowed more than one execution', async function () {
      const { registry, alice, interval } = await loadFixture(registryFixture);
      await expect(
        registry.connect(alice).getFunction('createWorkflow')(
          TriggerType.Time,
          encodeTimeTrigger(1_900_000_000),
          0,
          interval.actionData,
          2,
        ),
      )
        .to.be.revertedWithCustomError(registry, 'WorkflowRegistryInvalidMaxExecutions')
        .withArgs(TriggerType.Time, 2n);
    });

    it('rejects an unknown trigger type', async function () {
      const { registry, alice, interval } = await loadFixture(registryFixture);
      await expect(
        registry.connect(alice).getFunction('createWorkflow')(3, interval.triggerData, 0, interval.actionData, 0),
      )
        .to.be.revertedWithCustomError(registry, 'WorkflowRegistryInvalidTriggerType')
        .withArgs(3);
    });

    it('rejects an unknown action type', async function () {
      const { registry, alice, interval } = await loadFixture(registryFixture);
      await expect(
        registry.connect(alice).getFunction('createWorkflow')(1, interval.triggerData, 255, interval.actionData, 0),
      )
        .to.be.revertedWithCustomError(registry, 'WorkflowRegistryInvalidActionType')
        .withArgs(255);
    });

    const priceHead = (offset: number, comparator: number, price: bigint) => words(offset, comparator, price);
    const malformedTriggers: [string, number, string][] = [
      ['empty time data', TriggerType.Time, '0x'],
      ['time data one byte short', TriggerType.Time, ethers.dataSlice(words(100), 1)],
      ['time data with an extra word', TriggerType.Time, words(100, 1)],
      ['an executeAt of 0', TriggerType.Time, words(0)],
      ['an interval of 0', TriggerType.Interval, words(0)],
      ['an interval beyond uint64', TriggerType.Interval, words(2n ** 64n)],
      ['empty interval data', TriggerType.Interval, '0x'],
      ['a comparator of 2', TriggerType.Price, coder.encode(['string', 'uint8', 'uint256'], ['ethereum', 2, 1n])],
      ['a price of 0', TriggerType.Price, coder.encode(['string', 'uint8', 'uint256'], ['ethereum', 0, 0n])],
      ['an empty token', TriggerType.Price, coder.encode(['string', 'uint8', 'uint256'], ['', 0, 1n])],
      ['a 33-byte token', TriggerType.Price, coder.encode(['string', 'uint8', 'uint256'], ['x'.repeat(33), 0, 1n])],
      ['a price head only', TriggerType.Price, priceHead(0x60, 0, 1n)],
      ['a string offset outside the data', TriggerType.Price, ethers.concat([priceHead(0x1000, 0, 1n), words(3, 0)])],
      ['a token length beyond the data', TriggerType.Price, ethers.concat([priceHead(0x60, 0, 1n), words(64, 0)])],
      ['time data as a price trigger', TriggerType.Price, words(1_900_000_000)],
    ];
    for (const [description, triggerType, data] of malformedTriggers) {
      it(`rejects trigger data with ${description}`, async function () {
        const { registry, alice, interval } = await loadFixture(registryFixture);
        await expect(
          registry.connect(alice).getFunction('createWorkflow')(triggerType, data, 0, interval.actionData, 0),
        )
          .to.be.revertedWithCustomError(registry, 'WorkflowRegistryInvalidTriggerData')
          .withArgs(triggerType);
      });
    }

    it('accepts a price trigger token of exactly 32 bytes', async function () {
      const { registry, alice, interval } = await loadFixture(registryFixture);
      const triggerData = encodePriceTrigger('x'.repeat(32), PriceComparator.AtOrBelow, 1n);
      await createWorkflow(registry, alice, { ...interval, triggerType: TriggerType.Price, triggerData });
      expect((await registry.getWorkflow(1)).triggerData).to.equal(triggerData);
    });

    const dirtyAddress = (2n ** 160n) | 1n;
    const callHead = (target: bigint | number, offset: number) => words(target, offset, 0);
    const malformedActions: [string, number, string][] = [
      ['a native transfer to the zero address', 0, coder.encode(['address', 'uint256'], [ethers.ZeroAddress, 1n])],
      ['a native transfer of 0 wei', 0, coder.encode(['address', 'uint256'], [ADDRESS_1, 0n])],
      ['a native recipient with dirty upper bits', 0, words(dirtyAddress, 1)],
      ['native data with an extra word', 0, words(1, 1, 1)],
      [
        'an ERC-20 transfer of the zero token',
        1,
        coder.encode(['address', 'address', 'uint256'], [ethers.ZeroAddress, ADDRESS_1, 1n]),
      ],
      [
        'an ERC-20 transfer to the zero address',
        1,
        coder.encode(['address', 'address', 'uint256'], [ADDRESS_1, ethers.ZeroAddress, 1n]),
      ],
      ['an ERC-20 transfer of 0 units', 1, coder.encode(['address', 'address', 'uint256'], [ADDRESS_1, ADDRESS_1, 0n])],
      ['ERC-20 data one word short', 1, words(1, 1)],
      ['a call to the zero address', 2, coder.encode(['address', 'bytes', 'uint256'], [ethers.ZeroAddress, '0x', 0n])],
      [
        '4097 bytes of calldata',
        2,
        coder.encode(['address', 'bytes', 'uint256'], [ADDRESS_1, new Uint8Array(4097), 0n]),
      ],
      ['a call head only', 2, callHead(1, 0x60)],
      ['a calldata offset other than the head end', 2, ethers.concat([callHead(1, 0x80), words(0, 0)])],
      ['calldata longer than the data', 2, ethers.concat([callHead(1, 0x60), words(4, 0)]).slice(0, -64)],
      ['a huge calldata length', 2, ethers.concat([callHead(1, 0x60), words(2n ** 255n)])],
      [
        'a trailing word after the calldata',
        2,
        ethers.concat([coder.encode(['address', 'bytes', 'uint256'], [ADDRESS_1, '0x12', 0n]), words(0)]),
      ],
      ['empty call data', 2, '0x'],
    ];
    for (const [description, actionType, data] of malformedActions) {
      it(`rejects action data with ${description}`, async function () {
        const { registry, alice, interval } = await loadFixture(registryFixture);
        await expect(
          registry.connect(alice).getFunction('createWorkflow')(1, interval.triggerData, actionType, data, 0),
        )
          .to.be.revertedWithCustomError(registry, 'WorkflowRegistryInvalidActionData')
          .withArgs(actionType);
      });
    }

    it('accepts exactly 4096 bytes of calldata', async function () {
      const { registry, alice, interval } = await loadFixture(registryFixture);
      const actionData = encodeContractCall(ADDRESS_1, new Uint8Array(4096).fill(0xab), 0n);
      await createWorkflow(registry, alice, { ...interval, actionType: ActionType.ContractCall, actionData });
      expect((await registry.getWorkflow(1)).actionData).to.equal(actionData);
    });
  });

  describe('createWorkflowFor', function () {
    async function signedFixture() {
      const base = await registryFixture();
      const deadline = (await latestTimestamp()) + 3600n;
      const message = { ...base.interval, owner: base.alice.address, deadline };
      const signature = await signCreateWorkflow(base.registry, base.alice, message);
      return { ...base, message, signature };
    }

    function submit(
      fixture: Awaited<ReturnType<typeof signedFixture>>,
      overrides: Partial<typeof fixture.message> = {},
    ) {
      const m = { ...fixture.message, ...overrides };
      return fixture.registry.connect(fixture.bob).getFunction('createWorkflowFor')(
        m.owner,
        m.triggerType,
        m.triggerData,
        m.actionType,
        m.actionData,
        m.maxExecutions,
        m.deadline,
        fixture.signature,
      );
    }

    it('creates a workflow for the signer when someone else submits the signature', async function () {
      const fixture = await loadFixture(signedFixture);
      const { registry, alice } = fixture;
      await expect(submit(fixture))
        .to.emit(registry, 'WorkflowCreated')
        .withArgs(1n, alice.address, TriggerType.Interval, ActionType.NativeTransfer, 3n);
      expect((await registry.getWorkflow(1)).owner).to.equal(alice.address);
      expect(await registry.getOwnerWorkflows(alice.address)).to.deep.equal([1n]);
      expect(await registry.nonces(alice.address)).to.equal(1n);
    });

    it('rejects a replayed signature', async function () {
      const fixture = await loadFixture(signedFixture);
      await submit(fixture);
      await expect(submit(fixture))
        .to.be.revertedWithCustomError(fixture.registry, 'WorkflowRegistryInvalidSignature')
        .withArgs(fixture.alice.address);
    });

    it('rejects an expired signature', async function () {
      const fixture = await loadFixture(signedFixture);
      await time.increaseTo(fixture.message.deadline + 1n);
      await expect(submit(fixture))
        .to.be.revertedWithCustomError(fixture.registry, 'WorkflowRegistryExpiredSignature')
        .withArgs(fixture.message.deadline);
    });

    it('accepts a signature in the block of its deadline', async function () {
      const fixture = await loadFixture(signedFixture);
      await time.setNextBlockTimestamp(fixture.message.deadline);
      await expect(submit(fixture)).to.emit(fixture.registry, 'WorkflowCreated');
    });

    it('rejects a signature by someone other than the owner', async function () {
      const fixture = await loadFixture(signedFixture);
      const { registry, mallory, alice, message } = fixture;
      const forged = await signCreateWorkflow(registry, mallory, message);
      await expect(
        registry.connect(mallory).getFunction('createWorkflowFor')(
          alice.address,
          message.triggerType,
          message.triggerData,
          message.actionType,
          message.actionData,
          message.maxExecutions,
          message.deadline,
          forged,
        ),
      )
        .to.be.revertedWithCustomError(registry, 'WorkflowRegistryInvalidSignature')
        .withArgs(alice.address);
    });

    const alterations: [string, (f: Awaited<ReturnType<typeof signedFixture>>) => object][] = [
      ['action data', (f) => ({ actionData: encodeNativeTransfer(f.mallory.address, ONE_ETHER) })],
      ['maximum executions', () => ({ maxExecutions: 0 })],
      ['deadline', (f) => ({ deadline: f.message.deadline + 1n })],
      ['owner', (f) => ({ owner: f.bob.address })],
    ];
    for (const [field, alter] of alterations) {
      it(`rejects a signature whose ${field} was altered`, async function () {
        const fixture = await loadFixture(signedFixture);
        const overrides = alter(fixture);
        const owner = (overrides as { owner?: string }).owner ?? fixture.alice.address;
        await expect(submit(fixture, overrides))
          .to.be.revertedWithCustomError(fixture.registry, 'WorkflowRegistryInvalidSignature')
          .withArgs(owner);
      });
    }

    it('rejects a signature made for another registry', async function () {
      const fixture = await loadFixture(signedFixture);
      const { registry, alice, message, deployer } = fixture;
      const otherRegistry = await ethers.deployContract('WorkflowRegistry', [deployer.address]);
      const foreign = await signCreateWorkflow(otherRegistry, alice, message);
      await expect(
        registry.getFunction('createWorkflowFor')(
          alice.address,
          message.triggerType,
          message.triggerData,
          message.actionType,
          message.actionData,
          message.maxExecutions,
          message.deadline,
          foreign,
        ),
      )
        .to.be.revertedWithCustomError(registry, 'WorkflowRegistryInvalidSignature')
        .withArgs(alice.address);
    });

    it('rejects the zero address as owner', async function () {
      const fixture = await loadFixture(signedFixture);
      await expect(submit(fixture, { owner: ethers.ZeroAddress }))
        .to.be.revertedWithCustomError(fixture.registry, 'WorkflowRegistryInvalidOwner')
        .withArgs(ethers.ZeroAddress);
    });

    it('validates the workflow fields of a signed creation', async function () {
      const fixture = await loadFixture(signedFixture);
      const { registry, alice, message } = fixture;
      const bad = { ...message, triggerData: words(0) };
      const signature = await signCreateWorkflow(registry, alice, bad);
      await expect(
        registry.getFunction('createWorkflowFor')(
          alice.address,
          bad.triggerType,
          bad.triggerData,
          bad.actionType,
          bad.actionData,
          bad.maxExecutions,
          bad.deadline,
          signature,
        ),
      )
        .to.be.revertedWithCustomError(registry, 'WorkflowRegistryInvalidTriggerData')
        .withArgs(TriggerType.Interval);
    });

    it('accepts an ERC-1271 signature of a contract wallet', async function () {
      const fixture = await loadFixture(signedFixture);
      const { registry, alice, bob, message } = fixture;
      const wallet = await ethers.deployContract('ERC1271WalletMock', [alice.address]);
      const walletAddress = await wallet.getAddress();
      const walletMessage = { ...message, owner: walletAddress };
      const signature = await signCreateWorkflow(registry, alice, walletMessage);
      await expect(
        registry.connect(bob).getFunction('createWorkflowFor')(
          walletAddress,
          message.triggerType,
          message.triggerData,
          message.actionType,
          message.actionData,
          message.maxExecutions,
          message.deadline,
          signature,
        ),
      )
        .to.emit(registry, 'WorkflowCreated')
        .withArgs(1n, walletAddress, TriggerType.Interval, ActionType.NativeTransfer, 3n);
      expect(await registry.nonces(walletAddress)).to.equal(1n);
    });

    it('rejects a signature the contract wallet does not accept', async function () {
      const fixture = await loadFixture(signedFixture);
      const { registry, alice, mallory, message } = fixture;
      const wallet = await ethers.deployContract('ERC1271WalletMock', [alice.address]);
      const walletAddress = await wallet.getAddress();
      const signature = await signCreateWorkflow(registry, mallory, { ...message, owner: walletAddress });
      await expect(
        registry.getFunction('createWorkflowFor')(
          walletAddress,
          message.triggerType,
          message.triggerData,
          message.actionType,
          message.actionData,
          message.maxExecutions,
          message.deadline,
          signature,
        ),
      )
        .to.be.revertedWithCustomError(registry, 'WorkflowRegistryInvalidSignature')
        .withArgs(walletAddress);
    });
  });

  describe('deactivateWorkflow', function () {
    it('lets the owner deactivate a workflow', async function () {
      const { registry, alice, interval } = await loadFixture(registryFixture);
      await createWorkflow(registry, alice, interval);
      await expect(registry.connect(alice).getFunction('deactivateWorkflow')(1))
        .to.emit(registry, 'WorkflowDeactivated')
        .withArgs(1n, alice.address);
      expect((await registry.getWorkflow(1)).active).to.equal(false);
    });

    it('rejects deactivation by anyone but the owner', async function () {
      const { registry, alice, mallory, interval } = await loadFixture(registryFixture);
      await createWorkflow(registry, alice, interval);
      await expect(registry.connect(mallory).getFunction('deactivateWorkflow')(1))
        .to.be.revertedWithCustomError(registry, 'WorkflowRegistryNotOwner')
        .withArgs(1n, mallory.address);
    });

    it('rejects deactivating an inactive workflow', async function () {
      const { registry, alice, interval } = await loadFixture(registryFixture);
      await createWorkflow(registry, alice, interval);
      await registry.connect(alice).getFunction('deactivateWorkflow')(1);
      await expect(registry.connect(alice).getFunction('deactivateWorkflow')(1))
        .to.be.revertedWithCustomError(registry, 'WorkflowRegistryWorkflowInactive')
        .withArgs(1n);
    });

    it('rejects an unknown workflow', async function () {
      const { registry, alice } = await loadFixture(registryFixture);
      await expect(registry.connect(alice).getFunction('deactivateWorkflow')(1))
        .to.be.revertedWithCustomError(registry, 'WorkflowRegistryUnknownWorkflow')
        .withArgs(1n);
    });
  });

  describe('deactivateWorkflowFor', function () {
    async function deactivationFixture() {
      const base = await registryFixture();
      await createWorkflow(base.registry, base.alice, base.interval);
      const deadline = (await latestTimestamp()) + 3600n;
      const message = { workflowId: 1n, owner: base.alice.address, deadline };
      const signature = await signDeactivateWorkflow(base.registry, base.alice, message);
      return { ...base, message, signature };
    }

    it("deactivates a workflow on its owner's signature, submitted by someone else", async function () {
      const { registry, alice, bob, message, signature } = await loadFixture(deactivationFixture);
      await expect(registry.connect(bob).getFunction('deactivateWorkflowFor')(1, message.deadline, signature))
        .to.emit(registry, 'WorkflowDeactivated')
        .withArgs(1n, alice.address);
      expect((await registry.getWorkflow(1)).active).to.equal(false);
      expect(await registry.nonces(alice.address)).to.equal(1n);
    });

    it('rejects a replayed deactivation signature', async function () {
      const { registry, alice, message, signature } = await loadFixture(deactivationFixture);
      await registry.getFunction('deactivateWorkflowFor')(1, message.deadline, signature);
      await expect(registry.getFunction('deactivateWorkflowFor')(1, message.deadline, signature))
        .to.be.revertedWithCustomError(registry, 'WorkflowRegistryInvalidSignature')
        .withArgs(alice.address);
    });

    it('rejects an expired deactivation signature', async function () {
      const { registry, message, signature } = await loadFixture(deactivationFixture);
      await time.increaseTo(message.deadline + 1n);
      await expect(registry.getFunction('deactivateWorkflowFor')(1, message.deadline, signature))
        .to.be.revertedWithCustomError(registry, 'WorkflowRegistryExpiredSignature')
        .withArgs(message.deadline);
    });

    it('rejects a deactivation signed by someone other than the owner', async function () {
      const { registry, alice, mallory, message } = await loadFixture(deactivationFixture);
      const forged = await signDeactivateWorkflow(registry, mallory, message);
      await expect(registry.connect(mallory).getFunction('deactivateWorkflowFor')(1, message.deadline, forged))
        .to.be.revertedWithCustomError(registry, 'WorkflowRegistryInvalidSignature')
        .withArgs(alice.address);
    });

    it('rejects a signature for another workflow of the same owner', async function () {
      const { registry, alice, interval, message } = await loadFixture(deactivationFixture);
      await createWorkflow(registry, alice, interval);
      const forFirst = await signDeactivateWorkflow(registry, alice, message);
      await expect(registry.getFunction('deactivateWorkflowFor')(2, message.deadline, forFirst))
        .to.be.revertedWithCustomError(registry, 'WorkflowRegistryInvalidSignature')
        .withArgs(alice.address);
    });

    it('rejects deactivating an inactive workflow by signature', async function () {
      const { registry, alice, message, signature } = await loadFixture(deactivationFixture);
      await registry.connect(alice).getFunction('deactivateWorkflow')(1);
      await expect(registry.getFunction('deactivateWorkflowFor')(1, message.deadline, signature))
        .to.be.revertedWithCustomError(registry, 'WorkflowRegistryWorkflowInactive')
        .withArgs(1n);
    });

    it('invalidates outstanding signatures of the owner once a nonce is used', async function () {
      const { registry, alice, interval, message, signature } = await loadFixture(deactivationFixture);
      const createMessage = { ...interval, owner: alice.address, deadline: message.deadline };
      const createSignature = await signCreateWorkflow(registry, alice, createMessage);
      await registry.getFunction('deactivateWorkflowFor')(1, message.deadline, signature);
      await expect(
        registry.getFunction('createWorkflowFor')(
          alice.address,
          interval.triggerType,
          interval.triggerData,
          interval.actionType,
          interval.actionData,
          interval.maxExecutions,
          message.deadline,
          createSignature,
        ),
      )
        .to.be.revertedWithCustomError(registry, 'WorkflowRegistryInvalidSignature')
        .withArgs(alice.address);
    });

    it('rejects an unknown workflow', async function () {
      const { registry, message, signature } = await loadFixture(deactivationFixture);
      await expect(registry.getFunction('deactivateWorkflowFor')(2, message.deadline, signature))
        .to.be.revertedWithCustomError(registry, 'WorkflowRegistryUnknownWorkflow')
        .withArgs(2n);
    });
  });

  describe('setOperator', function () {
    it('approves an operator for the caller only, without using a nonce', async function () {
      const { registry, alice, bob, relayer } = await loadFixture(operatorFixture);
      expect(await registry.isOperator(alice.address, relayer.address)).to.equal(false);
      await expect(registry.connect(alice).getFunction('setOperator')(relayer.address, true))
        .to.emit(registry, 'OperatorSet')
        .withArgs(alice.address, relayer.address, true);
      expect(await registry.isOperator(alice.address, relayer.address)).to.equal(true);
      expect(await registry.isOperator(bob.address, relayer.address)).to.equal(false);
      expect(await registry.isOperator(relayer.address, alice.address)).to.equal(false);
      expect(await registry.nonces(alice.address)).to.equal(0n);
    });

    it('revokes an approved operator', async function () {
      const { registry, alice, relayer } = await loadFixture(approvedFixture);
      await expect(registry.connect(alice).getFunction('setOperator')(relayer.address, false))
        .to.emit(registry, 'OperatorSet')
        .withArgs(alice.address, relayer.address, false);
      expect(await registry.isOperator(alice.address, relayer.address)).to.equal(false);
    });

    it('rejects the zero address as operator', async function () {
      const { registry, alice } = await loadFixture(operatorFixture);
      await expect(registry.connect(alice).getFunction('setOperator')(ethers.ZeroAddress, true))
        .to.be.revertedWithCustomError(registry, 'WorkflowRegistryInvalidOperator')
        .withArgs(ethers.ZeroAddress);
    });

    it('rejects the caller as its own operator', async function () {
      const { registry, alice } = await loadFixture(operatorFixture);
      await expect(registry.connect(alice).getFunction('setOperator')(alice.address, true))
        .to.be.revertedWithCustomError(registry, 'WorkflowRegistryInvalidOperator')
        .withArgs(alice.address);
    });
  });

  describe('createWorkflowAsOperator', function () {
    function createAs(
      fixture: Awaited<ReturnType<typeof operatorFixture>>,
      caller: HardhatEthersSigner,
      owner: string,
      input: WorkflowInput = fixture.interval,
    ) {
      return fixture.registry.connect(caller).getFunction('createWorkflowAsOperator')(
        owner,
        input.triggerType,
        input.triggerData,
        input.actionType,
        input.actionData,
        input.maxExecutions,
      );
    }

    it('creates a workflow owned by the approving owner, not by the operator', async function () {
      const fixture = await loadFixture(approvedFixture);
      const { registry, alice, relayer } = fixture;
      await expect(createAs(fixture, relayer, alice.address))
        .to.emit(registry, 'WorkflowCreated')
        .withArgs(1n, alice.address, TriggerType.Interval, ActionType.NativeTransfer, 3n);
      const workflow = await registry.getWorkflow(1);
      expect(workflow.owner).to.equal(alice.address);
      expect(workflow.active).to.equal(true);
      expect(workflow.triggerData).to.equal(fixture.interval.triggerData);
      expect(workflow.actionData).to.equal(fixture.interval.actionData);
      expect(await registry.getOwnerWorkflows(alice.address)).to.deep.equal([1n]);
      expect(await registry.getOwnerWorkflows(relayer.address)).to.deep.equal([]);
      expect(await registry.nonces(alice.address)).to.equal(0n);
    });

    it('applies the workflow rules of createWorkflow', async function () {
      const fixture = await loadFixture(approvedFixture);
      const { registry, alice, relayer, interval } = fixture;
      await expect(createAs(fixture, relayer, alice.address, { ...interval, triggerData: words(0) }))
        .to.be.revertedWithCustomError(registry, 'WorkflowRegistryInvalidTriggerData')
        .withArgs(TriggerType.Interval);
      const timeTrigger = { ...interval, triggerType: TriggerType.Time, triggerData: encodeTimeTrigger(1_900_000_000) };
      await expect(createAs(fixture, relayer, alice.address, { ...timeTrigger, maxExecutions: 2 }))
        .to.be.revertedWithCustomError(registry, 'WorkflowRegistryInvalidMaxExecutions')
        .withArgs(TriggerType.Time, 2n);
      await expect(createAs(fixture, relayer, alice.address, { ...timeTrigger, maxExecutions: 0 }))
        .to.emit(registry, 'WorkflowCreated')
        .withArgs(1n, alice.address, TriggerType.Time, ActionType.NativeTransfer, 1n);
    });

    it('rejects an operator the owner did not approve', async function () {
      const fixture = await loadFixture(operatorFixture);
      const { registry, alice, relayer } = fixture;
      await expect(createAs(fixture, relayer, alice.address))
        .to.be.revertedWithCustomError(registry, 'WorkflowRegistryNotOperator')
        .withArgs(alice.address, relayer.address);
    });

    it('rejects a revoked operator', async function () {
      const fixture = await loadFixture(approvedFixture);
      const { registry, alice, relayer } = fixture;
      await registry.connect(alice).getFunction('setOperator')(relayer.address, false);
      await expect(createAs(fixture, relayer, alice.address))
        .to.be.revertedWithCustomError(registry, 'WorkflowRegistryNotOperator')
        .withArgs(alice.address, relayer.address);
    });

    it('rejects an operator approved by another owner', async function () {
      const fixture = await loadFixture(operatorFixture);
      const { registry, alice, bob, relayer } = fixture;
      await registry.connect(bob).getFunction('setOperator')(relayer.address, true);
      await expect(createAs(fixture, relayer, alice.address))
        .to.be.revertedWithCustomError(registry, 'WorkflowRegistryNotOperator')
        .withArgs(alice.address, relayer.address);
    });

    it('rejects the owner itself, which is not its own operator', async function () {
      const fixture = await loadFixture(approvedFixture);
      const { registry, alice } = fixture;
      await expect(createAs(fixture, alice, alice.address))
        .to.be.revertedWithCustomError(registry, 'WorkflowRegistryNotOperator')
        .withArgs(alice.address, alice.address);
    });

    it('rejects the zero address as owner', async function () {
      const fixture = await loadFixture(approvedFixture);
      const { registry, relayer } = fixture;
      await expect(createAs(fixture, relayer, ethers.ZeroAddress))
        .to.be.revertedWithCustomError(registry, 'WorkflowRegistryNotOperator')
        .withArgs(ethers.ZeroAddress, relayer.address);
    });
  });

  describe('deactivateWorkflowAsOperator', function () {
    async function operatorWorkflowFixture() {
      const base = await approvedFixture();
      await createWorkflow(base.registry, base.alice, base.interval);
      return base;
    }

    it("lets an operator of the owner deactivate the owner's workflow", async function () {
      const { registry, alice, relayer } = await loadFixture(operatorWorkflowFixture);
      await expect(registry.connect(relayer).getFunction('deactivateWorkflowAsOperator')(1))
        .to.emit(registry, 'WorkflowDeactivated')
        .withArgs(1n, alice.address);
      expect((await registry.getWorkflow(1)).active).to.equal(false);
      expect(await registry.nonces(alice.address)).to.equal(0n);
    });

    it('rejects deactivation by an account that is not an operator of the owner', async function () {
      const { registry, alice, mallory } = await loadFixture(operatorWorkflowFixture);
      await expect(registry.connect(mallory).getFunction('deactivateWorkflowAsOperator')(1))
        .to.be.revertedWithCustomError(registry, 'WorkflowRegistryNotOperator')
        .withArgs(alice.address, mallory.address);
    });

    it('rejects deactivation by an operator of another owner', async function () {
      const { registry, alice, bob, mallory } = await loadFixture(operatorWorkflowFixture);
      await registry.connect(bob).getFunction('setOperator')(mallory.address, true);
      await expect(registry.connect(mallory).getFunction('deactivateWorkflowAsOperator')(1))
        .to.be.revertedWithCustomError(registry, 'WorkflowRegistryNotOperator')
        .withArgs(alice.address, mallory.address);
    });

    it('rejects deactivation by a revoked operator', async function () {
      const { registry, alice, relayer } = await loadFixture(operatorWorkflowFixture);
      await registry.connect(alice).getFunction('setOperator')(relayer.address, false);
      await expect(registry.connect(relayer).getFunction('deactivateWorkflowAsOperator')(1))
        .to.be.revertedWithCustomError(registry, 'WorkflowRegistryNotOperator')
        .withArgs(alice.address, relayer.address);
    });

    it('rejects deactivating an inactive workflow', async function () {
      const { registry, alice, relayer } = await loadFixture(operatorWorkflowFixture);
      await registry.connect(alice).getFunction('deactivateWorkflow')(1);
      await expect(registry.connect(relayer).getFunction('deactivateWorkflowAsOperator')(1))
        .to.be.revertedWithCustomError(registry, 'WorkflowRegistryWorkflowInactive')
        .withArgs(1n);
    });

    it('rejects an unknown workflow', async function () {
      const { registry, relayer } = await loadFixture(operatorWorkflowFixture);
      await expect(registry.connect(relayer).getFunction('deactivateWorkflowAsOperator')(2))
        .to.be.revertedWithCustomError(registry, 'WorkflowRegistryUnknownWorkflow')
        .withArgs(2n);
    });
  });

  describe('setOperatorFor', function () {
    async function signedOperatorFixture() {
      const base = await operatorFixture();
      const deadline = (await latestTimestamp()) + 3600n;
      const message = { owner: base.alice.address, operator: base.relayer.address, approved: true, deadline };
      const signature = await signSetOperator(base.registry, base.alice, message);
      return { ...base, message, signature };
    }

    function submit(
      fixture: Awaited<ReturnType<typeof signedOperatorFixture>>,
      overrides: Partial<typeof fixture.message> = {},
      signature: string = fixture.signature,
    ) {
      const m = { ...fixture.message, ...overrides };
      // The relayer submits the approval it is being given, as the API does.
      return fixture.registry.connect(fixture.relayer).getFunction('setOperatorFor')(
        m.owner,
        m.operator,
        m.approved,
        m.deadline,
        signature,
      );
    }

    it('publishes the type hash of the SetOperator message', async function () {
      const { registry } = await loadFixture(operatorFixture);
      const encoded = ethers.TypedDataEncoder.from(SET_OPERATOR_TYPES).encodeType('SetOperator');
      expect(await registry.SET_OPERATOR_TYPEHASH()).to.equal(ethers.id(encoded));
    });

    it("approves an operator on the owner's signature, submitted by someone else", async function () {
      const fixture = await loadFixture(signedOperatorFixture);
      const { registry, alice, relayer } = fixture;
      await expect(submit(fixture)).to.emit(registry, 'OperatorSet').withArgs(alice.address, relayer.address, true);
      expect(await registry.isOperator(alice.address, relayer.address)).to.equal(true);
      expect(await registry.nonces(alice.address)).to.equal(1n);
    });

    it("revokes an operator on the owner's signature", async function () {
      const fixture = await loadFixture(signedOperatorFixture);
      const { registry, alice, relayer, message } = fixture;
      await submit(fixture);
      const revocation = await signSetOperator(registry, alice, { ...message, approved: false });
      await expect(submit(fixture, { approved: false }, revocation))
        .to.emit(registry, 'OperatorSet')
        .withArgs(alice.address, relayer.address, false);
      expect(await registry.isOperator(alice.address, relayer.address)).to.equal(false);
      expect(await registry.nonces(alice.address)).to.equal(2n);
    });

    it('rejects a replayed signature', async function () {
      const fixture = await loadFixture(signedOperatorFixture);
      await submit(fixture);
      await expect(submit(fixture))
        .to.be.revertedWithCustomError(fixture.registry, 'WorkflowRegistryInvalidSignature')
        .withArgs(fixture.alice.address);
    });

    it('rejects an expired signature', async function () {
      const fixture = await loadFixture(signedOperatorFixture);
      await time.increaseTo(fixture.message.deadline + 1n);
      await expect(submit(fixture))
        .to.be.revertedWithCustomError(fixture.registry, 'WorkflowRegistryExpiredSignature')
        .withArgs(fixture.message.deadline);
    });

    it('accepts a signature in the block of its deadline', async function () {
      const fixture = await loadFixture(signedOperatorFixture);
      await time.setNextBlockTimestamp(fixture.message.deadline);
      await expect(submit(fixture)).to.emit(fixture.registry, 'OperatorSet');
    });

    it('rejects a signature by someone other than the owner', async function () {
      const fixture = await loadFixture(signedOperatorFixture);
      const { registry, alice, relayer, message } = fixture;
      // The relayer cannot approve itself by signing the owner's message with its own key.
      const forged = await signSetOperator(registry, relayer, message);
      await expect(submit(fixture, {}, forged))
        .to.be.revertedWithCustomError(registry, 'WorkflowRegistryInvalidSignature')
        .withArgs(alice.address);
      expect(await registry.isOperator(alice.address, relayer.address)).to.equal(false);
    });

    const alterations: [string, (f: Awaited<ReturnType<typeof signedOperatorFixture>>) => object][] = [
      ['operator', (f) => ({ operator: f.mallory.address })],
      ['approval', () => ({ approved: false })],
      ['deadline', (f) => ({ deadline: f.message.deadline + 1n })],
      ['owner', (f) => ({ owner: f.bob.address })],
    ];
    for (const [field, alter] of alterations) {
      it(`rejects a signature whose ${field} was altered`, async function () {
        const fixture = await loadFixture(signedOperatorFixture);
        const overrides = alter(fixture);
        const owner = (overrides as { owner?: string }).owner ?? fixture.alice.address;
        await expect(submit(fixture, overrides))
          .to.be.revertedWithCustomError(fixture.registry, 'WorkflowRegistryInvalidSignature')
          .withArgs(owner);
      });
    }

    it('rejects the zero address as owner', async function () {
      const fixture = await loadFixture(signedOperatorFixture);
      await expect(submit(fixture, { owner: ethers.ZeroAddress }))
        .to.be.revertedWithCustomError(fixture.registry, 'WorkflowRegistryInvalidOwner')
        .withArgs(ethers.ZeroAddress);
    });

    it('rejects a signed approval of the owner as its own operator', async function () {
      const fixture = await loadFixture(signedOperatorFixture);
      const { registry, alice, message } = fixture;
      const signature = await signSetOperator(registry, alice, { ...message, operator: alice.address });
      await expect(submit(fixture, { operator: alice.address }, signature))
        .to.be.revertedWithCustomError(registry, 'WorkflowRegistryInvalidOperator')
        .withArgs(alice.address);
    });

    it('accepts an ERC-1271 signature of a contract wallet', async function () {
      const fixture = await loadFixture(signedOperatorFixture);
      const { registry, alice, relayer, message } = fixture;
      const wallet = await ethers.deployContract('ERC1271WalletMock', [alice.address]);
      const walletAddress = await wallet.getAddress();
      const signature = await signSetOperator(registry, alice, { ...message, owner: walletAddress });
      await expect(submit(fixture, { owner: walletAddress }, signature))
        .to.emit(registry, 'OperatorSet')
        .withArgs(walletAddress, relayer.address, true);
      expect(await registry.isOperator(walletAddress, relayer.address)).to.equal(true);
    });

    it('shares nonces with createWorkflowFor: an approval uses up a signed creation of the same nonce', async function () {
      const fixture = await loadFixture(signedOperatorFixture);
      const { registry, alice, interval, message } = fixture;
      const createMessage = { ...interval, owner: alice.address, deadline: message.deadline };
      const createSignature = await signCreateWorkflow(registry, alice, createMessage);
      const createFor = () =>
        registry.getFunction('createWorkflowFor')(
          alice.address,
          interval.triggerType,
          interval.triggerData,
          interval.actionType,
          interval.actionData,
          interval.maxExecutions,
          message.deadline,
          createSignature,
        );

      // Both signatures were made for nonce 0: whichever is submitted first uses it up for the other.
      await submit(fixture);
      await expect(createFor())
        .to.be.revertedWithCustomError(registry, 'WorkflowRegistryInvalidSignature')
        .withArgs(alice.address);
      expect(await registry.nonces(alice.address)).to.equal(1n);
    });

    it('shares nonces with createWorkflowFor: a signed creation uses up an approval of the same nonce', async function () {
      const fixture = await loadFixture(signedOperatorFixture);
      const { registry, alice, interval, message } = fixture;
      const createMessage = { ...interval, owner: alice.address, deadline: message.deadline };
      await registry.getFunction('createWorkflowFor')(
        alice.address,
        interval.triggerType,
        interval.triggerData,
        interval.actionType,
        interval.actionData,
        interval.maxExecutions,
        message.deadline,
        await signCreateWorkflow(registry, alice, createMessage),
      );
      await expect(submit(fixture))
        .to.be.revertedWithCustomError(registry, 'WorkflowRegistryInvalidSignature')
        .withArgs(alice.address);
      expect(await registry.nonces(alice.address)).to.equal(1n);
      const resigned = await signSetOperator(registry, alice, message);
      await expect(submit(fixture, {}, resigned)).to.emit(registry, 'OperatorSet');
    });
  });

  describe('recordExecution', function () {
    it('rejects callers without the executor role', async function () {
      const { registry, alice, worker, interval } = await loadFixture(registryFixture);
      await createWorkflow(registry, alice, interval);
      for (const caller of [alice, worker]) {
        await expect(registry.connect(caller).getFunction('recordExecution')(1, 1))
          .to.be.revertedWithCustomError(registry, 'AccessControlUnauthorizedAccount')
          .withArgs(caller.address, EXECUTOR_ROLE);
      }
    });

    it('records consecutive executions with their block time', async function () {
      const { registry, alice, recorderAccount, interval } = await loadFixture(registryFixture);
      await createWorkflow(registry, alice, interval);
      const record = registry.connect(recorderAccount).getFunction('recordExecution');

      const firstAt = (await latestTimestamp()) + 10n;
      await time.setNextBlockTimestamp(firstAt);
      await expect(record(1, 1)).to.emit(registry, 'WorkflowExecuted').withArgs(1n, 1n, firstAt);
      const secondAt = firstAt + 100n;
      await time.setNextBlockTimestamp(secondAt);
      const tx = record(1, 2);
      await expect(tx).to.emit(registry, 'WorkflowExecuted').withArgs(1n, 2n, secondAt);
      await expect(tx).not.to.emit(registry, 'WorkflowCompleted');

      const workflow = await registry.getWorkflow(1);
      expect(workflow.executionCount).to.equal(2n);
      expect(workflow.lastExecutedAt).to.equal(secondAt);
      expect(workflow.active).to.equal(true);
    });

    it('rejects an execution number that is not the next one', async function () {
      const { registry, alice, recorderAccount, interval } = await loadFixture(registryFixture);
      await createWorkflow(registry, alice, interval);
      const record = registry.connect(recorderAccount).getFunction('recordExecution');
      await expect(record(1, 2))
        .to.be.revertedWithCustomError(registry, 'WorkflowRegistryExecutionOutOfOrder')
        .withArgs(1n, 2n, 1n);
      await record(1, 1);
      await expect(record(1, 1))
        .to.be.revertedWithCustomError(registry, 'WorkflowRegistryExecutionOutOfOrder')
        .withArgs(1n, 1n, 2n);
    });

    it('completes a workflow when it reaches its maximum number of executions', async function () {
      const { registry, alice, recorderAccount, interval } = await loadFixture(registryFixture);
      await createWorkflow(registry, alice, interval);
      const record = registry.connect(recorderAccount).getFunction('recordExecution');
      await record(1, 1);
      await record(1, 2);
      await expect(record(1, 3)).to.emit(registry, 'WorkflowCompleted').withArgs(1n);
      expect((await registry.getWorkflow(1)).active).to.equal(false);
      await expect(record(1, 4))
        .to.be.revertedWithCustomError(registry, 'WorkflowRegistryWorkflowInactive')
        .withArgs(1n);
    });

    it('keeps a workflow without a maximum active', async function () {
      const { registry, alice, recorderAccount, interval } = await loadFixture(registryFixture);
      await createWorkflow(registry, alice, { ...interval, maxExecutions: 0 });
      const record = registry.connect(recorderAccount).getFunction('recordExecution');
      for (let executionNo = 1; executionNo <= 5; executionNo++) {
        await expect(record(1, executionNo)).not.to.emit(registry, 'WorkflowCompleted');
      }
      const workflow = await registry.getWorkflow(1);
      expect(workflow.executionCount).to.equal(5n);
      expect(workflow.active).to.equal(true);
    });

    it('rejects executions of a deactivated workflow', async function () {
      const { registry, alice, recorderAccount, interval } = await loadFixture(registryFixture);
      await createWorkflow(registry, alice, interval);
      await registry.connect(alice).getFunction('deactivateWorkflow')(1);
      await expect(registry.connect(recorderAccount).getFunction('recordExecution')(1, 1))
        .to.be.revertedWithCustomError(registry, 'WorkflowRegistryWorkflowInactive')
        .withArgs(1n);
    });

    it('rejects an unknown workflow', async function () {
      const { registry, recorderAccount } = await loadFixture(registryFixture);
      await expect(registry.connect(recorderAccount).getFunction('recordExecution')(7, 1))
        .to.be.revertedWithCustomError(registry, 'WorkflowRegistryUnknownWorkflow')
        .withArgs(7n);
    });
  });

  describe('getWorkflow', function () {
    it('rejects id 0 and ids past the count', async function () {
      const { registry, alice, interval } = await loadFixture(registryFixture);
      await createWorkflow(registry, alice, interval);
      for (const id of [0n, 2n]) {
        await expect(registry.getWorkflow(id))
          .to.be.revertedWithCustomError(registry, 'WorkflowRegistryUnknownWorkflow')
          .withArgs(id);
      }
    });
  });
});
