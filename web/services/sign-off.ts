// A finance user's sign-off closes a cycle's reconciliation: only on a completed, balanced run with no
// break left open. It stores the report as signed (totals, breaks by class, every break with its
// resolution) and the SHA-256 of its canonical JSON, in the same transaction as the audit row; the
// database refuses any later update or delete of the row, so the signed report is the one shown after.
import { createHash } from 'node:crypto';
import { audit } from '../../lib/audit';
import { Prisma, type Db } from '../../lib/db';
import { findCycle } from './cycles';
import { refuse } from './refusal';
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

export const reportSha256 = (report: unknown) => createHash('sha256').update(canonicalJson(report), 'utf8').digest('hex');

export interface SignOffResult {
  cycleId: string;
  runId: string;
  signedBy: string;
  signedAt: string;
  reportSha256: string;
}

export async function signOffCycle(db: Db, input: { cycleId: string; actor: string }): Promise<SignOffResult> {
  const cycle = await findCycle({ db }, input.cycleId);
  try {
    return await db.$transaction(
      async (tx) => {
        // One sign-off at a time per cycle; the snapshot (repeatable read) makes the report one consistent picture.
        await tx.$queryRaw`SELECT id FROM payment_cycle WHERE id = ${cycle.id}::uuid FOR UPDATE`;
        if (await tx.cycleSignOff.findUnique({ where: { cycleId: cycle.id }, select: { cycleId: true } })) throw refuse('already_signed');
        const report = await liveReport(tx, cycle);
        if (!report.run) throw refuse('no_reconciliation');
        if (report.breakStatus.OPEN > 0) throw refuse('breaks_open', { openBreaks: String(report.breakStatus.OPEN) });
        if (!report.run.balanced) throw refuse('not_balanced');
        const { username } = await tx.user.findUniqueOrThrow({ where: { id: input.actor }, select: { username: true } });
        const breaks: BreakRecord[] = [];
        for await (const page of breakRecords(tx, cycle.id, {}, 5000)) breaks.push(...page);
        const signedAt = new Date();
        const signed: SignedReport = { ...report, signOff: { username, signedAt: signedAt.toISOString() }, breaks };
        const sha256 = reportSha256(signed);
        await tx.cycleSignOff.create({
          data: {
            cycleId: cycle.id,
            runId: report.run.id,
            signedBy: input.actor,
            signedAt,
            report: signed as unknown as Prisma.InputJsonObject,
            reportSha256: sha256,
          },
        });
        await audit(tx, {
          actor: input.actor,
          action: 'cycle.signed_off',
          entityType: 'payment_cycle',
          entityId: cycle.id,
          details: { runId: report.run.id, reportSha256: sha256, breaks: breaks.length },
        });
        return { cycleId: cycle.id, runId: report.run.id, signedBy: username, signedAt: signedAt.toISOString(), reportSha256: sha256 };
      },
      { isolationLevel: Prisma.TransactionIsolationLevel.RepeatableRead, timeout: 5 * 60_000 },
    );
  } catch (err) {
    // Two sign-offs at once: the primary key lets one through, the other is told it is already signed.
    if (err instanceof Prisma.PrismaClientKnownRequestError && err.code === 'P2002') throw refuse('already_signed');
    throw err;
  }
}
