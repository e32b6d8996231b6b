// Activities of the ReconciliationWorkflow: match every payment of a cycle three ways (our instructions and
// ledger, the rail's own report, the statements), page by page of batches (activities/reconciliation-match.ts),
// keep the breaks in the finance work queue, and check the control totals (activities/control-totals.ts).
// A run is idempotent: run again on the same data it finds the same classes, breaks and totals.
import { heartbeat } from '@temporalio/activity';
import type { Db, Prisma } from '../lib/db';
import { formatAmount, money } from '../domain/money';
import { controlTotals, type BreakTotal, type Expected, type RailTotals, type Total } from './control-totals';
import { clearSettledBreaks, matchBatches, matchNotInstructed, type ClassRow } from './reconciliation-match';

/**
 * Batches matched per transaction: at 1,000 payments a batch, 100,000 rows in a temporary table (in the
 * database; Node sees aggregates only). Each page hashes the statement lines once, so fewer, larger pages:
 * a million payments matched in 26 s here, against 52 s with pages of 20 batches.
 */
const BATCHES_PER_PAGE = 100;

export interface ReconcileInput {
  cycleId: string;
  runId: string;
  trigger: string;
  /** Sent payments still unconfirmed this long after their batch left are a break (PENDING_PAST_DEADLINE). */
  settlementDeadlineMs: number;
}

export interface ReconciliationSummary {
  runId: string;
  currency: string;
  instructed: Total;
  matched: Total;
  failed: Total;
  pending: Total;
  breaks: Total;
  statement: Total;
  breaksByClass: Record<string, number>;
  totals: RailTotals[];
  balanced: boolean;
  /** Breaks waiting for finance after this run. */
  openBreaks: number;
}

