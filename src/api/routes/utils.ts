import { Router } from 'express';

import { ACTION_TYPE_DESCRIPTIONS, TRIGGER_TYPE_DESCRIPTIONS } from '../../domain/codes';
import { checkHealth, type HealthProbe } from '../health';

/** What the utils routes need to know about the deployment. */
export interface UtilsRouteOptions {
  version: string;
  chainId: number;
  contracts: { workflowRegistry: string; actionExecutor: string; feeEscrow: string };
  probes: readonly HealthProbe[];
}

/** GET /healthz, /contracts and /metadata, mounted under /api/utils. */
export function utilsRoutes(options: UtilsRouteOptions): Router {
  const router = Router();

  router.get('/healthz', async (_request, response) => {
    const report = await checkHealth(options.probes);
    const timestamp = new Date().toISOString();
    if (report.healthy) {
      response.json({ status: 'healthy', timestamp });
      return;
    }
    response.status(503).json({
      status: 'unhealthy',
      timestamp,
      message: `Down: ${report.down.join(', ')}`,
      down: report.down,
      checks: report.checks,
    });
  });

  router.get('/contracts', (_request, response) => {
    response.json({
      chain_id: options.chainId,
      workflow_registry: options.contracts.workflowRegistry,
      action_executor: options.contracts.actionExecutor,
      fee_escrow: options.contracts.feeEscrow,
    });
  });

  router.get('/metadata', (_request, response) => {
    response.json({
      name: 'Autometa',
      version: options.version,
      chain_id: options.chainId,
      trigger_types: TRIGGER_TYPE_DESCRIPTIONS,
      action_types: ACTION_TYPE_DESCRIPTIONS,
    });
  });

  return router;
}
