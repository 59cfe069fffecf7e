/**
 * Measures the API's read endpoints under load in one run: GET /api/price/{symbol} and GET
 * /api/workflow/user/{address} (an owner with a few workflows), each against a bare Express hello-world
 * measured the same way (autocannon, same connections and duration, after a warm-up).
 *
 * Starts its own redis-server, Hardhat node (contracts deployed) and Temporal dev server, runs the API
 * (src/server.ts) and the hello-world as processes of their own on free ports, so the load generator in
 * this process does not share their event loop, and stops all of them at the end. No worker runs: the
 * owner's workflows are created straight on-chain, so Temporal has no automation for them and each
 * status answers null after a not-found query.
 *
 * NOTE: the API runs with RATE_LIMIT_PER_MINUTE and RATE_LIMIT_MUTATIONS_PER_MINUTE at their maximum
 * (1,000,000), so the figures measure the endpoints, the limiter's Redis round trip included, and not
 * 429 answers.
 *
 * Prints readable lines, then one JSON line with the figures.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { JsonRpcProvider, NonceManager, parseEther } from 'ethers';
import express from 'express';

import {
  encodeIntervalTrigger,
  encodeNativeTransfer,
  encodePriceTrigger,
  encodeTimeTrigger,
} from '../src/chain/abi-codec';
import { connectContracts } from '../src/chain/contracts';
import type { Deployment } from '../src/chain/deploy';
import { ActionType, PriceComparator, TriggerType } from '../src/domain/codes';
import { freePort } from '../src/stack/free-port';
import { hardhatDevWallet } from '../src/stack/local-accounts';
import { localChainSettings } from '../src/stack/local-settings';
import { startProcess, waitUntil, type ManagedProcess } from '../src/stack/managed-process';
import { httpAnswers } from '../src/stack/probes';
import { startBenchServices } from './support/services';

const projectRoot = path.resolve(__dirname, '..');
const say = (line = '') => process.stdout.write(`${line}\n`);

/** Seconds each measurement runs (BENCH_DURATION). */
const DURATION_S = Number(process.env.BENCH_DURATION?.trim() || 10);
/** Concurrent connections of each measurement (BENCH_CONNECTIONS). */
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS?.trim() || 50);
/** Seconds of the untimed warm-up of each target. */
const WARMUP_S = 3;
/** Workflows the listed owner has. */
const OWNER_WORKFLOWS = 3;
const RATE_LIMIT_MAX = '1000000';

/** The part of autocannon's options this bench uses; the package ships no type declarations. */
interface AutocannonOptions {
  url: string;
  connections: number;
  duration: number;
  timeout?: number;
}

/** The part of autocannon's result this bench reads: requests per second and latency in ms. */
interface AutocannonResult {
  requests: { average: number; total: number };
  latency: { p50: number; p99: number; average: number };
  errors: number;
  timeouts: number;
  non2xx: number;
}

// A plain require, typed just above: an import would need declarations the package does not ship.
const autocannon = require('autocannon') as (options: AutocannonOptions) => Promise<AutocannonResult>;

/** One target's measured figures. */
interface Measured {
  rps: number;
  p50Ms: number;
  p99Ms: number;
  requests: number;
}

/** Runs autocannon against `url` and fails when any request errs or answers other than 2xx. */
async function measure(name: string, url: string, durationS: number): Promise<Measured> {
  const result = await autocannon({ url, connections: CONNECTIONS, duration: durationS, timeout: 10 });
  if (result.errors > 0 || result.non2xx > 0) {
    throw new Error(
      `${name}: ${result.errors} errors (${result.timeouts} timeouts) and ${result.non2xx} non-2xx answers`,
    );
  }
  return {
    rps: result.requests.average,
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    requests: result.requests.total,
  };
}

