import { ZeroAddress, formatUnits, getAddress, isAddress, parseUnits } from 'ethers';
import { z } from 'zod';

import {
  AbiCodecError,
  MAX_CALL_DATA_BYTES,
  encodeContractCall,
  encodeErc20Transfer,
  encodeIntervalTrigger,
  encodeNativeTransfer,
  encodePriceTrigger,
  encodeTimeTrigger,
  type Action,
  type Trigger,
} from '../chain/abi-codec';
import type { RegistryWorkflow } from '../chain/registry';
import { SUPPORTED_ASSETS, findAsset } from '../domain/assets';
import { defaultMaxExecutions, type AutomationStatus } from '../domain/automation';
import { ActionType, TriggerType } from '../domain/codes';

/** One problem with a request: the field (`trigger_data.execute_at`, `body`) and what is wrong with it. */
export interface RequestIssue {
  path: string;
  message: string;
}

/** Thrown when a request body or path parameter does not validate; `issues` names every bad field. */
export class InvalidRequestError extends Error {
  override readonly name = 'InvalidRequestError';

  constructor(readonly issues: RequestIssue[]) {
    super(issues.map((issue) => `${issue.path} ${issue.message}`).join('; '));
  }
}

/** A validated create request in the registry's encodings: the arguments of `createWorkflowAsOperator`. */
export interface RegistryWorkflowInput {
  /** Checksummed owner address. */
  owner: string;
  triggerType: TriggerType;
  /** `abi.encode` of the trigger, as the registry stores it. */
  triggerData: string;
  actionType: ActionType;
  /** `abi.encode` of the action, as the registry stores it. */
  actionData: string;
  /** 0 = unlimited. */
  maxExecutions: bigint;
}

const UINT256_MAX = 2n ** 256n - 1n;

// Dollars above this would be a typo, not a price target; it also keeps the e8 value far inside uint256.
const MAX_PRICE_USD_DIGITS = 15;

/** zod's `error` option: "is required" for a missing field, "must be …" for a value of the wrong type. */
const expecting = (expected: string) => ({
  error: (issue: { input?: unknown }) => (issue.input === undefined ? 'is required' : `must be ${expected}`),
});

const address = z
  .string(expecting('a 0x-prefixed 20-byte hex address'))
  .trim()
  .regex(/^0x[0-9a-fA-F]{40}$/, { message: 'must be a 0x-prefixed 20-byte hex address', abort: true })
  .refine((value) => isAddress(value), {
    message: 'has a wrong EIP-55 checksum (send it all lower case or correctly checksummed)',
    abort: true,
  })
  .transform((value) => getAddress(value))
  .refine((value) => value !== ZeroAddress, 'must not be the zero address');

/** A uint256 sent as a decimal string, never a JSON number (which would lose precision above 2^53). */
const decimalString = (unit: string, options: { allowZero: boolean }) =>
  z
    .string(expecting(`a decimal string of ${unit}, e.g. "1000000000000000000" (not a JSON number)`))
    .trim()
    .regex(/^\d{1,78}$/, `must be a decimal string of ${unit}: digits only, no sign, point or exponent`)
    .transform((value) => BigInt(value))
    .refine((value) => value <= UINT256_MAX, 'must fit in 256 bits')
    .refine((value) => options.allowZero || value > 0n, 'must be above 0');

/**
 * A request address: 0x and 40 hex digits, all lower case or with a valid EIP-55 checksum, not zero;
 * parses to the checksummed form.
 */
export const addressField = address;

/**
 * A uint256 amount of `unit` as a decimal string (digits only, at most 78), never a JSON number; parses to a
 * bigint. Zero passes only with `allowZero`.
 */
export const decimalStringField = decimalString;

/** zod's `error` option for a field: "is required" when it is missing, else "must be `expected`". */
export const expectingField = expecting;

const wholeSeconds = (what: string) =>
  z
    .number(expecting(`a whole number of ${what}`))
    .int(`must be a whole number of ${what}`)
    .positive('must be above 0');

