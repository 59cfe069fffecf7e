import type { Deployment } from '../chain/deploy';
import { localWallet } from './local-accounts';

/** Where the local services of a deployment answer. */
export interface LocalEndpoints {
  rpcUrl: string;
  redisUrl: string;
}

/**
 * The settings every process on a local deployment shares: the chain and its contracts, the local
 * relayer and worker keys, Redis, and prices from the deployment's own feeds. Callers add the rest
 * (Temporal, the API key, timings) and may override any of these.
 *
 * WARNING: the keys are Hardhat's public development keys; these settings suit a local chain only.
 */
export function localChainSettings(deployment: Deployment, endpoints: LocalEndpoints): Record<string, string> {
  return {
    RPC_URL: endpoints.rpcUrl,
    CHAIN_ID: String(deployment.chainId),
    WORKFLOW_REGISTRY_ADDRESS: deployment.workflowRegistry,
    ACTION_EXECUTOR_ADDRESS: deployment.actionExecutor,
    FEE_ESCROW_ADDRESS: deployment.feeEscrow,
    RELAYER_PRIVATE_KEY: localWallet('relayer').privateKey,
    WORKER_PRIVATE_KEY: localWallet('worker').privateKey,
    REDIS_URL: endpoints.redisUrl,
    REGISTRY_START_BLOCK: String(deployment.blockNumber),
    PRICE_SOURCES: 'chainlink',
    PRICE_FEEDS: Object.entries(deployment.priceFeeds)
      .map(([asset, feed]) => `${asset}=${feed}`)
      .join(','),
    // A local feed changes only when someone sets a price, so its last round stays current.
    PRICE_FEED_MAX_AGE: String(365 * 24 * 3600),
  };
}
