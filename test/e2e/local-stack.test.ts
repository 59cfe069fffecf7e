import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { Connection, WorkflowClient } from '@temporalio/client';
import { JsonRpcProvider } from 'ethers';

import { startChainNode } from '../../src/stack/chain-node';
import { freePort, portIsFree } from '../../src/stack/free-port';
import type { ManagedProcess } from '../../src/stack/managed-process';

const projectRoot = path.resolve(__dirname, '..', '..');

interface StackPorts {
  api: number;
  redis: number;
  chain: number;
  temporal: number;
  ui: number;
}

interface RunningStack {
  child: ChildProcess;
  output: () => string;
}

/** Runs `npm start`'s program (after the bootstrap step, which npm test has already done). */
async function startStack(ports: StackPorts, dataDir: string): Promise<RunningStack> {
  let output = '';
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(projectRoot, 'src/stack/main.ts')], {
    cwd: projectRoot,
    env: {
      ...process.env,
      PORT: String(ports.api),
      REDIS_URL: `redis://127.0.0.1:${ports.redis}`,
      RPC_URL: `http://127.0.0.1:${ports.chain}`,
      TEMPORAL_ADDRESS: `127.0.0.1:${ports.temporal}`,
      TEMPORAL_UI_PORT: String(ports.ui),
      DATA_DIR: dataDir,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout!.on('data', (chunk) => (output += chunk));
  child.stderr!.on('data', (chunk) => (output += chunk));
  const deadline = Date.now() + 240_000;
  while (!output.includes('local stack is up')) {
    if (child.exitCode !== null) throw new Error(`the stack exited with ${child.exitCode}:\n${output}`);
    if (Date.now() > deadline) throw new Error(`the stack did not come up:\n${output}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  return { child, output: () => output };
}

/** Sends Ctrl-C's signal and waits for the stack to exit. */
async function interrupt(stack: RunningStack): Promise<number | null> {
  const exited = new Promise<number | null>((resolve) => stack.child.once('exit', (code) => resolve(code)));
  stack.child.kill('SIGINT');
  return exited;
}

/** Processes whose environment carries this DATA_DIR: the stack passes it to everything it starts. */
function pidsUsing(dataDir: string): number[] {
  const found: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const environment = readFileSync(`/proc/${entry}/environ`, 'utf8').split('\0');
      if (environment.includes(`DATA_DIR=${dataDir}`)) found.push(Number(entry));
    } catch {
      // The process ended while we looked.
    }
  }
  return found;
}

/** Waits until `count` distinct workers poll the stack's task queue. */
async function waitForPollers(temporalPort: number, count: number): Promise<void> {
  const connection = await Connection.connect({ address: `127.0.0.1:${temporalPort}` });
  try {
    const deadline = Date.now() + 90_000;
    for (;;) {
      const { pollers } = await connection.workflowService.describeTaskQueue({
        namespace: 'default',
        taskQueue: { name: 'autometa' },
        taskQueueType: 1, // TASK_QUEUE_TYPE_WORKFLOW
      });
      if (new Set(pollers.map((poller) => poller.identity)).size >= count) return;
      if (Date.now() > deadline) throw new Error(`fewer than ${count} workers poll the task queue`);
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  } finally {
    await connection.close();
  }
}

describe('the local stack (npm start)', () => {
  jest.setTimeout(600_000);

  let ports: StackPorts;
  let dataDir: string;

  beforeAll(async () => {
    ports = {
      api: await freePort(),
      redis: await freePort(),
      chain: await freePort(),
      temporal: await freePort(),
      ui: await freePort(),
    };
    dataDir = mkdtempSync(path.join(os.tmpdir(), 'autometa-stack-'));
  });

  it('comes up healthy with the Web UI and deployed contracts, and Ctrl-C leaves nothing behind', async () => {
    const stack = await startStack(ports, dataDir);
    try {
      const health = await fetch(`http://127.0.0.1:${ports.api}/api/utils/healthz`);
      expect(health.status).toBe(200);
      expect(await health.json()).toEqual({ status: 'healthy', timestamp: expect.any(String) });

      expect((await fetch(`http://127.0.0.1:${ports.ui}/`)).status).toBe(200);

      const contracts = (await (await fetch(`http://127.0.0.1:${ports.api}/api/utils/contracts`)).json()) as Record<
        string,
        unknown
      >;
      const provider = new JsonRpcProvider(`http://127.0.0.1:${ports.chain}`, 31337, { staticNetwork: true });
      for (const field of ['workflow_registry', 'action_executor', 'fee_escrow']) {
        expect(await provider.getCode(contracts[field] as string)).not.toBe('0x');
      }
      provider.destroy();
      expect(stack.output()).toContain('Temporal UI');
      expect(stack.output()).toContain('holds WORKER_ROLE');
      expect(stack.output()).not.toMatch(/0x[0-9a-fA-F]{64}/); // no private key on the terminal

      // `npm run temporal-worker`: one more worker that finds its settings in DATA_DIR/local.env.
      expect(statSync(path.join(dataDir, 'local.env')).mode & 0o777).toBe(0o600);
      const extraWorker = spawn(process.execPath, ['--import', 'tsx', path.join(projectRoot, 'src/worker.ts')], {
        cwd: projectRoot,
        env: { PATH: process.env.PATH, HOME: process.env.HOME, DATA_DIR: dataDir },
        stdio: 'ignore',
      });
      try {
        await waitForPollers(ports.temporal, 2);
      } finally {
        extraWorker.kill('SIGTERM');
        await new Promise((resolve) => extraWorker.once('exit', resolve));
      }
    } finally {
      expect(await interrupt(stack)).toBe(0);
    }

    for (const port of Object.values(ports)) expect(await portIsFree(port)).toBe(true);
    expect(pidsUsing(dataDir)).toEqual([]);
  });

  it('keeps workflows across a restart when the chain is kept, and reuses the deployment', async () => {
    // A chain that outlives the stack: the stack must use it as it is and leave it running.
    const chain: ManagedProcess = await startChainNode({
      projectRoot,
      port: ports.chain,
      logFile: path.join(dataDir, 'outside-chain.log'),
    });
    try {
      const first = await startStack(ports, dataDir);
      const connection = await Connection.connect({ address: `127.0.0.1:${ports.temporal}` });
      const client = new WorkflowClient({ connection });
      const workflowId = `stack-restart-${Date.now()}`;
      // A workflow type no worker serves stays open: exactly what must survive a restart.
      await client.start('workflowTypeNobodyServes', { taskQueue: 'nobody-polls-this', workflowId });
      await connection.close();
      expect(await interrupt(first)).toBe(0);
      expect(await portIsFree(ports.chain)).toBe(false);

      const second = await startStack(ports, dataDir);
      try {
        expect(second.output()).toContain('reused from the running chain');
        const again = await Connection.connect({ address: `127.0.0.1:${ports.temporal}` });
        const description = await new WorkflowClient({ connection: again }).getHandle(workflowId).describe();
        expect(description.status.name).toBe('RUNNING');
        await again.close();
      } finally {
        expect(await interrupt(second)).toBe(0);
      }
    } finally {
      await chain.stop();
    }
  });

  it('starts clean on purpose when the chain is new, archiving the previous Temporal state', async () => {
    const stack = await startStack(ports, dataDir);
    try {
      expect(stack.output()).toContain('deployed now');
      expect(stack.output()).toContain('previous Temporal state moved to');
    } finally {
      expect(await interrupt(stack)).toBe(0);
    }
  });
});
