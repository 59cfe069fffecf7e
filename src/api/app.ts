import express, { type Express } from 'express';

import type { Logger } from '../logging';
import { cors } from './cors';
import { errorHandler, notFoundHandler } from './errors';
import { rateLimit, type RateLimitOptions } from './rate-limit';
import { docsRoutes } from './routes/docs';
import { escrowRoutes, type EscrowRouteOptions } from './routes/escrow';
import { priceRoutes, type PriceRoutesService } from './routes/price';
import { utilsRoutes, type UtilsRouteOptions } from './routes/utils';
import { workflowRoutes, type WorkflowRouteOptions } from './routes/workflow';
import { securityHeaders } from './security-headers';

/** Largest JSON body the API reads; a larger one is answered 413 `payload_too_large`. */
export const MAX_BODY_SIZE = '64kb';

/** Everything the HTTP API needs, built once by the server entry point (or by a test). */
export interface ApiDependencies extends UtilsRouteOptions {
  logger: Logger;
  /** The price service; /api/price is mounted only when it is given. */
  prices?: PriceRoutesService;
  /** The workflow service and the operator key; /api/workflow is mounted only when it is given. */
  workflows?: WorkflowRouteOptions;
  /** The escrow service; /api/escrow is mounted only when it is given. */
  escrow?: EscrowRouteOptions;
  /** Browser origins answered with CORS headers (`CORS_ORIGINS`). @default [] (no CORS headers) */
  corsOrigins?: readonly string[];
  /** Per-client-IP limits counted in Redis (`RATE_LIMIT_*`); without them requests are not limited. */
  rateLimit?: RateLimitOptions;
  /** Reverse proxies in front of the API whose `X-Forwarded-For` is believed (`TRUST_PROXY`). @default 0 */
  trustProxy?: number;
}

/**
 * Builds the Express app without listening, so tests can serve it on any port.
 *
 * Every answer carries the security headers; then CORS (preflights end there), the rate limits and the
 * body limit apply, in that order, before any route runs.
 */
export function createApp(dependencies: ApiDependencies): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', dependencies.trustProxy ?? 0);
  app.use(securityHeaders());
  app.use(cors(dependencies.corsOrigins ?? []));
  if (dependencies.rateLimit) app.use(rateLimit(dependencies.rateLimit));
  app.use(express.json({ limit: MAX_BODY_SIZE }));
  app.use('/api/utils', utilsRoutes(dependencies));
  if (dependencies.prices) app.use('/api/price', priceRoutes({ prices: dependencies.prices }));
  if (dependencies.workflows) app.use('/api/workflow', workflowRoutes(dependencies.workflows));
  if (dependencies.escrow) app.use('/api/escrow', escrowRoutes(dependencies.escrow));
  // The OpenAPI document (GET /api/openapi.json) and its browsable docs (GET /api/docs).
  app.use('/api', docsRoutes());
  app.use(notFoundHandler);
  app.use(errorHandler(dependencies.logger));
  return app;
}