/** Serves `{"hello":"world"}` with Express on `port`: the baseline, in a process of its own. */
function serveBare(port: number): void {
  const app = express();
  app.disable('x-powered-by');
  app.get('/', (_request, response) => {
    response.json({ hello: 'world' });
  });
  app.listen(port, '127.0.0.1');
}

/** Creates `count` workflows owned by `owner` with its own transactions, without the API or any automation. */
async function createOwnerWorkflows(rpcUrl: string, deployment: Deployment, ownerIndex: number, count: number) {
  const provider = new JsonRpcProvider(rpcUrl, deployment.chainId, { staticNetwork: true });
  try {
    const owner = new NonceManager(hardhatDevWallet(ownerIndex).connect(provider));
    const { registry } = connectContracts(deployment, owner);
    const recipient = hardhatDevWallet(40).address;
    const later = Math.floor(Date.now() / 1000) + 30 * 24 * 3600;
    const triggers = [
      [TriggerType.Time, encodeTimeTrigger(later)],
      [TriggerType.Interval, encodeIntervalTrigger(3600)],
      [TriggerType.Price, encodePriceTrigger('ethereum', PriceComparator.AtOrBelow, 100_000_000n)],
    ] as const;
    for (let index = 0; index < count; index += 1) {
      const [type, data] = triggers[index % triggers.length];
      const action = encodeNativeTransfer(recipient, parseEther('0.01'));
      await (await registry.createWorkflow(type, data, ActionType.NativeTransfer, action, 1)).wait();
    }
  } finally {
    provider.destroy();
  }
}

const rounded = (value: number, digits = 1) => Number(value.toFixed(digits));
const loadAverage = () =>
  os
    .loadavg()
    .map((value) => value.toFixed(2))
    .join(', ');

