import type { Connection } from '@temporalio/client';
import type { JsonRpcProvider } from 'ethers';
import type Redis from 'ioredis';

/** One dependency the health check asks; `check` throws with the reason when it is down. */
export interface HealthProbe {
  name: string;
  check(): Promise<void>;
}

/** The outcome of asking every probe once. */
export interface HealthReport {
  healthy: boolean;
  checks: Record<string, 'ok' | string>;
  down: string[];
}

/** Asks every probe in parallel, each bounded by `timeoutMs` so one hung dependency cannot hang the answer. */
export async function checkHealth(probes: readonly HealthProbe[], timeoutMs = 2_000): Promise<HealthReport> {
  const outcomes = await Promise.all(
    probes.map(async (probe) => {
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
      });
      try {
        await Promise.race([probe.check(), timeout]);
        return [probe.name, 'ok'] as const;
      } catch (error) {
        return [probe.name, error instanceof Error ? error.message : String(error)] as const;
      } finally {
        clearTimeout(timer);
      }
    }),
  );
  const checks = Object.fromEntries(outcomes);
  const down = outcomes.filter(([, outcome]) => outcome !== 'ok').map(([name]) => name);
  return { healthy: down.length === 0, checks, down };
}

/** Redis answers PING. */
export function redisProbe(redis: Redis): HealthProbe {
  return {
    name: 'redis',
    async check() {
      if (redis.status !== 'ready') throw new Error(`not connected (${redis.status})`);
      const reply = await redis.ping();
      if (reply !== 'PONG') throw new Error(`unexpected PING reply ${reply}`);
    },
  };
}

/** The chain answers with the expected chain id and the registry has code on it. */
export function chainProbe(provider: JsonRpcProvider, chainId: number, registryAddress: string): HealthProbe {
  return {
    name: 'chain',
    async check() {
      const reported = Number(await provider.send('eth_chainId', []));
      if (reported !== chainId) throw new Error(`chain id is ${reported}, expected ${chainId}`);
      const code: string = await provider.send('eth_getCode', [registryAddress, 'latest']);
      if (code === '0x') throw new Error(`no contract at WORKFLOW_REGISTRY_ADDRESS ${registryAddress}`);
    },
  };
}

/** The Temporal frontend reports itself serving. */
export function temporalProbe(connection: Connection): HealthProbe {
  return {
    name: 'temporal',
    async check() {
      const { status } = await connection.healthService.check({});
      if (status !== 1) throw new Error(`frontend status ${status}, not SERVING`);
    },
  };
}
