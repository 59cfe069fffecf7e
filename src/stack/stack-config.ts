import path from 'node:path';

import { z } from 'zod';

import { ConfigError } from '../config';

const port = z.coerce
  .number()
  .int('must be a whole number')
  .min(1, 'must be 1 to 65535')
  .max(65535, 'must be 1 to 65535');

const loopbackUrl = (protocols: string[]) =>
  z
    .string()
    .trim()
    .refine((value) => {
      try {
        const url = new URL(value);
        return protocols.includes(url.protocol) && ['127.0.0.1', 'localhost'].includes(url.hostname) && url.port !== '';
      } catch {
        return false;
      }
    }, `must be a ${protocols[0]}// URL on 127.0.0.1 with a port: the local stack serves only loopback`);

const stackSchema = z.object({
  PORT: port.default(8000),
  REDIS_URL: loopbackUrl(['redis:']).default('redis://127.0.0.1:6379'),
  RPC_URL: loopbackUrl(['http:']).default('http://127.0.0.1:8545'),
  TEMPORAL_ADDRESS: z
    .string()
    .trim()
    .regex(/^(127\.0\.0\.1|localhost):\d{1,5}$/, 'must be 127.0.0.1:<port>: the local stack serves only loopback')
    .default('127.0.0.1:7233'),
  TEMPORAL_UI_PORT: port.default(8233),
  TEMPORAL_NAMESPACE: z.string().trim().min(1, 'must not be empty').default('default'),
  TEMPORAL_TASK_QUEUE: z.string().trim().min(1, 'must not be empty').default('autometa'),
  DATA_DIR: z.string().trim().min(1, 'must not be empty').default('.data'),
  LOG_LEVEL: z.enum(['trace', 'debug', 'info', 'warn', 'error']).default('info'),
});

/** Where the local stack serves each part, and where it keeps its state. */
export interface StackConfig {
  apiPort: number;
  redisUrl: string;
  redisPort: number;
  rpcUrl: string;
  chainPort: number;
  temporalAddress: string;
  temporalPort: number;
  temporalUiPort: number;
  temporalNamespace: string;
  taskQueue: string;
  dataDir: string;
  logLevel: string;
}

/**
 * Reads the local stack's settings (ports, data folder), all with defaults.
 * @throws {ConfigError} naming each malformed setting.
 */
export function loadStackConfig(projectRoot: string, env: NodeJS.ProcessEnv = process.env): StackConfig {
  const names = Object.keys(stackSchema.shape);
  const present = Object.fromEntries(names.filter((name) => env[name]?.trim()).map((name) => [name, env[name]]));
  const parsed = stackSchema.safeParse(present);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((issue) => `${String(issue.path[0])} ${issue.message}`));
  }
  const settings = parsed.data;
  return {
    apiPort: settings.PORT,
    redisUrl: settings.REDIS_URL,
    redisPort: Number(new URL(settings.REDIS_URL).port),
    rpcUrl: settings.RPC_URL,
    chainPort: Number(new URL(settings.RPC_URL).port),
    temporalAddress: settings.TEMPORAL_ADDRESS,
    temporalPort: Number(settings.TEMPORAL_ADDRESS.split(':')[1]),
    temporalUiPort: settings.TEMPORAL_UI_PORT,
    temporalNamespace: settings.TEMPORAL_NAMESPACE,
    taskQueue: settings.TEMPORAL_TASK_QUEUE,
    dataDir: path.resolve(projectRoot, settings.DATA_DIR),
    logLevel: settings.LOG_LEVEL,
  };
}
