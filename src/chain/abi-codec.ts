import { AbiCoder, ZeroAddress, dataLength, getAddress, hexlify, isAddress, isHexString, toUtf8Bytes } from 'ethers';
import type { BytesLike, TypedDataDomain, TypedDataField } from 'ethers';

import { ActionType, PriceComparator, TriggerType } from '../domain/codes';

/** Longest token name of a price trigger, in UTF-8 bytes (as the registry counts). */
export const MAX_PRICE_TOKEN_BYTES = 32;

/** Longest calldata of a contract-call action, in bytes. */
export const MAX_CALL_DATA_BYTES = 4096;

/** Longest interval the registry accepts, in seconds (`type(uint64).max`). */
export const MAX_INTERVAL_SECONDS = 2n ** 64n - 1n;

/** Fires once, at `executeAt` (unix seconds). */
export interface TimeTrigger {
  type: typeof TriggerType.Time;
  executeAt: bigint;
}

/** Fires every `intervalSeconds`, counted from creation, then from each execution. */
export interface IntervalTrigger {
  type: typeof TriggerType.Interval;
  intervalSeconds: bigint;
}

/** Fires when the USD price of `token` (an asset id such as `ethereum`) meets `priceUsdE8` (8 decimals). */
export interface PriceTrigger {
  type: typeof TriggerType.Price;
  token: string;
  comparator: PriceComparator;
  priceUsdE8: bigint;
}

/** A decoded trigger, discriminated by its registry code. */
export type Trigger = TimeTrigger | IntervalTrigger | PriceTrigger;

/** Sends `amountWei` of the owner's escrowed coin to `to`. */
export interface NativeTransferAction {
  type: typeof ActionType.NativeTransfer;
  to: string;
  amountWei: bigint;
}

/** Moves `amount` base units of ERC-20 `token` from the owner (who approved the executor) to `to`. */
export interface Erc20TransferAction {
  type: typeof ActionType.Erc20Transfer;
  token: string;
  to: string;
  amount: bigint;
}

/** Calls `target` with calldata `data` (0x hex) and `valueWei` of the owner's escrowed coin. */
export interface ContractCallAction {
  type: typeof ActionType.ContractCall;
  target: string;
  data: string;
  valueWei: bigint;
}

/** A decoded action, discriminated by its registry code. */
export type Action = NativeTransferAction | Erc20TransferAction | ContractCallAction;

/** Thrown when trigger or action data cannot be encoded (a value the registry would reject) or decoded. */
export class AbiCodecError extends Error {
  override readonly name = 'AbiCodecError';

