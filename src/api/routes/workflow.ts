import { Router, type Request } from 'express';

import { GasPriceTooHighError, NonceLockTimeoutError, ReceiptTimeoutError } from '../../chain/transaction-sender';
import { HttpError, withErrorMapping } from '../errors';
import { OPERATOR_KEY_HEADER, operatorKeyCheck } from '../operator-key';
import {
  InvalidOwnerSignatureError,
  NotWorkflowOwnerError,
  SignatureExpiredError,
  SignatureReplayedError,
  parseOwnerAuthorization,
  type OwnerAuthorization,
} from '../owner-authorization';
import { ReplayGuardUnavailableError } from '../replay-guard';
import {
  InvalidRequestError,
  parseAddressParam,
  parseCreateWorkflowRequest,
  parseWorkflowIdParam,
  workflowView,
} from '../workflow-schemas';
import {
  AutomationNotRunningError,
  AutomationStatusUnavailableError,
  RegistryRejectedError,
  RelayerNotApprovedError,
  RelayerTransactionRevertedError,
  WorkflowAlreadyInactiveError,
  WorkflowNotInRegistryError,
  type WorkflowService,
} from '../workflow-service';

/** The part of the workflow service the routes use. */
export type WorkflowRoutesService = Pick<
  WorkflowService,
  'create' | 'deactivate' | 'setPaused' | 'get' | 'listByOwner' | 'nonce' | 'registry' | 'chainId'
>;

/** What the workflow routes need. */
export interface WorkflowRouteOptions {
  service: WorkflowRoutesService;
  /** The operator key (`API_KEY`) a mutation sends as `X-API-Key` when it carries no owner signature. */
  apiKey: string;
}

/**
 * The workflow endpoints of the earlier API, mounted under /api/workflow:
 *
 * - POST /create: creates a registry workflow for `user_address` through the relayer and starts its
 *   automation; `{ success, workflow_id, tx_hash, message }`.
 * - DELETE /:workflow_id: deactivates it on-chain and cancels its automation.
 * - POST /:workflow_id/pause and /resume: signals the automation; `{ success, workflow_id, paused }`.
 * - GET /:workflow_id: `{ success, workflow }`, the on-chain record with the automation's status.
 * - GET /user/:address: `{ success, user_address, workflows }`, every workflow the address owns.
 * - GET /nonce/:address: `{ success, user_address, nonce, registry, chain_id }`, what an owner needs to build
 *   the typed data it signs.
 *
 * Each mutation takes either the operator key in `X-API-Key` or the owner's EIP-712 `signature` and its
 * unix-seconds `deadline` in the JSON body (a body with `signature` takes the signature path, whatever the
 * header says): `CreateWorkflow` and `DeactivateWorkflow` are verified by the registry on-chain, `SetPaused`
 * by the API, which accepts each such message once.
 *
 * Errors use the one error body: 400 `invalid_request` (naming each field) or `registry_rejected`,
 * 401 `unauthorized`, `invalid_signature`, `signature_expired` or `signature_replayed`, 403
 * `relayer_not_approved` (saying how to approve) or `not_owner`, 404 `workflow_not_found` or
 * `automation_not_found`, 409 `workflow_inactive`, 503 when the chain, Redis or Temporal cannot serve,
 * 504 `transaction_pending` when the receipt did not arrive in time.
 */
