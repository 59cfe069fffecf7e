import type { RequestHandler } from 'express';
import type Redis from 'ioredis';

import type { Logger } from '../logging';
import { HttpError } from './errors';

/** Methods that count against the mutation limit as well as the overall one. */
const MUTATION_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

// One round trip per counter: count the request, start the window on its first one, answer the count and
// the milliseconds left. A key without expiry (left by a crash between the two writes) gets one here.
const COUNT_SCRIPT = `
local count = redis.call('INCR', KEYS[1])
local ttl = redis.call('PTTL', KEYS[1])
if ttl < 0 then
  redis.call('PEXPIRE', KEYS[1], ARGV[1])
  ttl = tonumber(ARGV[1])
end
return {count, ttl}
`;

/** What {@link rateLimit} needs. */
export interface RateLimitOptions {
  /** Redis shared by every API process, so the limits hold for all of them together. */
  redis: Redis;
  logger: Logger;
  /** Requests of any method one client IP may make per window (`RATE_LIMIT_PER_MINUTE`). */
  perWindow: number;
  /** POST, PUT, PATCH and DELETE requests one client IP may make per window (`RATE_LIMIT_MUTATIONS_PER_MINUTE`). */
  mutationsPerWindow: number;
  /** Length of a window in milliseconds. @default 60_000 */
  windowMs?: number;
  /** Prefix of the counter keys, `<prefix><all|mutations>:<ip>`. @default 'autometa:ratelimit:' */
  keyPrefix?: string;
}

/**
 * Limits requests per client IP in fixed windows counted in Redis, so every API process shares the counts.
 * Each IP has two counters: one for every request and one for mutations; a window starts with the first
 * request counted in it. Over a limit the request is answered 429 `rate_limited` with `Retry-After` (whole
 * seconds until the window ends) and the error body, before any route runs.
 *
 * When Redis does not answer, requests go through unlimited: an outage of the limiter must not take the
 * API down with it. The first failure of an outage is logged at warn, the recovery at info.
 *
 * NOTE: The client IP is Express's `request.ip`: behind a reverse proxy, set `TRUST_PROXY` so it is the
 * client's and not the proxy's, or every client shares one budget.
 */
export function rateLimit(options: RateLimitOptions): RequestHandler {
  const windowMs = options.windowMs ?? 60_000;
  const prefix = options.keyPrefix ?? 'autometa:ratelimit:';
  let degraded = false;

  const count = async (key: string): Promise<{ count: number; ttlMs: number }> => {
    const [counted, ttlMs] = (await options.redis.eval(COUNT_SCRIPT, 1, key, windowMs)) as [number, number];
    return { count: counted, ttlMs };
  };

  return async (request, response, next) => {
    const ip = request.ip ?? request.socket.remoteAddress ?? 'unknown';
    const scopes: { name: 'all' | 'mutations'; limit: number }[] = [{ name: 'all', limit: options.perWindow }];
    if (MUTATION_METHODS.has(request.method)) scopes.push({ name: 'mutations', limit: options.mutationsPerWindow });
    let counts: { count: number; ttlMs: number }[];
    try {
      counts = await Promise.all(scopes.map((scope) => count(`${prefix}${scope.name}:${ip}`)));
    } catch (error) {
      if (!degraded) {
        degraded = true;
        options.logger.warn('Rate limits not enforced: Redis does not answer', { error });
      }
      next();
      return;
    }
    if (degraded) {
      degraded = false;
      options.logger.info('Rate limits enforced again');
    }

    const exceeded = scopes
      .map((scope, index) => ({ ...scope, ...counts[index] }))
      .filter((scope) => scope.count > scope.limit)
      .sort((left, right) => right.ttlMs - left.ttlMs)[0];
    if (!exceeded) {
      next();
      return;
    }
    const retryAfter = Math.max(1, Math.ceil(exceeded.ttlMs / 1000));
    response.set('Retry-After', String(retryAfter));
    const what = exceeded.name === 'all' ? 'requests' : 'mutations (POST, PUT, PATCH, DELETE)';
    next(
      new HttpError(
        429,
        'rate_limited',
        `Too many ${what} from ${ip}: at most ${exceeded.limit} per ${windowMs / 1000} s; retry in ${retryAfter} s`,
        { scope: exceeded.name, limit: exceeded.limit, retry_after_seconds: retryAfter },
      ),
    );
  };
}
