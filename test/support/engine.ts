import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import path from 'node:path';

import { Client, Connection } from '@temporalio/client';
import { msToTs } from '@temporalio/common/lib/time';
import { Contract, JsonRpcProvider, NonceManager, type Signer } from 'ethers';

import { loadArtifact } from '../../src/chain/artifacts';
import { connectContracts, type AutometaContracts } from '../../src/chain/contracts';
import { loadConfig, type Config } from '../../src/config';
import { hardhatDevWallet, localWallet } from '../../src/stack/local-accounts';
import { localChainSettings } from '../../src/stack/local-settings';
import { readTemporalServerSpec } from '../../src/stack/temporal-server';
import { AutomationClient } from '../../src/temporal/automation-client';
import { automationTimings } from '../../src/temporal/runtime';
import { testServices } from './services';

const projectRoot = path.resolve(__dirname, '..', '..');

/**
 * Registers a Temporal namespace of its own for one test file, with the custom search attributes, so
 * its registry sync, price watchers and automations meet no other file's.
 */
export async function createTestNamespace(prefix: string): Promise<string> {
  const namespace = `${prefix}-${randomBytes(4).toString('hex')}`;
  const connection = await Connection.connect({ address: testServices().temporalAddress });
  try {
    await connection.workflowService.registerNamespace({
      namespace,
      workflowExecutionRetentionPeriod: msToTs('1 day'),
    });
    const keyword = 2; // INDEXED_VALUE_TYPE_KEYWORD
    const attributes = Object.fromEntries(
      Object.keys(readTemporalServerSpec(projectRoot).searchAttributes).map((name) => [name, keyword]),
    );
    await connection.operatorService.addSearchAttributes({ namespace, searchAttributes: attributes });
    // Registration reaches every service after a moment; describe until it does.
    for (let attempt = 0; ; attempt++) {
      try {
        await connection.workflowService.describeNamespace({ namespace });
        break;
      } catch (error) {
        if (attempt > 50) throw error;
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
    }
  } finally {
    await connection.close();
  }
  return namespace;
}

/** The settings of a worker or API process of the test run, in `namespace`. */
export function engineEnv(namespace: string, overrides: Record<string, string> = {}): Record<string, string> {
  const services = testServices();
  return {
    ...localChainSettings(services.deployment, services),
    TEMPORAL_ADDRESS: services.temporalAddress,
    TEMPORAL_NAMESPACE: namespace,
    TEMPORAL_TASK_QUEUE: 'autometa',
    API_KEY: 'test-operator-key-0123456789',
    PRICE_LOCAL_TTL: '0',
    PRICE_CACHE_TTL: '1',
    PRICE_CHECK_INTERVAL: '2',
    PRICE_WATCH_INTERVAL: '1',
    WAIT_RECHECK_INTERVAL: '1',
    REGISTRY_SYNC_INTERVAL: '1',
    LOG_LEVEL: 'info',
    LOG_FORMAT: 'json',
    ...overrides,
  };
}

/** A worker process (`npm run temporal-worker`) of the test run. */
export interface WorkerProcess {
  child: ChildProcess;
  exited: Promise<number | null>;
  /** Every line the worker logged so far. */
  lines(): string[];
  stop(signal?: NodeJS.Signals): Promise<void>;
}

/** Starts src/worker.ts as its own process with `env`, logging to `logFile`, and waits until it polls. */
export async function startWorkerProcess(env: Record<string, string>, logFile: string): Promise<WorkerProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(projectRoot, 'src/worker.ts')], {
    cwd: projectRoot,
    env: { PATH: process.env.PATH, HOME: process.env.HOME, DATA_DIR: '/nonexistent', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const log = createWriteStream(logFile, { flags: 'a' });
  const collected: string[] = [];
  let pending = '';
  const onData = (chunk: Buffer) => {
    log.write(chunk);
    pending += chunk.toString('utf8');
    const lines = pending.split('\n');
    pending = lines.pop() ?? '';
    collected.push(...lines);
  };
  child.stdout!.on('data', onData);
  child.stderr!.on('data', onData);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const deadline = Date.now() + 90_000;
  while (!collected.some((line) => line.includes('Worker polling'))) {
    if (child.exitCode !== null) throw new Error(`the worker exited with ${child.exitCode}:\n${collected.join('\n')}`);
    if (Date.now() > deadline) throw new Error(`the worker did not start:\n${collected.join('\n')}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return {
    child,
    exited,
    lines: () => collected,
    async stop(signal = 'SIGTERM') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      await exited;
      log.end();
    },
  };
}

/** Clients a test uses to act as users and to watch the automations of its namespace. */
export interface EngineTestKit {
  config: Config;
  provider: JsonRpcProvider;
  connection: Connection;
  client: Client;
  automations: AutomationClient;
  /** The deployment's contracts, read-only. */
  contracts: AutometaContracts;
  /** A funded account acting as a workflow owner, with its contracts bound to it. */
  owner: { signer: Signer; address: string; contracts: AutometaContracts };
  /** Owner of the local price feeds. */
  deployer: Signer;
  feed(asset: string): Contract;
  close(): Promise<void>;
}

/** Connects the clients of {@link EngineTestKit} for `namespace`, with Hardhat account `ownerIndex` as the owner. */
export async function createEngineTestKit(namespace: string, ownerIndex: number): Promise<EngineTestKit> {
  const services = testServices();
  const config = loadConfig(engineEnv(namespace));
  // No response cache: tests read balances and nonces right after their own transactions, and ethers
  // would answer a repeated read within 250 ms from before them.
  const provider = new JsonRpcProvider(services.rpcUrl, 31337, {
    staticNetwork: true,
    pollingInterval: 200,
    cacheTimeout: -1,
  });
  const connection = await Connection.connect({ address: services.temporalAddress });
  const client = new Client({ connection, namespace });
  const automations = new AutomationClient({
    client,
    taskQueue: config.TEMPORAL_TASK_QUEUE,
    chainId: config.CHAIN_ID,
    registry: config.WORKFLOW_REGISTRY_ADDRESS,
    timings: automationTimings(config),
  });
  const addresses = services.deployment;
  const ownerSigner = new NonceManager(hardhatAccount(ownerIndex).connect(provider));
  const deployer = new NonceManager(localWallet('deployer').connect(provider));
  return {
    config,
    provider,
    connection,
    client,
    automations,
    contracts: connectContracts(addresses, provider),
    owner: {
      signer: ownerSigner,
      address: hardhatAccount(ownerIndex).address,
      contracts: connectContracts(addresses, ownerSigner),
    },
    deployer,
    feed: (asset) => new Contract(addresses.priceFeeds[asset], loadArtifact('LocalPriceFeed').abi, deployer),
    async close() {
      await connection.close();
      provider.destroy();
    },
  };
}

// Accounts 0-3 are the stack's roles; each test file takes an owner of its own from 5 on.
const hardhatAccount = hardhatDevWallet;
