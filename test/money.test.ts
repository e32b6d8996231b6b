import Decimal from 'decimal.js';
import { describe, expect, it } from 'vitest';
import { add, formatAmount, minorUnits, money, sum, UnsupportedCurrencyError } from '../domain/money';

describe('money', () => {
  it('adds exactly where floats would not', () => {
    expect(formatAmount(add(money('0.10', 'BRL'), money('0.20', 'BRL')))).toBe('0.30');
    const many = sum(
      'BRL',
      Array.from({ length: 1000 }, () => money('0.01', 'BRL')),
    );
    expect(formatAmount(many)).toBe('10.00');
  });

  it('rounds half up to the currency minor units', () => {
    expect(formatAmount(money('10.005', 'BRL'))).toBe('10.01');
    expect(formatAmount(money('10.004', 'BRL'))).toBe('10.00');
    expect(formatAmount(money('1500.5', 'CLP'))).toBe('1501');
    expect(minorUnits('PYG')).toBe(0);
  });

  it('refuses to mix currencies', () => {
    expect(() => add(money('1', 'BRL'), money('1', 'ARS'))).toThrow(/BRL and ARS/);
  });

  it('refuses unknown currencies', () => {
    expect(() => money('1', 'XXX')).toThrow(UnsupportedCurrencyError);
  });

  it('keeps large amounts exact', () => {
    const total = money(new Decimal('600.00').times(21_000_000), 'BRL');
    expect(formatAmount(total)).toBe('12600000000.00');
  });
});
