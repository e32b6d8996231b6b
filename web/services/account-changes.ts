// Account changes of a re-issue: a re-issue may pay a failed payment to a new bank account or wallet, and
// once approved that account becomes the household's for every later cycle. That is a decision of its own,
// so it is one of the four-eyes decisions (web/services/four-eyes.ts, kind ACCOUNT_CHANGES): proposed by
// whoever prepares the re-issue, approved by an approver who did not, before the re-issue cycle itself may
// be approved. Everyone who decides sees every change masked, before and after, and the audit keeps the same.
import type { MoneyDecision } from '../../generated/prisma/client';
import { formatAmount, money } from '../../domain/money';
import type { Db, Prisma } from '../../lib/db';
import type { PersonalData } from '../../lib/personal-data';
import { maskedAccount, type MaskedAccount } from '../../lib/pii';
import type { DecisionEffect } from './decisions';
import { propose } from './four-eyes';
import { refuse } from './refusal';

type Tx = Prisma.TransactionClient;

export interface AccountChange {
  /** The failed payment paid again, as finance knows it. */
  paymentKey: string;
  amount: string;
  before: MaskedAccount;
  after: MaskedAccount;
}

export interface AccountChanges {
  decisionId: string;
  status: MoneyDecision['status'];
  proposedBy: string;
  proposedAt: string;
  decidedBy: string | null;
  decidedAt: string | null;
  declineReason: string | null;
  items: AccountChange[];
}

interface ChangeRow {
  beneficiary_id: string;
  payment_key: string;
  amount: string;
  currency: string;
  before_rail: 'BANK' | 'WALLET';
  before_bank_code: string | null;
  before_account_number: string | null;
  before_msisdn: string | null;
  after_rail: 'BANK' | 'WALLET';
  after_bank_code: string | null;
  after_account_number: string | null;
  after_msisdn: string | null;
}

/** Every account change of a re-issue, by payment key. Full numbers stay in this file: what leaves is masked. */
const changeRows = (db: Tx | Db, cycleId: string) => db.$queryRaw<ChangeRow[]>`
  SELECT pi.beneficiary_id, pi.payment_key, pi.amount::text AS amount, pi.currency,
         old.rail::text AS before_rail, old.bank_code AS before_bank_code, old.account_number AS before_account_number, old.msisdn AS before_msisdn,
         new.rail::text AS after_rail, new.bank_code AS after_bank_code, new.account_number AS after_account_number, new.msisdn AS after_msisdn
    FROM reissue_item ri
    JOIN payment_instruction pi ON pi.id = ri.original_instruction_id
    JOIN payment_account old ON old.id = ri.replaces_account_id
    JOIN payment_account new ON new.id = ri.payment_account_id
   WHERE ri.reissue_cycle_id = ${cycleId}::uuid AND ri.replaces_account_id IS NOT NULL
   ORDER BY pi.payment_key`;

/** An account opened only to be masked: the bank code and the last digits. */
const maskedOf = (
  pd: PersonalData,
  a: { rail: 'BANK' | 'WALLET'; bankCode: string | null; accountNumber: string | null; msisdn: string | null },
) =>
  maskedAccount({
    ...a,
    accountNumber: pd.openNullable('payment_account.account_number', a.accountNumber),
    msisdn: pd.openNullable('payment_account.msisdn', a.msisdn),
  });

const masked = (pd: PersonalData, r: ChangeRow): AccountChange => ({
  paymentKey: r.payment_key,
  amount: formatAmount(money(r.amount, r.currency)),
  before: maskedOf(pd, {
    rail: r.before_rail,
    bankCode: r.before_bank_code,
    accountNumber: r.before_account_number,
    msisdn: r.before_msisdn,
  }),
  after: maskedOf(pd, { rail: r.after_rail, bankCode: r.after_bank_code, accountNumber: r.after_account_number, msisdn: r.after_msisdn }),
});

/** Proposes a new re-issue's account changes for a second person, as its preparer. */
export const proposeAccountChanges = (tx: Tx, cycleId: string, preparer: string, count: number) =>
  propose(tx, { kind: 'ACCOUNT_CHANGES', subjectId: cycleId, cycleId, details: { accounts: count }, actor: preparer });

