// Finance's sign-off closes a cycle's reconciliation, with four eyes: one finance user proposes it, a
// second approves it (web/services/four-eyes.ts). Only a finished cycle with a balanced, current run and no
// break left open can be signed (checkReady). It stores the report as signed (totals, breaks by class,
// every break with its resolution) and the SHA-256 of its canonical JSON, in the same transaction as the
// audit row; the database refuses any later update or delete of the row, so the signed report is the one
// shown after.
import { createHash } from 'node:crypto';
import { audit } from '../../lib/audit';
import type { Prisma } from '../../lib/db';
import type { MoneyDecision } from '../../generated/prisma/client';
import type { ServiceContext } from './context';
import { findCycle } from './cycles';
import type { DecisionEffect } from './decisions';
import { propose } from './four-eyes';
import { requestReconciliation } from './reconciliation-requests';
import { refuse, Refusal } from './refusal';
import { breakRecords, liveReport, type BreakRecord, type SignedReport } from './finance-report';

/**
 * JSON with object keys sorted at every level and no spaces: the same bytes for the same report, whatever
 * order its keys were built or stored in (jsonb does not keep key order), so anyone can check the hash
 * against the stored report.
 */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map((v) => canonicalJson(v === undefined ? null : v)).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

type Tx = Prisma.TransactionClient;

export const reportSha256 = (report: unknown) => createHash('sha256').update(canonicalJson(report), 'utf8').digest('hex');

export interface SignOffResult {
  cycleId: string;
  runId: string;
  /** Who proposed the sign-off, and who approved it (four eyes). */
  signedBy: string;
  approvedBy: string;
  signedAt: string;
  reportSha256: string;
}

/**
 * Why this cycle cannot be signed off now; nothing when it can. Only a finished cycle (completed or
 * cancelled, every batch closed) whose latest completed run is balanced, with no break open, no run under
 * way and nothing arrived since that run (a statement line, a rail report): a sign-off closes the books.
 * Read under the lock on the cycle row that reconciliation runs also take when they start, so the two are
 * serialised.
 */
async function checkReady(tx: Tx, cycle: { id: string; status: string; programId: string }) {
  if (await tx.cycleSignOff.findUnique({ where: { cycleId: cycle.id }, select: { cycleId: true } })) throw refuse('already_signed');
  if (cycle.status !== 'COMPLETED' && cycle.status !== 'CANCELLED')
    throw refuse('cycle_not_finished', { id: `the cycle is ${cycle.status.toLowerCase()}` });
  const open = await tx.paymentBatch.count({ where: { cycleId: cycle.id, status: { in: ['CREATED', 'SUBMITTED'] } } });
  if (open > 0) throw refuse('cycle_not_finished', { id: `${open} of its batches are still being sent or followed` });
  if (await tx.reconciliationRun.count({ where: { cycleId: cycle.id, status: 'RUNNING' } })) throw refuse('reconciliation_running');
  const run = await tx.reconciliationRun.findFirst({ where: { cycleId: cycle.id, status: 'COMPLETED' }, orderBy: { finishedAt: 'desc' } });
  if (!run?.finishedAt) throw refuse('no_reconciliation');
  const [news] = await tx.$queryRaw<Array<{ lines: number; reports: number }>>`
    SELECT (SELECT count(*) FROM statement_entry se JOIN program p ON p.funding_account = se.account
             WHERE p.id = ${cycle.programId}::uuid AND se.evidence_since > ${run.finishedAt})::int AS lines,
           (SELECT count(*) FROM rail_report rr WHERE rr.cycle_id = ${cycle.id}::uuid AND rr.reported_at > ${run.finishedAt})::int AS reports`;
  if (news && news.lines + news.reports > 0) throw new StaleReconciliation(cycle.id);
}

/** Something arrived after the last run: refused, and a new run is asked for (by the caller, after rollback). */
class StaleReconciliation extends Refusal {
  constructor(readonly cycleId: string) {
    super('reconciliation_stale');
  }
}

type Ctx = Pick<ServiceContext, 'db' | 'temporal' | 'config'>;

/** Refusals of a stale cycle start its new run on the way out, so the person can sign off once it ends. */
async function startingRunWhenStale<T>(ctx: Ctx, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (err) {
    if (err instanceof StaleReconciliation) await requestReconciliation(ctx, err.cycleId, 'sign-off');
    throw err;
  }
}

