import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';

import {
  Contract,
  ContractFactory,
  JsonRpcProvider,
  NonceManager,
  Wallet,
  parseEther,
  parseUnits,
  type EventLog,
} from 'ethers';
import Redis from 'ioredis';

import { createApp } from '../../src/api/app';
import { SignatureReplayGuard } from '../../src/api/replay-guard';
import { workflowView } from '../../src/api/workflow-schemas';
import { WorkflowService } from '../../src/api/workflow-service';
import { encodeNativeTransfer, encodePriceTrigger, encodeTimeTrigger } from '../../src/chain/abi-codec';
import { loadArtifact } from '../../src/chain/artifacts';
import { connectContracts } from '../../src/chain/contracts';
import { TransactionSender } from '../../src/chain/transaction-sender';
import { loadConfig } from '../../src/config';
import type { AutomationStatus } from '../../src/domain/automation';
import { ActionType, TriggerType } from '../../src/domain/codes';
import { createLogger } from '../../src/logging';
import { hardhatDevWallet } from '../../src/stack/local-accounts';
import { AutomationClient } from '../../src/temporal/automation-client';
import { automationTimings, createTemporalClients, type TemporalClients } from '../../src/temporal/runtime';
import { statusQuery } from '../../src/workflows/definitions';
import {
  createEngineTestKit,
  createTestNamespace,
  engineEnv,
  startWorkerProcess,
  type EngineTestKit,
  type WorkerProcess,
} from '../support/engine';
import { testServices } from '../support/services';

const OWNER_INDEX = 6;
const STRANGER_INDEX = 7;

type Json = Record<string, any>;

