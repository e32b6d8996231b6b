// Control totals and excess amounts: pure arithmetic, exact to the cent, and a check that can fail.
import Decimal from 'decimal.js';
import { describe, expect, it } from 'vitest';
import { controlTotals, type Expected } from '../activities/control-totals';
import type { ClassRow } from '../activities/reconciliation-match';
import { excessAmount } from '../domain/reconciliation-classes';

const row = (cls: string, count: number, amount: string, statement = { lines: 0, amount: '0' }): ClassRow => ({
  provider: 'bank-sim',
  currency: 'BRL',
  class: cls,
  count,
  amount,
  statement_lines: statement.lines,
  statement_amount: statement.amount,
});
const expected = (over: Partial<Expected> = {}): Expected => ({
  provider: 'bank-sim',
  currency: 'BRL',
  count: 6,
  amount: '0.60',
  heldCount: 0,
  heldAmount: '0',
  paidByStatus: '0.30',
  inTransitByStatus: '0.10',
  ledgerPaid: '0.30',
  ledgerInTransit: '0.10',
  ...over,
});
// Ten-cent payments: the sums below are the ones binary floats get wrong (0.1 + 0.2 !== 0.3).
const rows = [
  row('MATCHED', 3, '0.30', { lines: 3, amount: '0.30' }),
  row('FAILED', 1, '0.10'),
  row('PENDING', 1, '0.10'),
  row('CREDITED_TWICE', 1, '0.10', { lines: 2, amount: '0.20' }),
  row('NOT_INSTRUCTED', 1, '0', { lines: 1, amount: '5.00' }),
];

describe('control totals', () => {
  it('balance when the parts add up to the batches, exactly, with statement-only lines kept apart', () => {
    const { totals, breaksByClass, balanced } = controlTotals(rows, [expected()]);
    expect(balanced).toBe(true);
    expect(totals[0]).toMatchObject({
      instructed: { count: 6, amount: '0.60' },
      paid: { count: 3, amount: '0.30' },
      breaks: { count: 1, amount: '0.10' },
      notInstructed: { count: 1, amount: '5.00' },
      statement: { count: 6, amount: '5.50' },
      ledger: { agrees: true },
    });
    expect(breaksByClass).toEqual([
      { provider: 'bank-sim', currency: 'BRL', breakClass: 'CREDITED_TWICE', count: 1, amount: '0.10' },
      { provider: 'bank-sim', currency: 'BRL', breakClass: 'NOT_INSTRUCTED', count: 1, amount: '5.00' },
    ]);
  });

  it('do not balance when a payment is missing, a cent is off, or the ledger disagrees', () => {
    expect(controlTotals(rows, [expected({ count: 7 })]).balanced).toBe(false);
    expect(controlTotals(rows, [expected({ amount: '0.61' })]).balanced).toBe(false);
    expect(controlTotals(rows, [expected({ ledgerPaid: '0.20' })]).totals[0]).toMatchObject({ balanced: false, ledger: { agrees: false } });
    // A rail with payments on the statement but no batch of ours at all.
    expect(controlTotals([...rows, { ...row('MATCHED', 1, '1.00'), provider: 'wallet-sim' }], [expected()]).balanced).toBe(false);
  });

  it('merge the same class from several pages into one row', () => {
    const { breaksByClass } = controlTotals([row('AMOUNT_MISMATCH', 1, '0.10'), row('AMOUNT_MISMATCH', 2, '0.20')], []);
    expect(breaksByClass).toEqual([{ provider: 'bank-sim', currency: 'BRL', breakClass: 'AMOUNT_MISMATCH', count: 3, amount: '0.30' }]);
  });
});

describe('the excess a return or write-off is about', () => {
  const d = (v: string | null) => (v === null ? null : new Decimal(v));
  it.each([
    ['CREDITED_TWICE', '600.00', '1200.00', '600.00'],
    ['AMOUNT_MISMATCH', '600.00', '600.01', '0.01'],
    ['AMOUNT_MISMATCH', '600.00', '599.90', '0.10'],
    ['NOT_INSTRUCTED', null, '123.45', '123.45'],
    ['RAIL_PAID_OURS_NOT', '600.00', null, '600.00'],
  ] as const)('%s: expected %s, statement %s → %s', (breakClass, exp, stmt, excess) => {
    expect(excessAmount({ breakClass, expected: d(exp), statement: d(stmt) }).toFixed(2)).toBe(excess);
  });
});
