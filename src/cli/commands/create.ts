import {
  InvalidRequestError,
  parseCreateWorkflowRequest,
  type ActionDataView,
  type RegistryWorkflowInput,
  type TriggerDataView,
} from '../../api/workflow-schemas';
import { defaultMaxExecutions } from '../../domain/automation';
import { ActionType, PriceComparator, TriggerType } from '../../domain/codes';
import { noMorePositionals, parseEth, parseTime, parseWholeNumber, requiredOption, stringOption } from '../arguments';
import type { Command, OptionValues } from '../context';
import { UsageError } from '../errors';
import { describeAction, describeTrigger } from '../format';
import { deadlineFromNow, signCreateWorkflow } from '../signing';

const COMMAND = 'create';

const TRIGGER_KINDS = {
  time: { type: TriggerType.Time, options: ['at'] },
  interval: { type: TriggerType.Interval, options: ['every'] },
  price: { type: TriggerType.Price, options: ['token', 'below', 'above'] },
} as const;

type TriggerKind = keyof typeof TRIGGER_KINDS;

const ACTION_OPTIONS = {
  send: ['send', 'to'],
  erc20: ['erc20', 'amount', 'to'],
  call: ['call', 'calldata', 'value'],
} as const;

type ActionKind = keyof typeof ACTION_OPTIONS;

const ACTION_TYPES: Record<ActionKind, ActionType> = {
  send: ActionType.NativeTransfer,
  erc20: ActionType.Erc20Transfer,
  call: ActionType.ContractCall,
};

const CREATE_OPTIONS: readonly string[] = [
  ...new Set([
    ...Object.values(TRIGGER_KINDS).flatMap((kind) => kind.options),
    ...Object.values(ACTION_OPTIONS).flat(),
  ]),
  'max',
];

// Which flag set a field of the create body, to name flags rather than JSON paths in messages.
const FLAG_OF_FIELD: Record<string, string> = {
  user_address: 'the key',
  'trigger_data.execute_at': '--at',
  'trigger_data.interval_seconds': '--every',
  'trigger_data.token': '--token',
  'trigger_data.price_usd': '--below/--above',
  'action_data.amount_wei': '--send',
  'action_data.to': '--to',
  'action_data.token': '--erc20',
  'action_data.amount': '--amount',
  'action_data.target': '--call',
  'action_data.calldata': '--calldata',
  'action_data.value_wei': '--value',
  max_executions: '--max',
};

/** The create body of the earlier API without `user_address`, signature and deadline. */
export interface CreateFields {
  trigger_type: TriggerType;
  /** The fields of {@link TriggerDataView}; `price_usd` as the decimal string typed. */
  trigger_data: Record<string, unknown>;
  action_type: ActionType;
  action_data: Record<string, unknown>;
  max_executions: number;
}

/**
 * The create body's fields from the command's arguments. Amounts in ETH become wei; the API checks the rest.
 * @throws {UsageError} when the trigger or action is missing, or options do not go together.
 */
export function createFields(positionals: string[], options: OptionValues): CreateFields {
  const kind = positionals[0];
  if (!kind) throw new UsageError('create needs a trigger: time, interval or price', COMMAND);
  if (!(kind in TRIGGER_KINDS)) {
    throw new UsageError(`unknown trigger "${kind}": use time, interval or price`, COMMAND);
  }
  noMorePositionals(positionals, 1, COMMAND);
  const trigger = TRIGGER_KINDS[kind as TriggerKind];
  const actions = (Object.keys(ACTION_OPTIONS) as ActionKind[]).filter((name) => options[name] !== undefined);
  if (actions.length !== 1) {
    throw new UsageError(
      actions.length === 0
        ? 'create needs an action: --send <eth> --to <address>, --erc20 <token> --amount <units> --to <address>, or --call <target> --calldata <0x…>'
        : `create takes one action; got ${actions.map((name) => `--${name}`).join(' and ')}`,
      COMMAND,
    );
  }
  const action = actions[0];
  const allowed = new Set<string>([...trigger.options, ...ACTION_OPTIONS[action], 'max']);
  for (const name of Object.keys(options)) {
    if (options[name] !== undefined && !allowed.has(name) && CREATE_OPTIONS.includes(name)) {
      throw new UsageError(`--${name} does not go with create ${kind} --${action}`, COMMAND);
    }
  }

  const maxOption = stringOption(options, 'max');
  const maxExecutions =
    maxOption === undefined ? defaultMaxExecutions(trigger.type) : parseWholeNumber(maxOption, '--max', COMMAND, 0);
  return {
    trigger_type: trigger.type,
    trigger_data: triggerData(kind as TriggerKind, options),
    action_type: ACTION_TYPES[action],
    action_data: actionData(action, options),
    // Sent even when it is the default, so the signed value and the body cannot differ.
    max_executions: maxExecutions,
  };
}

