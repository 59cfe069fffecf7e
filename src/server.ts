import { Connection } from '@temporalio/client';
import { JsonRpcProvider, Wallet } from 'ethers';
import Redis from 'ioredis';

import { createApp } from './api/app';
import { chainProbe, redisProbe, temporalProbe } from './api/health';
import { WorkflowService } from './api/workflow-service';
import { connectContracts } from './chain/contracts';
import { TransactionSender } from './chain/transaction-sender';
import { createPriceService, priceSettingsFromConfig } from './prices';
import { runEntryPoint } from './process-entry';
import { createTemporalClients } from './temporal/runtime';
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
  // The relayer sends the owners' registry transactions. Its sender's Redis client fails commands at once
  // while Redis is down instead of queueing them: a send must not wait on a nonce lock it may have lost.
  const relayerRedis = new Redis(config.REDIS_URL, { maxRetriesPerRequest: 1, enableOfflineQueue: false });
  relayerRedis.on('error', (error) => logger.debug('Redis connection error', { error: error.message }));
  const relayer = new Wallet(config.RELAYER_PRIVATE_KEY, provider);
  const relayerContracts = connectContracts(
    {
      workflowRegistry: config.WORKFLOW_REGISTRY_ADDRESS,
      actionExecutor: config.ACTION_EXECUTOR_ADDRESS,
      feeEscrow: config.FEE_ESCROW_ADDRESS,
    },
    relayer,
  );
  const temporalClients = createTemporalClients(config);
  const workflows = new WorkflowService({
    registry: relayerContracts.registry,
    sender: new TransactionSender({
      wallet: relayer,
      provider,
      redis: relayerRedis,
      chainId: config.CHAIN_ID,
      maxGasPriceWei: config.MAX_GAS_PRICE,
    }),
    automations: temporalClients.automations,
    connection: temporalClients.connection,
    logger,
    receiptTimeoutMs: config.RECEIPT_TIMEOUT * 1000,
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
    probes: [
      temporalProbe(temporal),
      redisProbe(redis),
      chainProbe(provider, config.CHAIN_ID, config.WORKFLOW_REGISTRY_ADDRESS),
    ],
    prices,
    workflows: { service: workflows, apiKey: config.API_KEY },
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
    relayerRedis.disconnect();
    await temporalClients.connection.close();
    redis.disconnect();
    provider.destroy();
    await temporal.close();
  };
});
