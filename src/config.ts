import { getAddress, isAddress } from 'ethers';
import { z } from 'zod';

import { SUPPORTED_ASSETS } from './domain/assets';

/** Thrown when a setting is missing or malformed; `problems` holds one line per setting. */
export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid settings:\n${problems.map((problem) => `  - ${problem}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

const address = z
  .string()
  .trim()
  .refine((value) => isAddress(value), 'must be a 0x-prefixed 20-byte hex address')
  .transform((value) => getAddress(value));

const privateKey = z
  .string()
  .trim()
  .regex(/^0x[0-9a-fA-F]{64}$/, 'must be a 32-byte hex private key (0x followed by 64 hex digits)');

const url = (protocols: string[]) =>
  z
    .string()
    .trim()
    .refine(
      (value) => {
        try {
          return protocols.includes(new URL(value).protocol);
        } catch {
          return false;
        }
      },
      `must be a URL starting with ${protocols.map((protocol) => `${protocol}//`).join(' or ')}`,
    );

const seconds = z.coerce.number().int('must be a whole number of seconds').positive('must be above 0');

const priceSources = z
  .string()
  .trim()
  .transform((value) =>
    value
      .split(',')
      .map((item) => item.trim().toLowerCase())
      .filter(Boolean),
  )
  .pipe(
    z
      .array(z.enum(['coingecko', 'chainlink'], 'must list coingecko and/or chainlink, comma-separated'))
      .min(1, 'must name at least one of coingecko, chainlink')
      .refine((sources) => new Set(sources).size === sources.length, 'must not name a source twice'),
  );

const assetIds = SUPPORTED_ASSETS.map((asset) => asset.id);

const priceFeeds = z
  .string()
  .trim()
  .transform((value, context) => {
    const feeds: Record<string, string> = {};
    for (const pair of value
      .split(',')
      .map((item) => item.trim())
      .filter(Boolean)) {
      const [asset = '', feed = '', ...rest] = pair.split('=').map((part) => part.trim());
      if (!assetIds.includes(asset.toLowerCase())) {
        const message = `names unknown asset "${asset}" (supported: ${assetIds.join(', ')})`;
        context.addIssue({ code: 'custom', message });
      } else if (rest.length > 0 || !isAddress(feed)) {
        const message = `must map assets to addresses, e.g. ethereum=0x…; "${pair}" is not one`;
        context.addIssue({ code: 'custom', message });
      } else {
        feeds[asset.toLowerCase()] = getAddress(feed);
      }
    }
    return feeds;
  });

const corsOrigins = z
  .string()
  .trim()
  .transform((value, context) => {
    const origins: string[] = [];
    for (const item of value
      .split(',')
      .map((part) => part.trim())
      .filter(Boolean)) {
      let origin: string | undefined;
      try {
        const parsed = new URL(item);
        // An origin is scheme, host and port only; URL adds a "/" path, which an Origin header never has.
        if (['http:', 'https:'].includes(parsed.protocol) && parsed.origin === item.replace(/\/$/, '').toLowerCase()) {
          origin = parsed.origin;
        }
      } catch {
        origin = undefined;
      }
      if (origin === undefined) {
        const message =
          'must list origins such as https://app.example.com (scheme, host, optional port, no path), ' +
          `comma-separated; "${item}" is not one`;
        context.addIssue({ code: 'custom', message });
      } else {
        origins.push(origin);
      }
    }
    return origins;
  });

const perMinute = z.coerce
  .number()
  .int('must be a whole number of requests')
  .min(1, 'must be at least 1')
  .max(1_000_000, 'must be at most 1000000');

const port = z.coerce
  .number()
  .int('must be a whole number')
  .min(1, 'must be 1 to 65535')
  .max(65535, 'must be 1 to 65535');

const hostPort = z
  .string()
  .trim()
  .regex(/^[A-Za-z0-9.-]+:\d{1,5}$/, 'must be host:port, e.g. 127.0.0.1:7233');

const settingsSchema = z
  .object({
    RPC_URL: url(['http:', 'https:', 'ws:', 'wss:']),
    CHAIN_ID: z.coerce.number().int('must be a whole number').positive('must be above 0'),
    WORKFLOW_REGISTRY_ADDRESS: address,
    ACTION_EXECUTOR_ADDRESS: address,
    FEE_ESCROW_ADDRESS: address,
    RELAYER_PRIVATE_KEY: privateKey,
    WORKER_PRIVATE_KEY: privateKey,
    REDIS_URL: url(['redis:', 'rediss:']),
    PRICE_CACHE_TTL: seconds.default(30),
    PRICE_LOCAL_TTL: z.coerce
      .number()
      .int('must be a whole number of seconds')
      .min(0, 'must be 0 or above')
      .default(15),
    PRICE_SOURCES: priceSources.default(['coingecko', 'chainlink']),
    PRICE_FEEDS: priceFeeds.optional(),
    PRICE_MAX_STALE_AGE: seconds.default(300),
    PRICE_TRIGGER_MAX_AGE: seconds.default(60),
    PRICE_MAX_JUMP_PCT: z.coerce.number('must be a number').positive('must be above 0').default(50),
    PRICE_FEED_MAX_AGE: seconds.default(3600),
    BACKEND_API_URL: url(['http:', 'https:']).default('http://127.0.0.1:8000'),
    TEMPORAL_ADDRESS: hostPort.default('127.0.0.1:7233'),
    TEMPORAL_NAMESPACE: z.string().trim().min(1, 'must not be empty').default('default'),
    TEMPORAL_TASK_QUEUE: z.string().trim().min(1, 'must not be empty').default('autometa'),
    WORKER_MAX_CACHED_WORKFLOWS: z.coerce
      .number()
      .int('must be a whole number of workflows')
      .min(10, 'must be at least 10')
      .max(1_000_000, 'must be at most 1000000')
      .default(10_000),
    COINGECKO_API_URL: url(['http:', 'https:']).default('https://api.coingecko.com/api/v3'),
    COINGECKO_API_KEY: z.string().trim().optional(),
    COINGECKO_TIMEOUT_MS: z.coerce
      .number()
      .int('must be a whole number of milliseconds')
      .positive('must be above 0')
      .default(5000),
    PRICE_CHECK_INTERVAL: seconds.default(10),
    PRICE_WATCH_INTERVAL: seconds.default(2),
    WAIT_RECHECK_INTERVAL: seconds.default(30),
    REGISTRY_SYNC_INTERVAL: seconds.default(2),
    REGISTRY_START_BLOCK: z.coerce.number().int('must be a whole block number').min(0, 'must be 0 or above').default(0),
    MAX_GAS_PRICE: z
      .string()
      .trim()
      .regex(/^\d{1,30}$/, 'must be a whole number of wei, e.g. 500000000000 for 500 gwei')
      .transform((value) => BigInt(value))
      .default(500_000_000_000n),
    GAS_FEE_PREMIUM_PCT: z.coerce
      .number()
      .int('must be a whole percentage')
      .min(0, 'must be 0 or above')
      .max(1000, 'must be at most 1000')
      .default(10),
    RECEIPT_TIMEOUT: seconds.default(60),
    AUTOMATION_ITERATIONS_PER_RUN: z.coerce
      .number()
      .int('must be a whole number')
      .min(10, 'must be at least 10')
      .default(500),
    API_KEY: z.string().trim().min(16, 'must be at least 16 characters (it guards every mutation)'),
    HOST: z.string().trim().min(1, 'must not be empty').default('127.0.0.1'),
    PORT: port.default(8000),
    RATE_LIMIT_PER_MINUTE: perMinute.default(300),
    RATE_LIMIT_MUTATIONS_PER_MINUTE: perMinute.default(30),
    CORS_ORIGINS: corsOrigins.default([]),
    TRUST_PROXY: z.coerce
      .number()
      .int('must be a whole number of proxies')
      .min(0, 'must be 0 or above')
      .max(10, 'must be at most 10')
      .default(0),
    LOG_LEVEL: z.enum(['trace', 'debug', 'info', 'warn', 'error']).default('info'),
    LOG_FORMAT: z.enum(['pretty', 'json']).default('pretty'),
  })
  .superRefine((settings, context) => {
    // Only chain feeds and none configured would fail every price lookup; say so at start instead.
    const feeds = Object.keys(settings.PRICE_FEEDS ?? {});
    if (settings.PRICE_SOURCES.length === 1 && settings.PRICE_SOURCES[0] === 'chainlink' && feeds.length === 0) {
      const message = 'is required when PRICE_SOURCES is chainlink only';
      context.addIssue({ code: 'custom', path: ['PRICE_FEEDS'], message });
    }
  });

/** The validated settings of an Autometa process. Addresses are checksummed. */
export type Config = z.output<typeof settingsSchema>;

/** The names of every setting, for documentation checks and error messages. */
export const SETTING_NAMES = Object.keys(settingsSchema.shape) as (keyof Config)[];

/**
 * Reads and validates every setting from `env` once.
 *
 * Empty strings count as missing, so a blank line in `.env` falls back to the default or fails clearly.
 * @throws {ConfigError} naming each setting that is missing or malformed, and why.
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const present = Object.fromEntries(
    SETTING_NAMES.filter((name) => env[name] !== undefined && env[name]!.trim() !== '').map((name) => [
      name,
      env[name],
    ]),
  );
  const parsed = settingsSchema.safeParse(present);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((issue) => {
    const name = String(issue.path[0] ?? 'settings');
    const reason =
      issue.code === 'invalid_type' && present[name] === undefined ? 'is required but not set' : issue.message;
    return `${name} ${reason}`;
  });
  throw new ConfigError(problems);
}
