import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, readdirSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';

import Redis from 'ioredis';

import { ConfigError } from '../config';
import { loadEnvFiles } from '../env-files';
import { LOCAL_CHAIN_ID, startChainNode } from './chain-node';
import { HARDHAT_DEV_MNEMONIC, LOCAL_ACCOUNT_INDEX, localWallet } from './local-accounts';
import { localChainSettings } from './local-settings';
import { ensureLocalDeployment, type LocalDeployment } from './local-deployment';
import { startProcess, waitUntil, type ManagedProcess } from './managed-process';
import { httpAnswers, redisAnswers, rpcChainId, taskQueueHasPollers, temporalAnswers } from './probes';
import { startRedisServer } from './redis-server';
import { loadStackConfig, type StackConfig } from './stack-config';
import { startTemporalServer } from './temporal-server';

const projectRoot = path.resolve(__dirname, '..', '..');

// The stack is the terminal's program: it talks to the user with plain lines, not the JSON process log.
const say = (line = '') => process.stdout.write(`${line}\n`);

/** Processes this run started, newest last; only these are stopped on exit. */
const started: ManagedProcess[] = [];
let stopping = false;

async function stopAll(exitCode: number): Promise<never> {
  if (!stopping) {
    stopping = true;
    say('\nStopping the local stack...');
    for (const service of [...started].reverse()) {
      await service.stop();
      say(`  stopped ${service.name}`);
    }
  }
  process.exit(exitCode);
}

async function ensureRedis(config: StackConfig, logDir: string): Promise<string> {
  if (await redisAnswers(config.redisUrl)) return `${config.redisUrl} (already running, used as it is)`;
  started.push(
    await startRedisServer({
      port: config.redisPort,
      dataDir: path.join(config.dataDir, 'redis'),
      logFile: path.join(logDir, 'redis.log'),
    }),
  );
  return `${config.redisUrl} (data in ${path.relative(projectRoot, config.dataDir)}/redis)`;
}

async function ensureChain(config: StackConfig, logDir: string): Promise<string> {
  const runningChainId = await rpcChainId(config.rpcUrl);
  if (runningChainId !== undefined) {
    if (runningChainId !== LOCAL_CHAIN_ID) {
      throw new Error(
        `${config.rpcUrl} serves chain id ${runningChainId}, not the local chain ${LOCAL_CHAIN_ID}: free port ${config.chainPort} or set RPC_URL`,
      );
    }
    return `${config.rpcUrl} (already running, used as it is)`;
  }
  started.push(await startChainNode({ projectRoot, port: config.chainPort, logFile: path.join(logDir, 'chain.log') }));
  return `${config.rpcUrl} (new Hardhat node, chain id ${LOCAL_CHAIN_ID})`;
}

/**
 * Workflows in Temporal's database refer to registry ids of one deployment. When the contracts are new
 * (Hardhat's chain lives in memory, so a new node means new contracts), the old database is moved to
 * an archive folder instead of being mixed with the new chain: a clean start, on purpose.
 */
function prepareTemporalState(temporalDir: string, deployment: LocalDeployment): string | undefined {
  mkdirSync(temporalDir, { recursive: true });
  const markerFile = path.join(temporalDir, 'deployment.json');
  const marker = JSON.stringify({ genesisHash: deployment.genesisHash, workflowRegistry: deployment.workflowRegistry });
  const previous = existsSync(markerFile) ? readFileSync(markerFile, 'utf8') : undefined;
  let archivedTo: string | undefined;
  if (previous !== marker && readdirSync(temporalDir).some((name) => name.startsWith('temporal.db'))) {
    archivedTo = path.join(temporalDir, 'archive', new Date().toISOString().replace(/[:.]/g, '-'));
    mkdirSync(archivedTo, { recursive: true });
    for (const name of readdirSync(temporalDir).filter((entry) => entry.startsWith('temporal.db'))) {
      renameSync(path.join(temporalDir, name), path.join(archivedTo, name));
    }
  }
  writeFileSync(markerFile, marker);
  return archivedTo;
}

