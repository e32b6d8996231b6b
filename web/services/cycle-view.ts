// What an administrator watching a cycle sees: control totals, progress overall and per batch,
// failures by the rail's reason, the latest reconciliation, whether it is signed off and, for a re-issue,
// every account it changes (masked) with the state of their approval. Read from the database (the truth),
// so it works the same while the workflow runs, after it ends, and after a restart.
import { personalData } from '../../lib/personal-data';
import { formatAmount, money } from '../../domain/money';
import { accountChangesOf } from './account-changes';
import type { ServiceContext } from './context';
import { findCycle } from './cycles';

type Ctx = Pick<ServiceContext, 'db' | 'config'>;

export async function cycleView(ctx: Ctx, id: string) {
  const cycle = await findCycle(ctx, id);
  const amount = (v: { toString(): string } | null | undefined) => formatAmount(money((v ?? 0).toString(), cycle.currency));
  const [byStatus, batches, failures, reconciliation, signOff, accountChanges] = await Promise.all([
    ctx.db.$queryRaw<Array<{ status: string; count: number; amount: string }>>`
      SELECT pi.status::text AS status, count(*)::int AS count, sum(pi.amount)::text AS amount
        FROM payment_instruction pi JOIN payment_batch pb ON pb.id = pi.batch_id WHERE pb.cycle_id = ${cycle.id}::uuid GROUP BY 1`,
    ctx.db.$queryRaw<
      Array<{
        seq: number;
        wave: number;
        pay_on: Date | null;
        rail: string;
        provider: string;
        status: string;
        items: number;
        paid: number;
        failed: number;
        attention: number;
      }>
    >`
      SELECT pb.seq, pb.wave, pb.pay_on, pb.rail::text AS rail, pb.provider, pb.status::text AS status, pb.item_count AS items,
             count(*) FILTER (WHERE pi.status = 'PAID')::int AS paid, count(*) FILTER (WHERE pi.status = 'FAILED')::int AS failed,
             count(*) FILTER (WHERE pi.status = 'NEEDS_ATTENTION')::int AS attention
        FROM payment_batch pb LEFT JOIN payment_instruction pi ON pi.batch_id = pb.id
       WHERE pb.cycle_id = ${cycle.id}::uuid GROUP BY pb.id ORDER BY pb.seq`,
    ctx.db.$queryRaw<Array<{ provider: string; reason: string; count: number }>>`
      SELECT pb.provider, coalesce(pi.failure_reason, 'UNKNOWN') AS reason, count(*)::int AS count
        FROM payment_instruction pi JOIN payment_batch pb ON pb.id = pi.batch_id
       WHERE pb.cycle_id = ${cycle.id}::uuid AND pi.status IN ('FAILED', 'HELD') GROUP BY 1, 2 ORDER BY 3 DESC`,
    ctx.db.reconciliationRun.findFirst({ where: { cycleId: cycle.id, status: 'COMPLETED' }, orderBy: { finishedAt: 'desc' } }),
    ctx.db.cycleSignOff.findUnique({ where: { cycleId: cycle.id }, select: { signedAt: true } }),
    cycle.kind === 'REISSUE' ? accountChangesOf(ctx.db, await personalData(ctx), cycle.id) : null,
  ]);
  return {
    id: cycle.id,
    number: cycle.number,
    kind: cycle.kind,
    parentCycleId: cycle.parentCycleId,
    status: cycle.status,
    currency: cycle.currency,
    programCode: cycle.program.code,
    preparedBy: cycle.preparedBy,
    approvedBy: cycle.approvedBy,
    failureReason: cycle.failureReason,
    /** When finance signed its reconciliation off: from then on it is never approved or launched. */
    signedOffAt: signOff?.signedAt.toISOString() ?? null,
    /** A re-issue's new accounts, masked, before and after, and the decision a second person takes on them. */
    accountChanges,
    preview: { count: cycle.previewCount, amount: amount(cycle.previewAmount), byRail: cycle.previewByRail },
    approved: cycle.approvedCount === null ? null : { count: cycle.approvedCount, amount: amount(cycle.approvedAmount) },
    instructed: cycle.instructedCount === null ? null : { count: cycle.instructedCount, amount: amount(cycle.instructedAmount) },
    instructions: Object.fromEntries(byStatus.map((s) => [s.status, { count: s.count, amount: amount(s.amount) }])),
    batches: batches.map((b) => ({
      seq: b.seq,
      wave: b.wave,
      payOn: b.pay_on?.toISOString().slice(0, 10) ?? null,
      rail: b.rail,
      provider: b.provider,
      status: b.status,
      items: b.items,
      paid: b.paid,
      failed: b.failed,
      needsAttention: b.attention,
    })),
    failuresByReason: failures,
    reconciliation: reconciliation && {
      runId: reconciliation.id,
      finishedAt: reconciliation.finishedAt,
      trigger: reconciliation.trigger,
      /** instructed = paid + failed + pending + in-break per rail and currency, and the ledger agrees. */
      balanced: reconciliation.balanced,
      instructed: { count: reconciliation.instructedCount, amount: amount(reconciliation.instructedAmount) },
      matched: { count: reconciliation.matchedCount, amount: amount(reconciliation.matchedAmount) },
      failed: { count: reconciliation.failedCount, amount: amount(reconciliation.failedAmount) },
      pending: { count: reconciliation.pendingCount, amount: amount(reconciliation.pendingAmount) },
      breaks: { count: reconciliation.breakCount, amount: amount(reconciliation.breakAmount) },
      statement: { count: reconciliation.statementCount, amount: amount(reconciliation.statementAmount) },
    },
  };
}
export type CycleView = Awaited<ReturnType<typeof cycleView>>;
