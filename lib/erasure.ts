// The one erasure of personal data: every sealed column (lib/personal-data.ts SEALED_FIELDS) of an application
// and of its rows set to NULL, application.erased_at set, and one audit row per application saying why
// (codes only), in one transaction. What audit, reconciliation and deduplication need stays: hashes, codes,
// amounts, dates, the account keys, the audit trail. Erasing an erased application changes nothing and writes
// no second audit row.
//
// Two callers: the daily retention run (eraseExpired, a bounded batch per call, so one transaction stays
// short and the workflow loops) and an administrator's request (eraseOnRequest). Neither erases an
// application still being decided, whose household is enrolled, or to which money may still move
// (domain/retention.ts): a rail, a reviewer or a re-issue would still need its data.
import {
  ENROLLED_HOUSEHOLD_STATUSES,
  erasureBlock,
  FINISHED_CYCLE_STATUSES,
  MONEY_MAY_MOVE_STATUSES,
  moneyMayMove,
  REISSUABLE_STATUSES,
  retentionCutoffs,
  UNDECIDED_STATUSES,
  type ErasureBlock,
  type ErasureRequestReason,
  type RetentionRule,
} from '../domain/retention';
import { Prisma, type Db } from './db';
import { SEALED_FIELDS, type SealedField } from './personal-data';

/** Who the audit trail names for the daily run. */
export const RETENTION_ACTOR = 'system:retention';
export const ERASED_ACTION = 'application.personal_data_erased';

type Tx = Prisma.TransactionClient;
type SealedTable = SealedField extends `${infer T}.${string}` ? T : never;

/** Each table's sealed columns, from SEALED_FIELDS: a field sealed later is erased with the others. */
const SEALED_COLUMNS = SEALED_FIELDS.reduce(
  (byTable, field) => {
    const [table, column] = field.split('.') as [SealedTable, string];
    (byTable[table] ??= []).push(column);
    return byTable;
  },
  {} as Partial<Record<SealedTable, string[]>>,
);

/**
 * Which rows of each table are the applications' (`ids`: a uuid[] parameter). Keyed by table, so a table that
 * gains a sealed field does not compile until its rows are named here. An account is the application's own,
 * or one its household was paid to (a corrected account of a re-issue has no application); one that another
 * household is paid to keeps its number.
 */
const ROWS_OF: Record<SealedTable, (ids: Prisma.Sql) => Prisma.Sql> = {
  application: (ids) => Prisma.sql`id = ANY(${ids})`,
  payment_account: (ids) => Prisma.sql`(application_id = ANY(${ids})
      OR id IN (SELECT b.payment_account_id FROM beneficiary b WHERE b.application_id = ANY(${ids}))
      OR id IN (SELECT i.payment_account_id FROM payment_instruction i JOIN beneficiary b ON b.id = i.beneficiary_id
                 WHERE b.application_id = ANY(${ids}))
      OR id IN (SELECT r.payment_account_id FROM reissue_item r JOIN payment_instruction i ON i.id = r.original_instruction_id
                 JOIN beneficiary b ON b.id = i.beneficiary_id WHERE b.application_id = ANY(${ids})))
    AND NOT EXISTS (SELECT 1 FROM beneficiary o WHERE o.payment_account_id = payment_account.id AND o.application_id <> ALL(${ids}))`,
  review_task: (ids) => Prisma.sql`application_id = ANY(${ids})`,
  notification: (ids) => Prisma.sql`application_id = ANY(${ids})`,
  identity_dispute: (ids) => Prisma.sql`application_id = ANY(${ids})`,
};

const nulls = (table: SealedTable) => Prisma.raw((SEALED_COLUMNS[table] ?? []).map((c) => `"${c}" = NULL`).join(', '));

interface Erasure {
  applicationId: string;
  actor: string;
  details: Prisma.InputJsonObject;
}

/** Erases the applications not erased yet, in the caller's transaction; returns those it erased, with when. */
async function eraseRows(tx: Tx, erasures: Erasure[]): Promise<Array<{ id: string; erasedAt: Date }>> {
  const erased = await tx.$queryRaw<Array<{ id: string; erasedAt: Date }>>`
    UPDATE application SET ${nulls('application')}, erased_at = now() AT TIME ZONE 'UTC'
     WHERE id = ANY(${erasures.map((e) => e.applicationId)}::uuid[]) AND erased_at IS NULL
    RETURNING id, erased_at AS "erasedAt"`;
  if (erased.length === 0) return [];
  const ids = Prisma.sql`${erased.map((e) => e.id)}::uuid[]`;
  // One statement per table; an already erased application was left out above, so its rows are not touched.
  for (const table of Object.keys(ROWS_OF) as SealedTable[])
    if (table !== 'application') await tx.$executeRaw`UPDATE ${Prisma.raw(`"${table}"`)} SET ${nulls(table)} WHERE ${ROWS_OF[table](ids)}`;
  const erasedIds = new Set(erased.map((e) => e.id));
  await tx.auditEvent.createMany({
    data: erasures
      .filter((e) => erasedIds.has(e.applicationId))
      .map((e) => ({ actor: e.actor, action: ERASED_ACTION, entityType: 'application', entityId: e.applicationId, details: e.details })),
  });
  return erased;
}

const textArray = (values: readonly string[]) => Prisma.sql`${[...values]}::text[]`;

