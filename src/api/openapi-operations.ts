import { z } from 'zod';

import { OPERATOR_KEY_HEADER } from './operator-key';
import {
  contractsSchema,
  escrowBalanceSchema,
  escrowTransactionSchema,
  healthySchema,
  metadataSchema,
  openApiDocumentSchema,
  ownerNonceSchema,
  ownerWorkflowsSchema,
  priceQuoteSchema,
  supportedAssetsSchema,
  unhealthySchema,
  workflowCreatedSchema,
  workflowDeletedSchema,
  workflowPausedSchema,
  workflowReadSchema,
} from './openapi-responses';
import { authorizationSchema } from './owner-authorization';
import { amountBody } from './routes/escrow';
import { symbolParam } from './routes/price';
import { actionSchemas, addressField, headSchema, triggerSchemas, workflowIdParam } from './workflow-schemas';

/** A path parameter: the schema its route validates it with, as a string. */
export interface ApiParameter {
  schema: z.ZodType;
  description: string;
  example: string;
}

/** The JSON body an operation reads, with the schema its route validates it with. */
export interface ApiRequestBody {
  schema: z.ZodType;
  description: string;
  /** A body the route accepts, shown in the docs (and a starting point for the API fuzz test). */
  example: Record<string, unknown>;
  /** Its name under `components.schemas` when several operations share it. @default `<OperationId>Request` */
  component?: string;
}

/** One endpoint of the HTTP API, as the OpenAPI document describes it. */
export interface ApiOperation {
  method: 'get' | 'post' | 'delete';
  /** OpenAPI path template: `{name}` for each path parameter, no trailing slash. */
  path: string;
  operationId: string;
  tag: 'workflow' | 'escrow' | 'price' | 'utils' | 'docs';
  summary: string;
  description?: string;
  /** `operator-key`: needs `X-API-Key`; `operator-key-or-signature`: that or an owner's signature in the body. */
  auth?: 'operator-key' | 'operator-key-or-signature';
  pathParams?: Record<string, ApiParameter>;
  body?: ApiRequestBody & {
    /** False when the route also runs without a body (an owner signature is optional). @default true */
    required?: boolean;
  };
  /** The 200 answer: a JSON body with its schema, or an HTML page. */
  success: { description: string; schema: z.ZodType; component?: string } | { description: string; html: true };
  /**
   * The error body answers this route gives itself, by status, saying which codes and when. The answers
   * every route can give (a malformed body, a body too large, a rate limit) are added by the document.
   */
  errors?: Partial<Record<number, string>>;
  /** Answers with a body of their own instead of the error body, by status. */
  otherResponses?: Partial<Record<number, { description: string; schema: z.ZodType }>>;
}

const workflowId: Record<string, ApiParameter> = {
  workflow_id: {
    schema: workflowIdParam,
    description: 'The registry workflow id, a whole number (uint256).',
    example: '1',
  },
};

const ownerAddress: Record<string, ApiParameter> = {
  address: {
    schema: addressField,
    description: 'An owner address: 0x and 40 hex digits, all lower case or correctly EIP-55 checksummed.',
    example: '0x90F79bf6EB2c4f870365E785982E1f101E93b906',
  },
};

const ownerSignature = {
  signature: authorizationSchema.shape.signature.optional().meta({
    description:
      "The owner's EIP-712 signature (0x and 130 hex digits), instead of the operator key. With it the " +
      'request takes the signature path, whatever X-API-Key says.',
  }),
  deadline: authorizationSchema.shape.deadline.optional().meta({
    description: 'Unix seconds the signature is valid until, at most an hour ahead; required with signature.',
  }),
};