export function createReconciliationActivities(deps: { db: Db }) {
  const { db } = deps;

  /** The cycle's window for statement lines we never instructed: its first sending day to the next cycle's. */
  async function notInstructedWindow(cycleId: string, programId: string, account: string) {
    const starts = await db.$queryRaw<Array<{ cycle_id: string; first: Date }>>`
      SELECT pb.cycle_id, date_trunc('day', min(pb.submitted_at) AT TIME ZONE 'UTC') AT TIME ZONE 'UTC' AS first
        FROM payment_batch pb JOIN payment_cycle c ON c.id = pb.cycle_id
       WHERE c.program_id = ${programId}::uuid AND pb.submitted_at IS NOT NULL GROUP BY pb.cycle_id ORDER BY first, pb.cycle_id`;
    const i = starts.findIndex((s) => s.cycle_id === cycleId);
    if (i < 0) return null;
    const next = starts.slice(i + 1).find((s) => s.first > starts[i]!.first);
    return { account, from: starts[i]!.first, to: next?.first ?? null };
  }

  /** Independent of the matching: the batches' control totals and the cycle's ledger, per rail and currency. */
  async function expectedTotals(cycleId: string): Promise<Expected[]> {
    return db.$queryRaw<Expected[]>`
      WITH batches AS (
        SELECT provider, currency, sum(item_count)::int AS count, sum(total_amount)::text AS amount
          FROM payment_batch WHERE cycle_id = ${cycleId}::uuid AND status <> 'CANCELLED' GROUP BY provider, currency),
      statuses AS (
        SELECT pb.provider, pi.currency,
               count(*) FILTER (WHERE pi.status = 'HELD')::int AS held_count,
               coalesce(sum(pi.amount) FILTER (WHERE pi.status = 'HELD'), 0)::text AS held_amount,
               coalesce(sum(pi.amount) FILTER (WHERE pi.status = 'PAID'), 0)::text AS paid,
               coalesce(sum(pi.amount) FILTER (WHERE pi.status IN ('SUBMITTED', 'NEEDS_ATTENTION')), 0)::text AS in_transit
          FROM payment_instruction pi JOIN payment_batch pb ON pb.id = pi.batch_id
         WHERE pb.cycle_id = ${cycleId}::uuid GROUP BY pb.provider, pi.currency),
      ledger AS (
        -- Every posting of a payment's state names its batch, so the ledger splits by rail like the batches.
        SELECT pb.provider, l.currency,
               coalesce(sum(l.amount) FILTER (WHERE a.code = 'paid'), 0)::text AS paid,
               coalesce(sum(l.amount) FILTER (WHERE a.code = 'in_transit:' || pb.provider), 0)::text AS in_transit
          FROM journal_entry e JOIN payment_batch pb ON pb.id = e.batch_id
          JOIN journal_line l ON l.entry_id = e.id JOIN ledger_account a ON a.id = l.account_id
         WHERE e.cycle_id = ${cycleId}::uuid GROUP BY pb.provider, l.currency)
      SELECT b.provider, b.currency, b.count, b.amount, coalesce(s.held_count, 0) AS "heldCount", coalesce(s.held_amount, '0') AS "heldAmount",
             coalesce(s.paid, '0') AS "paidByStatus", coalesce(s.in_transit, '0') AS "inTransitByStatus",
             coalesce(g.paid, '0') AS "ledgerPaid", coalesce(g.in_transit, '0') AS "ledgerInTransit"
        FROM batches b LEFT JOIN statuses s ON s.provider = b.provider AND s.currency = b.currency
        LEFT JOIN ledger g ON g.provider = b.provider AND g.currency = b.currency`;
  }

  return {
    /** One run, page by page; a retried attempt starts the run's list again (the work queue's upserts are idempotent). */
    async reconcileCycle(input: ReconcileInput): Promise<ReconciliationSummary> {
      const { cycleId, runId } = input;
      const cycle = await db.paymentCycle.findUniqueOrThrow({ where: { id: cycleId }, include: { program: true } });
      await db.reconciliationItem.deleteMany({ where: { runId } });
      // Under the cycle's lock, which a sign-off takes too: a run starts before a sign-off (which then sees it
      // running and waits) or after it, never in the middle of one.
      await db.$transaction(async (tx) => {
        await tx.$queryRaw`SELECT id FROM payment_cycle WHERE id = ${cycleId}::uuid FOR UPDATE`;
        await tx.reconciliationRun.upsert({
          where: { id: runId },
          create: { id: runId, cycleId, currency: cycle.currency, trigger: input.trigger },
          update: { status: 'RUNNING' },
        });
      });
      const deadline = new Date(Date.now() - input.settlementDeadlineMs);
      const batches = await db.paymentBatch.findMany({
        where: { cycleId, status: { not: 'CANCELLED' } },
        select: { id: true },
        orderBy: { seq: 'asc' },
      });
      const rows: ClassRow[] = [];
      for (let i = 0; i < batches.length; i += BATCHES_PER_PAGE) {
        const ids = batches.slice(i, i + BATCHES_PER_PAGE).map((b) => b.id);
        rows.push(...(await db.$transaction((tx) => matchBatches(tx, cycleId, runId, ids, deadline), { timeout: 5 * 60_000 })));
        heartbeat({ matchedBatches: i + ids.length, of: batches.length });
      }
      const window = await notInstructedWindow(cycleId, cycle.programId, cycle.program.fundingAccount);
      if (window) rows.push(...(await db.$transaction((tx) => matchNotInstructed(tx, cycleId, runId, window), { timeout: 5 * 60_000 })));
      await db.$transaction((tx) => clearSettledBreaks(tx, cycleId, runId));

      const { totals, breaksByClass, balanced } = controlTotals(rows, await expectedTotals(cycleId));
      const summary = summarize(runId, cycle.currency, totals, breaksByClass, balanced);
      summary.openBreaks = await db.reconciliationBreak.count({ where: { cycleId, status: 'OPEN' } });
      await db.reconciliationRun.update({
        where: { id: runId },
        data: {
          status: 'COMPLETED',
          finishedAt: new Date(),
          balanced,
          totals: asJson(totals),
          breaksByClass: asJson(breaksByClass),
          instructedCount: summary.instructed.count,
          instructedAmount: summary.instructed.amount,
          matchedCount: summary.matched.count,
          matchedAmount: summary.matched.amount,
          failedCount: summary.failed.count,
          failedAmount: summary.failed.amount,
          pendingCount: summary.pending.count,
          pendingAmount: summary.pending.amount,
          breakCount: summary.breaks.count,
          breakAmount: summary.breaks.amount,
          statementCount: summary.statement.count,
          statementAmount: summary.statement.amount,
        },
      });
      return summary;
    },

    /** Whether finance has signed the cycle off (the workflow then stops watching for statements). */
    async isCycleClosed(cycleId: string): Promise<boolean> {
      return (await db.cycleSignOff.count({ where: { cycleId } })) > 0;
    },
  };
}

/** Plain data (strings, numbers, booleans) stored as the run's JSON columns. */
const asJson = (value: RailTotals[] | BreakTotal[]) => value as unknown as Prisma.InputJsonArray;

/** The cycle-wide figures (a cycle has one currency) from the per-rail totals. */
function summarize(
  runId: string,
  currency: string,
  totals: RailTotals[],
  breaksByClass: BreakTotal[],
  balanced: boolean,
): ReconciliationSummary {
  const add = (pick: (t: RailTotals) => Total, extra?: (t: RailTotals) => Total): Total => ({
    count: totals.reduce((n, t) => n + pick(t).count + (extra ? extra(t).count : 0), 0),
    amount: formatAmount(
      money(
        totals.reduce((s, t) => s.plus(pick(t).amount).plus(extra ? extra(t).amount : 0), money(0, currency).amount),
        currency,
      ),
    ),
  });
  const byClass: Record<string, number> = {};
  for (const b of breaksByClass) byClass[b.breakClass] = (byClass[b.breakClass] ?? 0) + b.count;
  return {
    runId,
    currency,
    instructed: add((t) => t.instructed),
    matched: add((t) => t.paid),
    failed: add((t) => t.failed),
    pending: add((t) => t.pending),
    breaks: add(
      (t) => t.breaks,
      (t) => t.notInstructed,
    ),
    statement: add((t) => t.statement),
    breaksByClass: byClass,
    totals,
    balanced,
    openBreaks: 0,
  };
}
