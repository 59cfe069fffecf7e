import { getAddress, isAddress, parseEther, ZeroAddress } from 'ethers';

import type { OptionValues } from './context';
import { UsageError } from './errors';

/** The string value of `--name`, or undefined when it was not given. */
export function stringOption(options: OptionValues, name: string): string | undefined {
  const value = options[name];
  return typeof value === 'string' ? value : undefined;
}

/**
 * The value of `--name`, which the command needs.
 * @throws {UsageError} when it was not given.
 */
export function requiredOption(options: OptionValues, name: string, command: string, what: string): string {
  const value = stringOption(options, name);
  if (value === undefined) throw new UsageError(`${command} needs --${name} ${what}`, command);
  return value;
}

/**
 * An amount of ETH with at most 18 decimals (`2`, `0.5`), in wei.
 * @throws {UsageError} unless it is a positive decimal number, or zero when `allowZero`.
 */
export function parseEth(text: string, label: string, command: string, options: { allowZero?: boolean } = {}): bigint {
  const value = text.trim();
  if (!/^\d+(\.\d{1,18})?$/.test(value) && !/^\.\d{1,18}$/.test(value)) {
    throw new UsageError(`${label} must be ETH such as 2 or 0.5 (at most 18 decimals), got "${text}"`, command);
  }
  const wei = parseEther(value.startsWith('.') ? `0${value}` : value);
  if (wei === 0n && !options.allowZero) throw new UsageError(`${label} must be above 0`, command);
  return wei;
}

/**
 * A whole number, at most `Number.MAX_SAFE_INTEGER` (the API takes JSON numbers here).
 * @throws {UsageError} unless it is digits only and at least `min`.
 */
export function parseWholeNumber(text: string, label: string, command: string, min: number): number {
  const value = text.trim();
  if (!/^\d{1,16}$/.test(value) || !Number.isSafeInteger(Number(value)) || Number(value) < min) {
    throw new UsageError(`${label} must be a whole number of at least ${min}, got "${text}"`, command);
  }
  return Number(value);
}

/**
 * A workflow id (a whole number) as the registry numbers them.
 * @throws {UsageError} when it is missing or not a whole number.
 */
export function parseWorkflowId(positionals: string[], command: string): bigint {
  if (positionals.length === 0) throw new UsageError(`${command} needs a workflow id, e.g. ${command} 1`, command);
  if (positionals.length > 1) {
    throw new UsageError(`${command} takes one workflow id, got ${positionals.length} arguments`, command);
  }
  const text = positionals[0];
  if (!/^\d{1,78}$/.test(text)) throw new UsageError(`the workflow id must be a whole number, got "${text}"`, command);
  return BigInt(text);
}

/**
 * A unix time in seconds from `2026-12-03T10:00:00Z` (any date `Date` parses; a time without a zone
 * is local time) or from unix seconds. Fractions of a second round up, so it is never before the time given.
 * @throws {UsageError} when it is neither.
 */
export function parseTime(text: string, label: string, command: string): number {
  const value = text.trim();
  if (/^\d+$/.test(value)) return parseWholeNumber(value, label, command, 1);
  const ms = Date.parse(value);
  if (Number.isNaN(ms)) {
    throw new UsageError(
      `${label} must be an ISO time such as 2026-12-03T10:00:00Z or unix seconds, got "${text}"`,
      command,
    );
  }
  return Math.ceil(ms / 1000);
}

/**
 * A non-zero address, checksummed.
 * @throws {UsageError} unless it is a 0x-prefixed 20-byte address with a valid checksum (or all one case).
 */
export function parseAddress(text: string, label: string, command: string): string {
  if (!isAddress(text.trim()) || getAddress(text.trim()) === ZeroAddress) {
    throw new UsageError(`${label} must be a non-zero 0x-prefixed 20-byte address, got "${text}"`, command);
  }
  return getAddress(text.trim());
}

/**
 * Checks a command got no more positional arguments than it takes.
 * @throws {UsageError} naming the first extra one.
 */
export function noMorePositionals(positionals: string[], count: number, command: string): void {
  if (positionals.length > count) throw new UsageError(`unexpected argument "${positionals[count]}"`, command);
}