// One create body: the route checks trigger_data and action_data against the layout their type code
// picks; the document can only say "one of" them, which the descriptions spell out.
const createWorkflowBody = headSchema.extend({
  ...ownerSignature,
  trigger_data: z.union([triggerSchemas[0], triggerSchemas[1], triggerSchemas[2]]).meta({
    description:
      'By trigger_type: 0 (time) { execute_at: unix seconds }; 1 (interval) { interval_seconds }; ' +
      '2 (price) { token: asset id or symbol, comparator: 0 at or below | 1 at or above, price_usd: number or ' +
      'decimal string, at most 8 decimals }.',
  }),
  action_data: z.union([actionSchemas[0], actionSchemas[1], actionSchemas[2]]).meta({
    description:
      'By action_type: 0 (native transfer) { to, amount_wei }; 1 (ERC-20 transfer) { token, to, amount }; ' +
      '2 (contract call) { target, calldata, value_wei (default "0") }. Amounts are decimal strings.',
  }),
});

const ownerSignatureBody = z.object(ownerSignature);

const signedBody = (message: string, description: string): ApiRequestBody & { required: false } => ({
  schema: ownerSignatureBody,
  component: 'OwnerSignature',
  required: false,
  description:
    `Only with the owner's signature: the ${message} typed data in the registry's EIP-712 domain ` +
    `(GET /api/workflow/nonce/{address} gives the domain). ${description} Without a body, X-API-Key is needed.`,
  example: { signature: `0x${'ab'.repeat(65)}`, deadline: 1767225600 },
});

const signatureErrors = {
  401:
    "unauthorized: neither the operator key nor a signature; invalid_signature: not the owner's over this " +
    'request; signature_expired: past its deadline; signature_replayed: a pause or resume message used before.',
};

const sendErrors = {
  503: 'gas_price_too_high, relayer_busy: the relayer cannot send now; retry later.',
  504: 'transaction_pending: the receipt did not arrive in time; the transaction may still be mined (details.tx_hash).',
};

const escrowErrors = {
  400:
    'invalid_request: each bad field in details; insufficient_wallet_balance, insufficient_escrow_balance: ' +
    'the amount is above what the wallet or the escrow holds; escrow_rejected: the estimate reverts.',
};

/**
 * Every endpoint of the HTTP API, in the order the document lists them. The unit test of the document
 * compares this table with the routes registered on the Express app, so an endpoint added without an
 * entry here fails it.
 */
