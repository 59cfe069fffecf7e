import { Connection } from '@temporalio/client';
import { JsonRpcProvider } from 'ethers';
import Redis from 'ioredis';

import { createApp } from './api/app';
import { chainProbe, redisProbe, temporalProbe } from './api/health';
import { createPriceService, priceSettingsFromConfig } from './prices';
import { runEntryPoint } from './process-entry';
import { PACKAGE_VERSION } from './version';

runEntryPoint('api', async (config, logger) => {
  // Each client reconnects by itself, so the API starts and answers /healthz even while a dependency is down.
  const redis = new Redis(config.REDIS_URL, { lazyConnect: false, maxRetriesPerRequest: 1 });
  redis.on('error', (error) => logger.debug('Redis connection error', { error: error.message }));
  const provider = new JsonRpcProvider(config.RPC_URL, config.CHAIN_ID, { staticNetwork: true });
  const temporal = Connection.lazy({ address: config.TEMPORAL_ADDRESS });
  // The price service makes its own Redis client: it must fail fast while Redis is down, unlike the probe's.
  const prices = createPriceService({
    logger,
    redis: config.REDIS_URL,
    provider,
    settings: priceSettingsFromConfig(config),
  });

  const app = createApp({
    logger,
    version: PACKAGE_VERSION,
    chainId: config.CHAIN_ID,
    contracts: {
      workflowRegistry: config.WORKFLOW_REGISTRY_ADDRESS,
      actionExecutor: config.ACTION_EXECUTOR_ADDRESS,
      feeEscrow: config.FEE_ESCROW_ADDRESS,
    },
    probes: [temporalProbe(temporal), redisProbe(redis), chainProbe(provider, config.CHAIN_ID, config.WORKFLOW_REGISTRY_ADDRESS)],
    prices,
  });

  const server = await new Promise<ReturnType<typeof app.listen>>((resolve, reject) => {
    const listening = app.listen(config.PORT, config.HOST, () => resolve(listening));
    listening.once('error', reject);
  });
  logger.info('API listening', { url: `http://${config.HOST}:${config.PORT}` });

  return async () => {
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeAllConnections();
    await closed;
    await prices.close();
    redis.disconnect();
    provider.destroy();
    await temporal.close();
  };
});
