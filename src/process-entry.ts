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

  main(config, logger).then(
    (shutdown) => {
      let stopping = false;
      const stop = (signal: string) => {
        if (stopping) return;
        stopping = true;
        logger.info('Shutting down', { signal });
        shutdown().then(
          () => process.exit(0),
          (error) => {
            logger.error('Shutdown failed', { error });
            process.exit(1);
          },
        );
      };
      process.once('SIGINT', () => stop('SIGINT'));
      process.once('SIGTERM', () => stop('SIGTERM'));
    },
    (error) => {
      logger.error('Start failed', { error });
      process.exit(1);
    },
  );
}
