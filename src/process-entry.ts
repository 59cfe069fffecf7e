import { ConfigError, loadConfig, type Config } from './config';
import { loadEnvFiles } from './env-files';
import { createLogger, type Logger } from './logging';

/**
 * Runs an entry point: loads the settings once, creates the process logger, and turns a failed start
 * into one clear line and a non-zero exit. `main` returns a function that shuts the process down.
 */
export function runEntryPoint(
  role: string,
  main: (config: Config, logger: Logger) => Promise<() => Promise<void>>,
): void {
  loadEnvFiles();
  let config: Config;
  try {
    config = loadConfig();
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`${role}: ${error.message}\n`);
    process.exit(78); // EX_CONFIG: the settings, not the code, are wrong
  }
  const logger = createLogger({ level: config.LOG_LEVEL, format: config.LOG_FORMAT, base: { role } });

  // Signals are handled from the first moment, so one that arrives while the process is still starting
  // is not lost: the shutdown runs as soon as there is something to shut down.
  let shutdown: (() => Promise<void>) | undefined;
  let stopSignal: string | undefined;
  const runShutdown = () => {
    logger.info('Shutting down', { signal: stopSignal });
    // A shutdown that hangs must not keep the process: a supervisor's next signal would be the only way out.
    setTimeout(() => {
      logger.error('Shutdown took too long; exiting', { afterMs: SHUTDOWN_DEADLINE_MS });
      process.exit(1);
    }, SHUTDOWN_DEADLINE_MS).unref();
    shutdown!().then(
      () => process.exit(0),
      (error) => {
        logger.error('Shutdown failed', { error });
        process.exit(1);
      },
    );
  };
  const onSignal = (signal: string) => {
    if (stopSignal) {
      logger.warn('Second signal; exiting now', { signal });
      process.exit(1);
    }
    stopSignal = signal;
    if (shutdown) runShutdown();
  };
  process.on('SIGINT', () => onSignal('SIGINT'));
  process.on('SIGTERM', () => onSignal('SIGTERM'));

  main(config, logger).then(
    (ready) => {
      shutdown = ready;
      if (stopSignal) runShutdown();
    },
    (error) => {
      logger.error('Start failed', { error });
      process.exit(1);
    },
  );
}

/** How long a shutdown may take before the process exits anyway. */
const SHUTDOWN_DEADLINE_MS = 30_000;