  constructor(
    message: string,
    /** Which field the data belongs to. */
    readonly kind: 'trigger' | 'action',
    /** The trigger or action type code. */
    readonly typeCode: number,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

const coder = AbiCoder.defaultAbiCoder();

const TRIGGER_LAYOUTS: Record<TriggerType, readonly string[]> = {
  [TriggerType.Time]: ['uint256'],
  [TriggerType.Interval]: ['uint256'],
  [TriggerType.Price]: ['string', 'uint8', 'uint256'],
};

const ACTION_LAYOUTS: Record<ActionType, readonly string[]> = {
  [ActionType.NativeTransfer]: ['address', 'uint256'],
  [ActionType.Erc20Transfer]: ['address', 'address', 'uint256'],
  [ActionType.ContractCall]: ['address', 'bytes', 'uint256'],
};

/**
 * Encodes a time trigger, `abi.encode(uint256 executeAt)`.
 * @throws {AbiCodecError} unless `executeAt` (unix seconds) is a positive integer.
 */
export function encodeTimeTrigger(executeAt: bigint | number): string {
  const value = toUint(executeAt, 'trigger', TriggerType.Time, 'executeAt');
  if (value === 0n) throw new AbiCodecError('executeAt must be after 0', 'trigger', TriggerType.Time);
  return coder.encode(TRIGGER_LAYOUTS[TriggerType.Time], [value]);
}

/**
 * Encodes an interval trigger, `abi.encode(uint256 intervalSeconds)`.
 * @throws {AbiCodecError} unless the interval is from 1 to {@link MAX_INTERVAL_SECONDS}.
 */
export function encodeIntervalTrigger(intervalSeconds: bigint | number): string {
  const value = toUint(intervalSeconds, 'trigger', TriggerType.Interval, 'intervalSeconds');
  if (value === 0n || value > MAX_INTERVAL_SECONDS) {
    throw new AbiCodecError(
      `intervalSeconds must be from 1 to ${MAX_INTERVAL_SECONDS}`,
      'trigger',
      TriggerType.Interval,
    );
  }
  return coder.encode(TRIGGER_LAYOUTS[TriggerType.Interval], [value]);
}

/**
 * Encodes a price trigger, `abi.encode(string token, uint8 comparator, uint256 priceUsdE8)`.
 * @throws {AbiCodecError} unless `token` has 1 to {@link MAX_PRICE_TOKEN_BYTES} UTF-8 bytes, `comparator` is
 * 0 (at or below) or 1 (at or above) and `priceUsdE8` (USD with 8 decimals) is positive.
 */
export function encodePriceTrigger(token: string, comparator: PriceComparator, priceUsdE8: bigint | number): string {
  const type = TriggerType.Price;
  const tokenBytes = toUtf8Bytes(token).length;
  if (tokenBytes === 0 || tokenBytes > MAX_PRICE_TOKEN_BYTES) {
    throw new AbiCodecError(
      `token must be 1 to ${MAX_PRICE_TOKEN_BYTES} UTF-8 bytes, got ${tokenBytes}`,
      'trigger',
      type,
    );
  }
  if (comparator !== PriceComparator.AtOrBelow && comparator !== PriceComparator.AtOrAbove) {
    throw new AbiCodecError(`comparator must be 0 or 1, got ${String(comparator)}`, 'trigger', type);
  }
  const price = toUint(priceUsdE8, 'trigger', type, 'priceUsdE8');
  if (price === 0n) throw new AbiCodecError('priceUsdE8 must be positive', 'trigger', type);
  return coder.encode(TRIGGER_LAYOUTS[type], [token, comparator, price]);
}

/** Encodes any trigger with the function for its type; throws as those do. */
export function encodeTrigger(trigger: Trigger): string {
  switch (trigger.type) {
    case TriggerType.Time:
      return encodeTimeTrigger(trigger.executeAt);
    case TriggerType.Interval:
      return encodeIntervalTrigger(trigger.intervalSeconds);
    case TriggerType.Price:
      return encodePriceTrigger(trigger.token, trigger.comparator, trigger.priceUsdE8);
  }
}

/**
 * Decodes trigger data of type code `type` as stored in the registry.
 * @throws {AbiCodecError} for an unknown type code or bytes that do not decode as its layout.
 */
export function decodeTrigger(type: number, data: BytesLike): Trigger {
  if (!isTriggerType(type)) throw new AbiCodecError(`Unknown trigger type ${type}`, 'trigger', type);
  const values = decode(TRIGGER_LAYOUTS[type], data, 'trigger', type);
  switch (type) {
    case TriggerType.Time:
      return { type, executeAt: values[0] as bigint };
    case TriggerType.Interval:
      return { type, intervalSeconds: values[0] as bigint };
    case TriggerType.Price: {
      const comparator = Number(values[1]);
      if (comparator !== PriceComparator.AtOrBelow && comparator !== PriceComparator.AtOrAbove) {
        throw new AbiCodecError(`Price trigger comparator must be 0 or 1, got ${comparator}`, 'trigger', type);
      }
      return { type, token: values[0] as string, comparator, priceUsdE8: values[2] as bigint };
    }
  }
}

/**
 * Encodes a native transfer, `abi.encode(address to, uint256 amountWei)`.
 * @throws {AbiCodecError} unless `to` is a non-zero address and `amountWei` is positive.
 */
export function encodeNativeTransfer(to: string, amountWei: bigint | number): string {
  const type = ActionType.NativeTransfer;
  const amount = toUint(amountWei, 'action', type, 'amountWei');
  if (amount === 0n) throw new AbiCodecError('amountWei must be positive', 'action', type);
  return coder.encode(ACTION_LAYOUTS[type], [toAddress(to, type, 'to'), amount]);
}

/**
 * Encodes an ERC-20 transfer, `abi.encode(address token, address to, uint256 amount)`.
 * @throws {AbiCodecError} unless both addresses are non-zero and `amount` (token base units) is positive.
 */
export function encodeErc20Transfer(token: string, to: string, amount: bigint | number): string {
  const type = ActionType.Erc20Transfer;
  const units = toUint(amount, 'action', type, 'amount');
  if (units === 0n) throw new AbiCodecError('amount must be positive', 'action', type);
  return coder.encode(ACTION_LAYOUTS[type], [toAddress(token, type, 'token'), toAddress(to, type, 'to'), units]);
}

/**
 * Encodes a contract call, `abi.encode(address target, bytes data, uint256 valueWei)`.
 * @throws {AbiCodecError} unless `target` is a non-zero address, `data` is 0x hex of at most
 * {@link MAX_CALL_DATA_BYTES} bytes and `valueWei` is not negative.
 */
export function encodeContractCall(target: string, data: BytesLike, valueWei: bigint | number = 0n): string {
  const type = ActionType.ContractCall;
  if (typeof data === 'string' && !isHexString(data)) {
    throw new AbiCodecError('data must be 0x-prefixed hex with whole bytes', 'action', type);
  }
  const callData = hexlify(data);
  if (dataLength(callData) > MAX_CALL_DATA_BYTES) {
    throw new AbiCodecError(`data must be at most ${MAX_CALL_DATA_BYTES} bytes`, 'action', type);
  }
  const value = toUint(valueWei, 'action', type, 'valueWei');
  return coder.encode(ACTION_LAYOUTS[type], [toAddress(target, type, 'target'), callData, value]);
}

/** Encodes any action with the function for its type; throws as those do. */
export function encodeAction(action: Action): string {
  switch (action.type) {
    case ActionType.NativeTransfer:
      return encodeNativeTransfer(action.to, action.amountWei);
    case ActionType.Erc20Transfer:
      return encodeErc20Transfer(action.token, action.to, action.amount);
    case ActionType.ContractCall:
      return encodeContractCall(action.target, action.data, action.valueWei);
  }
}

/**
 * Decodes action data of type code `type` as stored in the registry. Addresses come back checksummed.
 * @throws {AbiCodecError} for an unknown type code or bytes that do not decode as its layout.
 */
export function decodeAction(type: number, data: BytesLike): Action {
  if (!isActionType(type)) throw new AbiCodecError(`Unknown action type ${type}`, 'action', type);
  const values = decode(ACTION_LAYOUTS[type], data, 'action', type);
  switch (type) {
    case ActionType.NativeTransfer:
      return { type, to: values[0] as string, amountWei: values[1] as bigint };
    case ActionType.Erc20Transfer:
      return { type, token: values[0] as string, to: values[1] as string, amount: values[2] as bigint };
    case ActionType.ContractCall:
      return { type, target: values[0] as string, data: values[1] as string, valueWei: values[2] as bigint };
  }
}

/** EIP-712 domain name of the WorkflowRegistry. */
export const WORKFLOW_REGISTRY_EIP712_NAME = 'Autometa WorkflowRegistry';

/** EIP-712 domain version of the WorkflowRegistry. */
export const WORKFLOW_REGISTRY_EIP712_VERSION = '1';

/**
 * EIP-712 types an owner signs for `createWorkflowFor`. Sign with the owner's current registry nonce
 * (`nonces(owner)`) and a unix-seconds deadline.
 */
export const CREATE_WORKFLOW_TYPES: Record<string, TypedDataField[]> = {
  CreateWorkflow: [
    { name: 'owner', type: 'address' },
    { name: 'triggerType', type: 'uint8' },
    { name: 'triggerData', type: 'bytes' },
    { name: 'actionType', type: 'uint8' },
    { name: 'actionData', type: 'bytes' },
    { name: 'maxExecutions', type: 'uint64' },
    { name: 'nonce', type: 'uint256' },
    { name: 'deadline', type: 'uint256' },
  ],
};

/** EIP-712 types a workflow owner signs for `deactivateWorkflowFor`, with the same nonce and deadline rules. */
export const DEACTIVATE_WORKFLOW_TYPES: Record<string, TypedDataField[]> = {
  DeactivateWorkflow: [
    { name: 'workflowId', type: 'uint256' },
    { name: 'nonce', type: 'uint256' },
    { name: 'deadline', type: 'uint256' },
  ],
};

/**
 * EIP-712 types an owner signs for `setOperatorFor`, to approve (`approved: true`) or revoke an operator without
 * paying gas. Same nonce and deadline rules: the nonce sequence is shared with the two workflow messages.
 */
export const SET_OPERATOR_TYPES: Record<string, TypedDataField[]> = {
  SetOperator: [
    { name: 'owner', type: 'address' },
    { name: 'operator', type: 'address' },
    { name: 'approved', type: 'bool' },
    { name: 'nonce', type: 'uint256' },
    { name: 'deadline', type: 'uint256' },
  ],
};

/**
 * EIP-712 types a workflow owner signs to pause (`paused: true`) or resume an automation through the API,
 * in the registry's domain ({@link workflowRegistryDomain}).
 *
 * NOTE: The registry does not know this message: the API checks it off-chain, against the workflow's
 * registry owner, and accepts each signed message once before its unix-seconds `deadline`. It has no nonce,
 * so sign a new deadline for each pause or resume.
 */
export const SET_PAUSED_TYPES: Record<string, TypedDataField[]> = {
  SetPaused: [
    { name: 'workflowId', type: 'uint256' },
    { name: 'paused', type: 'bool' },
    { name: 'deadline', type: 'uint256' },
  ],
};

/** The EIP-712 domain of the WorkflowRegistry at `registryAddress` on chain `chainId`. */
export function workflowRegistryDomain(chainId: bigint | number, registryAddress: string): TypedDataDomain {
  return {
    name: WORKFLOW_REGISTRY_EIP712_NAME,
    version: WORKFLOW_REGISTRY_EIP712_VERSION,
    chainId,
    verifyingContract: getAddress(registryAddress),
  };
}

function isTriggerType(type: number): type is TriggerType {
  return Object.values<number>(TriggerType).includes(type);
}

function isActionType(type: number): type is ActionType {
  return Object.values<number>(ActionType).includes(type);
}

function decode(layout: readonly string[], data: BytesLike, kind: 'trigger' | 'action', type: number) {
  try {
    return coder.decode(layout, data);
  } catch (error) {
    throw new AbiCodecError(`Malformed ${kind} data for type ${type}`, kind, type, { cause: error });
  }
}

function toUint(value: bigint | number, kind: 'trigger' | 'action', type: number, field: string): bigint {
  if (typeof value === 'number' && !Number.isSafeInteger(value)) {
    throw new AbiCodecError(`${field} must be a safe integer or a bigint, got ${value}`, kind, type);
  }
  const result = BigInt(value);
  if (result < 0n || result >= 2n ** 256n) {
    throw new AbiCodecError(`${field} must fit in uint256, got ${result}`, kind, type);
  }
  return result;
}

function toAddress(value: string, type: ActionType, field: string): string {
  if (!isAddress(value) || getAddress(value) === ZeroAddress) {
    throw new AbiCodecError(`${field} must be a non-zero address, got ${value}`, 'action', type);
  }
  return getAddress(value);
}