/** A re-issue's account changes with their latest decision, masked; null when it changes no account. */
export async function accountChangesOf(db: Db, pd: PersonalData, cycleId: string): Promise<AccountChanges | null> {
  const [rows, decision] = await Promise.all([
    changeRows(db, cycleId),
    db.moneyDecision.findFirst({ where: { kind: 'ACCOUNT_CHANGES', subjectId: cycleId }, orderBy: { proposedAt: 'desc' } }),
  ]);
  if (!rows.length || !decision) return null;
  return {
    decisionId: decision.id,
    status: decision.status,
    proposedBy: decision.proposedBy,
    proposedAt: decision.proposedAt.toISOString(),
    decidedBy: decision.decidedBy,
    decidedAt: decision.decidedAt?.toISOString() ?? null,
    declineReason: decision.declineReason,
    items: rows.map((r) => masked(pd, r)),
  };
}

/** Refuses to approve a re-issue whose account changes a second person has not approved yet. */
export async function requireAccountChangesApproved(db: Tx | Db, cycleId: string): Promise<void> {
  const changed = await db.reissueItem.count({ where: { reissueCycleId: cycleId, replacesAccountId: { not: null } } });
  if (changed === 0) return;
  const approved = await db.moneyDecision.count({ where: { kind: 'ACCOUNT_CHANGES', subjectId: cycleId, status: 'APPROVED' } });
  if (approved === 0) throw refuse('account_changes_not_approved');
}

/**
 * What approving a re-issue's account changes means: each new account becomes its household's, in the
 * approval's transaction, with one audit row per household (before and after, masked). Refused, changing
 * nothing, when the re-issue no longer waits for approval, when a household's account is no longer the one
 * the approver saw replaced, or when a new account has since become another household's.
 */
export const accountChangesEffect: DecisionEffect = {
  deciders: ['APPROVER'],
  async apply(tx, decision, approver, pd) {
    const cycleId = decision.subjectId;
    const [cycle] = await tx.$queryRaw<Array<{ status: string; program_id: string }>>`
      SELECT status::text AS status, program_id FROM payment_cycle WHERE id = ${cycleId}::uuid FOR UPDATE`;
    if (cycle?.status !== 'DRAFT') throw refuse('cycle_not_draft');
    const rows = await changeRows(tx, cycleId);
    // One account per household in a program (beneficiary's unique account key): a new account someone
    // else has been given since the re-issue was prepared cannot become this household's too.
    const [taken] = await tx.$queryRaw<Array<{ count: number }>>`
      SELECT count(*)::int AS count
        FROM reissue_item ri JOIN payment_instruction pi ON pi.id = ri.original_instruction_id
        JOIN payment_account pa ON pa.id = ri.payment_account_id
        JOIN beneficiary other ON other.program_id = ${cycle.program_id}::uuid AND other.account_key = pa.account_key AND other.id <> pi.beneficiary_id
       WHERE ri.reissue_cycle_id = ${cycleId}::uuid AND ri.replaces_account_id IS NOT NULL`;
    if (taken && taken.count > 0) throw refuse('account_in_use');
    // Only where the household still has the account the approver saw replaced.
    const changed = await tx.$executeRaw`
      UPDATE beneficiary b SET payment_account_id = ri.payment_account_id, account_key = pa.account_key
        FROM reissue_item ri JOIN payment_instruction pi ON pi.id = ri.original_instruction_id
        JOIN payment_account pa ON pa.id = ri.payment_account_id
       WHERE ri.reissue_cycle_id = ${cycleId}::uuid AND ri.replaces_account_id IS NOT NULL
         AND b.id = pi.beneficiary_id AND b.payment_account_id = ri.replaces_account_id`;
    if (changed !== rows.length) throw refuse('account_changed_since');
    await tx.auditEvent.createMany({
      data: rows.map((r) => {
        const change = masked(pd, r);
        return {
          actor: approver,
          action: 'beneficiary.account_changed',
          entityType: 'beneficiary',
          entityId: r.beneficiary_id,
          details: {
            cycleId,
            decisionId: decision.id,
            paymentKey: r.payment_key,
            before: { ...change.before },
            after: { ...change.after },
          },
        };
      }),
    });
    return { result: { cycleId, accountsChanged: rows.length } };
  },
};
