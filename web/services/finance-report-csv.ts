// The finance report as CSV files (RFC 4180: a header row, CRLF line ends, a field quoted when it holds a
// comma, a quote, CR or LF, quotes inside doubled), UTF-8. The columns are stable: new ones are only ever
// added at the end. Amounts are exact decimal strings with the currency's minor units ("600.10"), never
// rounded through a float. No personal data: a payment is identified by its payment key only.
//
// Summary (report.csv), one row per rail × currency × category, then one per rail × currency × break class:
//   cycle_id, run_id       the cycle and the reconciliation run the numbers come from
//   provider, currency     the rail (bank-sim, wallet-sim, ...) and ISO 4217 currency
//   category               instructed | paid | failed | pending | in_break | not_instructed | statement | break
//   break_class            for category "break": the class (domain/reconciliation-classes.ts); empty otherwise
//   count, amount          payments (statement lines for "statement") and their sum
//   rail_balanced          true when instructed = paid + failed + pending + in_break for this rail and currency
// Breaks (breaks.csv), one row per break in the finance work queue, ordered by payment key then class:
//   cycle_id, payment_key, break_class, provider, currency, expected_amount (empty: never instructed),
//   statement_amount (net of the statement's lines; empty: none), statement_lines, our_status, rail_status,
//   break_status (OPEN | RESOLVED | CLEARED), resolution (CONFIRM | REISSUE | REQUEST_RETURN | WRITE_OFF),
//   resolution_reason, resolved_by (username), resolved_at (ISO 8601 UTC), first_run_id
// A text field that a spreadsheet would run as a formula (starting with = + - @, tab or CR) is prefixed
// with an apostrophe: reasons are typed by people and end-to-end IDs of unknown lines come from the rail.
import { Readable } from 'node:stream';
import type { Db } from '../../lib/db';
import { findCycle } from './cycles';
import {
  breakRecords,
  TOTAL_CATEGORIES,
  type BreakFilter,
  type BreakRecord,
  type FinanceReport,
  type TotalCategory,
} from './finance-report';

export const SUMMARY_COLUMNS = [
  'cycle_id',
  'run_id',
  'provider',
  'currency',
  'category',
  'break_class',
  'count',
  'amount',
  'rail_balanced',
] as const;
export const BREAK_COLUMNS = [
  'cycle_id',
  'payment_key',
  'break_class',
  'provider',
  'currency',
  'expected_amount',
  'statement_amount',
  'statement_lines',
  'our_status',
  'rail_status',
  'break_status',
  'resolution',
  'resolution_reason',
  'resolved_by',
  'resolved_at',
  'first_run_id',
] as const;
export const CSV_CATEGORIES: Record<TotalCategory, string> = {
  instructed: 'instructed',
  paid: 'paid',
  failed: 'failed',
  pending: 'pending',
  breaks: 'in_break',
  heldBack: 'held_back',
  notInstructed: 'not_instructed',
  statement: 'statement',
};

/** A value we produce (numbers, decimal strings, codes): quoted only when RFC 4180 says so. */
const field = (v: string | number | boolean | null): string => {
  const s = v === null ? '' : String(v);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
};
/** Text from people or from the rail: also kept from being read as a formula. */
const text = (v: string | null): string => field(v !== null && /^[=+\-@\t\r]/.test(v) ? `'${v}` : v);
const row = (fields: string[]) => `${fields.join(',')}\r\n`;

export function summaryCsv(report: FinanceReport): string {
  const { cycle, run } = report;
  const lines = [row([...SUMMARY_COLUMNS])];
  const base = (provider: string, currency: string) => [field(cycle.id), field(run?.id ?? null), text(provider), field(currency)];
  for (const t of report.totals) {
    for (const c of TOTAL_CATEGORIES)
      lines.push(row([...base(t.provider, t.currency), CSV_CATEGORIES[c], '', field(t[c].count), field(t[c].amount), field(t.balanced)]));
  }
  for (const b of report.breaksByClass) {
    const balanced = report.totals.find((t) => t.provider === b.provider && t.currency === b.currency)?.balanced ?? null;
    lines.push(row([...base(b.provider, b.currency), 'break', field(b.breakClass), field(b.count), field(b.amount), field(balanced)]));
  }
  return lines.join('');
}

export function breakCsvRow(cycleId: string, b: BreakRecord): string {
  return row([
    field(cycleId),
    text(b.paymentKey),
    field(b.breakClass),
    text(b.provider),
    field(b.currency),
    field(b.expectedAmount),
    field(b.statementAmount),
    field(b.statementLines),
    text(b.ourStatus),
    text(b.railStatus),
    field(b.status),
    field(b.resolution),
    text(b.resolutionReason),
    text(b.resolvedBy),
    field(b.resolvedAt),
    field(b.firstRunId),
  ]);
}

/**
 * The breaks file as a stream, read a page (by key) at a time: memory stays flat for 100,000 breaks.
 * Pages are read one after another without one snapshot, so a break resolved during a long download
 * may show either status; each break appears once.
 */
export async function breaksCsv(db: Db, cycleId: string, filter: BreakFilter = {}): Promise<Readable> {
  const cycle = await findCycle({ db }, cycleId); // 404 before any byte is sent
  async function* lines() {
    yield row([...BREAK_COLUMNS]);
    for await (const page of breakRecords(db, cycle.id, filter)) yield page.map((b) => breakCsvRow(cycle.id, b)).join('');
  }
  return Readable.from(lines(), { objectMode: false });
}

/** Sends a CSV file as a download; `header=present` tells readers the first row names the columns (RFC 4180). */
export const csvName = (report: Pick<FinanceReport, 'cycle'>, what: 'report' | 'breaks') =>
  `${report.cycle.programCode}-cycle-${report.cycle.number}-${what}.csv`;