function triggerData(kind: TriggerKind, options: OptionValues): Record<string, unknown> {
  switch (kind) {
    case 'time':
      return {
        execute_at: parseTime(requiredOption(options, 'at', COMMAND, '<ISO time or unix seconds>'), '--at', COMMAND),
      };
    case 'interval':
      return {
        interval_seconds: parseWholeNumber(
          requiredOption(options, 'every', COMMAND, '<seconds>'),
          '--every',
          COMMAND,
          1,
        ),
      };
    case 'price': {
      const below = stringOption(options, 'below');
      const above = stringOption(options, 'above');
      if ((below === undefined) === (above === undefined)) {
        throw new UsageError('create price needs one of --below <usd> or --above <usd>', COMMAND);
      }
      return {
        token: requiredOption(options, 'token', COMMAND, '<asset>, e.g. --token ethereum'),
        comparator: below !== undefined ? PriceComparator.AtOrBelow : PriceComparator.AtOrAbove,
        // A decimal string keeps the digits exactly as typed; the API takes it as it takes a number.
        price_usd: (below ?? above ?? '').trim(),
      };
    }
  }
}

function actionData(kind: ActionKind, options: OptionValues): Record<string, unknown> {
  switch (kind) {
    case 'send':
      return {
        to: requiredOption(options, 'to', COMMAND, '<address> with --send'),
        amount_wei: parseEth(stringOption(options, 'send') ?? '', '--send', COMMAND).toString(),
      };
    case 'erc20':
      return {
        token: stringOption(options, 'erc20'),
        to: requiredOption(options, 'to', COMMAND, '<address> with --erc20'),
        amount: requiredOption(options, 'amount', COMMAND, '<token base units> with --erc20'),
      };
    case 'call': {
      const value = stringOption(options, 'value');
      return {
        target: stringOption(options, 'call'),
        calldata: requiredOption(options, 'calldata', COMMAND, '<0x…> with --call'),
        value_wei: value === undefined ? '0' : parseEth(value, '--value', COMMAND, { allowZero: true }).toString(),
      };
    }
  }
}

/**
 * `create <time|interval|price> <trigger options> <action options> [--max <n>]`: checks the workflow
 * as the API will, signs `CreateWorkflow` with the owner's registry nonce and a deadline ten minutes
 * ahead, and sends the signed create body.
 */
export const createCommand: Command = {
  name: COMMAND,
  usage: [
    'create time --at <ISO time | unix seconds> <action> [--max 0|1]',
    'create interval --every <seconds> <action> [--max <n>]',
    'create price --token <asset> --below|--above <usd> <action> [--max <n>]',
    '  <action>: --send <eth> --to <address>',
    '          | --erc20 <token address> --amount <base units> --to <address>',
    '          | --call <target> --calldata <0x…> [--value <eth>]',
  ].join('\n'),
  summary: 'Creates a workflow signed by your key; --max defaults to 1 (time, price) or 0 = unlimited (interval).',
  options: CREATE_OPTIONS,
  async run(context, positionals, options) {
    const fields = createFields(positionals, options);
    const key = context.ownerKey();
    const body = { user_address: key.address, ...fields };
    let input: RegistryWorkflowInput;
    try {
      input = parseCreateWorkflowRequest(body);
    } catch (error) {
      if (!(error instanceof InvalidRequestError)) throw error;
      const problems = error.issues.map((issue) => `${FLAG_OF_FIELD[issue.path] ?? issue.path} ${issue.message}`);
      throw new UsageError(problems.join('; '), COMMAND);
    }

    const { nonce, registry, chain_id: chainId } = await context.api.nonce(key.address);
    key.checkChain(chainId);
    const deadline = deadlineFromNow();
    const signature = await signCreateWorkflow(key.wallet, { chainId, registry }, input, nonce, deadline);
    const created = await context.api.createWorkflow({ ...body, signature, deadline: Number(deadline) });
    // The body holds the view's fields, so it reads as GET /api/workflow would show it.
    const trigger = describeTrigger(body.trigger_type, body.trigger_data as unknown as TriggerDataView);
    const action = describeAction(body.action_type, body.action_data as unknown as ActionDataView);
    return {
      lines: [
        `Created workflow ${created.workflow_id}: ${trigger}: ${action}`,
        `Registry transaction ${created.tx_hash}`,
      ],
      json: created,
    };
  },
};
