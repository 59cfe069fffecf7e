import path from 'node:path';

import { Connection } from '@temporalio/client';
import { msToTs } from '@temporalio/common/lib/time';
import { JsonRpcProvider, NonceManager } from 'ethers';

import { deployContracts, type Deployment } from '../../src/chain/deploy';
import { startChainNode } from '../../src/stack/chain-node';
import { freePort } from '../../src/stack/free-port';
import { localWallet } from '../../src/stack/local-accounts';
import type { ManagedProcess } from '../../src/stack/managed-process';
import { startRedisServer } from '../../src/stack/redis-server';
import { readTemporalServerSpec, startTemporalServer } from '../../src/stack/temporal-server';

/** The services one bench run started, each on a free loopback port. */
export interface BenchServices {
  redis: ManagedProcess;
  chain: ManagedProcess;
  temporal: ManagedProcess;
  redisUrl: string;
  rpcUrl: string;
  temporalAddress: string;
  /** The namespace the dev server was started with. */
  namespace: string;
  deployment: Deployment;
}

/**
 * Starts redis-server (no persistence), a Hardhat node and the Temporal dev server on a file-backed
 * SQLite database in `workDir` (with the project's pragmas, search attributes and dynamic config), then
 * deploys the contracts. `started` receives each process as soon as it runs, so the caller can stop what
 * did start when a later step fails.
 */
export async function startBenchServices(
  projectRoot: string,
  workDir: string,
  started: ManagedProcess[],
): Promise<BenchServices> {
  const [redisPort, chainPort, temporalPort, uiPort] = await Promise.all([
    freePort(),
    freePort(),
    freePort(),
    freePort(),
  ]);
  const namespace = 'default';
  const track = (process: ManagedProcess) => {
    started.push(process);
    return process;
  };
  const [redis, chain, temporal] = await Promise.all([
    startRedisServer({ port: redisPort, logFile: path.join(workDir, 'redis.log') }).then(track),
    startChainNode({ projectRoot, port: chainPort, logFile: path.join(workDir, 'chain.log') }).then(track),
    startTemporalServer({
      projectRoot,
      port: temporalPort,
      uiPort,
      dbFile: path.join(workDir, 'temporal.db'),
      namespace,
      logFile: path.join(workDir, 'temporal.log'),
    }).then(track),
  ]);
  const rpcUrl = `http://127.0.0.1:${chainPort}`;
  const provider = new JsonRpcProvider(rpcUrl, 31337, { staticNetwork: true });
  try {
    const deployer = new NonceManager(localWallet('deployer').connect(provider));
    const deployment = await deployContracts(deployer, { workerAddress: localWallet('worker').address });
    return {
      redis,
      chain,
      temporal,
      redisUrl: `redis://127.0.0.1:${redisPort}`,
      rpcUrl,
      temporalAddress: `127.0.0.1:${temporalPort}`,
      namespace,
      deployment,
    };
  } finally {
    provider.destroy();
  }
}

/**
 * Registers namespace `namespace` with the project's search attributes, so automations can run in it
 * apart from the ones in the server's first namespace. Resolves once the namespace answers.
 */
export async function registerNamespace(
  projectRoot: string,
  temporalAddress: string,
  namespace: string,
): Promise<void> {
  const connection = await Connection.connect({ address: temporalAddress });
  try {
    await connection.workflowService.registerNamespace({
      namespace,
      workflowExecutionRetentionPeriod: msToTs('1 day'),
    });
    const keyword = 2; // INDEXED_VALUE_TYPE_KEYWORD
    const names = Object.keys(readTemporalServerSpec(projectRoot).searchAttributes);
    await connection.operatorService.addSearchAttributes({
      namespace,
      searchAttributes: Object.fromEntries(names.map((name) => [name, keyword])),
    });
    for (let attempt = 0; ; attempt++) {
      try {
        await connection.workflowService.describeNamespace({ namespace });
        return;
      } catch (error) {
        if (attempt > 50) throw error;
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
    }
  } finally {
    await connection.close();
  }
}
