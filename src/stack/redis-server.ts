import { mkdirSync } from 'node:fs';

import { startProcess, waitUntil, type ManagedProcess } from './managed-process';
import { redisAnswers } from './probes';

/** Options of {@link startRedisServer}. */
export interface StartRedisOptions {
  port: number;
  /** Folder for the append-only file; without it Redis keeps nothing on disk. */
  dataDir?: string;
  logFile: string;
}

/** Starts Debian's `redis-server` on 127.0.0.1 and resolves once it answers PING. */
export async function startRedisServer(options: StartRedisOptions): Promise<ManagedProcess> {
  const persistence = options.dataDir
    ? ['--dir', options.dataDir, '--appendonly', 'yes', '--save', '']
    : ['--appendonly', 'no', '--save', ''];
  if (options.dataDir) mkdirSync(options.dataDir, { recursive: true });
  const redis = startProcess({
    name: 'redis',
    command: 'redis-server',
    args: ['--bind', '127.0.0.1', '--port', String(options.port), '--protected-mode', 'yes', ...persistence],
    logFile: options.logFile,
  });
  await waitUntil(
    `Redis on 127.0.0.1:${options.port}`,
    () => redisAnswers(`redis://127.0.0.1:${options.port}`),
    15_000,
    redis.exited,
  );
  return redis;
}