async function main() {
  const workDir = mkdtempSync(path.join(os.tmpdir(), 'autometa-api-bench-'));
  const started: ManagedProcess[] = [];
  const track = (child: ManagedProcess) => {
    started.push(child);
    return child;
  };
  let stopping: Promise<void> | undefined;
  const stopAll = () =>
    (stopping ??= (async () => {
      for (const child of started.reverse()) await child.stop(5_000);
      rmSync(workDir, { recursive: true, force: true });
    })());
  // The services run in process groups of their own, which a Ctrl-C of this process does not reach.
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      say(`${signal}: stopping what the bench started`);
      void stopAll().finally(() => process.exit(130));
    });
  }

  try {
    say(
      `API figures, ${new Date().toISOString()}, Node ${process.version}, ${os.cpus().length} cores (${os.cpus()[0]?.model ?? 'unknown CPU'})`,
    );
    say(`Load average at start: ${loadAverage()}`);
    const services = await startBenchServices(projectRoot, workDir, started);
    const { deployment, rpcUrl } = services;
    const [apiPort, barePort] = await Promise.all([freePort(), freePort()]);
    const ownerIndex = 3;
    const owner = hardhatDevWallet(ownerIndex).address;
    await createOwnerWorkflows(rpcUrl, deployment, ownerIndex, OWNER_WORKFLOWS);

    const apiUrl = `http://127.0.0.1:${apiPort}`;
    const api = track(
      startProcess({
        name: 'api',
        command: process.execPath,
        args: ['--import', 'tsx', path.join(projectRoot, 'src', 'server.ts')],
        cwd: projectRoot,
        env: {
          PATH: process.env.PATH,
          HOME: process.env.HOME,
          // No .data/local.env of a running stack: only the settings below.
          DATA_DIR: path.join(workDir, 'data'),
          // As `npm start` runs it: the local chain, its contracts and prices from its feeds.
          ...localChainSettings(deployment, services),
          TEMPORAL_ADDRESS: services.temporalAddress,
          API_KEY: 'bench-operator-key-0123456789',
          RATE_LIMIT_PER_MINUTE: RATE_LIMIT_MAX,
          RATE_LIMIT_MUTATIONS_PER_MINUTE: RATE_LIMIT_MAX,
          HOST: '127.0.0.1',
          PORT: String(apiPort),
          LOG_LEVEL: 'warn',
          LOG_FORMAT: 'json',
        },
        logFile: path.join(workDir, 'api.log'),
      }),
    );
    const bare = track(
      startProcess({
        name: 'bare-express',
        command: process.execPath,
        args: ['--import', 'tsx', __filename, '--bare-server', String(barePort)],
        cwd: projectRoot,
        logFile: path.join(workDir, 'bare.log'),
      }),
    );
    const priceUrl = `${apiUrl}/api/price/ethereum`;
    const userUrl = `${apiUrl}/api/workflow/user/${owner}`;
    const bareUrl = `http://127.0.0.1:${barePort}/`;
    await waitUntil('API', () => httpAnswers(`${apiUrl}/api/utils/healthz`), 60_000, api.exited);
    await waitUntil('bare Express', () => httpAnswers(bareUrl), 30_000, bare.exited);

    // Each endpoint answers what it should before it is measured.
    const price = (await (await fetch(priceUrl)).json()) as { price_usd?: number; source?: string };
    if (typeof price.price_usd !== 'number') throw new Error(`the price endpoint answered ${JSON.stringify(price)}`);
    const listed = (await (await fetch(userUrl)).json()) as { workflows?: { status: unknown }[] };
    if (listed.workflows?.length !== OWNER_WORKFLOWS || listed.workflows.some((workflow) => workflow.status !== null)) {
      throw new Error(`the owner list answered ${JSON.stringify(listed)}`);
    }
    say(
      `Services up: Redis, Hardhat node, Temporal dev server, API on ${apiUrl}, bare Express on ${bareUrl}; ` +
        `owner ${owner} has ${OWNER_WORKFLOWS} workflows, no automations`,
    );
    say(
      `Each target: ${WARMUP_S} s warm-up, then ${DURATION_S} s with ${CONNECTIONS} connections (autocannon, this process)`,
    );
    say('');

    const targets = [
      ['bare Express hello-world', bareUrl],
      ['GET /api/price/ethereum', priceUrl],
      [`GET /api/workflow/user/{address}, ${OWNER_WORKFLOWS} workflows`, userUrl],
    ] as const;
    for (const [name, url] of targets) await measure(`${name} warm-up`, url, WARMUP_S);
    const results: Measured[] = [];
    for (const [name, url] of targets) {
      const measured = await measure(name, url, DURATION_S);
      results.push(measured);
      say(
        `${name.padEnd(48)} ${rounded(measured.rps, 0).toString().padStart(7)} req/s   ` +
          `p50 ${measured.p50Ms} ms   p99 ${measured.p99Ms} ms   (${measured.requests} requests)`,
      );
    }
    const [bareResult, priceResult, userResult] = results;
    const priceVsBare = priceResult.rps / bareResult.rps;
    const userVsBare = userResult.rps / bareResult.rps;
    say('');
    say(`price endpoint vs bare Express: ${rounded(priceVsBare, 2)}× the throughput`);
    say(`owner list vs bare Express:     ${rounded(userVsBare, 3)}× the throughput`);
    say(`Load average at end: ${loadAverage()}`);
    say('');
    say(
      JSON.stringify({
        price_rps: rounded(priceResult.rps, 0),
        user_rps: rounded(userResult.rps, 0),
        bare_rps: rounded(bareResult.rps, 0),
        price_vs_bare: rounded(priceVsBare, 2),
        user_vs_bare: rounded(userVsBare, 3),
        p99_ms: priceResult.p99Ms,
        user_p99_ms: userResult.p99Ms,
        bare_p99_ms: bareResult.p99Ms,
      }),
    );
  } finally {
    await stopAll();
  }
}

if (process.argv[2] === '--bare-server') {
  serveBare(Number(process.argv[3]));
} else {
  main().catch((error) => {
    process.stderr.write(
      `bench:api failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    process.exit(1);
  });
}
