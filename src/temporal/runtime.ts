import { Client, Connection } from '@temporalio/client';
import { JsonRpcProvider, Wallet } from 'ethers';
import Redis from 'ioredis';

import type { ActivityDependencies } from '../activities';
import { connectContracts } from '../chain/contracts';
import { TransactionSender } from '../chain/transaction-sender';
import type { Config } from '../config';
import { priceWatcherWorkflowId, registrySyncWorkflowId } from '../domain/automation';
import { SUPPORTED_ASSETS } from '../domain/assets';
import type { Logger } from '../logging';
import { createPriceService, priceSettingsFromConfig } from '../prices';
import type { AutomationTimings } from '../workflows/automation-workflow';
import { AutomationClient } from './automation-client';

/** The automation timings the settings give. */
export function automationTimings(config: Config): AutomationTimings {
  return {
    priceCheckIntervalMs: config.PRICE_CHECK_INTERVAL * 1000,
    waitRecheckMs: config.WAIT_RECHECK_INTERVAL * 1000,
    iterationsPerRun: config.AUTOMATION_ITERATIONS_PER_RUN,
  };
}

/** A Temporal client with the automation helpers, for the API and the workers. */
export interface TemporalClients {
  connection: Connection;
  client: Client;
  automations: AutomationClient;
}

/** Connects a Temporal client (lazily: it connects on first use, so a process may start before Temporal). */
export function createTemporalClients(config: Config): TemporalClients {
  const connection = Connection.lazy({ address: config.TEMPORAL_ADDRESS });
  const client = new Client({ connection, namespace: config.TEMPORAL_NAMESPACE });
  const automations = new AutomationClient({
    client,
    taskQueue: config.TEMPORAL_TASK_QUEUE,
    chainId: config.CHAIN_ID,
    registry: config.WORKFLOW_REGISTRY_ADDRESS,
    timings: automationTimings(config),
  });
  return { connection, client, automations };
}

/** The activities' dependencies, and how to release them. */
export interface WorkerResources {
  dependencies: ActivityDependencies;
  temporal: TemporalClients;
  close(): Promise<void>;
}

/** Builds every client the activities use from the settings, once per worker process. */
export function createWorkerResources(config: Config, logger: Logger): WorkerResources {
  const provider = new JsonRpcProvider(config.RPC_URL, config.CHAIN_ID, { staticNetwork: true });
  // Commands fail fast while Redis is down instead of queueing: a send must not wait on a lost lock.
  const redis = new Redis(config.REDIS_URL, { maxRetriesPerRequest: 1, enableOfflineQueue: false });
  redis.on('error', (error) => logger.debug('Redis connection error', { error: error.message }));
  const temporal = createTemporalClients(config);
  const contracts = connectContracts(
    {
      workflowRegistry: config.WORKFLOW_REGISTRY_ADDRESS,
      actionExecutor: config.ACTION_EXECUTOR_ADDRESS,
      feeEscrow: config.FEE_ESCROW_ADDRESS,
    },
    provider,
  );
  const sender = new TransactionSender({
    wallet: new Wallet(config.WORKER_PRIVATE_KEY, provider),
    provider,
    redis,
    chainId: config.CHAIN_ID,
    maxGasPriceWei: config.MAX_GAS_PRICE,
  });
  const prices = createPriceService({
    logger,
    redis: config.REDIS_URL,
    provider,
    settings: priceSettingsFromConfig(config),
  });

  return {
    temporal,
    dependencies: {
      chainId: config.CHAIN_ID,
      provider,
      contracts,
      registry: contracts.registry,
      sender,
      feePremiumPct: config.GAS_FEE_PREMIUM_PCT,
      receiptTimeoutMs: config.RECEIPT_TIMEOUT * 1000,
      fromBlock: config.REGISTRY_START_BLOCK,
      prices,
      redis,
      client: temporal.client,
      namespace: config.TEMPORAL_NAMESPACE,
      automations: temporal.automations,
    },
    async close() {
      await prices.close();
      redis.disconnect();
      provider.destroy();
      await temporal.connection.close();
    },
  };
}

/**
 * Starts the workflows every deployment needs exactly one of: the registry sync and a price watcher
 * per supported asset. Each has a fixed id, so every worker may call this at start: the first one
 * starts them, the others find them running.
 */
export async function ensureBackgroundWorkflows(config: Config, client: Client): Promise<void> {
  const common = { taskQueue: config.TEMPORAL_TASK_QUEUE, workflowIdConflictPolicy: 'USE_EXISTING' as const };
  await client.workflow.start('registrySyncWorkflow', {
    ...common,
    workflowId: registrySyncWorkflowId(config.CHAIN_ID, config.WORKFLOW_REGISTRY_ADDRESS),
    args: [
      {
        fromBlock: config.REGISTRY_START_BLOCK,
        pollIntervalMs: config.REGISTRY_SYNC_INTERVAL * 1000,
        stepsPerRun: 500,
      },
    ],
  });
  for (const asset of SUPPORTED_ASSETS) {
    await client.workflow.start('priceWatcherWorkflow', {
      ...common,
      workflowId: priceWatcherWorkflowId(asset.id),
      args: [{ token: asset.id, intervalMs: config.PRICE_WATCH_INTERVAL * 1000, scansPerRun: 500 }],
    });
  }
}
