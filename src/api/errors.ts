import type { ErrorRequestHandler, Request, RequestHandler, Response } from 'express';

import type { Logger } from '../logging';

/** An error the API answers with its own status; `code` is a stable machine-readable name. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = 'HttpError';
  }
}

/** The one error body shape every endpoint answers with. */
export interface ErrorBody {
  success: false;
  error: { code: string; message: string; details?: unknown };
}

/**
 * Wraps an async route handler so that whatever it throws passes through `toHttpError` first: a router
 * maps the errors of the services it calls to {@link HttpError} answers in one place.
 */
export function withErrorMapping(
  toHttpError: (error: unknown) => unknown,
): (handler: (request: Request, response: Response) => Promise<void>) => RequestHandler {
  return (handler) => async (request, response) => {
    try {
      await handler(request, response);
    } catch (error) {
      throw toHttpError(error);
    }
  };
}

/** Answers 404 for any path no router matched. */
export const notFoundHandler: RequestHandler = (request, _response, next) => {
  next(new HttpError(404, 'not_found', `No endpoint at ${request.method} ${request.path}`));
};

/** Turns thrown errors into {@link ErrorBody} answers; anything unexpected is logged and answered as 500. */
export function errorHandler(logger: Logger): ErrorRequestHandler {
  return (error, request, response, _next) => {
    if (error instanceof HttpError) {
      const body: ErrorBody = {
        success: false,
        error: { code: error.code, message: error.message, details: error.details },
      };
      response.status(error.status).json(body);
      return;
    }
    // body-parser marks its own failures (malformed JSON, too large) with a 4xx status.
    const status = typeof error?.status === 'number' && error.status >= 400 && error.status < 500 ? error.status : 500;
    if (status === 500) logger.error('Request failed', { method: request.method, path: request.path, error });
    let body: ErrorBody;
    if (status === 500) {
      body = { success: false, error: { code: 'internal', message: 'Internal error' } };
    } else if (status === 413) {
      const limit = typeof error.limit === 'number' ? ` of ${error.limit} bytes` : '';
      const message = `The request body is larger than the limit${limit}`;
      body = { success: false, error: { code: 'payload_too_large', message, details: { limit_bytes: error.limit } } };
    } else if (error.type === 'entity.parse.failed') {
      const reason = 'must be valid JSON (an object, sent as Content-Type: application/json)';
      const details = [{ path: 'body', message: reason }];
      body = { success: false, error: { code: 'invalid_request', message: `body ${reason}`, details } };
    } else {
      body = { success: false, error: { code: 'bad_request', message: String(error.message ?? 'Bad request') } };
    }
    response.status(status).json(body);
  };
}
