import os from 'node:os';
import path from 'node:path';

import { Wallet, parseEther, type EventLog } from 'ethers';

import { encodeIntervalTrigger, encodeNativeTransfer } from '../../src/chain/abi-codec';
import { executionKey } from '../../src/chain/contracts';
import type { AutomationStatus } from '../../src/domain/automation';
import { ActionType, TriggerType } from '../../src/domain/codes';
import { statusQuery } from '../../src/workflows/definitions';
import {
  createEngineTestKit,
  createTestNamespace,
  engineEnv,
  startWorkerProcess,
  type EngineTestKit,
  type WorkerProcess,
} from '../support/engine';

const OWNER_INDEX = 8;
const AUTOMATIONS = 10;
const DEPOSIT = parseEther('5');
const SEED = 0x5eed_c0de;
/** How long a worker polls before it is killed, at random within the range. */
const UPTIME_MS = { min: 1_000, max: 4_000 };
const MIN_KILLS = 10;
/** Distinct moments (executions on-chain so far) at which a kill interrupted an execution. */
const MIN_INTERRUPTED_POINTS = 3;
/**
 * Every other kill waits, after its random uptime, up to this long for an execution to be in flight, so
 * kills land inside executions whatever the machine's pace; the others hit whatever the worker is doing.
 */
const IN_FLIGHT_WAIT_MS = 6_000;
/** Kills go on until every execution and fee is on-chain; still missing one after this long fails the test. */
const KILL_PHASE_MS = 210_000;
const TEST_TIMEOUT_MS = 270_000;

/** One interval automation of the run: what it sends, to whom, how often and how many times. */
interface PlannedAutomation {
  registryId: string;
  recipient: string;
  amountWei: bigint;
  intervalSeconds: number;
  maxExecutions: number;
}

/** One SIGKILL and what it interrupted. */
interface Kill {
  /** Executions on-chain just before the kill. */
  executedBefore: number;
  /** Executions the killed worker had begun to send and not finished. */
  inFlight: string[];
}

/** A small seeded generator (mulberry32), so a failing run can be repeated with the same kill times. */
function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Parses the JSON log lines of a worker, skipping anything else it printed. */
function logEntries(lines: string[]): Array<Record<string, unknown>> {
  return lines.flatMap((line) => {
    try {
      return [JSON.parse(line) as Record<string, unknown>];
    } catch {
      return [];
    }
  });
}

/**
 * The executions a worker had begun to send (simulation passed, action logged) and not finished (fee
 * recorded) by its last line: what a kill at that moment interrupted.
 */
function unfinishedExecutions(lines: string[]): string[] {
  const begun = new Set<string>();
  for (const entry of logEntries(lines)) {
    const execution = `${entry.registryId}#${entry.executionNo}`;
    const message = String(entry.message);
    if (message.startsWith('Executing ') || message === 'Execute transaction sent') begun.add(execution);
    if (message === 'Gas fee deducted from escrow') begun.delete(execution);
  }
  return [...begun];
}

