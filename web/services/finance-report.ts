// A cycle's finance report: the latest completed reconciliation run's control totals per rail and
// currency, its breaks by class, the work queue's breaks by status, and the sign-off. Once signed, the
// frozen report stored with the sign-off is returned as it was signed, never recomputed. The drill-down
// reads the work queue as it is (after a sign-off nothing can resolve a break: resolveBreak refuses).
//
// Personal data: nobody sees a beneficiary's name or account in clear here, whatever the role. Finance
// works a break by its payment key (which the rail's statement and status report carry too), its amounts
// and statuses; initials and the account's last four digits are enough to answer a beneficiary's call
// without copying their details into a spreadsheet. `revealPersonalData` exists for a future screen
// where that is needed and audited (e.g. correcting an account for a re-issue); no route passes true.
import { z } from 'zod';
import type { BreakResolution, BreakStatus } from '../../generated/prisma/client';
import { BREAK_CLASSES } from '../../domain/reconciliation-classes';
import { formatAmount, money } from '../../domain/money';
import type { PersonalData } from '../../lib/personal-data';
import { Prisma, type Db } from '../../lib/db';
import { addFieldError } from '../../schema/fields';
import type { RailTotals as RunRailTotals, Total } from '../../activities/control-totals';
import { findCycle } from './cycles';

type Client = Db | Prisma.TransactionClient;

// The run's JSON as the reconciliation activity writes it; amounts must be decimal strings (a number there
// would have been through a float), and are given back with the currency's minor units.
const Amount = z.string().regex(/^-?\d+(\.\d+)?$/);
const Totals = z.object({ count: z.number().int(), amount: Amount });
const RailTotalsJson = z.object({
  provider: z.string(),
  currency: z.string(),
  instructed: Totals,
  paid: Totals,
  failed: Totals,
  pending: Totals,
  breaks: Totals,
  // Runs from before payments could be held back have none.
  heldBack: Totals.default({ count: 0, amount: '0' }),
  notInstructed: Totals,
  statement: Totals,
  balanced: z.boolean(),
});
const BreakClassJson = z.object({
  provider: z.string(),
  currency: z.string(),
  breakClass: z.string(),
  count: z.number().int(),
  amount: Amount,
});

export const TOTAL_CATEGORIES = ['instructed', 'paid', 'failed', 'pending', 'breaks', 'heldBack', 'notInstructed', 'statement'] as const;
export type TotalCategory = (typeof TOTAL_CATEGORIES)[number];
/** The run's totals as reconciliation computed them (activities/control-totals.ts); the ledger check is inside `balanced`. */
export type Count = Total;
export type RailTotals = Omit<RunRailTotals, 'ledger'>;
export interface BreakClassTotals extends Count {
  provider: string;
  currency: string;
  breakClass: string;
}
export const BREAK_STATUSES = ['OPEN', 'RESOLVED', 'CLEARED'] as const satisfies readonly BreakStatus[];

export interface FinanceReport {
  cycle: { id: string; programCode: string; number: number; currency: string; status: string };
  run: { id: string; finishedAt: string; trigger: string; balanced: boolean } | null;
  totals: RailTotals[];
  breaksByClass: BreakClassTotals[];
  breakStatus: Record<BreakStatus, number>;
  /** Who proposed the sign-off and who approved it (null: signed before sign-offs took two people). */
  signOff: { username: string; approvedBy: string | null; signedAt: string; sha256: string } | null;
}

/** Breaks as the sign-off freezes them (and the CSV lists them): no personal data, the payment key identifies. */
export interface BreakRecord {
  id: string;
  paymentKey: string;
  breakClass: string;
  provider: string;
  currency: string;
  expectedAmount: string | null;
  statementAmount: string | null;
  statementLines: number;
  ourStatus: string | null;
  railStatus: string | null;
  status: BreakStatus;
  resolution: BreakResolution | null;
  resolutionReason: string | null;
  resolvedBy: string | null;
  resolvedAt: string | null;
  firstRunId: string;
}
/** A break as the drill-down shows it: the record, and who it concerns, masked. */
export interface BreakItem extends BreakRecord {
  beneficiary: string | null;
  account: string | null;
}

