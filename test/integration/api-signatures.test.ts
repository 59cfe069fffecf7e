import os from 'node:os';
import path from 'node:path';

import { JsonRpcProvider, Wallet, parseEther, toQuantity, type HDNodeWallet } from 'ethers';

import {
  CREATE_WORKFLOW_TYPES,
  DEACTIVATE_WORKFLOW_TYPES,
  SET_PAUSED_TYPES,
  encodeNativeTransfer,
  encodeTimeTrigger,
  workflowRegistryDomain,
} from '../../src/chain/abi-codec';
import { connectContracts } from '../../src/chain/contracts';
import type { AutomationStatus } from '../../src/domain/automation';
import { ActionType, TriggerType } from '../../src/domain/codes';
import { hardhatDevWallet } from '../../src/stack/local-accounts';
import { statusQuery } from '../../src/workflows/definitions';
import { callApi, startTestApi, type ApiAnswer, type TestApiServer } from '../support/api-server';
import {
  createEngineTestKit,
  createTestNamespace,
  engineEnv,
  startWorkerProcess,
  type EngineTestKit,
  type WorkerProcess,
} from '../support/engine';
import { testServices } from '../support/services';

type Json = Record<string, any>;

describe('owner signatures on /api/workflow, without the operator key', () => {
  jest.setTimeout(60_000);
  const services = testServices();
  const domain = workflowRegistryDomain(31337, services.deployment.workflowRegistry);
  let kit: EngineTestKit;
  let worker: WorkerProcess;
  let api: TestApiServer;
  let provider: JsonRpcProvider;
  // Accounts of this file's own, which never approve the relayer as their operator.
  let owner: HDNodeWallet;
  let stranger: HDNodeWallet;

  beforeAll(async () => {
    const namespace = await createTestNamespace('api-signatures');
    kit = await createEngineTestKit(namespace, 5);
    worker = await startWorkerProcess(engineEnv(namespace), path.join(os.tmpdir(), `${namespace}-worker.log`));
    api = await startTestApi(engineEnv(namespace));
    provider = new JsonRpcProvider(services.rpcUrl, 31337, { staticNetwork: true, cacheTimeout: -1 });
    owner = Wallet.createRandom().connect(provider);
    stranger = Wallet.createRandom().connect(provider);
    await provider.send('hardhat_setBalance', [owner.address, toQuantity(parseEther('100'))]);
    const escrow = connectContracts(services.deployment, owner).escrow;
    await (await escrow.deposit({ value: parseEther('5') })).wait();
    expect(await kit.contracts.registry.isOperator(owner.address, api.resources.workflows.relayerAddress)).toBe(false);
  });

  afterAll(async () => {
    await api?.close();
    await worker?.stop();
    await kit?.close();
    provider?.destroy();
  });

  const call = (method: string, route: string, body?: unknown) => callApi(api.baseUrl, method, route, { body });
  const now = () => Math.floor(Date.now() / 1000);
  const blockTime = async () => (await provider.getBlock('latest'))!.timestamp;
  const workflowCount = async () => (await kit.contracts.registry.workflowCount()) as bigint;
  const nonceOf = async (account: string) => BigInt((await call('GET', `/api/workflow/nonce/${account}`)).body.nonce);

  /** A create body for a native transfer from the owner's escrow at `executeAt`, with its registry encodings. */
  function transferAt(executeAt: number, recipient: string, amountWei: bigint) {
    return {
      body: {
        user_address: owner.address,
        trigger_type: TriggerType.Time,
        trigger_data: { execute_at: executeAt },
        action_type: ActionType.NativeTransfer,
        action_data: { to: recipient, amount_wei: amountWei.toString() },
      },
      message: {
        owner: owner.address,
        triggerType: TriggerType.Time,
        triggerData: encodeTimeTrigger(executeAt),
        actionType: ActionType.NativeTransfer,
        actionData: encodeNativeTransfer(recipient, amountWei),
        // The default of a time trigger, which the API applies before the registry hashes it.
        maxExecutions: 1n,
      },
    };
  }

  /** Signs the `CreateWorkflow` typed data of `transfer` as `signer`, with the owner's current nonce. */
  async function signedCreate(
    transfer: ReturnType<typeof transferAt>,
    signer: HDNodeWallet,
    deadline = now() + 600,
  ): Promise<Json> {
    const nonce = await nonceOf(owner.address);
    const signature = await signer.signTypedData(domain, CREATE_WORKFLOW_TYPES, {
      ...transfer.message,
      nonce,
      deadline,
    });
    return { ...transfer.body, signature, deadline };
  }

  async function signedDelete(workflowId: number, signer: HDNodeWallet, deadline = now() + 600): Promise<Json> {
    const nonce = await nonceOf(owner.address);
    const signature = await signer.signTypedData(domain, DEACTIVATE_WORKFLOW_TYPES, { workflowId, nonce, deadline });
    return { signature, deadline };
  }

  async function signedSetPaused(workflowId: number, paused: boolean, signer: HDNodeWallet, deadline = now() + 600) {
    const signature = await signer.signTypedData(domain, SET_PAUSED_TYPES, { workflowId, paused, deadline });
    return { signature, deadline };
  }

  function expectCreated(answer: ApiAnswer): number {
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({
      success: true,
      workflow_id: expect.any(Number),
      tx_hash: expect.stringMatching(/^0x[0-9a-f]{64}$/),
      message: 'Workflow created successfully',
    });
    return answer.body.workflow_id;
  }

  async function waitForStatus(workflowId: number, done: (status: AutomationStatus) => boolean) {
    const deadline = Date.now() + 30_000;
    let last: AutomationStatus | undefined;
    while (Date.now() < deadline) {
      try {
        last = await kit.automations.handle(String(workflowId)).query(statusQuery);
        if (done(last)) return last;
      } catch {
        // Not started yet.
      }
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    throw new Error(`automation ${workflowId} did not get there; last status ${JSON.stringify(last)}`);
  }

  /** A signed workflow an hour ahead, to delete, pause and resume. */
  async function laterWorkflow(): Promise<number> {
    const transfer = transferAt((await blockTime()) + 3_600, hardhatDevWallet(35).address, 1n);
    const id = expectCreated(await call('POST', '/api/workflow/create', await signedCreate(transfer, owner)));
    await waitForStatus(id, (status) => status.state === 'scheduled');
    return id;
  }

  describe('GET /nonce/{address}', () => {
    it('answers the registry nonce with the domain fields a client needs to sign', async () => {
      const answer = await call('GET', `/api/workflow/nonce/${owner.address.toLowerCase()}`);
      expect(answer).toMatchObject({
        status: 200,
        body: {
          success: true,
          user_address: owner.address,
          nonce: (await kit.contracts.registry.nonces(owner.address)).toString(),
          registry: services.deployment.workflowRegistry,
          chain_id: 31337,
        },
      });

      const bad = await call('GET', '/api/workflow/nonce/0x1234');
      expect(bad.status).toBe(400);
      expect(bad.body.error).toMatchObject({ code: 'invalid_request', details: [{ path: 'address' }] });
    });
  });

  describe('POST /create', () => {
    let used: Json;

    it('creates the workflow on the owner signature alone, and its automation runs', async () => {
      const recipient = hardhatDevWallet(36).address;
      const before = await provider.getBalance(recipient);
      const nonceBefore = await nonceOf(owner.address);
      used = await signedCreate(transferAt((await blockTime()) + 3, recipient, parseEther('0.25')), owner);

      const id = expectCreated(await call('POST', '/api/workflow/create', used));
      expect((await kit.contracts.registry.getWorkflow(id)).owner).toBe(owner.address);
      expect(await nonceOf(owner.address)).toBe(nonceBefore + 1n);
      const done = await waitForStatus(id, (status) => status.state === 'completed');
      expect(done.executions).toHaveLength(1);
      expect(await provider.getBalance(recipient)).toBe(before + parseEther('0.25'));
    });

    it('answers 401 invalid_signature to a signature of another account, and creates nothing', async () => {
      const countBefore = await workflowCount();
      const forged = await signedCreate(transferAt((await blockTime()) + 3_600, stranger.address, 1n), stranger);
      const answer = await call('POST', '/api/workflow/create', forged);
      expect(answer.status).toBe(401);
      expect(answer.body.error).toEqual({
        code: 'invalid_signature',
        message: expect.stringContaining(owner.address),
        details: { expected_signer: owner.address },
      });
      expect(await workflowCount()).toBe(countBefore);
    });

    it('answers 401 to a replayed signature, whose nonce is used up, and creates nothing', async () => {
      const countBefore = await workflowCount();
      const answer = await call('POST', '/api/workflow/create', used);
      expect(answer.status).toBe(401);
      expect(answer.body.error.code).toBe('invalid_signature');
      expect(await workflowCount()).toBe(countBefore);
    });

    it('answers 401 signature_expired past the deadline, 400 for a deadline over an hour ahead', async () => {
      const countBefore = await workflowCount();
      const transfer = transferAt((await blockTime()) + 3_600, stranger.address, 1n);
      const expired = await call('POST', '/api/workflow/create', await signedCreate(transfer, owner, now() - 5));
      expect(expired.status).toBe(401);
      expect(expired.body.error).toMatchObject({
        code: 'signature_expired',
        details: { deadline: expect.any(Number) },
      });

      const far = await call('POST', '/api/workflow/create', await signedCreate(transfer, owner, now() + 7_200));
      expect(far.status).toBe(400);
      expect(far.body.error).toMatchObject({ code: 'invalid_request', details: [{ path: 'deadline' }] });
      expect(far.body.error.message).toContain('deadline must be at most 3600 seconds ahead');
      expect(await workflowCount()).toBe(countBefore);
    });

    it('answers 400 for a malformed signature or deadline, 401 with neither a signature nor a key', async () => {
      const countBefore = await workflowCount();
      const body = (await signedCreate(transferAt((await blockTime()) + 3_600, stranger.address, 1n), owner)) as Json;
      const cases: { change: Json; path: string; message: string }[] = [
        { change: { signature: '0x1234' }, path: 'signature', message: 'signature must be a 65-byte signature' },
        { change: { signature: 42 }, path: 'signature', message: 'signature must be a 65-byte signature' },
        { change: { deadline: undefined }, path: 'deadline', message: 'deadline is required' },
        { change: { deadline: String(now() + 60) }, path: 'deadline', message: 'deadline must be a whole number' },
        { change: { deadline: now() + 60.5 }, path: 'deadline', message: 'deadline must be a whole number' },
      ];
      for (const { change, path: field, message } of cases) {
        const answer = await call('POST', '/api/workflow/create', { ...body, ...change });
        expect({ field, status: answer.status, code: answer.body.error.code }).toEqual({
          field,
          status: 400,
          code: 'invalid_request',
        });
        expect(answer.body.error.message).toContain(message);
      }

      const { signature: _signature, deadline: _deadline, ...unsigned } = body;
      const neither = await call('POST', '/api/workflow/create', unsigned);
      expect(neither.status).toBe(401);
      expect(neither.body.error).toEqual({
        code: 'unauthorized',
        message: expect.stringMatching(/X-API-Key.*signature and deadline/),
      });
      expect(await workflowCount()).toBe(countBefore);
    });
  });

  describe('DELETE /{workflow_id}', () => {
    it('answers 401 to a deletion signed by another account and leaves the workflow active', async () => {
      const id = await laterWorkflow();
      const answer = await call('DELETE', `/api/workflow/${id}`, await signedDelete(id, stranger));
      expect(answer.status).toBe(401);
      expect(answer.body.error).toMatchObject({
        code: 'invalid_signature',
        details: { expected_signer: owner.address },
      });
      expect((await kit.contracts.registry.getWorkflow(id)).active).toBe(true);

      const none = await call('DELETE', `/api/workflow/${id}`);
      expect(none.status).toBe(401);
      expect(none.body.error.code).toBe('unauthorized');
      expect((await kit.contracts.registry.getWorkflow(id)).active).toBe(true);
    });

    it("deactivates on the owner's signature and cancels the automation; the signature works once", async () => {
      const id = await laterWorkflow();
      const signed = await signedDelete(id, owner);
      const answer = await call('DELETE', `/api/workflow/${id}`, signed);
      expect(answer).toMatchObject({
        status: 200,
        body: { success: true, workflow_id: id, tx_hash: expect.stringMatching(/^0x[0-9a-f]{64}$/) },
      });
      expect((await kit.contracts.registry.getWorkflow(id)).active).toBe(false);
      await waitForStatus(id, (status) => status.state === 'cancelled');

      const again = await call('DELETE', `/api/workflow/${id}`, signed);
      expect(again.status).toBe(401);
      expect(again.body.error.code).toBe('invalid_signature');

      const unknown = await call('DELETE', `/api/workflow/${(await workflowCount()) + 100n}`, signed);
      expect(unknown.status).toBe(404);
    });
  });

  describe('POST /{workflow_id}/pause and /resume', () => {
    it("pauses and resumes on the owner's signatures, refuses other signers and replays", async () => {
      const id = await laterWorkflow();

      const pause = await signedSetPaused(id, true, owner);
      expect(await call('POST', `/api/workflow/${id}/pause`, pause)).toMatchObject({
        status: 200,
        body: { success: true, workflow_id: id, paused: true },
      });
      await waitForStatus(id, (status) => status.state === 'paused');

      const replayed = await call('POST', `/api/workflow/${id}/pause`, pause);
      expect(replayed.status).toBe(401);
      expect(replayed.body.error.code).toBe('signature_replayed');

      const foreign = await call('POST', `/api/workflow/${id}/resume`, await signedSetPaused(id, false, stranger));
      expect(foreign.status).toBe(403);
      expect(foreign.body.error).toMatchObject({
        code: 'not_owner',
        details: { owner: owner.address, signer: stranger.address },
      });
      expect((await kit.automations.handle(String(id)).query(statusQuery)).paused).toBe(true);

      // A pause signature does not resume: the API rebuilds the message from the path.
      const wrongAction = await call('POST', `/api/workflow/${id}/resume`, await signedSetPaused(id, true, owner));
      expect(wrongAction.status).toBe(403);

      const resume = await call('POST', `/api/workflow/${id}/resume`, await signedSetPaused(id, false, owner));
      expect(resume).toMatchObject({ status: 200, body: { success: true, workflow_id: id, paused: false } });
      await waitForStatus(id, (status) => status.state === 'scheduled' && !status.paused);

      const expired = await call(
        'POST',
        `/api/workflow/${id}/pause`,
        await signedSetPaused(id, true, owner, now() - 1),
      );
      expect(expired.status).toBe(401);
      expect(expired.body.error.code).toBe('signature_expired');

      const unknownId = Number((await workflowCount()) + 100n);
      const unknown = await call(
        'POST',
        `/api/workflow/${unknownId}/pause`,
        await signedSetPaused(unknownId, true, owner),
      );
      expect(unknown.status).toBe(404);
      expect(unknown.body.error.code).toBe('workflow_not_found');

      await call('DELETE', `/api/workflow/${id}`, await signedDelete(id, owner));
    });
  });
});
