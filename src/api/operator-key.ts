import { createHash, timingSafeEqual } from 'node:crypto';

import type { Request, RequestHandler } from 'express';

import { HttpError } from './errors';

/** The header that carries the operator key. */
export const OPERATOR_KEY_HEADER = 'X-API-Key';

/**
 * Lets a request through only when its `X-API-Key` header equals `apiKey` (the `API_KEY` setting);
 * otherwise it answers 401 `unauthorized` before the route runs, so nothing changes.
 *
 * Both sides are hashed to SHA-256 first and the digests compared with `timingSafeEqual`: the digests
 * always have the same length, so neither the comparison nor its time tells how much of a guess was
 * right, nor how long the key is.
 */
export function requireOperatorKey(apiKey: string): RequestHandler {
  const check = operatorKeyCheck(apiKey);
  return (request, _response, next) => {
    check(request);
    next();
  };
}

/**
 * The check of {@link requireOperatorKey} as a function, for routes that accept other credentials too.
 * The returned function throws {@link HttpError} 401 `unauthorized` unless the request carries the key;
 * `missingHint` replaces the message for a request that sends no key at all.
 */
export function operatorKeyCheck(apiKey: string, missingHint?: string): (request: Request) => void {
  const expected = digest(apiKey);
  return (request) => {
    const given = request.get(OPERATOR_KEY_HEADER);
    if (given === undefined || given === '') {
      throw new HttpError(
        401,
        'unauthorized',
        missingHint ?? `The ${OPERATOR_KEY_HEADER} header is required for this endpoint`,
      );
    }
    if (!timingSafeEqual(digest(given), expected)) {
      throw new HttpError(401, 'unauthorized', `The ${OPERATOR_KEY_HEADER} header does not hold the operator key`);
    }
  };
}

function digest(value: string): Buffer {
  return createHash('sha256').update(value, 'utf8').digest();
}