/** What the sign-off stores (and hashes): the report as signed, with the signer, and every break. */
export type SignedReport = Omit<FinanceReport, 'signOff'> & {
  signOff: { username: string; approvedBy?: string; signedAt: string };
  breaks: BreakRecord[];
};

const amount = (v: { toString(): string }, currency: string) => formatAmount(money(v.toString(), currency));
const count = (t: { count: number; amount: string }, currency: string): Count => ({ count: t.count, amount: amount(t.amount, currency) });
const classOrder = (c: string) => {
  const i = (BREAK_CLASSES as readonly string[]).indexOf(c);
  return i < 0 ? BREAK_CLASSES.length : i;
};
const byRail = (a: { provider: string; currency: string }, b: { provider: string; currency: string }) =>
  a.provider.localeCompare(b.provider) || a.currency.localeCompare(b.currency);

export async function financeReport(db: Client, cycleId: string): Promise<FinanceReport> {
  const cycle = await findCycle({ db: db as Db }, cycleId);
  const signed = await db.cycleSignOff.findUnique({ where: { cycleId: cycle.id } });
  if (signed) {
    // As signed: its hash covers exactly this, so it is never recomputed. The break list stays in the row.
    const { breaks: _breaks, ...report } = signed.report as unknown as SignedReport;
    return { ...report, signOff: { ...report.signOff, approvedBy: report.signOff.approvedBy ?? null, sha256: signed.reportSha256 } };
  }
  return { ...(await liveReport(db, cycle)), signOff: null };
}

/** The report computed now from the latest completed run and the work queue (what a sign-off freezes). */
export async function liveReport(db: Client, cycle: Awaited<ReturnType<typeof findCycle>>): Promise<Omit<FinanceReport, 'signOff'>> {
  const [run, statuses] = await Promise.all([
    db.reconciliationRun.findFirst({
      where: { cycleId: cycle.id, status: 'COMPLETED', finishedAt: { not: null } },
      orderBy: { finishedAt: 'desc' },
    }),
    db.reconciliationBreak.groupBy({ by: ['status'], where: { cycleId: cycle.id }, _count: true }),
  ]);
  const totals = run ? z.array(RailTotalsJson).parse(run.totals) : [];
  const classes = run ? z.array(BreakClassJson).parse(run.breaksByClass) : [];
  return {
    cycle: { id: cycle.id, programCode: cycle.program.code, number: cycle.number, currency: cycle.currency, status: cycle.status },
    run: run && { id: run.id, finishedAt: run.finishedAt!.toISOString(), trigger: run.trigger, balanced: run.balanced },
    totals: totals
      .map((t) => ({
        provider: t.provider,
        currency: t.currency,
        balanced: t.balanced,
        ...(Object.fromEntries(TOTAL_CATEGORIES.map((c) => [c, count(t[c], t.currency)])) as Record<TotalCategory, Count>),
      }))
      .sort(byRail),
    breaksByClass: classes
      .map((b) => ({
        provider: b.provider,
        currency: b.currency,
        breakClass: b.breakClass,
        count: b.count,
        amount: amount(b.amount, b.currency),
      }))
      .sort((a, b) => byRail(a, b) || classOrder(a.breakClass) - classOrder(b.breakClass) || a.breakClass.localeCompare(b.breakClass)),
    breakStatus: Object.fromEntries(BREAK_STATUSES.map((s) => [s, statuses.find((r) => r.status === s)?._count ?? 0])) as Record<
      BreakStatus,
      number
    >,
  };
}

