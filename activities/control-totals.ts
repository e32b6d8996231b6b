// Control totals of a reconciliation run, per rail and currency, exact to the cent (decimal.js):
//   instructed (from the batches' own control totals) = paid + failed + pending + in-break + held back (per item),
// and the cycle's ledger agrees with the instructions' statuses (paid, in transit). Two independent
// counts of the same money: an item lost, counted twice or moved without its ledger entry shows here.
import Decimal from 'decimal.js';
import { formatAmount, money } from '../domain/money';
import { isBreakClass } from '../domain/reconciliation-classes';
import type { ClassRow } from './reconciliation-match';

export interface Total {
  count: number;
  amount: string;
}

export interface RailTotals {
  provider: string;
  currency: string;
  instructed: Total;
  paid: Total;
  failed: Total;
  pending: Total;
  breaks: Total;
  /** Held back before their batch left (the rail did not confirm the account, or the identity is disputed): never sent, still owed. */
  heldBack: Total;
  /** Statement lines we never instructed (outside the equation: they were never ours to count). */
  notInstructed: Total;
  /** Statement lines for this rail's keys and their net amount (payments minus reversals). */
  statement: Total;
  /** The cycle's ledger: paid and in transit for this rail, against the instructions' statuses. */
  ledger: { paid: string; inTransit: string; agrees: boolean };
  balanced: boolean;
}

export interface BreakTotal {
  provider: string;
  currency: string;
  breakClass: string;
  count: number;
  amount: string;
}

/** Independent inputs: the batches' control totals and the ledger per rail and currency. */
export interface Expected {
  provider: string;
  currency: string;
  count: number;
  amount: string;
  /** Instructions held back before their batch left: in the batches' totals, never sent. */
  heldCount: number;
  heldAmount: string;
  /** Instructions PAID and SUBMITTED/NEEDS_ATTENTION by amount, and the ledger's balances for the same. */
  paidByStatus: string;
  inTransitByStatus: string;
  ledgerPaid: string;
  ledgerInTransit: string;
}

export function controlTotals(
  rows: ClassRow[],
  expected: Expected[],
): { totals: RailTotals[]; breaksByClass: BreakTotal[]; balanced: boolean } {
  const keyOf = (r: { provider: string; currency: string }) => `${r.provider}|${r.currency}`;
  const keys = [...new Set([...rows.map(keyOf), ...expected.map(keyOf)])].sort();
  const totals = keys.map((key): RailTotals => {
    const [provider, currency] = key.split('|') as [string, string];
    // Exact text with the currency's minor units (2 for BRL, 0 for CLP).
    const fmt = (d: Decimal) => formatAmount(money(d, currency));
    const mine = rows.filter((r) => keyOf(r) === key);
    const pick = (match: (c: string) => boolean): Total => {
      const picked = mine.filter((r) => match(r.class));
      return {
        count: picked.reduce((n, r) => n + r.count, 0),
        amount: fmt(picked.reduce((s, r) => s.plus(r.class === 'NOT_INSTRUCTED' ? r.statement_amount : r.amount), new Decimal(0))),
      };
    };
    const exp = expected.find((e) => keyOf(e) === key);
    const instructed = { count: exp?.count ?? 0, amount: fmt(new Decimal(exp?.amount ?? 0)) };
    const paid = pick((c) => c === 'MATCHED');
    const failed = pick((c) => c === 'FAILED');
    const pending = pick((c) => c === 'PENDING');
    const breaks = pick((c) => isBreakClass(c) && c !== 'NOT_INSTRUCTED');
    const heldBack = { count: exp?.heldCount ?? 0, amount: fmt(new Decimal(exp?.heldAmount ?? 0)) };
    const parts = [paid, failed, pending, breaks, heldBack];
    const sumCount = parts.reduce((n, t) => n + t.count, 0);
    const sumAmount = parts.reduce((s, t) => s.plus(t.amount), new Decimal(0));
    const ledgerPaid = new Decimal(exp?.ledgerPaid ?? 0);
    const ledgerInTransit = new Decimal(exp?.ledgerInTransit ?? 0);
    const agrees = ledgerPaid.equals(exp?.paidByStatus ?? 0) && ledgerInTransit.equals(exp?.inTransitByStatus ?? 0);
    return {
      provider,
      currency,
      instructed,
      paid,
      failed,
      pending,
      breaks,
      heldBack,
      notInstructed: pick((c) => c === 'NOT_INSTRUCTED'),
      statement: {
        count: mine.reduce((n, r) => n + r.statement_lines, 0),
        amount: fmt(mine.reduce((s, r) => s.plus(r.statement_amount), new Decimal(0))),
      },
      ledger: { paid: fmt(ledgerPaid), inTransit: fmt(ledgerInTransit), agrees },
      balanced: sumCount === instructed.count && sumAmount.equals(instructed.amount) && agrees,
    };
  });
  const breaksByClass = rows
    .filter((r) => isBreakClass(r.class))
    .map((r) => ({
      provider: r.provider,
      currency: r.currency,
      breakClass: r.class,
      count: r.count,
      amount: r.class === 'NOT_INSTRUCTED' ? r.statement_amount : r.amount,
    }));
  return { totals, breaksByClass: mergeBreaks(breaksByClass), balanced: totals.every((t) => t.balanced) };
}

/** Pages report the same class more than once: one row per rail, currency and class. */
function mergeBreaks(rows: BreakTotal[]): BreakTotal[] {
  const merged = new Map<string, BreakTotal>();
  for (const r of rows) {
    const key = `${r.provider}|${r.currency}|${r.breakClass}`;
    const m = merged.get(key);
    merged.set(key, m ? { ...m, count: m.count + r.count, amount: new Decimal(m.amount).plus(r.amount).toString() } : r);
  }
  return [...merged.values()]
    .map((r) => ({ ...r, amount: formatAmount(money(r.amount, r.currency)) }))
    .sort((a, b) => `${a.provider}${a.breakClass}`.localeCompare(`${b.provider}${b.breakClass}`));
}