/** A USD amount with at most 8 decimals, as a JSON number or a decimal string; becomes USD × 10^8. */
const priceUsd = z
  .union([z.number(), z.string()], expecting('a USD amount, e.g. 3200.5 or "3200.5"'))
  .transform((value, context) => {
    const text = typeof value === 'number' ? plainDecimal(value) : value.trim();
    const match = /^(\d+)(?:\.(\d+))?$/.exec(text);
    if (!match) {
      context.addIssue({ code: 'custom', message: 'must be a positive USD amount, e.g. 3200.5' });
      return z.NEVER;
    }
    if ((match[2] ?? '').length > 8) {
      context.addIssue({ code: 'custom', message: 'must have at most 8 decimals' });
      return z.NEVER;
    }
    if (match[1].replace(/^0+/, '').length > MAX_PRICE_USD_DIGITS) {
      context.addIssue({ code: 'custom', message: `must be below 10^${MAX_PRICE_USD_DIGITS} USD` });
      return z.NEVER;
    }
    const e8 = parseUnits(text, 8);
    if (e8 === 0n) {
      context.addIssue({ code: 'custom', message: 'must be above 0' });
      return z.NEVER;
    }
    return e8;
  });

const assetList = SUPPORTED_ASSETS.map((asset) => `${asset.id} (${asset.symbol})`).join(', ');

export const triggerSchemas = {
  [TriggerType.Time]: z.object(
    { execute_at: wholeSeconds('unix seconds') },
    expecting('an object { execute_at } for a time trigger'),
  ),
  [TriggerType.Interval]: z.object(
    { interval_seconds: wholeSeconds('seconds') },
    expecting('an object { interval_seconds } for an interval trigger'),
  ),
  [TriggerType.Price]: z.object(
    {
      token: z
        .string(expecting(`an asset id or symbol: ${assetList}`))
        .max(32, 'must be at most 32 characters')
        .transform((value, context) => {
          const asset = findAsset(value);
          if (asset) return asset.id;
          context.addIssue({ code: 'custom', message: `must be a supported asset id or symbol: ${assetList}` });
          return z.NEVER;
        }),
      comparator: z.literal([0, 1], expecting('0 (at or below) or 1 (at or above)')),
      price_usd: priceUsd,
    },
    expecting('an object { token, comparator, price_usd } for a price trigger'),
  ),
} as const;

export const actionSchemas = {
  [ActionType.NativeTransfer]: z.object(
    { to: address, amount_wei: decimalString('wei', { allowZero: false }) },
    expecting('an object { to, amount_wei } for a native transfer'),
  ),
  [ActionType.Erc20Transfer]: z.object(
    { token: address, to: address, amount: decimalString('token base units', { allowZero: false }) },
    expecting('an object { token, to, amount } for an ERC-20 transfer'),
  ),
  [ActionType.ContractCall]: z.object(
    {
      target: address,
      calldata: z
        .string(expecting('0x-prefixed hex calldata'))
        .trim()
        .max(2 + 2 * MAX_CALL_DATA_BYTES, `must be at most ${MAX_CALL_DATA_BYTES} bytes`)
        .regex(/^0x(?:[0-9a-fA-F]{2})*$/, 'must be 0x-prefixed hex of whole bytes'),
      value_wei: decimalString('wei', { allowZero: true }).default(0n),
    },
    expecting('an object { target, calldata, value_wei } for a contract call'),
  ),
} as const;

export const headSchema = z.object({
  user_address: address,
  trigger_type: z.literal(
    [TriggerType.Time, TriggerType.Interval, TriggerType.Price],
    expecting('0 (time), 1 (interval) or 2 (price)'),
  ),
  action_type: z.literal(
    [ActionType.NativeTransfer, ActionType.Erc20Transfer, ActionType.ContractCall],
    expecting('0 (native transfer), 1 (ERC-20 transfer) or 2 (contract call)'),
  ),
  max_executions: z
    .number(expecting('a whole number (0 = unlimited)'))
    .int('must be a whole number (0 = unlimited)')
    .min(0, 'must be 0 (unlimited) or more')
    .optional(),
});