/** A household's payment (alias i) that may still move money: domain/retention.ts moneyMayMove, in SQL. */
const MAY_MOVE = Prisma.sql`i.status::text = ANY(${textArray(MONEY_MAY_MOVE_STATUSES)})
  AND NOT COALESCE(i.status::text = ANY(${textArray(REISSUABLE_STATUSES)}) AND EXISTS (
    SELECT 1 FROM reissue_item r JOIN payment_cycle rc ON rc.id = r.reissue_cycle_id
     WHERE r.original_instruction_id = i.id AND rc.status::text = ANY(${textArray(FINISHED_CYCLE_STATUSES)})), false)`;

/**
 * Erases up to `limit` applications past their program's retention (domain/retention.ts RETENTION_RULES) and
 * returns how many: fewer than `limit` means none is left. Rows another transaction holds are skipped (the
 * next run takes them). The cutoffs come from retentionCutoffs, one per program.
 */
export async function eraseExpired(db: Db, opts: { limit: number; now?: Date }): Promise<number> {
  const now = opts.now ?? new Date();
  const programs = await db.program.findMany({ select: { id: true, rejectedRetentionDays: true, leftRetentionDays: true } });
  if (programs.length === 0) return 0;
  const cutoffs = programs.map((p) => retentionCutoffs(p, now));
  const ids = programs.map((p) => p.id);
  const rejectedBefore = cutoffs.map((c) => c.rejectedBefore.toISOString());
  const leftBefore = cutoffs.map((c) => c.leftBefore.toISOString());
  return db.$transaction(
    async (tx) => {
      // Each rule on its own indexes (a rejection by program and status, a departure by the household's status),
      // then the applications locked in id order, re-checked under the lock.
      const due = await tx.$queryRaw<Array<{ id: string; rule: RetentionRule }>>`
        WITH cutoff AS (
          SELECT * FROM unnest(${ids}::uuid[], ${rejectedBefore}::timestamptz[], ${leftBefore}::timestamptz[])
            AS c(program_id, rejected_before, left_before)
        ), candidate AS (
          (SELECT a.id, 'REJECTED' AS rule FROM application a JOIN cutoff c ON c.program_id = a.program_id
            WHERE a.erased_at IS NULL AND a.status = 'REJECTED'
              AND NOT EXISTS (SELECT 1 FROM beneficiary b WHERE b.application_id = a.id)
              AND COALESCE(a.appeal_deadline, a.decided_at, a.created_at) <= (c.rejected_before AT TIME ZONE 'UTC')
            LIMIT ${opts.limit})
          UNION ALL
          (SELECT a.id, 'LEFT' AS rule FROM beneficiary b JOIN cutoff c ON c.program_id = b.program_id
             JOIN application a ON a.id = b.application_id
            WHERE b.status::text = 'REMOVED' AND b.left_at <= (c.left_before AT TIME ZONE 'UTC') AND a.erased_at IS NULL
              AND a.status::text <> ALL(${textArray(UNDECIDED_STATUSES)})
              AND b.status::text <> ALL(${textArray(ENROLLED_HOUSEHOLD_STATUSES)})
              AND NOT EXISTS (SELECT 1 FROM payment_instruction i WHERE i.beneficiary_id = b.id AND ${MAY_MOVE})
            LIMIT ${opts.limit})
        )
        SELECT a.id, candidate.rule FROM application a JOIN candidate ON candidate.id = a.id
         WHERE a.erased_at IS NULL ORDER BY a.id LIMIT ${opts.limit} FOR UPDATE OF a SKIP LOCKED`;
      if (due.length === 0) return 0;
      const erased = await eraseRows(
        tx,
        due.map((d) => ({ applicationId: d.id, actor: RETENTION_ACTOR, details: { reason: 'RETENTION', rule: d.rule } })),
      );
      return erased.length;
    },
    { timeout: 120_000 },
  );
}

export type RequestedErasure =
  { kind: 'erased' | 'already_erased'; erasedAt: Date } | { kind: 'not_found' } | { kind: 'blocked'; block: ErasureBlock };

/**
 * An administrator's erasure of one application's data on request, at once (no retention period), unless
 * domain/retention.ts erasureBlock says its data must stay. Audited with the administrator and the reason code.
 */
export async function eraseOnRequest(
  db: Db,
  request: { applicationId: string; actor: string; reason: ErasureRequestReason },
): Promise<RequestedErasure> {
  return db.$transaction(async (tx) => {
    // Locked first: an appeal or a decision at the same moment waits for this one, and is then judged on what it left.
    const locked = await tx.$queryRaw<unknown[]>`SELECT id FROM application WHERE id = ${request.applicationId}::uuid FOR UPDATE`;
    if (locked.length === 0) return { kind: 'not_found' };
    const app = await tx.application.findUniqueOrThrow({
      where: { id: request.applicationId },
      select: {
        status: true,
        erasedAt: true,
        beneficiary: {
          select: {
            status: true,
            leftAt: true,
            instructions: { select: { status: true, reissue: { select: { reissueCycle: { select: { status: true } } } } } },
          },
        },
      },
    });
    if (app.erasedAt) return { kind: 'already_erased', erasedAt: app.erasedAt };
    const household = app.beneficiary;
    const block = erasureBlock({
      status: app.status,
      household: household && { status: household.status, leftAt: household.leftAt },
      paymentsInFlight: (household?.instructions ?? []).filter((i) =>
        moneyMayMove({ status: i.status, reissueCycleStatus: i.reissue?.reissueCycle.status ?? null }),
      ).length,
    });
    if (block) return { kind: 'blocked', block };
    const [erased] = await eraseRows(tx, [
      { applicationId: request.applicationId, actor: request.actor, details: { reason: 'REQUEST', request: request.reason } },
    ]);
    return { kind: 'erased', erasedAt: erased!.erasedAt };
  });
}
