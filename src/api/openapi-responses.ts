import { z } from 'zod';

import type { ErrorBody } from './errors';
import type { UnsignedEscrowTransaction } from './escrow-service';
import type { WorkflowView } from './workflow-schemas';

// The routes build their answers by hand; these schemas only describe them, for the OpenAPI document
// and for tests that check real answers against it. `satisfies` ties each one that has a TypeScript type
// to that type, so a field added to the type without its schema fails to compile.

const isoTime = z.string().meta({ description: 'ISO 8601 time', example: '2026-01-01T00:00:00.000Z' });
const checksummedAddress = z
  .string()
  .meta({ description: 'checksummed address', example: '0x90F79bf6EB2c4f870365E785982E1f101E93b906' });
const txHash = z.string().meta({ description: '0x and 64 hex digits' });
const weiString = z.string().meta({ description: 'decimal string of wei' });

/** The one error body every endpoint answers with (except the 503 of /api/utils/healthz). */
export const errorBodySchema = z.object({
  success: z.literal(false),
  error: z.object({
    code: z.string().meta({ description: 'stable machine-readable name, e.g. invalid_request' }),
    message: z.string().meta({ description: 'what went wrong, for people' }),
    details: z
      .unknown()
      .optional()
      .meta({ description: 'per code: the bad fields of invalid_request, the supported ids of unknown_asset, …' }),
  }),
}) satisfies z.ZodType<ErrorBody>;

const executionView = z.object({
  execution_no: z.number(),
  tx_hash: txHash,
  gas_fee_wei: weiString.nullable().meta({ description: 'null until the fee is charged' }),
  fee_tx_hash: txHash.nullable(),
  executed_at: isoTime,
});

const automationStatusView = z.object({
  state: z.enum([
    'starting',
    'scheduled',
    'watching',
    'executing',
    'waiting',
    'paused',
    'completed',
    'deactivated',
    'cancelled',
  ]),
  paused: z.boolean(),
  waiting_reason: z.string().nullable(),
  last_check: z.object({ price_usd: z.number(), source: z.string(), checked_at: isoTime }).nullable(),
  next_check_at: isoTime.nullable(),
  executions: z.array(executionView),
});

/** A registry workflow and its automation, as GET /api/workflow/{workflow_id} and the owner list answer it. */
export const workflowViewSchema = z.object({
  workflow_id: z.number(),
  owner: checksummedAddress,
  trigger_type: z.number(),
  trigger_data: z.union([
    z.object({ execute_at: z.number() }),
    z.object({ interval_seconds: z.number() }),
    z.object({ token: z.string(), comparator: z.number(), price_usd: z.number() }),
  ]),
  action_type: z.number(),
  action_data: z.union([
    z.object({ to: checksummedAddress, amount_wei: weiString }),
    z.object({ token: checksummedAddress, to: checksummedAddress, amount: z.string() }),
    z.object({ target: checksummedAddress, calldata: z.string(), value_wei: weiString }),
  ]),
  max_executions: z.number().meta({ description: '0 = unlimited' }),
  execution_count: z.number(),
  active: z.boolean(),
  created_at: isoTime,
  last_executed_at: isoTime.nullable(),
  status: automationStatusView.nullable().meta({ description: 'null when no Temporal workflow exists for it' }),
}) satisfies z.ZodType<WorkflowView>;

/** POST /api/workflow/create. */
export const workflowCreatedSchema = z.object({
  success: z.literal(true),
  workflow_id: z.number(),
  tx_hash: txHash,
  message: z.literal('Workflow created successfully'),
});

/** DELETE /api/workflow/{workflow_id}. */
export const workflowDeletedSchema = z.object({
  success: z.literal(true),
  workflow_id: z.number(),
  tx_hash: txHash,
  message: z.literal('Workflow deleted'),
});

/** POST /api/workflow/{workflow_id}/pause and /resume. */
export const workflowPausedSchema = z.object({
  success: z.literal(true),
  workflow_id: z.number(),
  paused: z.boolean(),
});

/** GET /api/workflow/{workflow_id}. */
export const workflowReadSchema = z.object({ success: z.literal(true), workflow: workflowViewSchema });

