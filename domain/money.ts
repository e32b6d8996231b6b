// Money is a decimal amount with its ISO 4217 currency. Never a JS number.
import Decimal from 'decimal.js';

/** Minor units per currency of the region; amounts are rounded to these, half up, as banks display them. */
export const CURRENCY_MINOR_UNITS: Readonly<Record<string, number>> = {
  ARS: 2,
  BOB: 2,
  BRL: 2,
  CLP: 0,
  COP: 2,
  CRC: 2,
  DOP: 2,
  GTQ: 2,
  HNL: 2,
  JMD: 2,
  MXN: 2,
  NIO: 2,
  PEN: 2,
  PYG: 0,
  USD: 2,
  UYU: 2,
};

export interface Money {
  readonly amount: Decimal;
  readonly currency: string;
}

export class UnsupportedCurrencyError extends Error {
  constructor(currency: string) {
    super(`unsupported currency: ${currency}`);
    this.name = 'UnsupportedCurrencyError';
  }
}

export function minorUnits(currency: string): number {
  const units = CURRENCY_MINOR_UNITS[currency];
  if (units === undefined) throw new UnsupportedCurrencyError(currency);
  return units;
}

export function money(amount: Decimal.Value, currency: string): Money {
  return { amount: new Decimal(amount).toDecimalPlaces(minorUnits(currency), Decimal.ROUND_HALF_UP), currency };
}

export function add(a: Money, b: Money): Money {
  if (a.currency !== b.currency) throw new Error(`cannot add ${a.currency} and ${b.currency}`);
  return { amount: a.amount.plus(b.amount), currency: a.currency };
}

export function sum(currency: string, items: Iterable<Money>): Money {
  let total = money(0, currency);
  for (const item of items) total = add(total, item);
  return total;
}

/** Exact decimal string with the currency's minor units, e.g. "1250.00" (what APIs and files carry). */
export function formatAmount(m: Money): string {
  return m.amount.toFixed(minorUnits(m.currency));
}