async function ensureTemporal(config: StackConfig, deployment: LocalDeployment, logDir: string): Promise<string> {
  if (await temporalAnswers(config.temporalAddress)) {
    return `${config.temporalAddress} (already running, used as it is)`;
  }
  const temporalDir = path.join(config.dataDir, 'temporal');
  const archivedTo = prepareTemporalState(temporalDir, deployment);
  if (archivedTo)
    say(`  the contracts are new, so the previous Temporal state moved to ${path.relative(projectRoot, archivedTo)}`);
  started.push(
    await startTemporalServer({
      projectRoot,
      port: config.temporalPort,
      uiPort: config.temporalUiPort,
      dbFile: path.join(temporalDir, 'temporal.db'),
      namespace: config.temporalNamespace,
      logFile: path.join(logDir, 'temporal.log'),
    }),
  );
  return `${config.temporalAddress}, state in ${path.relative(projectRoot, temporalDir)}/temporal.db`;
}

/**
 * A new local chain reuses the chain id and, deployed by the same account, the same addresses: what
 * Redis kept for the previous chain (journaled transactions, nonces, armed thresholds of the archived
 * automations) would be taken for this one's, so it goes.
 */
async function forgetPreviousChain(config: StackConfig) {
  const redis = new Redis(config.redisUrl, { maxRetriesPerRequest: 1 });
  try {
    const patterns = [
      `autometa:tx:${LOCAL_CHAIN_ID}:*`,
      `autometa:*:${LOCAL_CHAIN_ID}:*`,
      `autometa:thresholds:${config.temporalNamespace}:*`,
    ];
    for (const pattern of patterns) {
      let cursor = '0';
      do {
        const [next, keys] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 500);
        if (keys.length > 0) await redis.del(...keys);
        cursor = next;
      } while (cursor !== '0');
    }
  } finally {
    redis.disconnect();
  }
}

/** The operator key survives restarts of the stack, so scripts that use it keep working. */
function operatorApiKey(dataDir: string): string {
  const file = path.join(dataDir, 'api-key');
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  const key = randomBytes(24).toString('hex');
  writeFileSync(file, `${key}\n`, { mode: 0o600 });
  return key;
}

/** The settings the stack's API and workers run with; also written to DATA_DIR/local.env for extra workers. */
function localSettings(config: StackConfig, deployment: LocalDeployment): Record<string, string> {
  return {
    ...localChainSettings(deployment, config),
    // Reading a local feed costs nothing, so short cache times let `npm run set-price` show within seconds.
    PRICE_CACHE_TTL: '5',
    PRICE_LOCAL_TTL: '2',
    TEMPORAL_ADDRESS: config.temporalAddress,
    TEMPORAL_NAMESPACE: config.temporalNamespace,
    TEMPORAL_TASK_QUEUE: config.taskQueue,
    API_KEY: operatorApiKey(config.dataDir),
    PORT: String(config.apiPort),
    BACKEND_API_URL: `http://127.0.0.1:${config.apiPort}`,
    LOG_LEVEL: config.logLevel,
  };
}

function writeLocalEnv(file: string, settings: Record<string, string>) {
  const lines = [
    '# Written by `npm start` for this local stack; `npm run temporal-worker` reads it. Local keys only.',
    ...Object.entries(settings).map(([name, value]) => `${name}=${value}`),
  ];
  writeFileSync(file, `${lines.join('\n')}\n`, { mode: 0o600 });
  chmodSync(file, 0o600);
}

function startNodeProcess(
  name: string,
  entry: string,
  settings: Record<string, string>,
  logDir: string,
): ManagedProcess {
  return startProcess({
    name,
    command: process.execPath,
    args: ['--import', 'tsx', path.join(projectRoot, entry)],
    cwd: projectRoot,
    env: { ...process.env, ...settings },
    logFile: path.join(logDir, `${name}.log`),
    onLine: (line) => say(`[${name}] ${line}`),
  });
}

function watchForUnexpectedExit(service: ManagedProcess) {
  void service.exited.then((outcome) => {
    if (stopping) return;
    say(`${service.name} exited unexpectedly (${outcome}); its log is ${service.name}.log in DATA_DIR/logs`);
    void stopAll(1);
  });
}