describe('/api/workflow against a real worker, Temporal, Redis and chain', () => {
  jest.setTimeout(120_000);
  let kit: EngineTestKit;
  let worker: WorkerProcess;
  let server: Server;
  let baseUrl: string;
  let apiKey: string;
  let relayerAddress: string;
  let provider: JsonRpcProvider;
  let relayerRedis: Redis;
  let temporal: TemporalClients;

  beforeAll(async () => {
    const namespace = await createTestNamespace('api-workflow');
    kit = await createEngineTestKit(namespace, OWNER_INDEX);
    worker = await startWorkerProcess(engineEnv(namespace), path.join(os.tmpdir(), `${namespace}-worker.log`));

    // The app is built as src/server.ts builds it, against this run's services.
    const config = loadConfig(engineEnv(namespace));
    apiKey = config.API_KEY;
    provider = new JsonRpcProvider(config.RPC_URL, config.CHAIN_ID, { staticNetwork: true, pollingInterval: 200 });
    relayerRedis = new Redis(config.REDIS_URL, { maxRetriesPerRequest: 1, enableOfflineQueue: false });
    const relayer = new Wallet(config.RELAYER_PRIVATE_KEY, provider);
    relayerAddress = relayer.address;
    temporal = createTemporalClients(config);
    const addresses = {
      workflowRegistry: config.WORKFLOW_REGISTRY_ADDRESS,
      actionExecutor: config.ACTION_EXECUTOR_ADDRESS,
      feeEscrow: config.FEE_ESCROW_ADDRESS,
    };
    const logger = createLogger({ level: 'error', write: () => undefined });
    const service = new WorkflowService({
      registry: connectContracts(addresses, relayer).registry,
      sender: new TransactionSender({
        wallet: relayer,
        provider,
        redis: relayerRedis,
        chainId: config.CHAIN_ID,
        maxGasPriceWei: config.MAX_GAS_PRICE,
      }),
      automations: temporal.automations,
      chainId: config.CHAIN_ID,
      replayGuard: new SignatureReplayGuard({ redis: relayerRedis }),
      connection: temporal.connection,
      logger,
      receiptTimeoutMs: config.RECEIPT_TIMEOUT * 1000,
    });
    const app = createApp({
      logger,
      version: 'test',
      chainId: config.CHAIN_ID,
      contracts: addresses,
      probes: [],
      workflows: { service, apiKey },
    });
    server = await new Promise<Server>((resolve) => {
      const listening = app.listen(0, '127.0.0.1', () => resolve(listening));
    });
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

    await (await kit.owner.contracts.escrow.deposit({ value: parseEther('20') })).wait();
    await (await kit.owner.contracts.registry.setOperator(relayerAddress, true)).wait();
  });

  afterAll(async () => {
    if (server) {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    }
    relayerRedis?.disconnect();
    await temporal?.connection.close();
    provider?.destroy();
    await worker?.stop();
    await kit?.close();
  });

  async function call(
    method: string,
    route: string,
    options: { body?: unknown; key?: string | null; raw?: string } = {},
  ) {
    const headers: Record<string, string> = {};
    const key = options.key === undefined ? apiKey : options.key;
    if (key !== null) headers['X-API-Key'] = key;
    let body: string | undefined;
    if (options.raw !== undefined || options.body !== undefined) {
      headers['Content-Type'] = 'application/json';
      body = options.raw ?? JSON.stringify(options.body);
    }
    const response = await fetch(`${baseUrl}${route}`, { method, headers, body });
    return { status: response.status, body: (await response.json()) as Json };
  }

  const create = (body: unknown, key?: string | null) => call('POST', '/api/workflow/create', { body, key });

  /** Queries an automation until `done` holds, failing with its last status after `timeoutMs`. */
  async function waitForStatus(registryId: number, done: (status: AutomationStatus) => boolean, timeoutMs = 60_000) {
    const deadline = Date.now() + timeoutMs;
    let last: AutomationStatus | undefined;
    let lastError: unknown;
    while (Date.now() < deadline) {
      try {
        last = await kit.automations.handle(String(registryId)).query(statusQuery);
        if (done(last)) return last;
      } catch (error) {
        lastError = error;
      }
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    throw new Error(
      `automation ${registryId} did not get there; last status ${JSON.stringify(last)} ${String(lastError ?? '')}`,
    );
  }

  async function waitUntilClosed(registryId: number) {
    const handle = kit.automations.handle(String(registryId));
    const deadline = Date.now() + 30_000;
    let described = await handle.describe();
    while (described.status.name === 'RUNNING' && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 250));
      described = await handle.describe();
    }
    return described.status.name;
  }

  const blockTime = async () => (await kit.provider.getBlock('latest'))!.timestamp;
  const workflowCount = async () => (await kit.contracts.registry.workflowCount()) as bigint;

  /** A valid create body: a time trigger an hour ahead paying 0.01 ETH, which tests change field by field. */
  async function laterTransfer(overrides: Json = {}): Promise<Json> {
    return {
      user_address: kit.owner.address,
      trigger_type: 0,
      trigger_data: { execute_at: (await blockTime()) + 3_600 },
      action_type: 0,
      action_data: { to: hardhatDevWallet(30).address, amount_wei: parseEther('0.01').toString() },
      ...overrides,
    };
  }

  function expectCreated(response: { status: number; body: Json }): number {
    expect(response.status).toBe(200);
    expect(response.body).toEqual({
      success: true,
      workflow_id: expect.any(Number),
      tx_hash: expect.stringMatching(/^0x[0-9a-f]{64}$/),
      message: 'Workflow created successfully',
    });
    return response.body.workflow_id;
  }

  describe('POST /create', () => {
    it('creates a time-triggered native transfer that runs at its time and pays the recipient', async () => {
      const recipient = hardhatDevWallet(31).address;
      const before = await kit.provider.getBalance(recipient);
      const id = expectCreated(
        await create({
          user_address: kit.owner.address.toLowerCase(),
          trigger_type: 0,
          trigger_data: { execute_at: (await blockTime()) + 3 },
          action_type: 0,
          action_data: { to: recipient, amount_wei: parseEther('1').toString() },
        }),
      );

      const stored = await kit.contracts.registry.getWorkflow(id);
      expect(stored.owner).toBe(kit.owner.address);
      expect(stored.maxExecutions).toBe(1n);
      const done = await waitForStatus(id, (status) => status.state === 'completed');
      expect(done.executions).toHaveLength(1);
      expect(await kit.provider.getBalance(recipient)).toBe(before + parseEther('1'));
    });

    it('creates an interval-triggered ERC-20 transfer that runs up to max_executions', async () => {
      const token = new Contract(testServices().deployment.testToken, loadArtifact('TestToken').abi, kit.owner.signer);
      await (await token.mint(kit.owner.address, parseUnits('100', 18))).wait();
      await (await token.approve(await kit.contracts.executor.getAddress(), parseUnits('100', 18))).wait();
      const recipient = hardhatDevWallet(32).address;

      const id = expectCreated(
        await create({
          user_address: kit.owner.address,
          trigger_type: 1,
          trigger_data: { interval_seconds: 1 },
          action_type: 1,
          action_data: { token: await token.getAddress(), to: recipient, amount: parseUnits('7', 18).toString() },
          max_executions: 2,
        }),
      );

      const done = await waitForStatus(id, (status) => status.state === 'completed');
      expect(done.executions.map((execution) => execution.executionNo)).toEqual([1, 2]);
      expect(await token.balanceOf(recipient)).toBe(parseUnits('14', 18));
    });

    it('creates a price-triggered contract call from a token symbol, stored as the asset id', async () => {
      const recorderArtifact = loadArtifact('CallRecorder');
      const recorder = await new ContractFactory(
        recorderArtifact.abi,
        recorderArtifact.bytecode,
        kit.deployer,
      ).deploy();
      await recorder.waitForDeployment();
      const target = await recorder.getAddress();

      // At or above $1: the feed's price meets it at once, whatever other tests left it at.
      const id = expectCreated(
        await create({
          user_address: kit.owner.address,
          trigger_type: 2,
          trigger_data: { token: 'eth', comparator: 1, price_usd: 1 },
          action_type: 2,
          action_data: {
            target,
            calldata: recorder.interface.encodeFunctionData('record', [42]),
            value_wei: parseEther('0.5').toString(),
          },
        }),
      );

      const stored = await kit.contracts.registry.getWorkflow(id);
      expect(stored.triggerData).toBe(encodePriceTrigger('ethereum', 1, parseUnits('1', 8)));
      expect(stored.maxExecutions).toBe(1n);
      await waitForStatus(id, (status) => status.state === 'completed');
      expect(await kit.provider.getBalance(target)).toBe(parseEther('0.5'));
    });

    it('answers 401 without or with a wrong X-API-Key, and changes nothing', async () => {
      const countBefore = await workflowCount();
      const body = await laterTransfer();

      const missing = await create(body, null);
      expect(missing.status).toBe(401);
      expect(missing.body).toEqual({
        success: false,
        error: { code: 'unauthorized', message: expect.stringContaining('X-API-Key') },
      });

      const wrong = await create(body, `${apiKey}x`);
      expect(wrong.status).toBe(401);
      expect(wrong.body.error.code).toBe('unauthorized');

      expect((await call('DELETE', '/api/workflow/1', { key: null })).status).toBe(401);
      expect((await call('POST', '/api/workflow/1/pause', { key: 'not-the-key' })).status).toBe(401);
      expect((await call('POST', '/api/workflow/1/resume', { key: null })).status).toBe(401);
      expect(await workflowCount()).toBe(countBefore);
    });

    it('answers 400 naming each malformed field, and changes nothing', async () => {
      const countBefore = await workflowCount();
      const valid = await laterTransfer();
      const cases: { body: Json; path: string; message: string }[] = [
        { body: { ...valid, user_address: undefined }, path: 'user_address', message: 'user_address is required' },
        {
          body: { ...valid, user_address: '0x1234' },
          path: 'user_address',
          message: 'user_address must be a 0x-prefixed 20-byte hex address',
        },
        {
          body: { ...valid, trigger_type: 7 },
          path: 'trigger_type',
          message: 'trigger_type must be 0 (time), 1 (interval) or 2 (price)',
        },
        {
          body: { ...valid, trigger_data: { execute_at: 1.5 } },
          path: 'trigger_data.execute_at',
          message: 'trigger_data.execute_at must be a whole number',
        },
        {
          body: { ...valid, trigger_data: {} },
          path: 'trigger_data.execute_at',
          message: 'trigger_data.execute_at is required',
        },
        {
          body: { ...valid, max_executions: 3 },
          path: 'max_executions',
          message: 'max_executions must be 0 or 1 for a time trigger',
        },
        {
          body: { ...valid, action_data: { to: hardhatDevWallet(30).address, amount_wei: 1.5 } },
          path: 'action_data.amount_wei',
          message: 'action_data.amount_wei must be a decimal string of wei',
        },
        {
          body: { ...valid, action_data: { to: '0x0000000000000000000000000000000000000000', amount_wei: '1' } },
          path: 'action_data.to',
          message: 'action_data.to must not be the zero address',
        },
        {
          body: { ...valid, trigger_type: 2, trigger_data: { token: 'ETH', comparator: 0, price_usd: 3200.123456789 } },
          path: 'trigger_data.price_usd',
          message: 'trigger_data.price_usd must have at most 8 decimals',
        },
        {
          body: { ...valid, trigger_type: 2, trigger_data: { token: 'DOGE', comparator: 2, price_usd: 1 } },
          path: 'trigger_data.token',
          message: 'trigger_data.token must be a supported asset id or symbol',
        },
        {
          body: {
            ...valid,
            action_type: 2,
            action_data: { target: hardhatDevWallet(30).address, calldata: `0x${'ab'.repeat(4097)}` },
          },
          path: 'action_data.calldata',
          message: 'action_data.calldata must be at most 4096 bytes',
        },
      ];
      for (const { body, path: field, message } of cases) {
        const response = await create(body);
        expect({ field, status: response.status, code: response.body.error?.code }).toEqual({
          field,
          status: 400,
          code: 'invalid_request',
        });
        expect(response.body.success).toBe(false);
        expect(response.body.error.message).toContain(message);
        expect(response.body.error.details).toEqual(
          expect.arrayContaining([{ path: field, message: expect.any(String) }]),
        );
      }

      // Every problem is named in one answer, including those of the data objects.
      const many = await create({ trigger_type: 2, trigger_data: { comparator: 2 }, action_type: 0, action_data: {} });
      expect(many.status).toBe(400);
      expect(many.body.error.details.map((issue: Json) => issue.path)).toEqual(
        expect.arrayContaining([
          'user_address',
          'trigger_data.token',
          'trigger_data.comparator',
          'trigger_data.price_usd',
          'action_data.to',
          'action_data.amount_wei',
        ]),
      );

      const notJson = await call('POST', '/api/workflow/create', {});
      expect(notJson.status).toBe(400);
      expect(notJson.body.error.message).toContain('body must be a JSON object');
      expect((await call('POST', '/api/workflow/create', { raw: '{"user_address":' })).status).toBe(400);

      expect(await workflowCount()).toBe(countBefore);
    });

    it('answers 403 telling an owner who never approved the relayer how to, and changes nothing', async () => {
      const countBefore = await workflowCount();
      const stranger = hardhatDevWallet(STRANGER_INDEX).address;
      const response = await create(await laterTransfer({ user_address: stranger }));
      expect(response.status).toBe(403);
      expect(response.body.error.code).toBe('relayer_not_approved');
      expect(response.body.error.message).toContain(`setOperator(${relayerAddress}, true)`);
      expect(response.body.error.details).toEqual({
        owner: stranger,
        relayer: relayerAddress,
        registry: await kit.contracts.registry.getAddress(),
      });
      expect(await workflowCount()).toBe(countBefore);
    });
  });

  describe('GET', () => {
    it('answers one workflow and the owner list, with the automation status', async () => {
      const executeAt = (await blockTime()) + 3_600;
      const id = expectCreated(await create(await laterTransfer({ trigger_data: { execute_at: executeAt } })));
      await waitForStatus(id, (status) => status.state === 'scheduled');

      const one = await call('GET', `/api/workflow/${id}`);
      expect(one.status).toBe(200);
      expect(one.body).toEqual({
        success: true,
        workflow: {
          workflow_id: id,
          owner: kit.owner.address,
          trigger_type: 0,
          trigger_data: { execute_at: executeAt },
          action_type: 0,
          action_data: { to: hardhatDevWallet(30).address, amount_wei: parseEther('0.01').toString() },
          max_executions: 1,
          execution_count: 0,
          active: true,
          created_at: expect.any(String),
          last_executed_at: null,
          status: {
            state: 'scheduled',
            paused: false,
            waiting_reason: null,
            last_check: null,
            next_check_at: new Date(executeAt * 1000).toISOString(),
            executions: [],
          },
        },
      });

      const list = await call('GET', `/api/workflow/user/${kit.owner.address.toLowerCase()}`);
      expect(list.status).toBe(200);
      expect(list.body.success).toBe(true);
      expect(list.body.user_address).toBe(kit.owner.address);
      const ids = (await kit.contracts.registry.getOwnerWorkflows(kit.owner.address)).map(Number);
      expect(list.body.workflows.map((workflow: Json) => workflow.workflow_id)).toEqual(ids);
      expect(list.body.workflows.find((workflow: Json) => workflow.workflow_id === id)).toEqual(one.body.workflow);
      // Finished automations answer their status too: the time transfer of the first test completed.
      const completed = list.body.workflows.filter((workflow: Json) => workflow.status?.state === 'completed');
      expect(completed.length).toBeGreaterThan(0);
      expect(completed[0].status.executions[0]).toEqual({
        execution_no: 1,
        tx_hash: expect.stringMatching(/^0x[0-9a-f]{64}$/),
        gas_fee_wei: expect.stringMatching(/^\d+$/),
        fee_tx_hash: expect.stringMatching(/^0x[0-9a-f]{64}$/),
        executed_at: expect.any(String),
      });
      const price = list.body.workflows.find((workflow: Json) => workflow.trigger_type === 2);
      expect(price.trigger_data).toEqual({ token: 'ethereum', comparator: 1, price_usd: 1 });
      expect(price.status.last_check).toEqual({
        price_usd: expect.any(Number),
        source: expect.any(String),
        checked_at: expect.any(String),
      });

      await call('DELETE', `/api/workflow/${id}`);
    });

    it('answers an empty list for a new owner, 400 for a bad address, 404 for an unknown id', async () => {
      const empty = await call('GET', `/api/workflow/user/${hardhatDevWallet(33).address}`);
      expect(empty.body).toEqual({ success: true, user_address: hardhatDevWallet(33).address, workflows: [] });

      const bad = await call('GET', '/api/workflow/user/0xnot-an-address');
      expect(bad.status).toBe(400);
      expect(bad.body.error).toMatchObject({
        code: 'invalid_request',
        details: [{ path: 'address', message: expect.any(String) }],
      });

      const unknown = await call('GET', `/api/workflow/${(await workflowCount()) + 100n}`);
      expect(unknown.status).toBe(404);
      expect(unknown.body.error.code).toBe('workflow_not_found');
      expect((await call('GET', '/api/workflow/abc')).status).toBe(400);
    });

    it('answers status null for a workflow that has no automation', async () => {
      const id = expectCreated(await create(await laterTransfer()));
      // The same reads with an automation client of another registry address, under which no Temporal workflow exists.
      const elsewhere = new AutomationClient({
        client: temporal.client,
        taskQueue: 'autometa',
        chainId: 31337,
        registry: hardhatDevWallet(34).address,
        timings: automationTimings(kit.config),
      });
      const service = new WorkflowService({
        registry: kit.contracts.registry,
        // Reads never send nor check signatures: this service gets no sender and no replay guard.
        sender: undefined as unknown as TransactionSender,
        automations: elsewhere,
        chainId: 31337,
        replayGuard: undefined as unknown as SignatureReplayGuard,
        connection: temporal.connection,
        logger: createLogger({ level: 'error', write: () => undefined }),
        receiptTimeoutMs: 1_000,
      });
      const record = await service.get(BigInt(id));
      expect(record.status).toBeNull();
      expect(workflowView(record.workflow, record.status).status).toBeNull();
      await call('DELETE', `/api/workflow/${id}`);
    });
  });

  describe('pause and resume', () => {
    it('pauses and resumes a running automation, and answers 404 when none runs', async () => {
      const id = expectCreated(await create(await laterTransfer()));
      await waitForStatus(id, (status) => status.state === 'scheduled');

      const paused = await call('POST', `/api/workflow/${id}/pause`);
      expect(paused).toEqual({ status: 200, body: { success: true, workflow_id: id, paused: true } });
      await waitForStatus(id, (status) => status.state === 'paused' && status.paused);
      expect((await call('GET', `/api/workflow/${id}`)).body.workflow.status).toMatchObject({
        state: 'paused',
        paused: true,
      });

      const resumed = await call('POST', `/api/workflow/${id}/resume`);
      expect(resumed).toEqual({ status: 200, body: { success: true, workflow_id: id, paused: false } });
      await waitForStatus(id, (status) => status.state === 'scheduled' && !status.paused);

      const none = await call('POST', `/api/workflow/${(await workflowCount()) + 100n}/pause`);
      expect(none.status).toBe(404);
      expect(none.body.error.code).toBe('automation_not_found');

      await call('DELETE', `/api/workflow/${id}`);
    });
  });

  describe('DELETE', () => {
    it('deactivates the workflow on-chain and cancels its automation; a second delete answers 409', async () => {
      const id = expectCreated(await create(await laterTransfer()));
      await waitForStatus(id, (status) => status.state === 'scheduled');

      const deleted = await call('DELETE', `/api/workflow/${id}`);
      expect(deleted).toEqual({
        status: 200,
        body: {
          success: true,
          workflow_id: id,
          tx_hash: expect.stringMatching(/^0x[0-9a-f]{64}$/),
          message: 'Workflow deleted',
        },
      });
      expect((await kit.contracts.registry.getWorkflow(id)).active).toBe(false);
      expect(await waitUntilClosed(id)).toBe('CANCELLED');
      const after = await call('GET', `/api/workflow/${id}`);
      expect(after.body.workflow).toMatchObject({ active: false, status: { state: 'cancelled' } });

      const again = await call('DELETE', `/api/workflow/${id}`);
      expect(again.status).toBe(409);
      expect(again.body.error.code).toBe('workflow_inactive');
    });

    it('answers 404 for an id never created, 403 for an owner who never approved the relayer', async () => {
      const unknown = await call('DELETE', `/api/workflow/${(await workflowCount()) + 100n}`);
      expect(unknown.status).toBe(404);
      expect(unknown.body.error.code).toBe('workflow_not_found');

      // A workflow its owner created straight on-chain, without ever approving the relayer.
      const stranger = new NonceManager(hardhatDevWallet(STRANGER_INDEX).connect(kit.provider));
      const registry = connectContracts(testServices().deployment, stranger).registry;
      const receipt = await (
        await registry.createWorkflow(
          TriggerType.Time,
          encodeTimeTrigger((await blockTime()) + 3_600),
          ActionType.NativeTransfer,
          encodeNativeTransfer(hardhatDevWallet(30).address, 1n),
          1,
        )
      ).wait();
      const id = (receipt.logs.find((log: EventLog) => log.eventName === 'WorkflowCreated') as EventLog).args
        .workflowId as bigint;
      const refused = await call('DELETE', `/api/workflow/${id}`);
      expect(refused.status).toBe(403);
      expect(refused.body.error.code).toBe('relayer_not_approved');
      expect((await kit.contracts.registry.getWorkflow(id)).active).toBe(true);
      await (await registry.deactivateWorkflow(id)).wait();
    });
  });
});
