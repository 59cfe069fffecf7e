import type { RequestHandler } from 'express';

import { OPERATOR_KEY_HEADER } from './operator-key';

/** Methods a cross-origin page may use, as answered to a preflight. */
const ALLOWED_METHODS = 'GET, POST, DELETE';

/** Request headers a cross-origin page may send, as answered to a preflight. */
const ALLOWED_HEADERS = `Content-Type, ${OPERATOR_KEY_HEADER}`;

/** How long a browser may reuse a preflight answer, in seconds. */
const PREFLIGHT_MAX_AGE_SECONDS = 600;

/**
 * Answers CORS for the browser origins in `allowedOrigins` (the `CORS_ORIGINS` setting, exact
 * `scheme://host[:port]` strings): their requests get `Access-Control-Allow-Origin` naming them, and their
 * preflights (OPTIONS with `Access-Control-Request-Method`) 204 with the allowed methods and headers. Other
 * origins get no CORS headers, so browsers keep their pages from reading the answers; their requests are
 * otherwise served as usual, since CORS protects browser users, not the API. With no origins configured it
 * adds nothing at all.
 *
 * No credentials are allowed: the API uses no cookies, and the operator key is not meant for browsers.
 */
export function cors(allowedOrigins: readonly string[]): RequestHandler {
  const allowed = new Set(allowedOrigins);
  return (request, response, next) => {
    if (allowed.size === 0) {
      next();
      return;
    }
    // Answers differ by Origin, so caches must keep them apart.
    response.vary('Origin');
    const origin = request.get('Origin');
    if (origin === undefined || !allowed.has(origin)) {
      next();
      return;
    }
    response.set('Access-Control-Allow-Origin', origin);
    response.set('Access-Control-Expose-Headers', 'Retry-After');
    if (request.method === 'OPTIONS' && request.get('Access-Control-Request-Method') !== undefined) {
      response.set({
        'Access-Control-Allow-Methods': ALLOWED_METHODS,
        'Access-Control-Allow-Headers': ALLOWED_HEADERS,
        'Access-Control-Max-Age': String(PREFLIGHT_MAX_AGE_SECONDS),
      });
      response.status(204).end();
      return;
    }
    next();
  };
}
