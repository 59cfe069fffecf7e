import os from 'node:os';
import path from 'node:path';

import { Contract, ContractFactory, parseEther, parseUnits, type EventLog } from 'ethers';

import {
  encodeContractCall,
  encodeErc20Transfer,
  encodeIntervalTrigger,
  encodeNativeTransfer,
  encodePriceTrigger,
  encodeTimeTrigger,
} from '../../src/chain/abi-codec';
import { loadArtifact } from '../../src/chain/artifacts';
import type { AutomationStatus } from '../../src/domain/automation';
import { ActionType, PriceComparator, TriggerType } from '../../src/domain/codes';
import { hardhatDevWallet } from '../../src/stack/local-accounts';
import { statusQuery } from '../../src/workflows/definitions';
import { testServices } from '../support/services';
import {
  createEngineTestKit,
  createTestNamespace,
  engineEnv,
  startWorkerProcess,
  type EngineTestKit,
  type WorkerProcess,
} from '../support/engine';

const OWNER_INDEX = 5;

describe('automations on a real Temporal server, Redis and chain', () => {
  jest.setTimeout(120_000);
  let kit: EngineTestKit;
  let worker: WorkerProcess;

  beforeAll(async () => {
    const namespace = await createTestNamespace('engine');
    kit = await createEngineTestKit(namespace, OWNER_INDEX);
    // A long safety-net interval: a price automation that reacts within seconds was woken by the watcher.
    // Few iterations per run, so a longer automation continues as new within a test.
    const env = engineEnv(namespace, { PRICE_CHECK_INTERVAL: '300', AUTOMATION_ITERATIONS_PER_RUN: '10' });
    worker = await startWorkerProcess(env, path.join(os.tmpdir(), `${namespace}-worker.log`));
    await (await kit.owner.contracts.escrow.deposit({ value: parseEther('20') })).wait();
  });

  afterAll(async () => {
    await worker?.stop();
    await kit?.close();
  });

  /** Creates a workflow with the owner's own registry transaction, as a wallet would, and returns its id. */
  async function createOnChain(
    triggerType: number,
    triggerData: string,
    actionType: number,
    actionData: string,
    maxExecutions = 0,
  ) {
    const receipt = await (
      await kit.owner.contracts.registry.createWorkflow(triggerType, triggerData, actionType, actionData, maxExecutions)
    ).wait();
    const created = receipt.logs.find((log: EventLog) => log.eventName === 'WorkflowCreated') as EventLog;
    return created.args.workflowId.toString() as string;
  }

  /** Queries an automation until `done` holds, failing with its last status after `timeoutMs`. */
  async function waitForStatus(registryId: string, done: (status: AutomationStatus) => boolean, timeoutMs = 60_000) {
    const deadline = Date.now() + timeoutMs;
    let last: AutomationStatus | undefined;
    let lastError: unknown;
    while (Date.now() < deadline) {
      try {
        last = await kit.automations.handle(registryId).query(statusQuery);
        if (done(last)) return last;
      } catch (error) {
        lastError = error; // not started yet: the registry sync starts it within a poll interval
      }
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    throw new Error(
      `automation ${registryId} did not get there; last status ${JSON.stringify(last)} ${String(lastError ?? '')}`,
    );
  }

  /** Retries `check` until it passes or `timeoutMs` ends, then lets its last failure through. */
  async function eventually(check: () => void | Promise<void>, timeoutMs = 10_000) {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      try {
        return await check();
      } catch (error) {
        if (Date.now() > deadline) throw error;
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
    }
  }

  /** Waits until the automation's Temporal workflow closes and returns how it closed. */
  async function closedStatus(registryId: string, timeoutMs = 30_000) {
    const deadline = Date.now() + timeoutMs;
    let described = await kit.automations.handle(registryId).describe();
    while (described.status.name === 'RUNNING' && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 250));
      described = await kit.automations.handle(registryId).describe();
    }
    return described.status.name;
  }

  async function feeChargesOf(registryId: string) {
    const events = await kit.contracts.escrow.queryFilter(kit.contracts.escrow.filters.FeeCharged(kit.owner.address));
    const executions = await kit.contracts.executor.queryFilter(
      kit.contracts.executor.filters.ActionExecuted(BigInt(registryId)),
    );
    return { fees: events.length, executions };
  }

  async function blockTime() {
    return (await kit.provider.getBlock('latest'))!.timestamp;
  }

  it('runs the Quick Start: a price fall below the target sends 1 ETH exactly once and charges the fee once', async () => {
    const recipient = hardhatDevWallet(16).address;
    await (await kit.feed('ethereum').setAnswer(parseUnits('3350', 8))).wait();
    const before = await kit.provider.getBalance(recipient);
    const feesBefore = (await feeChargesOf('0')).fees;

    const registryId = await createOnChain(
      TriggerType.Price,
      encodePriceTrigger('ethereum', PriceComparator.AtOrBelow, parseUnits('3200', 8)),
      ActionType.NativeTransfer,
      encodeNativeTransfer(recipient, parseEther('1')),
      1,
    );
    const watching = await waitForStatus(
      registryId,
      (status) => status.state === 'watching' && status.lastCheck !== undefined,
    );
    expect(watching.lastCheck).toMatchObject({ priceUsd: 3350, conditionMet: false });
    expect(watching.executions).toEqual([]);

    await (await kit.feed('ethereum').setAnswer(parseUnits('3198.16', 8))).wait();
    const done = await waitForStatus(registryId, (status) => status.state === 'completed');

    expect(await kit.provider.getBalance(recipient)).toBe(before + parseEther('1'));
    expect(done.executionCount).toBe(1);
    expect(done.executions).toHaveLength(1);
    expect(done.executions[0]).toMatchObject({ executionNo: 1, txHash: expect.stringMatching(/^0x[0-9a-f]{64}$/) });
    expect(BigInt(done.executions[0].gasFeeWei!)).toBeGreaterThan(0n);
    const { fees, executions } = await feeChargesOf(registryId);
    expect(executions).toHaveLength(1);
    expect(fees - feesBefore).toBe(1);
    // Log lines and the visibility index follow the workflow's progress by a moment.
    const workflowId = kit.automations.workflowId(registryId);
    await eventually(() => {
      const logged = worker
        .lines()
        .flatMap((line) => (line.startsWith('{') ? [JSON.parse(line) as Record<string, unknown>] : []));
      for (const message of [
        'Trigger condition met',
        'Execution started',
        'Workflow executed',
        'Gas fee deducted from escrow',
      ]) {
        expect(logged.some((entry) => entry.message === message && entry.workflowId === workflowId)).toBe(true);
      }
      expect(
        logged.some(
          (entry) =>
            entry.message === `Executing native transfer: 1.0 ETH to ${recipient}` && entry.workflowId === workflowId,
        ),
      ).toBe(true);
    });
    await eventually(async () => {
      const searchable = [];
      const query = `AutometaState = "completed" AND AutometaTriggerType = "price" AND AutometaToken = "ethereum"`;
      for await (const execution of kit.client.workflow.list({ query })) searchable.push(execution.workflowId);
      expect(searchable).toContain(workflowId);
    });
    expect(
      worker
        .lines()
        .some(
          (line) =>
            line.includes('Price check for ethereum: $3,198.16') || line.includes('Price check for ethereum: $3198.16'),
        ),
    ).toBe(true);
  });

  it('runs a time trigger once at its time, as an ERC-20 transfer from the owner', async () => {
    const token = new Contract(testServices().deployment.testToken, loadArtifact('TestToken').abi, kit.owner.signer);
    await (await token.mint(kit.owner.address, parseUnits('100', 18))).wait();
    await (await token.approve(await kit.contracts.executor.getAddress(), parseUnits('100', 18))).wait();
    const recipient = hardhatDevWallet(17).address;

    const registryId = await createOnChain(
      TriggerType.Time,
      encodeTimeTrigger((await blockTime()) + 3),
      ActionType.Erc20Transfer,
      encodeErc20Transfer(await token.getAddress(), recipient, parseUnits('7', 18)),
      1,
    );
    await waitForStatus(registryId, (status) => status.state === 'completed');
    expect(await token.balanceOf(recipient)).toBe(parseUnits('7', 18));
  });

  it('runs an interval trigger up to its maximum, each execution once', async () => {
    const recipient = hardhatDevWallet(18).address;
    const before = await kit.provider.getBalance(recipient);
    const registryId = await createOnChain(
      TriggerType.Interval,
      encodeIntervalTrigger(2),
      ActionType.NativeTransfer,
      encodeNativeTransfer(recipient, parseEther('0.1')),
      3,
    );
    const done = await waitForStatus(registryId, (status) => status.state === 'completed');
    expect(done.executions.map((execution) => execution.executionNo)).toEqual([1, 2, 3]);
    expect(await kit.provider.getBalance(recipient)).toBe(before + parseEther('0.3'));
    const { executions } = await feeChargesOf(registryId);
    expect(executions).toHaveLength(3);
    const times = done.executions.map((execution) => execution.executedAt);
    expect(times[1] - times[0]).toBeGreaterThanOrEqual(2);
    expect(times[2] - times[1]).toBeGreaterThanOrEqual(2);
  });

  it('hands a long automation to a new run through continue-as-new and keeps counting', async () => {
    const recipient = hardhatDevWallet(15).address;
    const before = await kit.provider.getBalance(recipient);
    const registryId = await createOnChain(
      TriggerType.Interval,
      encodeIntervalTrigger(1),
      ActionType.NativeTransfer,
      encodeNativeTransfer(recipient, parseEther('0.001')),
      12,
    );
    const done = await waitForStatus(registryId, (status) => status.state === 'completed', 90_000);
    expect(done.executions.map((execution) => execution.executionNo)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
    expect(await kit.provider.getBalance(recipient)).toBe(before + parseEther('0.012'));
    const description = await kit.automations.handle(registryId).describe();
    expect(description.runId).not.toBe(description.raw.workflowExecutionInfo?.firstRunId);
  });

  it('runs a contract call with value from the escrow', async () => {
    const recorderArtifact = loadArtifact('CallRecorder');
    const recorder = await new ContractFactory(recorderArtifact.abi, recorderArtifact.bytecode, kit.deployer).deploy();
    await recorder.waitForDeployment();
    const calldata = recorder.interface.encodeFunctionData('record', [42]);
    const registryId = await createOnChain(
      TriggerType.Time,
      encodeTimeTrigger((await blockTime()) + 1),
      ActionType.ContractCall,
      encodeContractCall(await recorder.getAddress(), calldata, parseEther('0.5')),
      1,
    );
    await waitForStatus(registryId, (status) => status.state === 'completed');
    expect(await kit.provider.getBalance(await recorder.getAddress())).toBe(parseEther('0.5'));
  });

  it('waits for a deposit when the escrow is too low, then goes on by itself', async () => {
    const balance: bigint = await kit.contracts.escrow.balanceOf(kit.owner.address);
    const recipient = hardhatDevWallet(19).address;
    const before = await kit.provider.getBalance(recipient);
    const registryId = await createOnChain(
      TriggerType.Time,
      encodeTimeTrigger((await blockTime()) + 1),
      ActionType.NativeTransfer,
      encodeNativeTransfer(recipient, balance + parseEther('1')),
      1,
    );
    const waiting = await waitForStatus(registryId, (status) => status.state === 'waiting');
    expect(waiting.waitingReason).toContain('escrow holds');
    expect(waiting.executions).toEqual([]);

    await (await kit.owner.contracts.escrow.deposit({ value: parseEther('2') })).wait();
    const done = await waitForStatus(registryId, (status) => status.state === 'completed');
    expect(done.executionCount).toBe(1);
    expect(await kit.provider.getBalance(recipient)).toBe(before + balance + parseEther('1'));
  });

  it('can be cancelled while it waits for a deposit', async () => {
    const registryId = await createOnChain(
      TriggerType.Time,
      encodeTimeTrigger((await blockTime()) + 1),
      ActionType.NativeTransfer,
      encodeNativeTransfer(hardhatDevWallet(14).address, parseEther('1000000')),
      1,
    );
    await waitForStatus(registryId, (status) => status.state === 'waiting');
    await (await kit.owner.contracts.registry.deactivateWorkflow(registryId)).wait();
    expect(await closedStatus(registryId)).toBe('CANCELLED');
    expect((await feeChargesOf(registryId)).executions).toHaveLength(0);
  });

  it('pauses and resumes an interval automation', async () => {
    const recipient = hardhatDevWallet(20).address;
    const registryId = await createOnChain(
      TriggerType.Interval,
      encodeIntervalTrigger(1),
      ActionType.NativeTransfer,
      encodeNativeTransfer(recipient, parseEther('0.01')),
      0,
    );
    await waitForStatus(registryId, (status) => status.executionCount >= 1);
    await kit.automations.handle(registryId).signal('pause');
    const paused = await waitForStatus(registryId, (status) => status.state === 'paused');
    await new Promise((resolve) => setTimeout(resolve, 3_000));
    const stillPaused = await kit.automations.handle(registryId).query(statusQuery);
    expect(stillPaused.executionCount).toBe(paused.executionCount);

    await kit.automations.handle(registryId).signal('resume');
    await waitForStatus(registryId, (status) => status.executionCount >= paused.executionCount + 1 && !status.paused);
    await (await kit.owner.contracts.registry.deactivateWorkflow(registryId)).wait();
    await waitForStatus(registryId, (status) => status.state === 'cancelled' || status.state === 'deactivated').catch(
      () => undefined,
    );
  });

  it('cancels an automation whose workflow its owner deactivated on-chain', async () => {
    const registryId = await createOnChain(
      TriggerType.Time,
      encodeTimeTrigger((await blockTime()) + 3_600),
      ActionType.NativeTransfer,
      encodeNativeTransfer(hardhatDevWallet(21).address, parseEther('1')),
      1,
    );
    await waitForStatus(registryId, (status) => status.state === 'scheduled');
    await (await kit.owner.contracts.registry.deactivateWorkflow(registryId)).wait();
    expect(await closedStatus(registryId)).toBe('CANCELLED');
    // A finished automation is never started again, by the API or the registry sync.
    expect(await kit.automations.start(registryId)).toBe(false);
  });

  it('answers that a running automation was already started, and leaves it running', async () => {
    const registryId = await createOnChain(
      TriggerType.Time,
      encodeTimeTrigger((await blockTime()) + 3_600),
      ActionType.NativeTransfer,
      encodeNativeTransfer(hardhatDevWallet(21).address, parseEther('1')),
      1,
    );
    await waitForStatus(registryId, (status) => status.state === 'scheduled');
    const runBefore = (await kit.automations.handle(registryId).describe()).runId;
    expect(await kit.automations.start(registryId)).toBe(false);
    const described = await kit.automations.handle(registryId).describe();
    expect(described.runId).toBe(runBefore);
    expect(described.status.name).toBe('RUNNING');
    await (await kit.owner.contracts.registry.deactivateWorkflow(registryId)).wait();
    expect(await closedStatus(registryId)).toBe('CANCELLED');
  });
});