export const API_OPERATIONS: readonly ApiOperation[] = [
  {
    method: 'post',
    path: '/api/workflow/create',
    operationId: 'createWorkflow',
    tag: 'workflow',
    summary: 'Register a workflow for an owner and start its automation',
    description:
      'With the operator key, the relayer calls `createWorkflowAsOperator` for `user_address`, which must have ' +
      "approved it once with `WorkflowRegistry.setOperator(relayer, true)`. With the owner's signature over " +
      'the `CreateWorkflow` typed data (its current nonce from GET /api/workflow/nonce/{address}), the relayer ' +
      'submits `createWorkflowFor` and no approval is needed. Then the automation starts. Not idempotent.',
    auth: 'operator-key-or-signature',
    body: {
      schema: createWorkflowBody,
      description: 'Fields the schema does not name are ignored.',
      example: {
        user_address: '0x90F79bf6EB2c4f870365E785982E1f101E93b906',
        trigger_type: 2,
        trigger_data: { token: 'ethereum', comparator: 0, price_usd: 3200.0 },
        action_type: 0,
        action_data: { to: '0x976EA74026E726554dB657fA54763abd0C3a0aa9', amount_wei: '1000000000000000000' },
      },
    },
    success: { description: 'Created; the automation runs.', schema: workflowCreatedSchema },
    errors: {
      400: 'invalid_request: each bad field in details ({ path, message }); registry_rejected: the registry refused the fields.',
      ...signatureErrors,
      ...sendErrors,
      403: 'relayer_not_approved: the owner has not approved the relayer as its operator.',
      409: 'transaction_reverted: the registry state changed between simulation and mining.',
    },
  },
  {
    method: 'get',
    path: '/api/workflow/user/{address}',
    operationId: 'listOwnerWorkflows',
    tag: 'workflow',
    summary: "An owner's workflows, each with its automation's status",
    pathParams: ownerAddress,
    success: { description: 'Every workflow the address owns (possibly none).', schema: ownerWorkflowsSchema },
    errors: {
      400: 'invalid_request: the address is malformed (details names it).',
      503: 'status_unavailable: an automation did not answer its status query.',
    },
  },
  {
    method: 'get',
    path: '/api/workflow/nonce/{address}',
    operationId: 'getOwnerNonce',
    tag: 'workflow',
    summary: "What an owner signs with: its registry nonce and the EIP-712 domain's registry and chain id",
    description: 'The nonce is used once by each CreateWorkflow or DeactivateWorkflow signature.',
    pathParams: ownerAddress,
    success: { description: 'The nonce, a decimal string.', schema: ownerNonceSchema },
    errors: { 400: 'invalid_request: the address is malformed (details names it).' },
  },
  {
    method: 'get',
    path: '/api/workflow/{workflow_id}',
    operationId: 'getWorkflow',
    tag: 'workflow',
    summary: "A workflow's on-chain record and its automation's status",
    pathParams: workflowId,
    success: { description: 'The workflow; `status` is null when no automation exists.', schema: workflowReadSchema },
    errors: {
      400: 'invalid_request: the id is not a whole number that fits in uint256.',
      404: 'workflow_not_found: the registry never created this id.',
      503: 'status_unavailable: the automation did not answer its status query.',
    },
  },
  {
    method: 'delete',
    path: '/api/workflow/{workflow_id}',
    operationId: 'deleteWorkflow',
    tag: 'workflow',
    summary: 'Deactivate a workflow on-chain and cancel its automation',
    description: 'An execution in flight finishes first.',
    auth: 'operator-key-or-signature',
    pathParams: workflowId,
    body: signedBody('DeactivateWorkflow', "It uses the owner's current nonce."),
    success: { description: 'Deactivated.', schema: workflowDeletedSchema },
    errors: {
      400: 'invalid_request: the id or a body field is malformed; registry_rejected: the registry refused.',
      ...signatureErrors,
      ...sendErrors,
      403: "relayer_not_approved: the workflow's owner has not approved the relayer.",
      404: 'workflow_not_found: the registry never created this id.',
      409: 'workflow_inactive: already deactivated or completed; transaction_reverted.',
    },
  },
  ...(['pause', 'resume'] as const).map((action): ApiOperation => ({
    method: 'post',
    path: `/api/workflow/{workflow_id}/${action}`,
    operationId: `${action}Workflow`,
    tag: 'workflow',
    summary: action === 'pause' ? "Pause a workflow's automation" : "Resume a paused workflow's automation",
    description: 'Repeating it is harmless. A pause takes effect after any execution in flight.',
    auth: 'operator-key-or-signature',
    pathParams: workflowId,
    body: signedBody(
      'SetPaused',
      `paused is ${action === 'pause'}. The API checks it and accepts each signed message once.`,
    ),
    success: { description: 'Signalled.', schema: workflowPausedSchema, component: 'WorkflowPausedResponse' },
    errors: {
      400: 'invalid_request: the id or a body field is malformed.',
      ...signatureErrors,
      403: "not_owner: the signature is valid but not from the workflow's owner.",
      404: 'automation_not_found: no automation runs for this id; workflow_not_found (signature path).',
      503: 'replay_guard_unavailable: Redis cannot tell whether the signed message was used; nothing was signalled.',
    },
  })),
  {
    method: 'get',
    path: '/api/escrow/balance/{address}',
    operationId: 'getEscrowBalance',
    tag: 'escrow',
    summary: "A user's FeeEscrow balance",
    pathParams: ownerAddress,
    success: { description: 'The balance in wei and in ether, decimal strings.', schema: escrowBalanceSchema },
    errors: { 400: 'invalid_request: the address is malformed (details names it).' },
  },
  ...(['deposit', 'withdraw'] as const).map((action): ApiOperation => ({
    method: 'post',
    path: `/api/escrow/${action}`,
    operationId: `${action}Escrow`,
    tag: 'escrow',
    summary:
      action === 'deposit'
        ? 'Build an unsigned FeeEscrow.deposit() transaction for the user to sign'
        : 'Build an unsigned FeeEscrow.withdraw(amount) transaction for the user to sign',
    description:
      "Needs no key: the answer moves nothing until the user's own wallet signs and sends it. Balances are " +
      'checked at the latest block; the contract checks again when it runs.',
    body: {
      schema: amountBody,
      description: 'amount_wei is a decimal string of wei above 0.',
      component: 'EscrowAmountRequest',
      example: { user_address: '0x90F79bf6EB2c4f870365E785982E1f101E93b906', amount_wei: '1000000000000000000' },
    },
    success: {
      description: 'The transaction, amounts as decimal strings.',
      schema: escrowTransactionSchema,
      component: 'EscrowTransactionResponse',
    },
    errors: escrowErrors,
  })),
  {
    method: 'get',
    path: '/api/price',
    operationId: 'listPricedAssets',
    tag: 'price',
    summary: 'The supported assets and the upstreams asked for each',
    success: { description: 'The assets.', schema: supportedAssetsSchema },
  },
  {
    method: 'get',
    path: '/api/price/{symbol}',
    operationId: 'getPrice',
    tag: 'price',
    summary: "An asset's USD price through the cache tiers",
    pathParams: {
      symbol: {
        schema: symbolParam.shape.symbol,
        description: 'An asset id or symbol, in any case: ethereum, ETH, bitcoin, BTC.',
        example: 'ETH',
      },
    },
    success: { description: 'The price, with the tier that answered and its age.', schema: priceQuoteSchema },
    errors: {
      400: 'bad_request: the symbol cannot be one (letters, digits and dashes, at most 32).',
      404: 'unknown_asset: details.supported lists the asset ids.',
      503: 'price_unavailable: no tier could answer; the message says why for each.',
    },
  },
  {
    method: 'get',
    path: '/api/utils/healthz',
    operationId: 'health',
    tag: 'utils',
    summary: 'Whether Temporal, Redis and the chain answer',
    success: { description: 'Every dependency answers.', schema: healthySchema },
    otherResponses: { 503: { description: 'A dependency is down: which, and why.', schema: unhealthySchema } },
  },
  {
    method: 'get',
    path: '/api/utils/contracts',
    operationId: 'contracts',
    tag: 'utils',
    summary: 'The deployed contract addresses and the chain id',
    success: { description: 'The addresses.', schema: contractsSchema },
  },
  {
    method: 'get',
    path: '/api/utils/metadata',
    operationId: 'metadata',
    tag: 'utils',
    summary: 'Version, chain id, and the trigger and action types with their fields',
    success: { description: 'The metadata.', schema: metadataSchema },
  },
  {
    method: 'get',
    path: '/api/openapi.json',
    operationId: 'openApiDocument',
    tag: 'docs',
    summary: 'This OpenAPI document',
    success: { description: 'The OpenAPI 3.1 document.', schema: openApiDocumentSchema },
  },
  {
    method: 'get',
    path: '/api/docs',
    operationId: 'apiDocs',
    tag: 'docs',
    summary: 'The browsable API docs (Swagger UI, served from this origin)',
    success: { description: 'An HTML page that loads /api/openapi.json.', html: true },
  },
];

/** The security scheme name of the operator key in the document. */
export const OPERATOR_KEY_SCHEME = 'operatorKey';

/** How the operator key is sent, for the document's security scheme. */
export const operatorKeyScheme = {
  type: 'apiKey',
  in: 'header',
  name: OPERATOR_KEY_HEADER,
  description: 'The operator key (`API_KEY`), compared in constant time.',
} as const;