/** Query parameters of the drill-down (API and pages alike): a bad value is a 400 naming its field. */
export const BreakQuery = z
  .object({
    class: z.enum(BREAK_CLASSES).optional(),
    status: z.enum(BREAK_STATUSES).optional(),
    page: z
      .string()
      .regex(/^[1-9]\d{0,5}$/, 'a page number from 1')
      .optional(),
  })
  .strict();
export type BreakQuery = z.infer<typeof BreakQuery>;
/** The CSV has every page: the same filters, no page. */
export const BreakCsvQuery = BreakQuery.omit({ page: true });
export interface ListQuery {
  class?: (typeof BREAK_CLASSES)[number];
  status?: BreakStatus;
  page: number;
}

/** Parses the list's query (page 1 when absent); an unknown parameter is named as its own field, not as "_". */
export function parseBreakQuery(
  input: unknown,
  schema: typeof BreakQuery | typeof BreakCsvQuery = BreakQuery,
): { ok: true; value: ListQuery } | { ok: false; fields: Record<string, string> } {
  const q = (input ?? {}) as Record<string, unknown>;
  const unknown = Object.keys(q).filter((k) => !(k in schema.shape));
  const parsed = schema.safeParse(Object.fromEntries(Object.entries(q).filter(([k]) => k in schema.shape)));
  const fields: Record<string, string> = Object.fromEntries(unknown.map((k) => [k, 'not a filter of this list']));
  if (parsed.success && !unknown.length)
    return {
      ok: true,
      value: { class: parsed.data.class, status: parsed.data.status, page: Number(('page' in parsed.data && parsed.data.page) || 1) },
    };
  for (const issue of parsed.error?.issues ?? []) addFieldError(fields, issue.path.join('.') || '_', issue.message);
  return { ok: false, fields };
}
export interface BreakFilter {
  breakClass?: string;
  status?: BreakStatus;
}

interface Row {
  id: string;
  payment_key: string;
  break_class: string;
  provider: string;
  currency: string;
  expected_amount: string | null;
  statement_amount: string | null;
  statement_lines: number;
  our_status: string | null;
  rail_status: string | null;
  status: BreakStatus;
  resolution: BreakResolution | null;
  resolution_reason: string | null;
  resolved_by: string | null;
  resolved_at: Date | null;
  first_run_id: string;
  full_name?: string | null;
  rail?: 'BANK' | 'WALLET' | null;
  account_number?: string | null;
  msisdn?: string | null;
}

const where = (cycleId: string, f: BreakFilter) => Prisma.sql`rb.cycle_id = ${cycleId}::uuid
  ${f.breakClass ? Prisma.sql`AND rb.break_class = ${f.breakClass}` : Prisma.empty}
  ${f.status ? Prisma.sql`AND rb.status = ${f.status}::"BreakStatus"` : Prisma.empty}`;

/** One page of breaks in a stable order (payment key, class: unique per cycle), after a key or at an offset. */
async function breakRows(
  db: Client,
  cycleId: string,
  f: BreakFilter,
  o: { limit: number; offset?: number; after?: [string, string]; people?: boolean },
): Promise<Row[]> {
  // The personal-data joins only when a page shows them (masked); the CSV and the sign-off never read them.
  const people = o.people ? Prisma.sql`, a.full_name, pa.rail::text AS rail, pa.account_number, pa.msisdn` : Prisma.empty;
  const joins = o.people
    ? Prisma.sql`LEFT JOIN payment_instruction pi ON pi.payment_key = rb.payment_key LEFT JOIN beneficiary b ON b.id = pi.beneficiary_id
                 LEFT JOIN application a ON a.id = b.application_id LEFT JOIN payment_account pa ON pa.id = pi.payment_account_id`
    : Prisma.empty;
  return db.$queryRaw<Row[]>`
    SELECT rb.id::text, rb.payment_key, rb.break_class, rb.provider, rb.currency, rb.expected_amount::text, rb.statement_amount::text,
           rb.statement_lines, rb.our_status, rb.rail_status, rb.status::text AS status, rb.resolution::text AS resolution,
           rb.resolution_reason, u.username AS resolved_by, rb.resolved_at, rb.first_run_id::text ${people}
      FROM reconciliation_break rb LEFT JOIN "user" u ON u.id = rb.resolved_by ${joins}
     WHERE ${where(cycleId, f)} ${o.after ? Prisma.sql`AND (rb.payment_key, rb.break_class) > (${o.after[0]}, ${o.after[1]})` : Prisma.empty}
     ORDER BY rb.payment_key, rb.break_class LIMIT ${o.limit} OFFSET ${o.offset ?? 0}`;
}

