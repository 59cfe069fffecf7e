import { Connection } from '@temporalio/client';
import { JsonRpcProvider, Wallet } from 'ethers';
import type { Express } from 'express';
import Redis from 'ioredis';

import { connectContracts } from '../chain/contracts';
import { TransactionSender } from '../chain/transaction-sender';
import type { Config } from '../config';
import type { Logger } from '../logging';
import { createPriceService, priceSettingsFromConfig } from '../prices';
import { createTemporalClients } from '../temporal/runtime';
import { PACKAGE_VERSION } from '../version';
import { createApp } from './app';
import { EscrowService } from './escrow-service';
import { chainProbe, redisProbe, temporalProbe } from './health';
import { SignatureReplayGuard } from './replay-guard';
import { WorkflowService } from './workflow-service';

/** The API app of an API process and the clients behind it. */
export interface ApiResources {
  /** The app, not listening yet. */
  app: Express;
  /** The workflow service behind /api/workflow. */
  workflows: WorkflowService;
  /**
   * Resolves once the Redis client of the rate limits and the replay guard is connected. Until then
   * requests are not limited (as while Redis is down); tests that count on the limits wait for it.
   */
  guardReady(): Promise<void>;
  /** Disconnects every client; call it after the HTTP server has closed. */
  close(): Promise<void>;
}

/**
 * Builds the API app of `config` with every client it needs, as the API process runs it: prices, the
 * relayer's workflow service, the escrow transaction builder, health probes, CORS, rate limits and the
 * replay guard.
 *
 * Rate-limit counters are kept per `TEMPORAL_NAMESPACE`, so deployments sharing a Redis have separate budgets.
 * Nothing connects eagerly in a way that fails: each client reconnects by itself, so the API starts and
 * answers /healthz even while a dependency is down.
 */
export function createApiResources(config: Config, logger: Logger): ApiResources {
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
  // Rate limits and the replay guard answer within a request: their client fails at once while Redis is
  // down, and gives up on a hung command, instead of holding requests in a queue.
  const guardRedis = new Redis(config.REDIS_URL, {
    maxRetriesPerRequest: 1,
    enableOfflineQueue: false,
    commandTimeout: 1_000,
  });
  guardRedis.on('error', (error) => logger.debug('Redis connection error', { error: error.message }));
  const relayer = new Wallet(config.RELAYER_PRIVATE_KEY, provider);
  const addresses = {
    workflowRegistry: config.WORKFLOW_REGISTRY_ADDRESS,
    actionExecutor: config.ACTION_EXECUTOR_ADDRESS,
    feeEscrow: config.FEE_ESCROW_ADDRESS,
  };
  const temporalClients = createTemporalClients(config);
  const workflows = new WorkflowService({
    registry: connectContracts(addresses, relayer).registry,
    sender: new TransactionSender({
      wallet: relayer,
      provider,
      redis: relayerRedis,
      chainId: config.CHAIN_ID,
      maxGasPriceWei: config.MAX_GAS_PRICE,
    }),
    automations: temporalClients.automations,
    chainId: config.CHAIN_ID,
    replayGuard: new SignatureReplayGuard({ redis: guardRedis }),
    connection: temporalClients.connection,
    logger,
    receiptTimeoutMs: config.RECEIPT_TIMEOUT * 1000,
  });
  const escrow = new EscrowService({
    escrow: connectContracts(addresses, provider).escrow,
    provider,
    chainId: config.CHAIN_ID,
  });

  const app = createApp({
    logger,
    version: PACKAGE_VERSION,
    chainId: config.CHAIN_ID,
    contracts: addresses,
    probes: [
      temporalProbe(temporal),
      redisProbe(redis),
      chainProbe(provider, config.CHAIN_ID, config.WORKFLOW_REGISTRY_ADDRESS),
    ],
    prices,
    workflows: { service: workflows, apiKey: config.API_KEY },
    escrow: { service: escrow },
    corsOrigins: config.CORS_ORIGINS,
    rateLimit: {
      redis: guardRedis,
      logger,
      perWindow: config.RATE_LIMIT_PER_MINUTE,
      mutationsPerWindow: config.RATE_LIMIT_MUTATIONS_PER_MINUTE,
      keyPrefix: `autometa:ratelimit:${config.TEMPORAL_NAMESPACE}:`,
    },
    trustProxy: config.TRUST_PROXY,
  });

  return {
    app,
    workflows,
    async guardReady() {
      if (guardRedis.status !== 'ready') await new Promise((resolve) => guardRedis.once('ready', resolve));
    },
    async close() {
      await prices.close();
      relayerRedis.disconnect();
      guardRedis.disconnect();
      await temporalClients.connection.close();
      redis.disconnect();
      provider.destroy();
      await temporal.close();
    },
  };
}
