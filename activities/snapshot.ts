// The cycle's snapshot: who is paid, how much, in which batch. Written once, immutable afterwards.
// Pages of beneficiaries (one page = one batch) grouped by wave and rail; entitlements and payment
// keys computed here by the domain functions; each page one bulk insert, so a million payments are
// a few hundred statements and memory stays flat.
import { randomUUID } from 'node:crypto';
import { ApplicationFailure } from '@temporalio/activity';
import Decimal from 'decimal.js';
import { Prisma, type Db } from '../lib/db';
import { entitlementAmount } from '../domain/entitlement';
import { formatAmount, money } from '../domain/money';
import { paymentKey } from '../domain/payment-key';
import { ScheduleSchema, waves } from '../domain/schedule';
import type { PaymentCycle, Program } from '../generated/prisma/client';
import { RAILS as REGISTERED_RAILS, railFor } from '../rails';
import type { RailId } from '../rails/rail';

type Rail = RailId;
/** The rails a cycle pays through, in the order their batches are numbered. */
const RAILS: Rail[] = REGISTERED_RAILS.map((r) => r.rail);

const FIRST_UUID = '00000000-0000-0000-0000-000000000000';

interface Row {
  beneficiaryId: string;
  accountId: string;
  amount: string;
  version: number;
  entitlementCycleId: string;
}

async function writeBatch(
  db: Db,
  cycle: PaymentCycle & { program: Program },
  seq: number,
  group: { wave: number; payOn: string | null; rail: Rail },
  rows: Row[],
) {
  const batchId = randomUUID();
  const total = formatAmount(
    money(
      rows.reduce((s, r) => s.plus(r.amount), new Decimal(0)),
      cycle.currency,
    ),
  );
  const keys = rows.map((r) =>
    paymentKey({
      programId: cycle.programId,
      cycleId: r.entitlementCycleId,
      beneficiaryId: r.beneficiaryId,
      entitlementVersion: r.version,
    }),
  );
  await db.$transaction([
    db.$executeRaw`
      INSERT INTO payment_batch (id, cycle_id, seq, wave, pay_on, rail, provider, message_id, status, item_count, total_amount, currency)
      VALUES (${batchId}::uuid, ${cycle.id}::uuid, ${seq}, ${group.wave}, ${group.payOn}::date, ${group.rail}::"PaymentRail", ${railFor(group.rail).provider},
              ${batchId.replace(/-/g, '')}, 'CREATED', ${rows.length}, ${total}::numeric, ${cycle.currency})`,
    db.$executeRaw`
      INSERT INTO payment_instruction (id, payment_key, cycle_id, batch_id, beneficiary_id, payment_account_id, entitlement_version, amount, currency, status)
      SELECT gen_random_uuid(), k, c, ${batchId}::uuid, b, a, v, amt, ${cycle.currency}, 'CREATED'
        FROM unnest(${keys}::text[], ${rows.map((r) => r.entitlementCycleId)}::uuid[], ${rows.map((r) => r.beneficiaryId)}::uuid[],
                    ${rows.map((r) => r.accountId)}::uuid[], ${rows.map((r) => r.version)}::int[], ${rows.map((r) => r.amount)}::numeric[]) AS t(k, c, b, a, v, amt)`,
  ]);
}

