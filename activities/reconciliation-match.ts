// The three-way match in SQL, one page of a cycle's batches at a time: our instructions, the rail's own
// report (rail_report) and the statement lines (statement_entry), joined by the payment's end-to-end key.
// Each page classifies into a temporary table, writes its breaks to the run's list and the finance work
// queue, and returns only aggregates, so memory does not grow with the cycle. The classes and their
// precedence are domain/reconciliation-classes.ts's rules, from which the CASE below is generated.
import type { Prisma } from '../lib/db';
import { classificationSql } from '../domain/reconciliation-classes';

type Tx = Prisma.TransactionClient;

/** Aggregates of one page (or of the not-instructed lines) per rail, currency and class; amounts are numeric text. */
export interface ClassRow {
  provider: string;
  currency: string;
  class: string;
  count: number;
  amount: string;
  statement_lines: number;
  statement_amount: string;
}

const OUTCOMES = "('MATCHED', 'FAILED', 'PENDING')";

/** Classifies the instructions of the given batches into recon_page (dropped at commit). */
async function classifyBatches(tx: Tx, batchIds: string[], deadline: Date): Promise<void> {
  // The page's instructions first, in a table of their own with statistics: planned as a 20,000-row
  // input, the joins below look each key up by index instead of sorting a million statement lines per page.
  await tx.$executeRaw`
    CREATE TEMP TABLE recon_ours ON COMMIT DROP AS
    -- A batch's instructions (a re-issue's payments belong to the re-issue cycle's batches); CANCELLED and HELD never left.
    SELECT pi.payment_key, pi.amount, pi.currency, pi.status::text AS our_status, pb.provider, pb.submitted_at
      FROM payment_instruction pi JOIN payment_batch pb ON pb.id = pi.batch_id
     WHERE pi.batch_id = ANY(${batchIds}::uuid[]) AND pi.status NOT IN ('CANCELLED', 'HELD')`;
  await tx.$executeRaw`ANALYZE recon_ours`;
  // The class is the domain's rules as SQL (domain/reconciliation-classes.ts): static text, never input.
  await tx.$executeRawUnsafe(
    `CREATE TEMP TABLE recon_page ON COMMIT DROP AS
    WITH lines AS (
      SELECT se.end_to_end_id,
             count(*) FILTER (WHERE se.kind = 'PAYMENT')::int AS payments,
             count(*) FILTER (WHERE se.kind = 'REVERSAL')::int AS reversals,
             coalesce(sum(se.amount) FILTER (WHERE se.kind = 'PAYMENT'), 0) - coalesce(sum(se.amount) FILTER (WHERE se.kind = 'REVERSAL'), 0) AS net,
             bool_or(se.currency <> o.currency) AS other_currency
        FROM recon_ours o JOIN statement_entry se ON se.end_to_end_id = o.payment_key AND se.provider = o.provider
       -- Evidence only: a hand upload counts once a second finance user confirmed it.
       WHERE se.evidence_since IS NOT NULL
       GROUP BY se.end_to_end_id)
    SELECT o.payment_key, o.amount, o.currency, o.provider, o.our_status, rr.status AS rail_status,
           coalesce(l.payments, 0) + coalesce(l.reversals, 0) AS statement_lines, l.net AS statement_amount,
           ${classificationSql('$1::timestamptz')} AS class
      FROM recon_ours o
      LEFT JOIN rail_report rr ON rr.payment_key = o.payment_key
      LEFT JOIN lines l ON l.end_to_end_id = o.payment_key`,
    deadline,
  );
}

/**
 * Debits of the program's funding account in the cycle's window whose end-to-end ID we never instructed
 * (nor any reversal of them), into recon_page. The window runs from the day the cycle's first batch left to
 * the day the program's next cycle's first batch left, so each such line belongs to exactly one cycle.
 */
