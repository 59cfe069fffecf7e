/** Trigger type codes, as the registry and the earlier API number them. */
export const TriggerType = { Time: 0, Interval: 1, Price: 2 } as const;
export type TriggerType = (typeof TriggerType)[keyof typeof TriggerType];

/** Action type codes, as the registry and the earlier API number them. */
export const ActionType = { NativeTransfer: 0, Erc20Transfer: 1, ContractCall: 2 } as const;
export type ActionType = (typeof ActionType)[keyof typeof ActionType];

/** Price comparator codes of a price trigger. */
export const PriceComparator = { AtOrBelow: 0, AtOrAbove: 1 } as const;
export type PriceComparator = (typeof PriceComparator)[keyof typeof PriceComparator];

/** A code with the name and fields clients need to build it, as /api/utils/metadata lists them. */
export interface CodeDescription {
  code: number;
  name: string;
  description: string;
  fields: Record<string, string>;
}

export const TRIGGER_TYPE_DESCRIPTIONS: readonly CodeDescription[] = [
  {
    code: TriggerType.Time,
    name: 'time',
    description: 'Runs once, at a unix time.',
    fields: { execute_at: 'unix time in seconds' },
  },
  {
    code: TriggerType.Interval,
    name: 'interval',
    description: 'Runs every N seconds.',
    fields: { interval_seconds: 'seconds between executions' },
  },
  {
    code: TriggerType.Price,
    name: 'price',
    description: "Runs when a token's USD price is at or below (0) or at or above (1) a target.",
    fields: {
      token: 'asset id, e.g. ethereum',
      comparator: '0 = at or below, 1 = at or above',
      price_usd: 'target in USD',
    },
  },
];

export const ACTION_TYPE_DESCRIPTIONS: readonly CodeDescription[] = [
  {
    code: ActionType.NativeTransfer,
    name: 'native_transfer',
    description: "Sends native coin from the owner's escrow.",
    fields: { to: 'recipient address', amount_wei: 'decimal string of wei' },
  },
  {
    code: ActionType.Erc20Transfer,
    name: 'erc20_transfer',
    description: "Transfers ERC-20 tokens from the owner's allowance to the ActionExecutor.",
    fields: { token: 'token address', to: 'recipient address', amount: 'decimal string of base units' },
  },
  {
    code: ActionType.ContractCall,
    name: 'contract_call',
    description: "Calls a contract, with value from the owner's escrow.",
    fields: { target: 'contract address', calldata: '0x-prefixed hex', value_wei: 'decimal string of wei' },
  },
];