/**
 * Validates the body of POST /api/workflow/create (the earlier API's snake_case JSON) and converts it
 * to the registry's encodings with the abi-codec encoders.
 *
 * `trigger_data.token` takes an asset id or symbol and is stored as the asset id; `price_usd` takes a
 * number or a decimal string with at most 8 decimals; amounts are decimal strings; `value_wei` defaults
 * to "0"; `max_executions` defaults to {@link defaultMaxExecutions} of the trigger type. Fields the
 * schema does not name are ignored.
 * @throws {InvalidRequestError} naming every field that is missing or malformed, and why.
 */
export function parseCreateWorkflowRequest(body: unknown): RegistryWorkflowInput {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new InvalidRequestError([
      { path: 'body', message: 'must be a JSON object (sent as Content-Type: application/json)' },
    ]);
  }
  const fields = body as Record<string, unknown>;
  const issues: RequestIssue[] = [];
  const head = collect(headSchema, fields, '', issues);
  // The data objects are checked against the layout of their type whenever that type is valid, so one
  // answer lists the problems of both halves.
  const triggerType = headSchema.shape.trigger_type.safeParse(fields.trigger_type);
  const actionType = headSchema.shape.action_type.safeParse(fields.action_type);
  const trigger = triggerType.success
    ? collect(triggerSchemas[triggerType.data], fields.trigger_data, 'trigger_data', issues)
    : undefined;
  const action = actionType.success
    ? collect(actionSchemas[actionType.data], fields.action_data, 'action_data', issues)
    : undefined;
  if (!head || !trigger || !action || issues.length > 0) throw new InvalidRequestError(issues);

  const maxExecutions = head.max_executions ?? defaultMaxExecutions(head.trigger_type);
  if (head.trigger_type === TriggerType.Time && maxExecutions > 1) {
    throw new InvalidRequestError([
      { path: 'max_executions', message: 'must be 0 or 1 for a time trigger, which runs once' },
    ]);
  }

  const encoded = { triggerData: '', actionData: '' };
  try {
    encoded.triggerData = encodeTriggerData(head.trigger_type, trigger);
    encoded.actionData = encodeActionData(head.action_type, action);
  } catch (error) {
    // The schemas check what the encoders check; this only keeps a future difference from becoming a 500.
    if (!(error instanceof AbiCodecError)) throw error;
    throw new InvalidRequestError([{ path: `${error.kind}_data`, message: error.message }]);
  }
  return {
    owner: head.user_address,
    triggerType: head.trigger_type,
    triggerData: encoded.triggerData,
    actionType: head.action_type,
    actionData: encoded.actionData,
    // A time trigger stores 1 either way; 0 and 1 are both accepted by the registry.
    maxExecutions: BigInt(maxExecutions),
  };
}

type TriggerFields = z.output<(typeof triggerSchemas)[TriggerType]>;
type ActionFields = z.output<(typeof actionSchemas)[ActionType]>;

function encodeTriggerData(type: TriggerType, fields: TriggerFields): string {
  switch (type) {
    case TriggerType.Time:
      return encodeTimeTrigger((fields as z.output<(typeof triggerSchemas)[0]>).execute_at);
    case TriggerType.Interval:
      return encodeIntervalTrigger((fields as z.output<(typeof triggerSchemas)[1]>).interval_seconds);
    case TriggerType.Price: {
      const price = fields as z.output<(typeof triggerSchemas)[2]>;
      return encodePriceTrigger(price.token, price.comparator, price.price_usd);
    }
  }
}

function encodeActionData(type: ActionType, fields: ActionFields): string {
  switch (type) {
    case ActionType.NativeTransfer: {
      const native = fields as z.output<(typeof actionSchemas)[0]>;
      return encodeNativeTransfer(native.to, native.amount_wei);
    }
    case ActionType.Erc20Transfer: {
      const erc20 = fields as z.output<(typeof actionSchemas)[1]>;
      return encodeErc20Transfer(erc20.token, erc20.to, erc20.amount);
    }
    case ActionType.ContractCall: {
      const call = fields as z.output<(typeof actionSchemas)[2]>;
      return encodeContractCall(call.target, call.calldata, call.value_wei);
    }
  }
}