/** GET /api/workflow/user/{address}. */
export const ownerWorkflowsSchema = z.object({
  success: z.literal(true),
  user_address: checksummedAddress,
  workflows: z.array(workflowViewSchema),
});

/** GET /api/workflow/nonce/{address}. */
export const ownerNonceSchema = z.object({
  success: z.literal(true),
  user_address: checksummedAddress,
  nonce: z.string().meta({ description: 'decimal string: the registry nonce the next signature uses' }),
  registry: checksummedAddress.meta({ description: "the EIP-712 domain's verifyingContract" }),
  chain_id: z.number(),
});

/** GET /api/escrow/balance/{address}. */
export const escrowBalanceSchema = z.object({
  success: z.literal(true),
  user_address: checksummedAddress,
  balance_wei: weiString,
  balance_eth: z.string().meta({ description: 'the same in ether, e.g. "1.5"' }),
});

/** POST /api/escrow/deposit and /withdraw. */
export const escrowTransactionSchema = z.object({
  success: z.literal(true),
  transaction: z.object({
    from: checksummedAddress,
    to: checksummedAddress.meta({ description: 'the FeeEscrow' }),
    data: z.string().meta({ description: '0x-prefixed calldata' }),
    value: weiString.meta({ description: 'the deposit, or "0" for a withdrawal' }),
    chainId: z.number(),
    gas: z.string().meta({ description: 'the gas limit eth_estimateGas answered, decimal' }),
  }) satisfies z.ZodType<UnsignedEscrowTransaction>,
});

/** GET /api/price. */
export const supportedAssetsSchema = z.object({
  assets: z.array(
    z.object({
      id: z.string().meta({ example: 'ethereum' }),
      symbol: z.string().meta({ example: 'ETH' }),
      name: z.string(),
      sources: z.array(z.string()).meta({ description: 'the upstreams asked for it, e.g. chainlink-feed' }),
    }),
  ),
});

/** GET /api/price/{symbol}. */
export const priceQuoteSchema = z.object({
  symbol: z.string().meta({ example: 'ETH' }),
  token: z.string().meta({ example: 'ethereum' }),
  price_usd: z.number(),
  source: z.string().meta({ description: 'the tier that answered: local-cache, backend-redis or an upstream' }),
  origin: z.string().meta({ description: 'the upstream that produced the value: coingecko-direct or chainlink-feed' }),
  age_ms: z.number().meta({ description: 'milliseconds since the upstream observed the value' }),
  stale: z
    .boolean()
    .meta({ description: 'true when no upstream could confirm it now and the last good value is served' }),
  observed_at: isoTime,
});

/** GET /api/utils/healthz when every dependency answers. */
export const healthySchema = z.object({ status: z.literal('healthy'), timestamp: isoTime });

/** GET /api/utils/healthz when a dependency is down: its own 503 body, not the error body. */
export const unhealthySchema = z.object({
  status: z.literal('unhealthy'),
  timestamp: isoTime,
  message: z.string(),
  down: z.array(z.string()).meta({ description: 'temporal, redis, chain' }),
  checks: z.record(z.string(), z.string()).meta({ description: '"ok" or the reason, per dependency' }),
});

/** GET /api/utils/contracts. */
export const contractsSchema = z.object({
  chain_id: z.number(),
  workflow_registry: checksummedAddress,
  action_executor: checksummedAddress,
  fee_escrow: checksummedAddress,
});

const codeDescription = z.object({
  code: z.number(),
  name: z.string(),
  description: z.string(),
  fields: z.record(z.string(), z.string()),
});

/** GET /api/utils/metadata. */
export const metadataSchema = z.object({
  name: z.literal('Autometa'),
  version: z.string(),
  chain_id: z.number(),
  trigger_types: z.array(codeDescription),
  action_types: z.array(codeDescription),
});

/** GET /api/openapi.json: an OpenAPI 3.1 document (this one). */
export const openApiDocumentSchema = z
  .object({ openapi: z.string(), info: z.object({ title: z.string(), version: z.string() }), paths: z.object({}) })
  .loose();
