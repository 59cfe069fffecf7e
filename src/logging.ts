export type LogLevel = 'trace' | 'debug' | 'info' | 'warn' | 'error';
export type LogFormat = 'pretty' | 'json';
export type LogMeta = Record<string, unknown>;

/** The logger shape every module receives; it matches Temporal's `Logger` so one instance serves both. */
export interface Logger {
  log(level: Uppercase<LogLevel>, message: string, meta?: LogMeta): void;
  trace(message: string, meta?: LogMeta): void;
  debug(message: string, meta?: LogMeta): void;
  info(message: string, meta?: LogMeta): void;
  warn(message: string, meta?: LogMeta): void;
  error(message: string, meta?: LogMeta): void;
}

const LEVEL_ORDER: Record<LogLevel, number> = { trace: 0, debug: 1, info: 2, warn: 3, error: 4 };

// Metadata keys whose values are never written, whatever their content.
const SECRET_KEY_PATTERN = /(private.?key|secret|password|mnemonic|signature|api.?key|authorization)/i;
const PRIVATE_KEY_PATTERN = /0x[0-9a-fA-F]{64}(?![0-9a-fA-F])/g;
const URL_CREDENTIALS_PATTERN = /([a-z][a-z0-9+.-]*:\/\/)[^/@\s:]+(:[^/@\s]*)?@/gi;

/**
 * Returns a copy of `value` safe to log: secret-named fields are replaced, 32-byte hex strings that
 * could be private keys are masked, and credentials inside URLs are dropped.
 *
 * NOTE: transaction hashes are 32 bytes too; log them under a key ending in `Hash` or `hash` to keep them.
 */
export function redact(value: unknown, key = '', depth = 0): unknown {
  if (SECRET_KEY_PATTERN.test(key)) return '[redacted]';
  if (typeof value === 'string') {
    const keepsHashes = /hash$/i.test(key);
    const masked = keepsHashes ? value : value.replace(PRIVATE_KEY_PATTERN, '0x[redacted]');
    return masked.replace(URL_CREDENTIALS_PATTERN, '$1[redacted]@');
  }
  if (typeof value === 'bigint') return value.toString();
  if (value instanceof Error) {
    return {
      name: value.name,
      message: redact(value.message, 'message', depth + 1),
      stack: redact(value.stack, 'stack'),
    };
  }
  if (depth > 6 || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((item) => redact(item, '', depth + 1));
  return Object.fromEntries(Object.entries(value).map(([field, inner]) => [field, redact(inner, field, depth + 1)]));
}

/** Options of {@link createLogger}. */
export interface LoggerOptions {
  /** Lowest level written. @default 'info' */
  level?: LogLevel;
  /** `json` writes one object per line for log shippers; `pretty` is for a terminal. @default 'pretty' */
  format?: LogFormat;
  /** Fields added to every line, such as the process role. */
  base?: LogMeta;
  /** Where lines go. @default process.stderr */
  write?: (line: string) => void;
}

/** Creates the process logger. Every line passes through {@link redact}, so keys never reach the output. */
export function createLogger(options: LoggerOptions = {}): Logger {
  const threshold = LEVEL_ORDER[options.level ?? 'info'];
  const format = options.format ?? 'pretty';
  const base = options.base ?? {};
  const write = options.write ?? ((line: string) => process.stderr.write(`${line}\n`));

  const emit = (level: LogLevel, message: string, meta: LogMeta = {}) => {
    if (LEVEL_ORDER[level] < threshold) return;
    const fields = redact({ ...base, ...meta }) as LogMeta;
    const time = new Date().toISOString();
    if (format === 'json') {
      write(JSON.stringify({ time, level, message: redact(message), ...fields }));
      return;
    }
    const details = Object.entries(fields)
      .map(([field, inner]) => `${field}=${typeof inner === 'string' ? inner : JSON.stringify(inner)}`)
      .join(' ');
    write(`${time} ${level.toUpperCase().padEnd(5)} ${redact(message)}${details ? ` ${details}` : ''}`);
  };

  return {
    log: (level, message, meta) => emit(level.toLowerCase() as LogLevel, message, meta),
    trace: (message, meta) => emit('trace', message, meta),
    debug: (message, meta) => emit('debug', message, meta),
    info: (message, meta) => emit('info', message, meta),
    warn: (message, meta) => emit('warn', message, meta),
    error: (message, meta) => emit('error', message, meta),
  };
}