export const workflowIdParam = z
  .string()
  .regex(/^\d{1,78}$/, 'must be a workflow id: a whole number')
  .transform((value) => BigInt(value))
  .refine((value) => value <= UINT256_MAX, 'must fit in 256 bits');

/**
 * Validates the `:workflow_id` path parameter. 0 passes: the registry answers that it never created it.
 * @throws {InvalidRequestError} unless it is a whole number that fits in uint256.
 */
export function parseWorkflowIdParam(value: unknown): bigint {
  const issues: RequestIssue[] = [];
  const parsed = collect(workflowIdParam, value, 'workflow_id', issues);
  if (parsed === undefined) throw new InvalidRequestError(issues);
  return parsed;
}

/**
 * Validates an address path parameter and returns it checksummed.
 * @throws {InvalidRequestError} unless it is a non-zero 0x-prefixed address with a valid checksum.
 */
export function parseAddressParam(value: unknown, name: string): string {
  const issues: RequestIssue[] = [];
  const parsed = collect(address, value, name, issues);
  if (parsed === undefined) throw new InvalidRequestError(issues);
  return parsed;
}

/**
 * Validates `value` with `schema`; `prefix` names the field in the issues (`body` when empty).
 * @throws {InvalidRequestError} naming every field that does not validate, and why.
 */
export function parseRequestPart<T extends z.ZodType>(schema: T, value: unknown, prefix = ''): z.output<T> {
  const issues: RequestIssue[] = [];
  const parsed = collect(schema, value, prefix, issues);
  if (parsed === undefined) throw new InvalidRequestError(issues);
  return parsed;
}

