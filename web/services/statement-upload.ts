// Statement files uploaded by finance, each in its rail's format (a bank's camt.053, a wallet provider's
// settlement report), read by the rail (rails/<rail>/statement.ts). Every line is checked before any is stored, by the rules every statement line meets
// (activities/statement-line-rules.ts: amount, date, currency, account), and all are stored in one
// statement, so a bad file writes nothing and its refusal names each line at fault. Lines already
// imported (same rail, same entry reference) are skipped, so uploading a file twice, or a file the rail's
// API also served, adds nothing. A file typed or edited by hand could make a payment look paid or failed,
// so its lines are evidence only once a second finance user confirms the upload (four eyes): until then
// they are stored and shown, and change no class. On confirmation the cycles they concern are reconciled.
import type { Db } from '../../lib/db';
import { RAILS, railByProvider } from '../../rails';
import type { StatementLine } from '../../rails/statement-lines';
import { checkStatementLines, type RefusedLine } from '../../activities/statement-line-rules';
import { fundingAccounts, storeStatementLines } from '../../activities/statements';
import { addFieldError, type FieldErrors } from '../../schema/fields';
import { randomUUID } from 'node:crypto';
import { audit } from '../../lib/audit';
import type { MoneyDecision } from '../../generated/prisma/client';
import type { DecisionEffect } from './decisions';
import { propose } from './four-eyes';
import { reconcileFinished } from './reconciliation-requests';
import { invalid, refuse } from './refusal';

export interface UploadResult {
  lines: number;
  imported: number;
  /** Cycles whose reconciliation the file may change. */
  cycleIds: string[];
  /** The confirmation waiting for a second finance user (none when every line was already stored). */
  decision: MoneyDecision | null;
}

/** A refusal lists at most this many lines' problems (a file of 100,000 bad lines needs no answer that long). */
const MAX_NAMED = 100;

/** Each refused line's problems by field, the first MAX_NAMED of them, and how many more there are. */
function refusalFields(refused: RefusedLine[]): FieldErrors {
  const fields: FieldErrors = {};
  for (const r of refused.slice(0, MAX_NAMED)) addFieldError(fields, r.field, r.problem);
  const more = new Set(refused.slice(MAX_NAMED).map((r) => r.line)).size;
  if (more > 0) fields.file = `and ${more} more lines are refused`;
  return fields;
}

/** The cycles a set of lines concerns: those of the payment keys, and for keys we never sent, the program's cycle of that day. */
async function cyclesOf(db: Db, lines: StatementLine[]): Promise<string[]> {
  const rows = await db.$queryRaw<Array<{ cycle_id: string }>>`
    WITH l AS (SELECT * FROM unnest(${lines.map((l) => l.endToEndId)}::text[], ${lines.map((l) => l.account)}::text[], ${lines.map((l) => l.bookedAt)}::timestamptz[]) AS t(key, account, booked_at))
    SELECT DISTINCT pb.cycle_id FROM l JOIN payment_instruction pi ON pi.payment_key = l.key JOIN payment_batch pb ON pb.id = pi.batch_id
    UNION
    SELECT DISTINCT (SELECT pb.cycle_id FROM payment_batch pb JOIN payment_cycle c ON c.id = pb.cycle_id
                      WHERE c.program_id = p.id AND pb.submitted_at < date_trunc('day', l.booked_at) + interval '1 day'
                      ORDER BY pb.submitted_at DESC LIMIT 1)
      FROM l JOIN program p ON p.funding_account = l.account
     WHERE NOT EXISTS (SELECT 1 FROM payment_instruction pi WHERE pi.payment_key = l.key)`;
  return rows.map((r) => r.cycle_id).filter((id): id is string => id !== null);
}

export async function uploadStatement(
  db: Db,
  input: { provider: string; contentType: string; body: unknown; actor: string },
): Promise<UploadResult> {
  const { provider, contentType, body } = input;
  const rail = railByProvider(provider);
  if (!rail) throw invalid({ provider: `one of ${RAILS.map((r) => r.provider).join(', ')}: the rails Amparo pays through` });
  // Each rail reads its own file format (rails/<rail>/statement.ts).
  const file = rail.readStatementFile(body);
  if (file.kind === 'unsupported')
    throw refuse('unsupported_media_type', { file: `a ${provider} statement is sent as ${file.expected}, not ${contentType}` });
  if (file.kind === 'invalid') throw invalid(file.fields);
  const received = file.lines;
  const accounts = await fundingAccounts(db, [...new Set(received.map((l) => l.account))]);
  // A file none of whose lines is of a program's account is the wrong file, not a file with wrong lines.
  if (received.length > 0 && accounts.size === 0) throw refuse('unknown_account', { account: 'no program pays from this account' });
  const { accepted, refused } = checkStatementLines(received, accounts);
  if (refused.length > 0) throw invalid(refusalFields(refused));
  const cycleIds = accepted.length ? await cyclesOf(db, accepted) : [];
  const upload = randomUUID();
  // The lines and the proposal to confirm them in one transaction: an upload never waits for nobody.
  return db.$transaction(async (tx) => {
    const imported = await storeStatementLines(tx, accepted, { upload });
    const decision =
      imported === 0
        ? null
        : await propose(tx, {
            kind: 'STATEMENT_UPLOAD',
            subjectId: upload,
            cycleId: cycleIds.length === 1 ? cycleIds[0]! : null,
            details: { provider, lines: accepted.length, imported, cycleIds },
            actor: input.actor,
          });
    return { lines: accepted.length, imported, cycleIds, decision };
  });
}

/** What a confirmed upload does: its lines become evidence, and the finished cycles they concern are reconciled. */
export const statementUploadEffect: DecisionEffect = {
  deciders: ['FINANCE'],
  async apply(tx, decision, approver) {
    const confirmed = await tx.$executeRaw`
      UPDATE statement_entry SET evidence_since = now() WHERE upload_id = ${decision.subjectId}::uuid AND evidence_since IS NULL`;
    const { cycleIds, provider } = decision.details as { cycleIds: string[]; provider: string };
    await audit(tx, {
      actor: approver,
      action: 'statement.confirmed',
      entityType: 'statement',
      entityId: provider,
      details: { uploadId: decision.subjectId, lines: confirmed, cycleIds, decisionId: decision.id },
    });
    return {
      result: { uploadId: decision.subjectId, lines: confirmed, cycleIds },
      after: (ctx) => reconcileFinished(ctx, cycleIds, 'upload'),
    };
  },
};

/** Uploads concerning a cycle that wait for their confirmation, with what they hold. */
export const pendingUploads = (db: Db, cycleId: string) =>
  db.moneyDecision.findMany({
    where: { kind: 'STATEMENT_UPLOAD', status: 'PROPOSED', details: { path: ['cycleIds'], array_contains: [cycleId] } },
    orderBy: { proposedAt: 'asc' },
  });