/** Every household enrolled before launch, in batches per wave and rail. Resumes after the last batch written. */
export async function snapshotRegular(db: Db, cycle: PaymentCycle & { program: Program }, onPage: (seq: number) => void): Promise<void> {
  const { program } = cycle;
  const rules = {
    currency: cycle.currency,
    baseAmount: program.baseAmount.toString(),
    amountPerDependant: program.amountPerDependant.toString(),
    capPerHousehold: program.capPerHousehold?.toString() ?? null,
  };
  const groups = waves(program.schedule ? ScheduleSchema.parse(program.schedule) : null).flatMap((w) =>
    RAILS.map((rail) => ({ ...w, rail })),
  );
  // Only the last batch written is read (not an aggregate over the whole cycle): a resumed snapshot of a
  // million payments starts at once.
  const [last] = await db.$queryRaw<Array<{ seq: number; wave: number; rail: Rail; beneficiary: string }>>`
    SELECT b.seq, b.wave, b.rail::text AS rail, (SELECT max(i.beneficiary_id::text) FROM payment_instruction i WHERE i.batch_id = b.id) AS beneficiary
      FROM payment_batch b WHERE b.cycle_id = ${cycle.id}::uuid ORDER BY b.seq DESC LIMIT 1`;
  let seq = last?.seq ?? 0;
  const start = last ? groups.findIndex((g) => g.wave === last.wave && g.rail === last.rail) : 0;
  for (const [index, group] of groups.entries()) {
    if (index < start) continue;
    let cursor = last && index === start ? last.beneficiary : FIRST_UUID;
    for (;;) {
      const page = await db.$queryRaw<Array<{ id: string; account: string; dependants: number }>>`
        SELECT b.id, b.payment_account_id AS account, b.dependants
          FROM beneficiary b JOIN payment_account pa ON pa.id = b.payment_account_id
         WHERE b.program_id = ${program.id}::uuid AND b.status = 'ACTIVE' AND b.enrolled_at <= ${cycle.launchedAt ?? new Date()}
           AND b.id_last_digit = ANY(${group.lastDigits}::int[]) AND pa.rail = ${group.rail}::"PaymentRail" AND b.id > ${cursor}::uuid
         ORDER BY b.id LIMIT ${program.batchSize}`;
      if (page.length === 0) break;
      seq += 1;
      const rows = page.map((b) => ({
        beneficiaryId: b.id,
        accountId: b.account,
        amount: entitlementAmount(rules, b.dependants),
        version: 1,
        entitlementCycleId: cycle.id,
      }));
      await writeBatch(db, cycle, seq, group, rows);
      cursor = page[page.length - 1]!.id;
      onPage(seq);
    }
  }
}

/**
 * A re-issue: each failed payment chosen by the preparer gets a new entitlement version (a new key)
 * on the account given for it. The database refuses a second live instruction for one entitlement,
 * so a payment that is not FAILED can never be paid again this way. Resumable: an attempt that failed
 * between two batches (a crashed worker, a dropped connection) is retried with the payments chosen that
 * have no instruction yet, in batches numbered after the last one written; each batch is one transaction.
 */
export async function snapshotReissue(db: Db, cycle: PaymentCycle & { program: Program }): Promise<void> {
  const chosen = await db.reissueItem.findMany({
    where: { reissueCycleId: cycle.id },
    include: { originalInstruction: true, paymentAccount: { select: { rail: true } } },
    orderBy: { id: 'asc' },
  });
  // An item's instruction is the next version of its original's entitlement, in one of this cycle's batches.
  const entitlement = (cycleId: string, beneficiaryId: string, version: number) => `${cycleId}|${beneficiaryId}|${version}`;
  const written = new Set(
    (
      await db.paymentInstruction.findMany({
        where: { batch: { cycleId: cycle.id } },
        select: { cycleId: true, beneficiaryId: true, entitlementVersion: true },
      })
    ).map((i) => entitlement(i.cycleId, i.beneficiaryId, i.entitlementVersion)),
  );
  const items = chosen.filter(
    (i) =>
      !written.has(
        entitlement(i.originalInstruction.cycleId, i.originalInstruction.beneficiaryId, i.originalInstruction.entitlementVersion + 1),
      ),
  );
  const last = await db.paymentBatch.aggregate({ where: { cycleId: cycle.id }, _max: { seq: true } });
  let seq = last._max.seq ?? 0;
  try {
    for (const rail of RAILS) {
      const rows = items
        .filter((i) => i.paymentAccount.rail === rail)
        .map((i) => ({
          beneficiaryId: i.originalInstruction.beneficiaryId,
          accountId: i.paymentAccountId,
          amount: i.originalInstruction.amount.toString(),
          version: i.originalInstruction.entitlementVersion + 1,
          entitlementCycleId: i.originalInstruction.cycleId,
        }));
      for (let from = 0; from < rows.length; from += cycle.program.batchSize) {
        await writeBatch(db, cycle, ++seq, { wave: 1, payOn: null, rail }, rows.slice(from, from + cycle.program.batchSize));
      }
    }
  } catch (err) {
    if (err instanceof Prisma.PrismaClientKnownRequestError && /unique|P2002|23505/.test(`${err.code} ${err.message}`)) {
      throw ApplicationFailure.nonRetryable(
        'a payment chosen for re-issue is not failed (it may be paid or in flight)',
        'ReissueOfLivePayment',
      );
    }
    throw err;
  }
}