export function workflowRoutes(options: WorkflowRouteOptions): Router {
  const router = Router();
  const mapped = withErrorMapping(toHttpError);
  const { service } = options;
  const operatorKey = operatorKeyCheck(
    options.apiKey,
    `Send the operator key in the ${OPERATOR_KEY_HEADER} header, or the owner's EIP-712 signature and its ` +
      'deadline in the JSON body (fields signature and deadline)',
  );

  /** The owner's signature when the body carries one; otherwise the operator key must be there (undefined). */
  const authorize = (request: Request): OwnerAuthorization | undefined => {
    const authorization = parseOwnerAuthorization(request.body);
    if (!authorization) operatorKey(request);
    return authorization;
  };

  router.post(
    '/create',
    mapped(async (request, response) => {
      const authorization = authorize(request);
      const input = parseCreateWorkflowRequest(request.body);
      const created = await service.create(input, authorization);
      response.json({
        success: true,
        workflow_id: Number(created.workflowId),
        tx_hash: created.txHash,
        message: 'Workflow created successfully',
      });
    }),
  );

  // Both before /:workflow_id, which would otherwise take "user" or "nonce" as an id.
  router.get(
    '/user/:address',
    mapped(async (request, response) => {
      const owner = parseAddressParam(request.params.address, 'address');
      const records = await service.listByOwner(owner);
      response.json({
        success: true,
        user_address: owner,
        workflows: records.map((record) => workflowView(record.workflow, record.status)),
      });
    }),
  );

  router.get(
    '/nonce/:address',
    mapped(async (request, response) => {
      const owner = parseAddressParam(request.params.address, 'address');
      const nonce = await service.nonce(owner);
      response.json({
        success: true,
        user_address: owner,
        nonce: nonce.toString(),
        registry: service.registry,
        chain_id: service.chainId,
      });
    }),
  );

  router.get(
    '/:workflow_id',
    mapped(async (request, response) => {
      const record = await service.get(parseWorkflowIdParam(request.params.workflow_id));
      response.json({ success: true, workflow: workflowView(record.workflow, record.status) });
    }),
  );

  router.delete(
    '/:workflow_id',
    mapped(async (request, response) => {
      const workflowId = parseWorkflowIdParam(request.params.workflow_id);
      const authorization = authorize(request);
      const deactivated = await service.deactivate(workflowId, authorization);
      response.json({
        success: true,
        workflow_id: Number(workflowId),
        tx_hash: deactivated.txHash,
        message: 'Workflow deleted',
      });
    }),
  );

  for (const [action, paused] of [
    ['pause', true],
    ['resume', false],
  ] as const) {
    router.post(
      `/:workflow_id/${action}`,
      mapped(async (request, response) => {
        const workflowId = parseWorkflowIdParam(request.params.workflow_id);
        const authorization = authorize(request);
        await service.setPaused(workflowId, paused, authorization);
        response.json({ success: true, workflow_id: Number(workflowId), paused });
      }),
    );
  }

  return router;
}

function toHttpError(error: unknown): unknown {
  if (error instanceof InvalidRequestError) return new HttpError(400, 'invalid_request', error.message, error.issues);
  if (error instanceof RegistryRejectedError) {
    return new HttpError(400, 'registry_rejected', error.message, { error: error.errorName, args: error.args });
  }
  if (error instanceof RelayerNotApprovedError) {
    return new HttpError(403, 'relayer_not_approved', error.message, {
      owner: error.owner,
      relayer: error.relayer,
      registry: error.registry,
    });
  }
  if (error instanceof InvalidOwnerSignatureError) {
    return new HttpError(401, 'invalid_signature', error.message, { expected_signer: error.expectedSigner });
  }
  if (error instanceof SignatureExpiredError) {
    return new HttpError(401, 'signature_expired', error.message, { deadline: Number(error.deadline) });
  }
  if (error instanceof SignatureReplayedError) return new HttpError(401, 'signature_replayed', error.message);
  if (error instanceof NotWorkflowOwnerError) {
    return new HttpError(403, 'not_owner', error.message, { owner: error.owner, signer: error.signer });
  }
  if (error instanceof ReplayGuardUnavailableError) {
    return new HttpError(503, 'replay_guard_unavailable', error.message);
  }
  if (error instanceof WorkflowNotInRegistryError) return new HttpError(404, 'workflow_not_found', error.message);
  if (error instanceof AutomationNotRunningError) return new HttpError(404, 'automation_not_found', error.message);
  if (error instanceof WorkflowAlreadyInactiveError) return new HttpError(409, 'workflow_inactive', error.message);
  if (error instanceof RelayerTransactionRevertedError) {
    return new HttpError(409, 'transaction_reverted', `${error.message}; the registry state changed meanwhile`, {
      tx_hash: error.txHash,
    });
  }
  if (error instanceof AutomationStatusUnavailableError) return new HttpError(503, 'status_unavailable', error.message);
  if (error instanceof GasPriceTooHighError) return new HttpError(503, 'gas_price_too_high', error.message);
  if (error instanceof NonceLockTimeoutError)
    return new HttpError(503, 'relayer_busy', 'The relayer is busy; retry shortly');
  if (error instanceof ReceiptTimeoutError) {
    return new HttpError(504, 'transaction_pending', `${error.message}; it may still be mined`, {
      tx_hash: error.txHash,
    });
  }
  return error;
}