function collect<T extends z.ZodType>(
  schema: T,
  value: unknown,
  prefix: string,
  issues: RequestIssue[],
): z.output<T> | undefined {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  for (const issue of parsed.error.issues) {
    const path = [prefix, ...issue.path.map((part) => (typeof part === 'number' ? `[${part}]` : String(part)))]
      .filter(Boolean)
      .join('.')
      .replace(/\.\[/g, '[');
    issues.push({ path: path || 'body', message: issue.message });
  }
  return undefined;
}

/** A JSON number as the decimal text it stands for, without exponent (`1e-7` → `0.0000001`). */
function plainDecimal(value: number): string {
  const [mantissa, exponentText] = String(value).toLowerCase().split('e');
  if (exponentText === undefined) return mantissa;
  const negative = mantissa.startsWith('-');
  const [whole, fraction = ''] = mantissa.replace('-', '').split('.');
  const digits = whole + fraction;
  const point = whole.length + Number(exponentText);
  let text: string;
  if (point <= 0) text = `0.${'0'.repeat(-point)}${digits}`;
  else if (point >= digits.length) text = digits + '0'.repeat(point - digits.length);
  else text = `${digits.slice(0, point)}.${digits.slice(point)}`;
  return negative ? `-${text}` : text;
}

/** The trigger fields in the API's snake_case shape, as the create body takes them. */
export type TriggerDataView =
  { execute_at: number } | { interval_seconds: number } | { token: string; comparator: number; price_usd: number };

/** The action fields in the API's snake_case shape, as the create body takes them; amounts are decimal strings. */
export type ActionDataView =
  | { to: string; amount_wei: string }
  | { token: string; to: string; amount: string }
  | { target: string; calldata: string; value_wei: string };

/** One execution as GET /api/workflow answers it. */
export interface ExecutionView {
  execution_no: number;
  tx_hash: string;
  /** Wei, decimal string; null until the fee is charged. */
  gas_fee_wei: string | null;
  fee_tx_hash: string | null;
  /** ISO 8601 time of the block that ran it. */
  executed_at: string;
}

/** The automation's status from its status query, in snake_case. */
export interface AutomationStatusView {
  state: AutomationStatus['state'];
  paused: boolean;
  waiting_reason: string | null;
  last_check: { price_usd: number; source: string; checked_at: string } | null;
  next_check_at: string | null;
  executions: ExecutionView[];
}

/** A registry workflow and its automation, as GET /api/workflow/:workflow_id and the owner list answer it. */
export interface WorkflowView {
  workflow_id: number;
  owner: string;
  trigger_type: number;
  trigger_data: TriggerDataView;
  action_type: number;
  action_data: ActionDataView;
  /** 0 = unlimited. */
  max_executions: number;
  execution_count: number;
  active: boolean;
  /** ISO 8601. */
  created_at: string;
  /** ISO 8601; null before the first execution. */
  last_executed_at: string | null;
  /** null when no Temporal workflow exists for it. */
  status: AutomationStatusView | null;
}

/**
 * Shapes a registry workflow and its automation status for the API. Times are ISO 8601 strings, except
 * `trigger_data.execute_at`, which keeps the unix seconds the create body takes.
 */
export function workflowView(workflow: RegistryWorkflow, status: AutomationStatus | null): WorkflowView {
  return {
    workflow_id: Number(workflow.workflowId),
    owner: workflow.owner,
    trigger_type: workflow.trigger.type,
    trigger_data: triggerDataView(workflow.trigger),
    action_type: workflow.action.type,
    action_data: actionDataView(workflow.action),
    max_executions: Number(workflow.maxExecutions),
    execution_count: Number(workflow.executionCount),
    active: workflow.active,
    created_at: isoFromSeconds(workflow.createdAt),
    last_executed_at: workflow.lastExecutedAt > 0n ? isoFromSeconds(workflow.lastExecutedAt) : null,
    status: status && statusView(status),
  };
}

function triggerDataView(trigger: Trigger): TriggerDataView {
  switch (trigger.type) {
    case TriggerType.Time:
      return { execute_at: Number(trigger.executeAt) };
    case TriggerType.Interval:
      return { interval_seconds: Number(trigger.intervalSeconds) };
    case TriggerType.Price:
      return {
        token: trigger.token,
        comparator: trigger.comparator,
        price_usd: Number(formatUnits(trigger.priceUsdE8, 8)),
      };
  }
}

function actionDataView(action: Action): ActionDataView {
  switch (action.type) {
    case ActionType.NativeTransfer:
      return { to: action.to, amount_wei: action.amountWei.toString() };
    case ActionType.Erc20Transfer:
      return { token: action.token, to: action.to, amount: action.amount.toString() };
    case ActionType.ContractCall:
      return { target: action.target, calldata: action.data, value_wei: action.valueWei.toString() };
  }
}

function statusView(status: AutomationStatus): AutomationStatusView {
  return {
    state: status.state,
    paused: status.paused,
    waiting_reason: status.waitingReason ?? null,
    last_check: status.lastCheck
      ? {
          price_usd: status.lastCheck.priceUsd,
          source: status.lastCheck.source,
          checked_at: new Date(status.lastCheck.checkedAt).toISOString(),
        }
      : null,
    next_check_at: status.nextCheckAt === undefined ? null : new Date(status.nextCheckAt).toISOString(),
    executions: status.executions.map((execution) => ({
      execution_no: execution.executionNo,
      tx_hash: execution.txHash,
      gas_fee_wei: execution.gasFeeWei ?? null,
      fee_tx_hash: execution.feeTxHash ?? null,
      executed_at: isoFromSeconds(BigInt(execution.executedAt)),
    })),
  };
}

function isoFromSeconds(seconds: bigint): string {
  // Dates past year 275760 do not exist in JavaScript; such a time trigger is no real schedule.
  const ms = Number(seconds) * 1000;
  return Number.isFinite(ms) && Math.abs(ms) <= 8.64e15 ? new Date(ms).toISOString() : seconds.toString();
}