async function main() {
  loadEnvFiles(projectRoot, { includeLocalEnv: false });
  const config = loadStackConfig(projectRoot);
  const logDir = path.join(config.dataDir, 'logs');
  mkdirSync(logDir, { recursive: true });
  process.once('SIGINT', () => void stopAll(0));
  process.once('SIGTERM', () => void stopAll(0));

  say('Starting the Autometa local stack...');
  const redisLine = await ensureRedis(config, logDir);
  say(`  Redis      ${redisLine}`);
  const chainLine = await ensureChain(config, logDir);
  say(`  Chain      ${chainLine}`);
  const { deployment, deployedNow } = await ensureLocalDeployment(
    config.rpcUrl,
    LOCAL_CHAIN_ID,
    path.join(config.dataDir, 'deployment.json'),
  );
  say(`  Contracts  ${deployedNow ? 'deployed now' : 'reused from the running chain'}`);
  if (deployedNow) await forgetPreviousChain(config);
  const temporalLine = await ensureTemporal(config, deployment, logDir);
  say(`  Temporal   ${temporalLine}`);

  const settings = localSettings(config, deployment);
  writeLocalEnv(path.join(config.dataDir, 'local.env'), settings);
  const worker = startNodeProcess('worker', 'src/worker.ts', settings, logDir);
  started.push(worker);
  const api = startNodeProcess('api', 'src/server.ts', settings, logDir);
  started.push(api);
  watchForUnexpectedExit(worker);
  watchForUnexpectedExit(api);

  const healthUrl = `http://127.0.0.1:${config.apiPort}/api/utils/healthz`;
  // Kept so a stack that never turns healthy says which dependency the API found down.
  let lastHealth = 'no answer';
  const healthy = async () => {
    try {
      const response = await fetch(healthUrl, { signal: AbortSignal.timeout(5_000) });
      lastHealth = `${response.status} ${await response.text()}`;
      return response.status === 200;
    } catch (error) {
      lastHealth = error instanceof Error ? error.message : String(error);
      return false;
    }
  };
  await waitUntil('API health', healthy, 90_000, api.exited).catch((error: Error) => {
    throw new Error(`${error.message}; its last answer: ${lastHealth}`);
  });
  await waitUntil(
    'worker polling',
    () => taskQueueHasPollers(config.temporalAddress, config.temporalNamespace, config.taskQueue),
    90_000,
    worker.exited,
  );
  await waitUntil('Temporal Web UI', () => httpAnswers(`http://127.0.0.1:${config.temporalUiPort}/`), 30_000);
  printBanner(config, deployment);
}

function printBanner(config: StackConfig, deployment: LocalDeployment) {
  const dataDir = path.relative(projectRoot, config.dataDir);
  const account = (role: keyof typeof LOCAL_ACCOUNT_INDEX) =>
    `${localWallet(role).address}  (Hardhat dev account #${LOCAL_ACCOUNT_INDEX[role]})`;
  say('');
  say('Autometa local stack is up. Ctrl-C stops everything this command started.');
  say('');
  say(`  API            http://127.0.0.1:${config.apiPort}  (health: /api/utils/healthz)`);
  say(
    `  Temporal       ${config.temporalAddress}  namespace ${config.temporalNamespace}, task queue ${config.taskQueue}`,
  );
  say(`  Temporal UI    http://127.0.0.1:${config.temporalUiPort}`);
  say(`  Redis          ${config.redisUrl}`);
  say(`  Chain          ${config.rpcUrl}  (chain id ${deployment.chainId})`);
  say('');
  say(`  WorkflowRegistry  ${deployment.workflowRegistry}`);
  say(`  ActionExecutor    ${deployment.actionExecutor}`);
  say(`  FeeEscrow         ${deployment.feeEscrow}`);
  say(`  TestToken         ${deployment.testToken}`);
  for (const [asset, feed] of Object.entries(deployment.priceFeeds))
    say(`  ${`Price feed ${asset}`.padEnd(17)} ${feed}`);
  say('');
  say(`  Deployer   ${account('deployer')}`);
  say(`  Relayer    ${account('relayer')}`);
  say(`  Worker     ${account('worker')}  holds WORKER_ROLE`);
  say(`  User       ${account('user')}  a funded account to try things with`);
  say(`  Keys: derived from Hardhat's public dev mnemonic "${HARDHAT_DEV_MNEMONIC}"; local use only.`);
  say(`  Settings for more workers and scripts: ${dataDir}/local.env (operator API key in ${dataDir}/api-key)`);
  say(`  Logs: ${dataDir}/logs/`);
  say('');
  say('  One more worker:  npm run temporal-worker');
}

main().catch(async (error) => {
  const message = error instanceof ConfigError || error instanceof Error ? error.message : String(error);
  say(`The local stack could not start: ${message}`);
  await stopAll(1);
});
