// Activities of the ReconciliationWorkflow: classify every instruction of the cycle against the imported
// statement lines (activities/statements.ts) in SQL, set-based, so memory does not grow with the cycle.
// Control totals: instructed = matched + failed + pending + breaks, in count and amount, exact to the cent.
import type { Db } from '../lib/db';
import { formatAmount, money, sum } from '../domain/money';

/** Classes a run can assign. MATCHED, FAILED and PENDING are outcomes; every other class is a break. */
export const OUTCOME_CLASSES = ['MATCHED', 'FAILED', 'PENDING'] as const;
export const BREAK_CLASSES = ['CREDITED_TWICE', 'AMOUNT_MISMATCH', 'PAID_NOT_ON_STATEMENT', 'FAILED_BUT_ON_STATEMENT', 'ON_STATEMENT_NOT_CONFIRMED'] as const;

export interface ReconciliationSummary {
  runId: string;
  currency: string;
  instructed: { count: number; amount: string };
  matched: { count: number; amount: string };
  failed: { count: number; amount: string };
  pending: { count: number; amount: string };
  breaks: { count: number; amount: string };
  statement: { count: number; amount: string };
  breaksByClass: Record<string, number>;
}

export function createReconciliationActivities(deps: { db: Db }) {
  const { db } = deps;

  return {
    /** One run, computed in one transaction: a retried activity replaces its own partial work. */
    async reconcileCycle(cycleId: string, runId: string): Promise<ReconciliationSummary> {
      const cycle = await db.paymentCycle.findUniqueOrThrow({ where: { id: cycleId } });
      return db.$transaction(async (tx) => {
        await tx.reconciliationItem.deleteMany({ where: { runId } });
        await tx.reconciliationRun.upsert({ where: { id: runId }, create: { id: runId, cycleId, currency: cycle.currency }, update: { status: 'RUNNING' } });
        await tx.$executeRaw`
          CREATE TEMP TABLE recon_classified ON COMMIT DROP AS
          WITH ours AS (
            -- What this cycle sent: instructions in its batches (a re-issue's belong to the re-issue cycle).
            SELECT pi.payment_key, pi.amount, pi.currency, pi.status, pb.provider
              FROM payment_instruction pi JOIN payment_batch pb ON pb.id = pi.batch_id
             WHERE pb.cycle_id = ${cycleId}::uuid AND pi.status <> 'CANCELLED'), -- never sent: nothing to match
          theirs AS (
            SELECT se.end_to_end_id, count(*)::int AS n, sum(se.amount) AS amount, min(se.currency) AS currency
              FROM statement_entry se JOIN ours o ON o.payment_key = se.end_to_end_id AND o.provider = se.provider
             GROUP BY se.end_to_end_id)
          SELECT pi.payment_key, pi.amount, pi.currency, t.amount AS statement_amount, coalesce(t.n, 0) AS n,
                 CASE
                   WHEN t.n > 1 THEN 'CREDITED_TWICE'
                   WHEN t.n = 1 AND (t.amount <> pi.amount OR t.currency <> pi.currency) THEN 'AMOUNT_MISMATCH'
                   WHEN pi.status = 'PAID' AND t.n IS NULL THEN 'PAID_NOT_ON_STATEMENT'
                   WHEN pi.status = 'PAID' THEN 'MATCHED'
                   WHEN pi.status = 'FAILED' AND t.n IS NULL THEN 'FAILED'
                   WHEN pi.status = 'FAILED' THEN 'FAILED_BUT_ON_STATEMENT'
                   WHEN t.n IS NULL THEN 'PENDING'
                   ELSE 'ON_STATEMENT_NOT_CONFIRMED'
                 END AS class
            FROM ours pi
            LEFT JOIN theirs t ON t.end_to_end_id = pi.payment_key`;
        await tx.$executeRaw`
          INSERT INTO reconciliation_item (id, run_id, payment_key, break_class, expected_amount, statement_amount, currency)
          SELECT gen_random_uuid(), ${runId}::uuid, payment_key, class, amount, statement_amount, currency
            FROM recon_classified WHERE class NOT IN ('MATCHED', 'FAILED', 'PENDING')`;
        const rows = await tx.$queryRaw<Array<{ class: string; count: number; amount: string; statement_count: number; statement_amount: string }>>`
          SELECT class, count(*)::int AS count, coalesce(sum(amount), 0)::text AS amount,
                 coalesce(sum(n), 0)::int AS statement_count, coalesce(sum(statement_amount), 0)::text AS statement_amount
            FROM recon_classified GROUP BY class`;
        const summary = summarize(runId, cycle.currency, rows);
        await tx.reconciliationRun.update({
          where: { id: runId },
          data: {
            status: 'COMPLETED', finishedAt: new Date(),
            instructedCount: summary.instructed.count, instructedAmount: summary.instructed.amount,
            matchedCount: summary.matched.count, matchedAmount: summary.matched.amount,
            failedCount: summary.failed.count, failedAmount: summary.failed.amount,
            pendingCount: summary.pending.count, pendingAmount: summary.pending.amount,
            breakCount: summary.breaks.count, breakAmount: summary.breaks.amount,
            statementCount: summary.statement.count, statementAmount: summary.statement.amount,
          },
        });
        return summary;
      }, { timeout: 10 * 60_000 });
    },
  };
}

function summarize(
  runId: string,
  currency: string,
  rows: Array<{ class: string; count: number; amount: string; statement_count: number; statement_amount: string }>,
): ReconciliationSummary {
  const pick = (classes: readonly string[]) => {
    const picked = rows.filter((r) => classes.includes(r.class));
    return { count: picked.reduce((n, r) => n + r.count, 0), amount: sumDecimals(currency, picked.map((r) => r.amount)) };
  };
  return {
    runId,
    currency,
    instructed: pick(rows.map((r) => r.class)),
    matched: pick(['MATCHED']),
    failed: pick(['FAILED']),
    pending: pick(['PENDING']),
    breaks: pick(BREAK_CLASSES),
    statement: { count: rows.reduce((n, r) => n + r.statement_count, 0), amount: sumDecimals(currency, rows.map((r) => r.statement_amount)) },
    breaksByClass: Object.fromEntries(rows.filter((r) => (BREAK_CLASSES as readonly string[]).includes(r.class)).map((r) => [r.class, r.count])),
  };
}

/** Exact: PostgreSQL numeric text in, decimal.js sum out. */
function sumDecimals(currency: string, values: string[]): string {
  return formatAmount(sum(currency, values.map((v) => money(v, currency))));
}