const lockCycle = async (tx: Tx, id: string) => {
  await tx.$queryRaw`SELECT id FROM payment_cycle WHERE id = ${id}::uuid FOR UPDATE`;
  return tx.paymentCycle.findUniqueOrThrow({ where: { id }, include: { program: true } });
};

/** One finance user proposes the sign-off of a cycle ready for it; a second approves it (four eyes). */
export async function proposeSignOff(ctx: Ctx, input: { cycleId: string; actor: string }): Promise<MoneyDecision> {
  const { id } = await findCycle(ctx, input.cycleId);
  return startingRunWhenStale(ctx, () =>
    ctx.db.$transaction(async (tx) => {
      const cycle = await lockCycle(tx, id);
      await checkReady(tx, cycle);
      const report = await liveReport(tx, cycle);
      if (report.breakStatus.OPEN > 0) throw refuse('breaks_open', { openBreaks: String(report.breakStatus.OPEN) });
      if (!report.run?.balanced) throw refuse('not_balanced');
      return propose(tx, {
        kind: 'SIGN_OFF',
        subjectId: cycle.id,
        cycleId: cycle.id,
        details: { runId: report.run.id },
        actor: input.actor,
      });
    }),
  );
}

/**
 * What an approved sign-off does: checked again under the cycle's lock, then the report is frozen as it
 * is now (totals, breaks by class, every break with its resolution) with its SHA-256, and the database
 * refuses any later change. Signed by the proposer, approved by the second person.
 */
export const signOffEffect: DecisionEffect = {
  deciders: ['FINANCE'],
  async apply(tx, decision, approver) {
    const cycle = await lockCycle(tx, decision.subjectId);
    // A stale cycle refuses the approval too (rolled back); whenRefused asks for its new run.
    await checkReady(tx, cycle);
    const report = await liveReport(tx, cycle);
    if (!report.run) throw refuse('no_reconciliation');
    if (report.breakStatus.OPEN > 0) throw refuse('breaks_open', { openBreaks: String(report.breakStatus.OPEN) });
    if (!report.run.balanced) throw refuse('not_balanced');
    const [signer, second] = await Promise.all([
      tx.user.findUniqueOrThrow({ where: { id: decision.proposedBy }, select: { username: true } }),
      tx.user.findUniqueOrThrow({ where: { id: approver }, select: { username: true } }),
    ]);
    const breaks: BreakRecord[] = [];
    for await (const page of breakRecords(tx, cycle.id, {}, 5000)) breaks.push(...page);
    const signedAt = new Date();
    const signed: SignedReport = {
      ...report,
      signOff: { username: signer.username, approvedBy: second.username, signedAt: signedAt.toISOString() },
      breaks,
    };
    const sha256 = reportSha256(signed);
    await tx.cycleSignOff.create({
      data: {
        cycleId: cycle.id,
        runId: report.run.id,
        signedBy: decision.proposedBy,
        approvedBy: approver,
        signedAt,
        report: signed as unknown as Prisma.InputJsonObject,
        reportSha256: sha256,
      },
    });
    await audit(tx, {
      actor: approver,
      action: 'cycle.signed_off',
      entityType: 'payment_cycle',
      entityId: cycle.id,
      details: {
        runId: report.run.id,
        reportSha256: sha256,
        breaks: breaks.length,
        proposedBy: decision.proposedBy,
        decisionId: decision.id,
      },
    });
    const result: SignOffResult = {
      cycleId: cycle.id,
      runId: report.run.id,
      signedBy: signer.username,
      approvedBy: second.username,
      signedAt: signedAt.toISOString(),
      reportSha256: sha256,
    };
    // Wakes the cycle's reconciliation watch, which sees the sign-off and ends.
    return { result, after: (ctx) => requestReconciliation(ctx, cycle.id, 'sign-off') };
  },
  // Something arrived since the run: the approval is refused (rolled back), and the new run asked for.
  whenRefused: (ctx, refusal) =>
    refusal instanceof StaleReconciliation ? requestReconciliation(ctx, refusal.cycleId, 'sign-off') : Promise.resolve(),
};
