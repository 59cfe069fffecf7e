import { findAsset, SUPPORTED_ASSETS } from '../../src/domain/assets';
import { PriceComparator } from '../../src/domain/codes';
import {
  checkUpstreamPrice,
  decidePriceTrigger,
  formatUsd,
  priceCheckLine,
  priceConditionMet,
  quoteFreshForTrigger,
} from '../../src/domain/price';

describe('checkUpstreamPrice', () => {
  const bound = { maxJumpPct: 50 };

  it('accepts a positive finite number', () => {
    expect(checkUpstreamPrice(3198.16, bound)).toEqual({ ok: true, priceUsd: 3198.16 });
  });

  it.each([
    ['a missing value', undefined, 'missing'],
    ['null', null, 'missing'],
    ['a numeric string', '3198.16', 'not-a-number'],
    ['the string NaN', 'NaN', 'not-a-number'],
    ['NaN', Number.NaN, 'not-a-number'],
    ['Infinity (JSON 1e999)', Number.POSITIVE_INFINITY, 'not-a-number'],
    ['an object', { usd: 1 }, 'not-a-number'],
    ['zero', 0, 'not-positive'],
    ['a negative number', -12.5, 'not-positive'],
  ])('rejects %s', (_case, value, problem) => {
    const verdict = checkUpstreamPrice(value, bound);
    expect(verdict).toMatchObject({ ok: false, problem });
  });

  it('rejects a move beyond the bound against the last good value, both ways', () => {
    expect(checkUpstreamPrice(4900, { lastGoodUsd: 3200, maxJumpPct: 50 })).toMatchObject({
      ok: false,
      problem: 'jump',
      message: 'usd value 4900 moved 53.1% from the last good 3200, beyond the 50% bound',
    });
    expect(checkUpstreamPrice(1500, { lastGoodUsd: 3200, maxJumpPct: 50 })).toMatchObject({
      ok: false,
      problem: 'jump',
    });
  });

  it('accepts a move within the bound, the bound itself included', () => {
    expect(checkUpstreamPrice(4800, { lastGoodUsd: 3200, maxJumpPct: 50 })).toEqual({ ok: true, priceUsd: 4800 });
    expect(checkUpstreamPrice(1600, { lastGoodUsd: 3200, maxJumpPct: 50 })).toEqual({ ok: true, priceUsd: 1600 });
  });
});

describe('priceConditionMet', () => {
  it('treats the target itself as met for both comparators', () => {
    expect(priceConditionMet(3200, PriceComparator.AtOrBelow, 3200)).toBe(true);
    expect(priceConditionMet(3200, PriceComparator.AtOrAbove, 3200)).toBe(true);
  });

  it('compares at or below and at or above', () => {
    expect(priceConditionMet(3198.16, PriceComparator.AtOrBelow, 3200)).toBe(true);
    expect(priceConditionMet(3198.16, PriceComparator.AtOrAbove, 3200)).toBe(false);
    expect(priceConditionMet(3200.01, PriceComparator.AtOrBelow, 3200)).toBe(false);
    expect(priceConditionMet(3200.01, PriceComparator.AtOrAbove, 3200)).toBe(true);
  });
});

describe('priceCheckLine', () => {
  it("reads as the earlier system's line", () => {
    const quote = { token: 'ethereum', priceUsd: 3198.16, source: 'backend-redis' as const, stale: false };
    expect(priceCheckLine(quote, 3200)).toBe(
      'Price check for ethereum: $3198.16 (from backend-redis) vs target $3200.00',
    );
  });

  it('says when the quote is stale', () => {
    const quote = { token: 'bitcoin', priceUsd: 95000, source: 'local-cache' as const, stale: true };
    expect(priceCheckLine(quote, 90000)).toBe(
      'Price check for bitcoin: $95000.00 (from local-cache, stale) vs target $90000.00',
    );
  });

  it('keeps small prices readable', () => {
    expect(formatUsd(0.000123456)).toBe('$0.0001235');
    expect(formatUsd(0)).toBe('$0.00');
  });
});

describe('quoteFreshForTrigger', () => {
  const now = 1_700_000_000_000;

  it('accepts a quote confirmed within the limit', () => {
    expect(quoteFreshForTrigger({ checkedAt: now - 60_000, stale: false }, { now, maxAgeMs: 60_000 })).toEqual({
      fresh: true,
    });
  });

  it('refuses a quote confirmed too long ago, saying how long', () => {
    expect(quoteFreshForTrigger({ checkedAt: now - 60_001, stale: false }, { now, maxAgeMs: 60_000 })).toEqual({
      fresh: false,
      reason: 'the quote was last confirmed 60001 ms ago, beyond the 60000 ms limit',
    });
  });

  it('refuses a stale quote however recent', () => {
    expect(quoteFreshForTrigger({ checkedAt: now, stale: true }, { now, maxAgeMs: 60_000 })).toMatchObject({
      fresh: false,
    });
  });
});

describe('decidePriceTrigger', () => {
  const now = 1_700_000_000_000;
  const condition = { comparator: PriceComparator.AtOrBelow, targetUsd: 3200 };

  it('fires when the condition holds on a fresh quote', () => {
    expect(
      decidePriceTrigger({ priceUsd: 3198.16, checkedAt: now - 1_000, stale: false }, condition, {
        now,
        maxAgeMs: 60_000,
      }),
    ).toEqual({
      fire: true,
      conditionMet: true,
      fresh: true,
      reason: '$3198.16 is at or below $3200.00',
    });
  });

  it('does not fire when the condition does not hold', () => {
    const decision = decidePriceTrigger({ priceUsd: 3300, checkedAt: now, stale: false }, condition, {
      now,
      maxAgeMs: 60_000,
    });
    expect(decision).toMatchObject({
      fire: false,
      conditionMet: false,
      fresh: true,
      reason: '$3300.00 is not at or below $3200.00',
    });
  });

  it('does not fire on a stale quote even when the condition holds', () => {
    const decision = decidePriceTrigger({ priceUsd: 3100, checkedAt: now, stale: true }, condition, {
      now,
      maxAgeMs: 60_000,
    });
    expect(decision.fire).toBe(false);
    expect(decision.conditionMet).toBe(true);
    expect(decision.reason).toBe(
      '$3100.00 is at or below $3200.00, but the quote is stale: no upstream could confirm it',
    );
  });
});

describe('findAsset', () => {
  it('finds an asset by id or symbol in any case', () => {
    expect(findAsset('ethereum')?.symbol).toBe('ETH');
    expect(findAsset('ETH')?.id).toBe('ethereum');
    expect(findAsset(' btc ')?.id).toBe('bitcoin');
    expect(findAsset('Bitcoin')?.id).toBe('bitcoin');
  });

  it('returns undefined for an unknown asset', () => {
    expect(findAsset('dogecoin')).toBeUndefined();
  });

  it('lists at least ethereum and bitcoin', () => {
    expect(SUPPORTED_ASSETS.map((asset) => asset.id)).toEqual(expect.arrayContaining(['ethereum', 'bitcoin']));
  });
});