describe('automations while the worker process is SIGKILLed again and again', () => {
  jest.setTimeout(TEST_TIMEOUT_MS + 30_000);
  let kit: EngineTestKit;
  let namespace: string;
  let worker: WorkerProcess | undefined;

  beforeAll(async () => {
    namespace = await createTestNamespace('crash');
    kit = await createEngineTestKit(namespace, OWNER_INDEX);
  });

  afterAll(async () => {
    await worker?.stop();
    await kit?.close();
  });

  /** Creates an interval automation with the owner's own registry transaction and returns its plan. */
  async function createAutomation(index: number): Promise<PlannedAutomation> {
    const planned = {
      recipient: Wallet.createRandom().address,
      amountWei: parseEther('0.001') * BigInt(index + 1),
      intervalSeconds: 1 + (index % 2),
      maxExecutions: 5 + (index % 2),
    };
    const receipt = await (
      await kit.owner.contracts.registry.createWorkflow(
        TriggerType.Interval,
        encodeIntervalTrigger(planned.intervalSeconds),
        ActionType.NativeTransfer,
        encodeNativeTransfer(planned.recipient, planned.amountWei),
        planned.maxExecutions,
      )
    ).wait();
    const created = receipt.logs.find((log: EventLog) => log.eventName === 'WorkflowCreated') as EventLog;
    return { registryId: created.args.workflowId.toString() as string, ...planned };
  }

  function keyOf(registryId: string, executionNo: number): string {
    return executionKey(kit.config.CHAIN_ID, kit.config.WORKFLOW_REGISTRY_ADDRESS, BigInt(registryId), executionNo);
  }

  /** Executions the registry counts so far, and whether every one is there with the last one's fee charged. */
  async function onChainProgress(plan: PlannedAutomation[]): Promise<{ executed: number; done: boolean }> {
    let executed = 0;
    let done = true;
    for (const automation of plan) {
      const count = Number((await kit.contracts.registry.getWorkflow(BigInt(automation.registryId))).executionCount);
      executed += count;
      if (count < automation.maxExecutions) done = false;
      else if (!(await kit.contracts.escrow.isFeeCharged(keyOf(automation.registryId, automation.maxExecutions))))
        done = false;
    }
    return { executed, done };
  }

  /** Queries an automation until `done` holds (a dead worker answers no query, so errors are retried). */
  async function waitForStatus(registryId: string, done: (status: AutomationStatus) => boolean, deadline: number) {
    let last: AutomationStatus | undefined;
    let lastError: unknown;
    while (Date.now() < deadline) {
      try {
        last = await kit.automations.handle(registryId).query(statusQuery);
        if (done(last)) return last;
      } catch (error) {
        lastError = error;
      }
      await sleep(250);
    }
    throw new Error(
      `automation ${registryId} did not get there; last status ${JSON.stringify(last)} ${String(lastError ?? '')}`,
    );
  }

  it('executes and charges every execution exactly once while the worker keeps dying', async () => {
    const startedAt = Date.now();
    const deadline = startedAt + TEST_TIMEOUT_MS;
    const random = seededRandom(SEED);
    const { registry, executor, escrow } = kit.contracts;
    const owner = kit.owner.address;

    // The registry sync of this namespace reads from here, so it runs this file's automations only.
    const startBlock = await kit.provider.getBlockNumber();
    const escrowBefore: bigint = await escrow.balanceOf(owner);
    await (await kit.owner.contracts.escrow.deposit({ value: DEPOSIT })).wait();
    const plan: PlannedAutomation[] = [];
    for (let index = 0; index < AUTOMATIONS; index++) plan.push(await createAutomation(index));
    const plannedExecutions = plan.reduce((sum, automation) => sum + automation.maxExecutions, 0);
    expect(plannedExecutions).toBeGreaterThanOrEqual(50);

    const env = engineEnv(namespace, { REGISTRY_START_BLOCK: String(startBlock) });
    const logFile = path.join(os.tmpdir(), `${namespace}-workers.log`);
    worker = await startWorkerProcess(env, logFile);
    // Every automation runs before the first kill: the sync step that starts them is not under test here.
    await Promise.all(plan.map((automation) => waitForStatus(automation.registryId, () => true, deadline)));

    const kills: Kill[] = [];
    const killPhaseEnd = Date.now() + KILL_PHASE_MS;
    let progress = await onChainProgress(plan);
    // On a fast machine the executions may all be done before MIN_KILLS: the remaining kills then hit
    // workers that only replay the finished histories, which must send nothing either.
    while (Date.now() < killPhaseEnd && !(progress.done && kills.length >= MIN_KILLS)) {
      await sleep(UPTIME_MS.min + Math.floor(random() * (UPTIME_MS.max - UPTIME_MS.min)));
      if (kills.length % 2 === 1) {
        const waitUntil = Date.now() + IN_FLIGHT_WAIT_MS;
        while (unfinishedExecutions(worker.lines()).length === 0 && Date.now() < waitUntil) await sleep(25);
      }
      progress = await onChainProgress(plan);
      if (progress.done && kills.length >= MIN_KILLS) break;
      await worker.stop('SIGKILL');
      kills.push({ executedBefore: progress.executed, inFlight: unfinishedExecutions(worker.lines()) });
      worker = await startWorkerProcess(env, logFile);
    }
    const killPhaseSeconds = Math.round((Date.now() - startedAt) / 1000);
    const killsInFlight = kills.filter((kill) => kill.inFlight.length > 0).length;
    process.stdout.write(
      `crash test: ${kills.length} kills, ${killsInFlight} with an execution in flight, ` +
        `${progress.executed} of ${plannedExecutions} executions on-chain ${killPhaseSeconds} s after the start ` +
        `(on-chain before each kill: ${kills.map((kill) => kill.executedBefore).join(' ')}); worker log ${logFile}\n`,
    );
    // Every execution and fee happened while the worker kept dying, not after the kills stopped.
    expect(progress).toEqual({ executed: plannedExecutions, done: true });
    expect(kills.length).toBeGreaterThanOrEqual(MIN_KILLS);
    // Kills interrupted executions at several points of the run, not at one moment.
    const interruptedAt = new Set(kills.filter((kill) => kill.inFlight.length > 0).map((kill) => kill.executedBefore));
    expect(interruptedAt.size).toBeGreaterThanOrEqual(MIN_INTERRUPTED_POINTS);

    const finals = await Promise.all(
      plan.map((automation) =>
        waitForStatus(automation.registryId, (status) => status.state === 'completed', deadline),
      ),
    );
    const fees = (await escrow.queryFilter(escrow.filters.FeeCharged(owner), startBlock)) as EventLog[];
    let transferred = 0n;
    let charged = 0n;
    for (const [index, automation] of plan.entries()) {
      const id = BigInt(automation.registryId);
      const executed = (await executor.queryFilter(executor.filters.ActionExecuted(id), startBlock)) as EventLog[];
      const numbers = executed.map((event) => Number(event.args.executionNo)).sort((a, b) => a - b);
      expect(numbers).toEqual(Array.from({ length: automation.maxExecutions }, (_, n) => n + 1));
      expect((await registry.getWorkflow(id)).executionCount).toBe(BigInt(automation.maxExecutions));
      expect(await kit.provider.getBalance(automation.recipient)).toBe(
        automation.amountWei * BigInt(automation.maxExecutions),
      );
      transferred += automation.amountWei * BigInt(automation.maxExecutions);

      const status = finals[index];
      expect(status.executionCount).toBe(automation.maxExecutions);
      expect(status.executions.map((execution) => execution.executionNo)).toEqual(numbers);
      for (const execution of status.executions) {
        const event = executed.find((candidate) => Number(candidate.args.executionNo) === execution.executionNo)!;
        expect(execution.txHash).toBe(event.transactionHash);

        const key = keyOf(automation.registryId, execution.executionNo);
        const charges = fees.filter((fee) => fee.args.executionKey === key);
        expect(charges).toHaveLength(1);
        expect(await escrow.isFeeCharged(key)).toBe(true);
        expect(execution.gasFeeWei).toBe(charges[0].args.amount.toString());
        expect(execution.feeTxHash).toBe(charges[0].transactionHash);
        charged += charges[0].args.amount as bigint;
      }
    }
    // One charge per execution key and none besides.
    expect(fees).toHaveLength(plannedExecutions);
    expect(await escrow.balanceOf(owner)).toBe(escrowBefore + DEPOSIT - transferred - charged);
    expect(await kit.provider.getBalance(await escrow.getAddress())).toBeGreaterThanOrEqual(await escrow.totalOwed());
  });
});
