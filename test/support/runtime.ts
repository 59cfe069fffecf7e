import { Runtime } from '@temporalio/worker';

import { createLogger } from '../../src/logging';

/**
 * Routes the Temporal runtime's logs to an error-only logger. The runtime is one per process and Jest
 * runs every file in one process, so only the first call installs it.
 */
export function installQuietRuntime(): void {
  const flag = globalThis as { autometaRuntimeInstalled?: boolean };
  if (flag.autometaRuntimeInstalled) return;
  try {
    // Expected failures in tests make the SDK warn; only errors are worth a line in the test output.
    Runtime.install({ logger: createLogger({ level: 'error' }) });
  } catch {
    // Installed by an earlier test file of this process.
  }
  flag.autometaRuntimeInstalled = true;
}
