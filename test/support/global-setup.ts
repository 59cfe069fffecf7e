import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { TestWorkflowEnvironment } from '@temporalio/testing';
import { JsonRpcProvider, NonceManager } from 'ethers';

import { deployContracts } from '../../src/chain/deploy';
import { startChainNode } from '../../src/stack/chain-node';
import { freePort } from '../../src/stack/free-port';
import { localWallet } from '../../src/stack/local-accounts';
import type { ManagedProcess } from '../../src/stack/managed-process';
import { startRedisServer } from '../../src/stack/redis-server';
import { devServerExtraArgs, temporalCliPath } from '../../src/stack/temporal-server';
import { TEST_ENV, type TestServices } from './services';

const projectRoot = path.resolve(__dirname, '..', '..');

/** Handles the teardown needs; kept on globalThis because Jest runs setup and teardown in one process. */
export interface RunningTestServices {
  processes: ManagedProcess[];
  temporal: TestWorkflowEnvironment;
}

/**
 * Starts a real Redis, a real Hardhat chain with the contracts deployed, and the real Temporal dev
 * server (the project-local CLI through @temporalio/testing), each on a free loopback port.
 */
export default async function globalSetup(): Promise<void> {
  const workDir = mkdtempSync(path.join(os.tmpdir(), 'autometa-test-'));
  const [redisPort, chainPort, temporalPort] = await Promise.all([freePort(), freePort(), freePort()]);

  const [redis, chain, temporal] = await Promise.all([
    startRedisServer({ port: redisPort, logFile: path.join(workDir, 'redis.log') }),
    startChainNode({ projectRoot, port: chainPort, logFile: path.join(workDir, 'chain.log') }),
    TestWorkflowEnvironment.createLocal({
      server: {
        executable: { type: 'existing-path', path: temporalCliPath(projectRoot) },
        ip: '127.0.0.1',
        port: temporalPort,
        extraArgs: devServerExtraArgs(projectRoot),
      },
    }),
  ]);
  (globalThis as { autometaTestServices?: RunningTestServices }).autometaTestServices = {
    processes: [redis, chain],
    temporal,
  };

  const rpcUrl = `http://127.0.0.1:${chainPort}`;
  const provider = new JsonRpcProvider(rpcUrl, 31337, { staticNetwork: true });
  const deployer = new NonceManager(localWallet('deployer').connect(provider));
  const deployment = await deployContracts(deployer, { workerAddress: localWallet('worker').address });
  provider.destroy();

  const services: TestServices = {
    workDir,
    redisUrl: `redis://127.0.0.1:${redisPort}`,
    rpcUrl,
    temporalAddress: `127.0.0.1:${temporalPort}`,
    deployment,
  };
  process.env[TEST_ENV] = JSON.stringify(services);
}
