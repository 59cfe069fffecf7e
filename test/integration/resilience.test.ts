import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { parseEther, type EventLog } from 'ethers';

import { encodeIntervalTrigger, encodeNativeTransfer, encodeTimeTrigger } from '../../src/chain/abi-codec';
import { executionKey } from '../../src/chain/contracts';
import type { AutomationStatus } from '../../src/domain/automation';
import { ActionType, TriggerType } from '../../src/domain/codes';
import { freePort } from '../../src/stack/free-port';
import { hardhatDevWallet } from '../../src/stack/local-accounts';
import type { ManagedProcess } from '../../src/stack/managed-process';
import { startTemporalServer } from '../../src/stack/temporal-server';
import { statusQuery } from '../../src/workflows/definitions';
import {
  createEngineTestKit,
  createTestNamespace,
  engineEnv,
  startWorkerProcess,
  type EngineTestKit,
} from '../support/engine';
import { TEST_ENV, testServices } from '../support/services';

const projectRoot = path.resolve(__dirname, '..', '..');

/**
 * A JSON-RPC proxy in front of the test chain that passes every request on, but answers the first
 * `failures` eth_sendRawTransaction calls with a gateway timeout after the node has accepted them:
 * the transaction is broadcast, and the sender never learns it.
 */
async function startLossyRpcProxy(upstream: string, failures: number) {
  let failuresLeft = failures;
  let broadcasts = 0;
  const server = http.createServer(async (request, response) => {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks).toString('utf8');
    const answer = await fetch(upstream, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    const text = await answer.text();
    const isBroadcast = body.includes('"eth_sendRawTransaction"');
    if (isBroadcast) broadcasts++;
    if (isBroadcast && failuresLeft > 0) {
      failuresLeft--;
      response.writeHead(504).end('gateway timeout');
      return;
    }
    response.writeHead(answer.status, { 'content-type': 'application/json' }).end(text);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    failuresLeft: () => failuresLeft,
    broadcasts: () => broadcasts,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

async function waitForStatus(
  kit: EngineTestKit,
  registryId: string,
  done: (status: AutomationStatus) => boolean,
  timeoutMs = 90_000,
) {
  const deadline = Date.now() + timeoutMs;
  let last: AutomationStatus | undefined;
  while (Date.now() < deadline) {
    try {
      last = await kit.automations.handle(registryId).query(statusQuery);
      if (done(last)) return last;
    } catch {
      // Not started yet, or the server is restarting.
    }
    await new Promise((resolve) => setTimeout(resolve, 300));
  }
  throw new Error(`automation ${registryId} did not get there; last status ${JSON.stringify(last)}`);
}

async function createOnChain(
  kit: EngineTestKit,
  triggerType: number,
  triggerData: string,
  actionData: string,
  maxExecutions: number,
) {
  const receipt = await (
    await kit.owner.contracts.registry.createWorkflow(
      triggerType,
      triggerData,
      ActionType.NativeTransfer,
      actionData,
      maxExecutions,
    )
  ).wait();
  return (
    receipt.logs.find((log: EventLog) => log.eventName === 'WorkflowCreated') as EventLog
  ).args.workflowId.toString() as string;
}

/** On-chain proof that each execution of `registryId` ran once and was charged once. */
async function expectExactlyOnce(kit: EngineTestKit, registryId: string, executions: number) {
  const executed = await kit.contracts.executor.queryFilter(
    kit.contracts.executor.filters.ActionExecuted(BigInt(registryId)),
  );
  expect(executed.map((event) => Number((event as EventLog).args.executionNo)).sort((a, b) => a - b)).toEqual(
    Array.from({ length: executions }, (_, index) => index + 1),
  );
  for (let executionNo = 1; executionNo <= executions; executionNo++) {
    const key = executionKey(31337, kit.config.WORKFLOW_REGISTRY_ADDRESS, BigInt(registryId), executionNo);
    const charges = await kit.contracts.escrow.queryFilter(
      kit.contracts.escrow.filters.FeeCharged(kit.owner.address, key),
    );
    expect(charges).toHaveLength(1);
  }
}

describe('exactly once through faults', () => {
  jest.setTimeout(240_000);

  it('executes once when the RPC loses the answer to every first broadcast', async () => {
    const proxy = await startLossyRpcProxy(testServices().rpcUrl, 4);
    const namespace = await createTestNamespace('lossy-rpc');
    const kit = await createEngineTestKit(namespace, 10);
    const worker = await startWorkerProcess(
      engineEnv(namespace, { RPC_URL: proxy.url, RECEIPT_TIMEOUT: '5' }),
      path.join(os.tmpdir(), `${namespace}-worker.log`),
    );
    try {
      await (await kit.owner.contracts.escrow.deposit({ value: parseEther('5') })).wait();
      const recipient = hardhatDevWallet(13).address;
      const before = await kit.provider.getBalance(recipient);
      const registryId = await createOnChain(
        kit,
        TriggerType.Interval,
        encodeIntervalTrigger(1),
        encodeNativeTransfer(recipient, parseEther('0.25')),
        2,
      );

      const done = await waitForStatus(kit, registryId, (status) => status.state === 'completed');

      expect(proxy.failuresLeft()).toBe(0);
      expect(done.executions.map((execution) => execution.executionNo)).toEqual([1, 2]);
      expect(await kit.provider.getBalance(recipient)).toBe(before + parseEther('0.5'));
      await expectExactlyOnce(kit, registryId, 2);
    } finally {
      await worker.stop();
      await kit.close();
      await proxy.close();
    }
  });

  it('waits instead of sending while gas costs more than MAX_GAS_PRICE, and goes on once allowed', async () => {
    const namespace = await createTestNamespace('gas-ceiling');
    const kit = await createEngineTestKit(namespace, 9);
    const logFile = path.join(os.tmpdir(), `${namespace}-worker.log`);
    let worker = await startWorkerProcess(engineEnv(namespace, { MAX_GAS_PRICE: '1' }), logFile);
    try {
      await (await kit.owner.contracts.escrow.deposit({ value: parseEther('2') })).wait();
      const recipient = hardhatDevWallet(14).address;
      const before = await kit.provider.getBalance(recipient);
      const now = (await kit.provider.getBlock('latest'))!.timestamp;
      const registryId = await createOnChain(
        kit,
        TriggerType.Time,
        encodeTimeTrigger(now + 1),
        encodeNativeTransfer(recipient, parseEther('0.3')),
        1,
      );
      const waiting = await waitForStatus(kit, registryId, (status) => status.state === 'waiting');
      expect(waiting.waitingReason).toContain('above MAX_GAS_PRICE');
      expect(await kit.provider.getBalance(recipient)).toBe(before);

      await worker.stop();
      worker = await startWorkerProcess(engineEnv(namespace), logFile);
      await waitForStatus(kit, registryId, (status) => status.state === 'completed');
      expect(await kit.provider.getBalance(recipient)).toBe(before + parseEther('0.3'));
      await expectExactlyOnce(kit, registryId, 1);
    } finally {
      await worker.stop();
      await kit.close();
    }
  });

  it('repeats nothing when an operator resets a finished automation to before its execution', async () => {
    const namespace = await createTestNamespace('reset');
    const kit = await createEngineTestKit(namespace, 9);
    const worker = await startWorkerProcess(engineEnv(namespace), path.join(os.tmpdir(), `${namespace}-worker.log`));
    try {
      await (await kit.owner.contracts.escrow.deposit({ value: parseEther('1') })).wait();
      const recipient = hardhatDevWallet(15).address;
      const before = await kit.provider.getBalance(recipient);
      const now = (await kit.provider.getBlock('latest'))!.timestamp;
      const registryId = await createOnChain(
        kit,
        TriggerType.Time,
        encodeTimeTrigger(now + 1),
        encodeNativeTransfer(recipient, parseEther('0.2')),
        1,
      );
      await waitForStatus(kit, registryId, (status) => status.state === 'completed');

      // What "Reset" in the Web UI does: a new run replays the history up to the chosen workflow task.
      const handle = kit.automations.handle(registryId);
      const history = await handle.fetchHistory();
      const events = history.events ?? [];
      const scheduled = events.findIndex(
        (event) => event.activityTaskScheduledEventAttributes?.activityType?.name === 'executeAction',
      );
      const resetPoint = events
        .slice(0, scheduled)
        .reverse()
        .find((event) => event.workflowTaskCompletedEventAttributes);
      const { runId } = await kit.connection.workflowService.resetWorkflowExecution({
        namespace,
        workflowExecution: { workflowId: handle.workflowId },
        reason: 'operator retries the execution',
        workflowTaskFinishEventId: resetPoint!.eventId,
        requestId: `reset-${registryId}`,
      });
      await kit.client.workflow.getHandle(handle.workflowId, runId ?? undefined).result();

      const after = await handle.query(statusQuery);
      expect(after.state).toBe('completed');
      expect(after.executions).toHaveLength(1);
      expect(await kit.provider.getBalance(recipient)).toBe(before + parseEther('0.2'));
      await expectExactlyOnce(kit, registryId, 1);
    } finally {
      await worker.stop();
      await kit.close();
    }
  });

  it('loses nothing and repeats nothing when the Temporal server restarts', async () => {
    const dataDir = mkdtempSync(path.join(os.tmpdir(), 'temporal-restart-'));
    const [port, uiPort] = [await freePort(), await freePort()];
    const startServer = () =>
      startTemporalServer({
        projectRoot,
        port,
        uiPort,
        dbFile: path.join(dataDir, 'temporal.db'),
        namespace: 'default',
        logFile: path.join(dataDir, 'temporal.log'),
      });
    let server: ManagedProcess = await startServer();
    const temporalAddress = `127.0.0.1:${port}`;
    const services = testServices();
    const env = engineEnv('default', { TEMPORAL_ADDRESS: temporalAddress });
    // The kit talks to this test's own server, which keeps its state in a file across the restart.
    process.env[TEST_ENV] = JSON.stringify({ ...services, temporalAddress });
    const kit = await createEngineTestKit('default', 11);
    const worker = await startWorkerProcess(env, path.join(dataDir, 'worker.log'));
    try {
      await (await kit.owner.contracts.escrow.deposit({ value: parseEther('5') })).wait();
      const recipient = hardhatDevWallet(12).address;
      const before = await kit.provider.getBalance(recipient);
      const now = (await kit.provider.getBlock('latest'))!.timestamp;
      const interval = await createOnChain(
        kit,
        TriggerType.Interval,
        encodeIntervalTrigger(2),
        encodeNativeTransfer(recipient, parseEther('0.1')),
        4,
      );
      const later = await createOnChain(
        kit,
        TriggerType.Time,
        encodeTimeTrigger(now + 12),
        encodeNativeTransfer(recipient, parseEther('1')),
        1,
      );
      await waitForStatus(kit, interval, (status) => status.executionCount >= 1);

      await server.stop();
      await new Promise((resolve) => setTimeout(resolve, 3_000));
      server = await startServer();

      await waitForStatus(kit, interval, (status) => status.state === 'completed');
      await waitForStatus(kit, later, (status) => status.state === 'completed');
      expect(await kit.provider.getBalance(recipient)).toBe(before + parseEther('1.4'));
      await expectExactlyOnce(kit, interval, 4);
      await expectExactlyOnce(kit, later, 1);
    } finally {
      await worker.stop();
      await kit.close();
      await server.stop();
      process.env[TEST_ENV] = JSON.stringify(services);
    }
  });
});
