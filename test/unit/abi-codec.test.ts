import { AbiCoder, getAddress, hexlify, toBeHex, zeroPadValue } from 'ethers';

import {
  AbiCodecError,
  MAX_CALL_DATA_BYTES,
  MAX_INTERVAL_SECONDS,
  decodeAction,
  decodeTrigger,
  encodeAction,
  encodeContractCall,
  encodeErc20Transfer,
  encodeIntervalTrigger,
  encodeNativeTransfer,
  encodePriceTrigger,
  encodeTimeTrigger,
  encodeTrigger,
  workflowRegistryDomain,
} from '../../src/chain/abi-codec';
import type { Action, Trigger } from '../../src/chain/abi-codec';
import { ActionType, PriceComparator, TriggerType } from '../../src/domain/codes';

const coder = AbiCoder.defaultAbiCoder();
const ALICE = getAddress('0x70997970c51812dc3a010c7d01b50e0d17dc79c8');
const TOKEN = getAddress('0x5fbdb2315678afecb367f032d93f642f64180aa3');

describe('abi-codec', () => {
  describe('triggers', () => {
    const triggers: [string, Trigger][] = [
      ['time', { type: TriggerType.Time, executeAt: 1_900_000_000n }],
      ['interval', { type: TriggerType.Interval, intervalSeconds: 3600n }],
      [
        'price',
        {
          type: TriggerType.Price,
          token: 'ethereum',
          comparator: PriceComparator.AtOrAbove,
          priceUsdE8: 350_000_000_000n,
        },
      ],
    ];

    it.each(triggers)('round-trips a %s trigger', (_name, trigger) => {
      expect(decodeTrigger(trigger.type, encodeTrigger(trigger))).toEqual(trigger);
    });

    it('encodes the layouts the registry expects', () => {
      expect(encodeTimeTrigger(1_900_000_000)).toBe(toBeHex(1_900_000_000, 32));
      expect(encodeIntervalTrigger(60n)).toBe(toBeHex(60, 32));
      expect(encodePriceTrigger('bitcoin', PriceComparator.AtOrBelow, 1n)).toBe(
        coder.encode(['string', 'uint8', 'uint256'], ['bitcoin', 0, 1n]),
      );
    });

    it.each([
      ['an executeAt of 0', () => encodeTimeTrigger(0)],
      ['a negative executeAt', () => encodeTimeTrigger(-1)],
      ['an unsafe number', () => encodeTimeTrigger(2 ** 60)],
      ['an interval of 0', () => encodeIntervalTrigger(0n)],
      ['an interval beyond uint64', () => encodeIntervalTrigger(MAX_INTERVAL_SECONDS + 1n)],
      ['an empty token', () => encodePriceTrigger('', PriceComparator.AtOrBelow, 1n)],
      ['a 33-byte token', () => encodePriceTrigger('é'.repeat(16) + 'x', PriceComparator.AtOrBelow, 1n)],
      ['a comparator of 2', () => encodePriceTrigger('ethereum', 2 as PriceComparator, 1n)],
      ['a price of 0', () => encodePriceTrigger('ethereum', PriceComparator.AtOrAbove, 0n)],
    ])('refuses to encode %s', (_description, encode) => {
      expect(encode).toThrow(AbiCodecError);
    });

    it('accepts the longest interval the registry takes', () => {
      expect(decodeTrigger(TriggerType.Interval, encodeIntervalTrigger(MAX_INTERVAL_SECONDS))).toEqual({
        type: TriggerType.Interval,
        intervalSeconds: MAX_INTERVAL_SECONDS,
      });
    });

    it('rejects an unknown trigger type with its code', () => {
      expect(() => decodeTrigger(3, toBeHex(1, 32))).toThrow(
        expect.objectContaining({
          name: 'AbiCodecError',
          kind: 'trigger',
          typeCode: 3,
          message: 'Unknown trigger type 3',
        }),
      );
    });

    it('rejects malformed trigger data, keeping the decoder error as the cause', () => {
      let thrown: unknown;
      try {
        decodeTrigger(TriggerType.Price, '0x1234');
      } catch (error) {
        thrown = error;
      }
      expect(thrown).toBeInstanceOf(AbiCodecError);
      expect((thrown as AbiCodecError).message).toBe('Malformed trigger data for type 2');
      expect((thrown as AbiCodecError).cause).toBeInstanceOf(Error);
    });

    it('rejects a decoded price comparator other than 0 or 1', () => {
      const data = coder.encode(['string', 'uint8', 'uint256'], ['ethereum', 7, 1n]);
      expect(() => decodeTrigger(TriggerType.Price, data)).toThrow('Price trigger comparator must be 0 or 1, got 7');
    });
  });

  describe('actions', () => {
    const actions: [string, Action][] = [
      ['native transfer', { type: ActionType.NativeTransfer, to: ALICE, amountWei: 10n ** 18n }],
      ['ERC-20 transfer', { type: ActionType.Erc20Transfer, token: TOKEN, to: ALICE, amount: 5n }],
      ['contract call', { type: ActionType.ContractCall, target: TOKEN, data: '0xa9059cbb', valueWei: 0n }],
      ['contract call with value only', { type: ActionType.ContractCall, target: TOKEN, data: '0x', valueWei: 1n }],
    ];

    it.each(actions)('round-trips a %s', (_name, action) => {
      expect(decodeAction(action.type, encodeAction(action))).toEqual(action);
    });

    it('encodes the layouts the registry expects', () => {
      expect(encodeNativeTransfer(ALICE, 1n)).toBe(coder.encode(['address', 'uint256'], [ALICE, 1n]));
      expect(encodeErc20Transfer(TOKEN, ALICE, 2n)).toBe(
        coder.encode(['address', 'address', 'uint256'], [TOKEN, ALICE, 2n]),
      );
      expect(encodeContractCall(TOKEN, '0xabcd', 3n)).toBe(
        coder.encode(['address', 'bytes', 'uint256'], [TOKEN, '0xabcd', 3n]),
      );
    });

    it('accepts lower-case addresses and returns checksummed ones', () => {
      const decoded = decodeAction(ActionType.NativeTransfer, encodeNativeTransfer(ALICE.toLowerCase(), 1n));
      expect(decoded).toEqual({ type: ActionType.NativeTransfer, to: ALICE, amountWei: 1n });
    });

    it('accepts calldata of exactly the maximum size', () => {
      const data = hexlify(new Uint8Array(MAX_CALL_DATA_BYTES));
      expect(decodeAction(ActionType.ContractCall, encodeContractCall(TOKEN, data))).toEqual({
        type: ActionType.ContractCall,
        target: TOKEN,
        data,
        valueWei: 0n,
      });
    });

    it.each([
      ['a transfer to the zero address', () => encodeNativeTransfer(zeroPadValue('0x', 20), 1n)],
      ['a transfer to a malformed address', () => encodeNativeTransfer('0x1234', 1n)],
      ['a transfer of 0 wei', () => encodeNativeTransfer(ALICE, 0n)],
      ['an ERC-20 transfer of 0 units', () => encodeErc20Transfer(TOKEN, ALICE, 0)],
      ['an ERC-20 transfer of the zero token', () => encodeErc20Transfer(zeroPadValue('0x', 20), ALICE, 1n)],
      ['calldata above the maximum size', () => encodeContractCall(TOKEN, new Uint8Array(MAX_CALL_DATA_BYTES + 1))],
      ['calldata that is not hex', () => encodeContractCall(TOKEN, 'transfer')],
      ['a negative value', () => encodeContractCall(TOKEN, '0x', -1n)],
    ])('refuses to encode %s', (_description, encode) => {
      expect(encode).toThrow(AbiCodecError);
    });

    it('rejects an unknown action type with its code', () => {
      expect(() => decodeAction(9, '0x')).toThrow(
        expect.objectContaining({ name: 'AbiCodecError', kind: 'action', typeCode: 9 }),
      );
    });

    it('rejects malformed action data', () => {
      expect(() => decodeAction(ActionType.Erc20Transfer, toBeHex(1, 32))).toThrow('Malformed action data for type 1');
    });
  });

  describe('workflowRegistryDomain', () => {
    it('names the registry domain and checksums the contract address', () => {
      expect(workflowRegistryDomain(31337, TOKEN.toLowerCase())).toEqual({
        name: 'Autometa WorkflowRegistry',
        version: '1',
        chainId: 31337,
        verifyingContract: TOKEN,
      });
    });
  });
});
