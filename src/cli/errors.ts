/** A failure the command line reports as one message and a non-zero exit; `code` is stable for `--json`. */
export class CliError extends Error {
  override readonly name: string = 'CliError';

  constructor(
    message: string,
    /** Machine-readable name of the failure, printed with `--json`. */
    readonly code: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** Thrown when the arguments are wrong: the message names what is wrong, and the usage follows it. */
export class UsageError extends CliError {
  override readonly name = 'UsageError';

  constructor(
    message: string,
    /** The command whose usage to print; undefined for the overall usage. */
    readonly command?: string,
  ) {
    super(message, 'usage');
  }
}

/** Thrown when no key source is given, or the one given cannot be read or may not be used here. */
export class KeySourceError extends CliError {
  override readonly name = 'KeySourceError';

  constructor(message: string) {
    super(message, 'key_source');
  }
}

/** Thrown when the API answers with an error body (`{ success: false, error: { code, message, details } }`). */
export class ApiRequestError extends CliError {
  override readonly name = 'ApiRequestError';

  constructor(
    /** HTTP status of the answer. */
    readonly status: number,
    code: string,
    message: string,
    /** The error body's `details`, when it has any (for 400, the bad fields). */
    readonly details?: unknown,
  ) {
    super(message, code);
  }
}

/** Thrown when the API cannot be reached, or answers something that is not the JSON it documents. */
export class ApiUnavailableError extends CliError {
  override readonly name = 'ApiUnavailableError';

  constructor(
    message: string,
    readonly url: string,
    options?: { cause?: unknown },
  ) {
    super(message, 'api_unavailable', options);
  }
}

/**
 * Thrown before signing when a transaction the API built does not do what the command asked (another
 * sender, contract, chain, amount or function), and when the chain rejects or reverts it.
 */
export class TransactionError extends CliError {
  override readonly name = 'TransactionError';

  constructor(
    message: string,
    code: 'transaction_mismatch' | 'transaction_rejected' | 'transaction_reverted' | 'chain_unavailable',
    /** Hash of the sent transaction, when it was sent. */
    readonly txHash?: string,
    options?: { cause?: unknown },
  ) {
    super(message, code, options);
  }
}
