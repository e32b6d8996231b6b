import { describe, expect, it } from 'vitest';
import { entitlementAmount } from '../domain/entitlement';
import { lastDigit, ScheduleSchema, waves } from '../domain/schedule';

const rules = { currency: 'BRL', baseAmount: '600.00', amountPerDependant: '150.00', capPerHousehold: '1000.00' };

describe('entitlement', () => {
  it('adds an amount per dependant, up to the household cap', () => {
    expect(entitlementAmount(rules, 0)).toBe('600.00');
    expect(entitlementAmount(rules, 2)).toBe('900.00');
    expect(entitlementAmount(rules, 3)).toBe('1000.00');
    expect(entitlementAmount(rules, 9)).toBe('1000.00');
    expect(entitlementAmount({ ...rules, capPerHousehold: null }, 9)).toBe('1950.00');
  });

  it('rounds half up to the currency minor units, exactly', () => {
    expect(entitlementAmount({ currency: 'BRL', baseAmount: '100.005', amountPerDependant: '0', capPerHousehold: null }, 0)).toBe('100.01');
    expect(entitlementAmount({ currency: 'CLP', baseAmount: '50000', amountPerDependant: '12500.5', capPerHousehold: null }, 1)).toBe(
      '62501',
    );
    expect(entitlementAmount({ currency: 'ARS', baseAmount: '0.10', amountPerDependant: '0.20', capPerHousehold: null }, 1)).toBe('0.30');
  });

  it('refuses a negative or fractional number of dependants', () => {
    expect(() => entitlementAmount(rules, -1)).toThrow();
    expect(() => entitlementAmount(rules, 1.5)).toThrow();
  });
});

describe('payment schedule', () => {
  it('is one wave at launch without a schedule', () => {
    expect(waves(null)).toEqual([{ wave: 1, lastDigits: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9], payOn: null }]);
  });

  it('numbers waves in date order and takes the last digit of the national ID', () => {
    const schedule = ScheduleSchema.parse({
      waves: [
        { lastDigits: [1, 2, 3, 4, 5], payOn: '2026-12-01' },
        { lastDigits: [0, 6, 7, 8, 9], payOn: '2026-12-02' },
      ],
    });
    expect(waves(schedule).map((w) => [w.wave, w.lastDigits.join(''), w.payOn])).toEqual([
      [1, '12345', '2026-12-01'],
      [2, '06789', '2026-12-02'],
    ]);
    expect(lastDigit('529.982.247-25')).toBe(5);
    expect(lastDigit('20-12345678-6')).toBe(6);
  });

  it('refuses digits in two waves, a missing digit, and waves out of date order', () => {
    const bad = (waves: unknown) => ScheduleSchema.safeParse({ waves }).success;
    expect(
      bad([
        { lastDigits: [0, 1, 2, 3, 4, 5], payOn: '2026-12-01' },
        { lastDigits: [5, 6, 7, 8, 9], payOn: '2026-12-02' },
      ]),
    ).toBe(false);
    expect(
      bad([
        { lastDigits: [0, 1, 2, 3, 4], payOn: '2026-12-01' },
        { lastDigits: [5, 6, 7, 8], payOn: '2026-12-02' },
      ]),
    ).toBe(false);
    expect(
      bad([
        { lastDigits: [0, 1, 2, 3, 4], payOn: '2026-12-02' },
        { lastDigits: [5, 6, 7, 8, 9], payOn: '2026-12-01' },
      ]),
    ).toBe(false);
  });
});
