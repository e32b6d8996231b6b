// The last look before money leaves: right before a batch is sent, every account in it is checked with
// its rail in bulk (one call for the batch), and a payment the rail does not confirm (closed, someone
// else's, unknown), or to a household whose identity is disputed or that left the program, is HELD back with its reason instead
// of being sent. The batch's approved control totals never change: what leaves is the batch less what was
// held, and reconciliation counts the held ones as their own term. A held payment is paid by a re-issue
// once the account is corrected. Its money stays payable (domain/payment-transitions.ts: HELD_IN).
import Decimal from 'decimal.js';
import { audit } from '../lib/audit';
import type { Config } from '../lib/config';
import type { Db } from '../lib/db';
import { accountCheckReason } from '../domain/account-check';
import { TRANSITIONS } from '../domain/payment-transitions';
import type { ReasonCode } from '../domain/reason-codes';
import type { AccountVerifier } from '../rails/rail';
import type { BatchRef } from './disbursement';
import { keepAlive } from './keep-alive';
import { loadOutgoingItems } from './outgoing-items';

const ACTOR = 'system:pre-payment-check';
const HOLD = TRANSITIONS.holdBack;

/** The reason a payment is held: its beneficiary's identity is disputed. */
export const IDENTITY_DISPUTED: ReasonCode = 'IDENTITY_DISPUTED';
/** A household that left its program (web/services/household-removal.ts) after the snapshot took it. */
export const HOUSEHOLD_REMOVED: ReasonCode = 'HOUSEHOLD_REMOVED';

export interface HeldBack {
  /** Payments of the batch held back (by this run or an earlier one) and their total. */
  held: number;
  heldAmount: string;
  /** Payments still to send, or already on their way (a batch sent before this ran is followed, not finished). */
  sending: number;
}

export function createPrePaymentCheckActivities(deps: {
  db: Db;
  config: Pick<Config, 'PII_MASTER_KEYS'>;
  /** Every registered rail's verifier, by the provider its batches are recorded under. */
  rails: Record<string, AccountVerifier>;
  /** False: the rail is not asked (a deployment that checks accounts only at enrolment); disputed households are still held. */
  enabled: boolean;
}) {
  const { db } = deps;

  async function heldBack(batchId: string): Promise<HeldBack> {
    const rows = await db.paymentInstruction.groupBy({ by: ['status'], where: { batchId }, _count: true, _sum: { amount: true } });
    const held = rows.find((r) => r.status === 'HELD');
    return {
      held: held?._count ?? 0,
      heldAmount: new Decimal(held?._sum.amount?.toString() ?? 0).toFixed(2),
      sending: rows.filter((r) => r.status === 'CREATED' || r.status === 'SUBMITTED').reduce((n, r) => n + r._count, 0),
    };
  }

  return {
    /** Checks a batch about to leave and holds back what must not be paid; run again, it asks nothing. */
    holdUnconfirmedPayments: (ref: BatchRef): Promise<HeldBack> =>
      keepAlive(async () => {
        const batch = await db.paymentBatch.findUnique({ where: { cycleId_seq: ref } });
        if (!batch || batch.status !== 'CREATED' || batch.accountsCheckedAt) return heldBack(batch?.id ?? '');
        const rail = deps.rails[batch.provider];
        const items = deps.enabled ? await loadOutgoingItems(deps, batch.id, 'CREATED') : [];
        // Households no longer to be paid since the snapshot took them: held without asking the rail.
        const notPayable = new Map(
          (
            await db.paymentInstruction.findMany({
              where: { batchId: batch.id, status: 'CREATED', beneficiary: { status: { in: ['SUSPENDED', 'REMOVED'] } } },
              select: { paymentKey: true, beneficiary: { select: { status: true } } },
            })
          ).map((i) => [i.paymentKey, i.beneficiary.status === 'REMOVED' ? HOUSEHOLD_REMOVED : IDENTITY_DISPUTED]),
        );
        const toAsk = items.filter((i) => !notPayable.has(i.key));
        const answers =
          rail && toAsk.length > 0
            ? await rail.verifyAccounts(toAsk.map((i) => ({ ref: i.key, account: i.account, holder: i.holder })))
            : [];
        // The name is a second signal, looked at by a person at enrolment: only a no from the rail holds a payment.
        const holds = [
          ...[...notPayable].map(([key, reason]) => ({ key, reason })),
          ...answers.flatMap((a) => {
            const reason = a.outcome === 'NAME_DIFFERS' ? null : accountCheckReason(a.outcome);
            return reason ? [{ key: a.ref, reason }] : [];
          }),
        ];
        await db.$transaction(async (tx) => {
          // Only from CREATED, and only while the batch has not left: a cancel or a send that got here first wins.
          const still = await tx.paymentBatch.updateMany({
            where: { id: batch.id, status: 'CREATED', accountsCheckedAt: null },
            data: { accountsCheckedAt: new Date() },
          });
          if (still.count === 0 || holds.length === 0) return;
          await tx.$executeRaw`
            UPDATE payment_instruction pi SET status = ${HOLD.to}::"InstructionStatus", failure_reason = v.reason
            FROM unnest(${holds.map((h) => h.key)}::text[], ${holds.map((h) => h.reason)}::text[]) AS v(key, reason)
            WHERE pi.payment_key = v.key AND pi.batch_id = ${batch.id}::uuid AND pi.status::text = ANY(${[...HOLD.from]}::text[])`;
          const byReason: Record<string, number> = {};
          for (const h of holds) byReason[h.reason] = (byReason[h.reason] ?? 0) + 1;
          await audit(tx, {
            actor: ACTOR,
            action: 'batch.payments_held',
            entityType: 'payment_batch',
            entityId: batch.id,
            details: { held: holds.length, byReason },
          });
        });
        return heldBack(batch.id);
      }),
  };
}