async function classifyNotInstructed(tx: Tx, account: string, from: Date, to: Date | null): Promise<void> {
  await tx.$executeRaw`
    CREATE TEMP TABLE recon_page ON COMMIT DROP AS
    SELECT se.end_to_end_id AS payment_key, NULL::numeric AS amount, min(se.currency) AS currency, se.provider,
           NULL::text AS our_status, NULL::text AS rail_status, count(*)::int AS statement_lines,
           coalesce(sum(se.amount) FILTER (WHERE se.kind = 'PAYMENT'), 0) - coalesce(sum(se.amount) FILTER (WHERE se.kind = 'REVERSAL'), 0) AS statement_amount,
           'NOT_INSTRUCTED' AS class
      FROM statement_entry se
     WHERE se.account = ${account} AND se.booked_at >= ${from} AND (${to}::timestamptz IS NULL OR se.booked_at < ${to}::timestamptz)
       AND se.evidence_since IS NOT NULL
       AND NOT EXISTS (SELECT 1 FROM payment_instruction pi WHERE pi.payment_key = se.end_to_end_id)
     GROUP BY se.provider, se.end_to_end_id`;
}

/** Writes recon_page's breaks to the run and the work queue, and returns its aggregates. */
async function record(tx: Tx, cycleId: string, runId: string): Promise<ClassRow[]> {
  await tx.$executeRawUnsafe(
    `INSERT INTO reconciliation_item (id, run_id, payment_key, break_class, expected_amount, statement_amount, currency)
     SELECT gen_random_uuid(), $1::uuid, payment_key, class, amount, statement_amount, currency FROM recon_page WHERE class NOT IN ${OUTCOMES}`,
    runId,
  );
  // The work queue keeps one row per (cycle, key, class) across runs: a re-run that finds the same break
  // changes nothing; one found again after it had cleared opens again; a resolved one stays resolved.
  await tx.$executeRawUnsafe(
    `INSERT INTO reconciliation_break AS b (id, cycle_id, payment_key, break_class, provider, currency, expected_amount, statement_amount,
                                            statement_lines, our_status, rail_status, first_run_id)
     SELECT gen_random_uuid(), $1::uuid, payment_key, class, provider, currency, amount, statement_amount, statement_lines, our_status, rail_status, $2::uuid
       FROM recon_page WHERE class NOT IN ${OUTCOMES}
     ON CONFLICT (cycle_id, payment_key, break_class) DO UPDATE
        SET expected_amount = excluded.expected_amount, statement_amount = excluded.statement_amount, statement_lines = excluded.statement_lines,
            our_status = excluded.our_status, rail_status = excluded.rail_status,
            status = CASE WHEN b.status = 'CLEARED' THEN 'OPEN'::"BreakStatus" ELSE b.status END
      WHERE (b.expected_amount, b.statement_amount, b.statement_lines, b.our_status, b.rail_status)
              IS DISTINCT FROM (excluded.expected_amount, excluded.statement_amount, excluded.statement_lines, excluded.our_status, excluded.rail_status)
         OR b.status = 'CLEARED'`,
    cycleId,
    runId,
  );
  return tx.$queryRaw<ClassRow[]>`
    SELECT provider, currency, class, count(*)::int AS count, coalesce(sum(amount), 0)::text AS amount,
           coalesce(sum(statement_lines), 0)::int AS statement_lines, coalesce(sum(statement_amount), 0)::text AS statement_amount
      FROM recon_page GROUP BY provider, currency, class`;
}

export async function matchBatches(tx: Tx, cycleId: string, runId: string, batchIds: string[], deadline: Date): Promise<ClassRow[]> {
  await classifyBatches(tx, batchIds, deadline);
  return record(tx, cycleId, runId);
}

export async function matchNotInstructed(
  tx: Tx,
  cycleId: string,
  runId: string,
  window: { account: string; from: Date; to: Date | null },
): Promise<ClassRow[]> {
  await classifyNotInstructed(tx, window.account, window.from, window.to);
  return record(tx, cycleId, runId);
}

/** Breaks still OPEN that this run did not find again: something (a late statement line) settled them. */
export async function clearSettledBreaks(tx: Tx, cycleId: string, runId: string): Promise<number> {
  return tx.$executeRaw`
    UPDATE reconciliation_break b SET status = 'CLEARED'
     WHERE b.cycle_id = ${cycleId}::uuid AND b.status = 'OPEN'
       AND NOT EXISTS (SELECT 1 FROM reconciliation_item i WHERE i.run_id = ${runId}::uuid AND i.payment_key = b.payment_key AND i.break_class = b.break_class)`;
}
