import type { Deployment } from '../../src/chain/deploy';

/** Environment variable through which global-setup hands the service endpoints to the tests. */
export const TEST_ENV = 'AUTOMETA_TEST_SERVICES';

/** Endpoints of the real services global-setup started for this run. */
export interface TestServices {
  workDir: string;
  redisUrl: string;
  rpcUrl: string;
  temporalAddress: string;
  deployment: Deployment;
}

/** The services of this test run; fails loudly when a test runs without the global setup. */
export function testServices(): TestServices {
  const raw = process.env[TEST_ENV];
  if (!raw) throw new Error(`${TEST_ENV} is not set: run the tests through jest.config.js (npm test)`);
  return JSON.parse(raw) as TestServices;
}
