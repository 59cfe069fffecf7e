import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';

import { parseEther } from 'ethers';

import { createApiResources, type ApiResources } from '../../src/api/api-resources';
import { loadConfig } from '../../src/config';
import { createLogger } from '../../src/logging';
import { hardhatDevWallet } from '../../src/stack/local-accounts';
import {
  createEngineTestKit,
  createTestNamespace,
  engineEnv,
  startWorkerProcess,
  type EngineTestKit,
  type WorkerProcess,
} from '../support/engine';
import { testServices } from '../support/services';

const projectRoot = path.resolve(__dirname, '..', '..');
const OWNER_INDEX = 11;
const STRANGER_INDEX = 12;

type Json = Record<string, any>;

interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

describe('npm run cli against a real API, worker, Temporal, Redis and chain', () => {
  jest.setTimeout(180_000);
  let kit: EngineTestKit;
  let worker: WorkerProcess;
  let api: ApiResources;
  let server: Server;
  let baseUrl: string;
  let workDir: string;
  let keyFile: string;
  const owner = hardhatDevWallet(OWNER_INDEX);

  beforeAll(async () => {
    const namespace = await createTestNamespace('cli');
    kit = await createEngineTestKit(namespace, OWNER_INDEX);
    worker = await startWorkerProcess(engineEnv(namespace), path.join(os.tmpdir(), `${namespace}-worker.log`));
    // The API process as src/server.ts builds it, served on a free port. Its rate limits are raised: this
    // file polls statuses, and the limits have tests of their own.
    const config = loadConfig(
      engineEnv(namespace, { RATE_LIMIT_PER_MINUTE: '100000', RATE_LIMIT_MUTATIONS_PER_MINUTE: '100000' }),
    );
    api = createApiResources(config, createLogger({ level: 'error', write: () => undefined }));
    server = await new Promise<Server>((resolve) => {
      const listening = api.app.listen(0, '127.0.0.1', () => resolve(listening));
    });
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    workDir = mkdtempSync(path.join(os.tmpdir(), 'autometa-cli-'));
    keyFile = path.join(workDir, 'owner.key');
    writeFileSync(keyFile, `${owner.privateKey}\n`, { mode: 0o600 });
  });

  afterAll(async () => {
    if (server) {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    }
    await api?.close();
    await worker?.stop();
    await kit?.close();
    if (workDir) rmSync(workDir, { recursive: true, force: true });
  });

  /** Runs `npm run cli -- <args>` as its own process, as a user would, against this file's API and chain. */
  function cli(args: string[], env: Record<string, string> = {}): Promise<CliRun> {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...args], {
      cwd: projectRoot,
      env: {
        PATH: process.env.PATH,
        HOME: process.env.HOME,
        // No .data/local.env of a running stack: only what this test sets.
        DATA_DIR: '/nonexistent',
        BACKEND_API_URL: baseUrl,
        RPC_URL: testServices().rpcUrl,
        ...env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    return new Promise((resolve) => child.once('close', (code) => resolve({ code, stdout, stderr })));
  }

  /** Runs the command with `--json`, expects success, and parses its one JSON line. */
  async function cliJson(args: string[], env?: Record<string, string>): Promise<Json> {
    const run = await cli(['--json', ...args], env);
    expect({ args, code: run.code, stderr: run.stderr }).toEqual({ args, code: 0, stderr: expect.any(String) });
    const lines = run.stdout.trim().split('\n');
    expect(lines).toHaveLength(1);
    return JSON.parse(lines[0]) as Json;
  }

  /** Polls `status <id> --json` until `done` holds for the workflow, failing with its last answer. */
  async function waitForStatus(id: number, done: (workflow: Json) => boolean, timeoutMs = 90_000): Promise<Json> {
    const deadline = Date.now() + timeoutMs;
    let last: Json | undefined;
    while (Date.now() < deadline) {
      last = (await cliJson(['status', String(id)])).workflow as Json;
      if (done(last)) return last;
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
    throw new Error(`workflow ${id} did not get there; last answer ${JSON.stringify(last)}`);
  }

  const blockTime = async () => (await kit.provider.getBlock('latest'))!.timestamp;

  it('deposits, runs a time transfer to completion, lists, and pauses, resumes and deletes an interval', async () => {
    // deposit: the API builds the transaction, the CLI signs it with the key file and sends it.
    const escrowBefore = (await kit.contracts.escrow.balanceOf(owner.address)) as bigint;
    const deposit = await cli(['--key-file', keyFile, 'deposit', '2']);
    expect(deposit.code).toBe(0);
    expect(deposit.stdout).toMatch(/^Deposited 2 ETH: tx 0x[0-9a-f]{64} \(block \d+\)$/m);
    expect(deposit.stdout).toContain(`Escrow balance of ${owner.address}: `);
    expect(await kit.contracts.escrow.balanceOf(owner.address)).toBe(escrowBefore + parseEther('2'));
    expect(`${deposit.stdout}${deposit.stderr}`).not.toContain(owner.privateKey.slice(2));

    const balance = await cliJson(['--account', String(OWNER_INDEX), 'balance']);
    expect(balance).toMatchObject({ address: owner.address, escrow_wei: (escrowBefore + parseEther('2')).toString() });

    // create time: an ISO time a few seconds ahead of the chain's clock, signed through --account.
    const recipient = hardhatDevWallet(40).address;
    const at = new Date(((await blockTime()) + 4) * 1000).toISOString();
    const created = await cliJson([
      '--account',
      String(OWNER_INDEX),
      'create',
      'time',
      '--at',
      at,
      '--send',
      '0.5',
      '--to',
      recipient,
    ]);
    expect(created).toEqual({
      success: true,
      workflow_id: expect.any(Number),
      tx_hash: expect.stringMatching(/^0x[0-9a-f]{64}$/),
      message: 'Workflow created successfully',
    });
    const timeId = created.workflow_id as number;
    const stored = await kit.contracts.registry.getWorkflow(timeId);
    expect(stored.owner).toBe(owner.address);
    expect(stored.maxExecutions).toBe(1n);

    const completed = await waitForStatus(timeId, (workflow) => workflow.status?.state === 'completed');
    expect(completed.status.executions).toHaveLength(1);
    expect(await kit.provider.getBalance(recipient)).toBe(parseEther('0.5'));
    const status = await cli(['status', String(timeId)]);
    expect(status.code).toBe(0);
    expect(status.stdout).toContain(`Workflow ${timeId} (inactive)`);
    expect(status.stdout).toContain(`send 0.5 ETH to ${recipient}`);
    expect(status.stdout).toMatch(/state +completed/);
    expect(status.stdout).toMatch(/execution 1 at .*: tx 0x[0-9a-f]{64}, fee /);

    const list = await cli(['--key-file', keyFile, 'list']);
    expect(list.code).toBe(0);
    expect(list.stdout).toContain(`Workflows of ${owner.address}:`);
    expect(list.stdout).toMatch(new RegExp(`^#${timeId} +inactive +completed +at `, 'm'));

    // create interval, signed with AUTOMETA_PRIVATE_KEY, then pause, resume and delete it.
    const interval = await cliJson(
      ['create', 'interval', '--every', '3600', '--send', '0.01', '--to', hardhatDevWallet(41).address],
      { AUTOMETA_PRIVATE_KEY: owner.privateKey },
    );
    const intervalId = interval.workflow_id as number;
    expect((await kit.contracts.registry.getWorkflow(intervalId)).maxExecutions).toBe(0n);
    await waitForStatus(intervalId, (workflow) => workflow.status?.state === 'scheduled');

    const paused = await cli(['--key-file', keyFile, 'pause', String(intervalId)]);
    expect(paused).toMatchObject({ code: 0, stdout: `Workflow ${intervalId} paused\n` });
    await waitForStatus(intervalId, (workflow) => workflow.status?.state === 'paused' && workflow.status.paused);

    const resumed = await cli(['--key-file', keyFile, 'resume', String(intervalId)]);
    expect(resumed).toMatchObject({ code: 0, stdout: `Workflow ${intervalId} resumed\n` });
    await waitForStatus(intervalId, (workflow) => workflow.status?.state === 'scheduled' && !workflow.status.paused);

    const listed = await cliJson(['list', '--owner', owner.address]);
    expect(listed.workflows.map((workflow: Json) => workflow.workflow_id)).toEqual(
      expect.arrayContaining([timeId, intervalId]),
    );

    const deleted = await cli(['--key-file', keyFile, 'delete', String(intervalId)]);
    expect(deleted.code).toBe(0);
    expect(deleted.stdout).toMatch(new RegExp(`^Workflow ${intervalId} deleted: tx 0x[0-9a-f]{64}$`, 'm'));
    expect((await kit.contracts.registry.getWorkflow(intervalId)).active).toBe(false);
    await waitForStatus(intervalId, (workflow) => workflow.status?.state === 'cancelled');
  });

  it('withdraws from the escrow back to the wallet', async () => {
    const escrowBefore = (await kit.contracts.escrow.balanceOf(owner.address)) as bigint;
    const withdrawn = await cliJson(['--key-file', keyFile, 'withdraw', '0.25']);
    expect(withdrawn).toMatchObject({
      success: true,
      action: 'withdraw',
      amount_wei: parseEther('0.25').toString(),
      escrow_wei: (escrowBefore - parseEther('0.25')).toString(),
    });
    expect(await kit.contracts.escrow.balanceOf(owner.address)).toBe(escrowBefore - parseEther('0.25'));
  });

  it('prints the usage naming the bad argument and exits 2', async () => {
    const badTime = await cli(['--account', String(OWNER_INDEX), 'create', 'time', '--at', 'tomorrow', '--send', '1']);
    expect(badTime.code).toBe(2);
    expect(badTime.stdout).toBe('');
    expect(badTime.stderr).toContain('Error: --at must be an ISO time such as 2026-12-03T10:00:00Z or unix seconds');
    expect(badTime.stderr).toContain('Usage: npm run cli --');
    expect(badTime.stderr).toContain('create time --at <ISO time | unix seconds>');

    const unknown = await cli(['frobnicate']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('Error: unknown command "frobnicate"');
    expect(unknown.stderr).toContain('Commands:');

    const foreign = await cli(['--key-file', keyFile, 'deposit', '1', '--every', '5']);
    expect(foreign.code).toBe(2);
    expect(foreign.stderr).toContain('Error: --every does not apply to deposit');

    const noKey = await cli(['pause', '1']);
    expect(noKey.code).toBe(1);
    expect(noKey.stderr).toContain('give --key-file <path>, set AUTOMETA_PRIVATE_KEY, or use --account <N>');
  });

  it("shows the API's error code and message and exits 1", async () => {
    const count = (await kit.contracts.registry.workflowCount()) as bigint;
    const missing = await cli(['status', String(count + 1000n)]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/^Error: workflow_not_found \(HTTP 404\): /);

    // A signature that is not the owner's: the API refuses it by name, with --json on stdout too.
    const own = await cliJson([
      '--key-file',
      keyFile,
      'create',
      'interval',
      '--every',
      '3600',
      '--send',
      '0.01',
      '--to',
      hardhatDevWallet(41).address,
    ]);
    const refused = await cli(['--json', '--account', String(STRANGER_INDEX), 'pause', String(own.workflow_id)]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/^Error: not_owner \(HTTP 403\): /);
    expect(JSON.parse(refused.stdout)).toEqual({
      success: false,
      error: {
        code: 'not_owner',
        message: expect.stringContaining(owner.address),
        details: { owner: owner.address, signer: hardhatDevWallet(STRANGER_INDEX).address },
      },
    });
    expect((await cli(['--key-file', keyFile, 'delete', String(own.workflow_id)])).code).toBe(0);
  });
});