const record = (r: Row): BreakRecord => ({
  id: r.id,
  paymentKey: r.payment_key,
  breakClass: r.break_class,
  provider: r.provider,
  currency: r.currency,
  expectedAmount: r.expected_amount === null ? null : amount(r.expected_amount, r.currency),
  statementAmount: r.statement_amount === null ? null : amount(r.statement_amount, r.currency),
  statementLines: r.statement_lines,
  ourStatus: r.our_status,
  railStatus: r.rail_status,
  status: r.status,
  resolution: r.resolution,
  resolutionReason: r.resolution_reason,
  resolvedBy: r.resolved_by,
  resolvedAt: r.resolved_at?.toISOString() ?? null,
  firstRunId: r.first_run_id,
});

/** "Maria da Silva" → "M*** d*** S***": initials only. */
export const maskName = (name: string) =>
  name
    .trim()
    .split(/\s+/)
    .filter(Boolean)
    .map((w) => `${[...w][0]}***`)
    .join(' ');
/** "0012345678" → "****5678": four stars whatever the length, so not even the length is shown. */
export const maskAccount = (account: string) => `****${account.length > 4 ? account.slice(-4) : ''}`;

export interface BreakPageOptions extends BreakFilter {
  page: number;
  pageSize: number;
  revealPersonalData: boolean;
}

export async function breakItems(
  db: Client,
  pd: PersonalData,
  cycleId: string,
  o: BreakPageOptions,
): Promise<{ total: number; page: number; pageSize: number; items: BreakItem[] }> {
  const cycle = await findCycle({ db: db as Db }, cycleId);
  const [rows, [total]] = await Promise.all([
    breakRows(db, cycle.id, o, { limit: o.pageSize, offset: (o.page - 1) * o.pageSize, people: true }),
    db.$queryRaw<Array<{ n: number }>>`SELECT count(*)::int AS n FROM reconciliation_break rb WHERE ${where(cycle.id, o)}`,
  ]);
  const show = (v: string | null | undefined, hide: (s: string) => string) => (v ? (o.revealPersonalData ? v : hide(v)) : null);
  // Opened only to be masked (unless revealed): the page shows initials and last digits.
  const name = (r: Row) => pd.openNullable('application.full_name', r.full_name ?? null);
  const account = (r: Row) => {
    if (!r.rail) return null;
    const a = pd.openAccount({ rail: r.rail, bankCode: null, accountNumber: r.account_number ?? null, msisdn: r.msisdn ?? null });
    return a.rail === 'BANK' ? a.accountNumber : a.msisdn;
  };
  return {
    total: total?.n ?? 0,
    page: o.page,
    pageSize: o.pageSize,
    items: rows.map((r) => ({ ...record(r), beneficiary: show(name(r), maskName), account: show(account(r), maskAccount) })),
  };
}

/** Every break of the cycle, page by page by key (never an OFFSET scan, never all rows in memory at once). */
export async function* breakRecords(db: Client, cycleId: string, f: BreakFilter = {}, pageSize = 1000): AsyncGenerator<BreakRecord[]> {
  let after: [string, string] | undefined;
  for (;;) {
    const rows = await breakRows(db, cycleId, f, { limit: pageSize, after });
    if (rows.length) yield rows.map(record);
    if (rows.length < pageSize) return;
    const last = rows[rows.length - 1]!;
    after = [last.payment_key, last.break_class];
  }
}
