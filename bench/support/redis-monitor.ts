import Redis from 'ioredis';

/** One command Redis ran, as MONITOR reports it. */
export interface MonitoredCommand {
  /** Milliseconds since the epoch (Redis' clock, microsecond resolution). */
  at: number;
  /** The command name, lower case. */
  command: string;
  /** The key it names (the third argument of EVAL). */
  key: string;
}

const KEPT_COMMANDS = new Set(['get', 'set', 'eval', 'zrem']);

/** A MONITOR connection that keeps the keyed commands it sees. */
export interface RedisMonitor {
  commands: MonitoredCommand[];
  stop(): Promise<void>;
}

/**
 * Watches every command the Redis server at `url` runs, keeping GET, SET, EVAL and ZREM on the engine's
 * `autometa:` keys with Redis' own timestamp (commands a Lua script runs included). The engine touches
 * those keys at the moments the bench times (crossed thresholds taken, a transaction journaled and
 * broadcast), with no log buffering in between.
 *
 * NOTE: MONITOR costs Redis some work per command; keep it on only while timing.
 */
export async function startRedisMonitor(url: string): Promise<RedisMonitor> {
  const client = new Redis(url);
  const monitor = await client.monitor();
  client.disconnect();
  const commands: MonitoredCommand[] = [];
  monitor.on('monitor', (time: string, args: string[]) => {
    const command = String(args[0] ?? '').toLowerCase();
    const key = String((command === 'eval' ? args[3] : args[1]) ?? '');
    if (KEPT_COMMANDS.has(command) && key.startsWith('autometa:'))
      commands.push({ at: Number(time) * 1000, command, key });
  });
  return {
    commands,
    async stop() {
      monitor.disconnect();
    },
  };
}
