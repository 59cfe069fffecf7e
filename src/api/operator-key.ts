import { createHash, timingSafeEqual } from 'node:crypto';

import type { RequestHandler } from 'express';

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
  const expected = digest(apiKey);
  return (request, _response, next) => {
    const given = request.get(OPERATOR_KEY_HEADER);
    if (given === undefined || given === '') {
      throw new HttpError(401, 'unauthorized', `The ${OPERATOR_KEY_HEADER} header is required for this endpoint`);
    }
    if (!timingSafeEqual(digest(given), expected)) {
      throw new HttpError(401, 'unauthorized', `The ${OPERATOR_KEY_HEADER} header does not hold the operator key`);
    }
    next();
  };
}

function digest(value: string): Buffer {
  return createHash('sha256').update(value, 'utf8').digest();
}
