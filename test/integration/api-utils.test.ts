import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';

import { Connection } from '@temporalio/client';
import { JsonRpcProvider } from 'ethers';
import Redis from 'ioredis';

import { createApp } from '../../src/api/app';
import { chainProbe, redisProbe, temporalProbe } from '../../src/api/health';
import { createLogger } from '../../src/logging';
import { freePort } from '../../src/stack/free-port';
import type { ManagedProcess } from '../../src/stack/managed-process';
import { startRedisServer } from '../../src/stack/redis-server';
import { testServices } from '../support/services';

describe('/api/utils against real Temporal, Redis and chain', () => {
  const services = testServices();
  let ownRedis: ManagedProcess;
  let redisPort: number;
  let redis: Redis;
  let provider: JsonRpcProvider;
  let temporal: Connection;
  let server: Server;
  let baseUrl: string;

  beforeAll(async () => {
    // A Redis of this test's own, so it can be stopped without disturbing other tests.
    redisPort = await freePort();
    ownRedis = await startRedisServer({
      port: redisPort,
      logFile: path.join(os.tmpdir(), `api-utils-redis-${redisPort}.log`),
    });
    redis = new Redis(`redis://127.0.0.1:${redisPort}`, { maxRetriesPerRequest: 1 });
    redis.on('error', () => undefined);
    provider = new JsonRpcProvider(services.rpcUrl, 31337, { staticNetwork: true });
    temporal = await Connection.connect({ address: services.temporalAddress });
    const app = createApp({
      logger: createLogger({ level: 'error' }),
      version: '9.9.9',
      chainId: 31337,
      contracts: {
        workflowRegistry: services.deployment.workflowRegistry,
        actionExecutor: services.deployment.actionExecutor,
        feeEscrow: services.deployment.feeEscrow,
      },
      probes: [
        temporalProbe(temporal),
        redisProbe(redis),
        chainProbe(provider, 31337, services.deployment.workflowRegistry),
      ],
    });
    server = app.listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
    redis.disconnect();
    provider.destroy();
    await temporal.close();
    await ownRedis.stop();
  });

  it('reports healthy when Temporal, Redis and the chain all answer', async () => {
    const response = await fetch(`${baseUrl}/api/utils/healthz`);
    expect(response.status).toBe(200);
    const body = (await response.json()) as { status: string; timestamp: string };
    expect(body.status).toBe('healthy');
    expect(Number.isNaN(Date.parse(body.timestamp))).toBe(false);
  });

  it('lists the deployed addresses, each with code on the chain', async () => {
    const body = (await (await fetch(`${baseUrl}/api/utils/contracts`)).json()) as Record<string, string | number>;
    expect(body).toEqual({
      chain_id: 31337,
      workflow_registry: services.deployment.workflowRegistry,
      action_executor: services.deployment.actionExecutor,
      fee_escrow: services.deployment.feeEscrow,
    });
    for (const field of ['workflow_registry', 'action_executor', 'fee_escrow']) {
      expect(await provider.getCode(body[field] as string)).not.toBe('0x');
    }
  });

  it('describes the version, chain and supported trigger and action types', async () => {
    const body = (await (await fetch(`${baseUrl}/api/utils/metadata`)).json()) as {
      version: string;
      chain_id: number;
      trigger_types: { code: number; name: string }[];
      action_types: { code: number; name: string }[];
    };
    expect(body.version).toBe('9.9.9');
    expect(body.chain_id).toBe(31337);
    expect(body.trigger_types.map(({ code, name }) => [code, name])).toEqual([
      [0, 'time'],
      [1, 'interval'],
      [2, 'price'],
    ]);
    expect(body.action_types.map(({ code, name }) => [code, name])).toEqual([
      [0, 'native_transfer'],
      [1, 'erc20_transfer'],
      [2, 'contract_call'],
    ]);
  });

  it('answers 404 with the error shape for an unknown path', async () => {
    const response = await fetch(`${baseUrl}/api/utils/nothing-here`);
    expect(response.status).toBe(404);
    expect(await response.json()).toEqual({
      success: false,
      error: { code: 'not_found', message: 'No endpoint at GET /api/utils/nothing-here' },
    });
  });

  it('answers 503 naming Redis once Redis stops, and recovers when it is back', async () => {
    await ownRedis.stop();
    const down = await fetch(`${baseUrl}/api/utils/healthz`);
    expect(down.status).toBe(503);
    const body = (await down.json()) as { status: string; down: string[]; message: string };
    expect(body.status).toBe('unhealthy');
    expect(body.down).toEqual(['redis']);
    expect(body.message).toBe('Down: redis');

    ownRedis = await startRedisServer({
      port: redisPort,
      logFile: path.join(os.tmpdir(), `api-utils-redis-${redisPort}.log`),
    });
    const deadline = Date.now() + 20_000;
    let status = 503;
    while (status !== 200 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 250));
      status = (await fetch(`${baseUrl}/api/utils/healthz`)).status;
    }
    expect(status).toBe(200);
  });

  it('answers 503 naming the chain when the registry has no code there', async () => {
    const app = createApp({
      logger: createLogger({ level: 'error' }),
      version: '9.9.9',
      chainId: 31337,
      contracts: { workflowRegistry: '0x', actionExecutor: '0x', feeEscrow: '0x' },
      probes: [chainProbe(provider, 31337, '0x000000000000000000000000000000000000dEaD')],
    });
    const other = app.listen(0, '127.0.0.1');
    await new Promise((resolve) => other.once('listening', resolve));
    try {
      const response = await fetch(`http://127.0.0.1:${(other.address() as AddressInfo).port}/api/utils/healthz`);
      expect(response.status).toBe(503);
      const body = (await response.json()) as { down: string[]; checks: Record<string, string> };
      expect(body.down).toEqual(['chain']);
      expect(body.checks.chain).toContain('no contract at WORKFLOW_REGISTRY_ADDRESS');
    } finally {
      other.closeAllConnections();
      await new Promise((resolve) => other.close(resolve));
    }
  });
});
