import express, { type Express } from 'express';

import type { Logger } from '../logging';
import { errorHandler, notFoundHandler } from './errors';
import { priceRoutes, type PriceRoutesService } from './routes/price';
import { utilsRoutes, type UtilsRouteOptions } from './routes/utils';
import { workflowRoutes, type WorkflowRouteOptions } from './routes/workflow';

/** Everything the HTTP API needs, built once by the server entry point (or by a test). */
export interface ApiDependencies extends UtilsRouteOptions {
  logger: Logger;
  /** The price service; /api/price is mounted only when it is given. */
  prices?: PriceRoutesService;
  /** The workflow service and the operator key; /api/workflow is mounted only when it is given. */
  workflows?: WorkflowRouteOptions;
}

/** Builds the Express app without listening, so tests can serve it on any port. */
export function createApp(dependencies: ApiDependencies): Express {
  const app = express();
  app.disable('x-powered-by');
  app.use(express.json({ limit: '64kb' }));
  app.use('/api/utils', utilsRoutes(dependencies));
  if (dependencies.prices) app.use('/api/price', priceRoutes({ prices: dependencies.prices }));
  if (dependencies.workflows) app.use('/api/workflow', workflowRoutes(dependencies.workflows));
  app.use(notFoundHandler);
  app.use(errorHandler(dependencies.logger));
  return app;
}
