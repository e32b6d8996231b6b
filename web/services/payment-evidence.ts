// What is known of one payment now, as domain/payment-transitions.ts reads it: our status, the rail's own
// word, the statement lines taken as evidence, whether its batch closed and its settlement deadline passed,
// whether another instruction pays the same entitlement. Read under the caller's lock on the instruction,
// at the moment a person's decision would take effect (never from a break row written by an earlier run).
import type { Evidence, InstructionStatus, RailStatus } from '../../domain/payment-transitions';
import { Prisma } from '../../lib/db';
import { SETTLEMENT_DEADLINE_MS } from '../../workflows/settings';

/** A transaction to lock in, or the client to read with. */
type Reader = Pick<Prisma.TransactionClient, '$queryRaw'>;

export interface Payment {
  id: string;
  paymentKey: string;
  status: InstructionStatus;
  amount: string;
  currency: string;
  provider: string;
  batchId: string;
  /** The cycle whose batch sent it (a re-issue's payments belong to the re-issue cycle). */
  batchCycleId: string;
}

/**
 * The instruction with this key and its evidence; null if we never sent it. Locked for the rest of the
 * transaction when a decision is to take effect on it; read as it is when a page shows what is open.
 */
export async function paymentEvidence(
  tx: Reader,
  paymentKey: string,
  opts: { lock: boolean; now?: Date },
): Promise<{ payment: Payment; evidence: Evidence } | null> {
  const now = opts.now ?? new Date();
  const [row] = await tx.$queryRaw<
    Array<
      Payment & {
        railStatus: RailStatus | null;
        batchStatus: string;
        submittedAt: Date | null;
        payments: number;
        reversals: number;
        paidAgain: boolean;
      }
    >
  >`
    SELECT pi.id, pi.payment_key AS "paymentKey", pi.status::text AS status, pi.amount::text AS amount, pi.currency,
           pb.provider, pi.batch_id AS "batchId", pb.cycle_id AS "batchCycleId", rr.status AS "railStatus",
           pb.status::text AS "batchStatus", pb.submitted_at AS "submittedAt",
           (SELECT count(*) FROM statement_entry se WHERE se.end_to_end_id = pi.payment_key AND se.provider = pb.provider AND se.kind = 'PAYMENT' AND se.evidence_since IS NOT NULL)::int AS payments,
           (SELECT count(*) FROM statement_entry se WHERE se.end_to_end_id = pi.payment_key AND se.provider = pb.provider AND se.kind = 'REVERSAL' AND se.evidence_since IS NOT NULL)::int AS reversals,
           EXISTS (SELECT 1 FROM reissue_item ri WHERE ri.original_instruction_id = pi.id)
             OR EXISTS (SELECT 1 FROM payment_instruction o WHERE o.cycle_id = pi.cycle_id AND o.beneficiary_id = pi.beneficiary_id
                           AND o.id <> pi.id AND o.status NOT IN ('FAILED', 'CANCELLED', 'HELD')) AS "paidAgain"
      FROM payment_instruction pi JOIN payment_batch pb ON pb.id = pi.batch_id
      LEFT JOIN rail_report rr ON rr.payment_key = pi.payment_key
     WHERE pi.payment_key = ${paymentKey}
     ${opts.lock ? Prisma.sql`FOR UPDATE OF pi` : Prisma.empty}`;
  if (!row) return null;
  const { railStatus, batchStatus, submittedAt, payments, reversals, paidAgain, ...payment } = row;
  return {
    payment,
    evidence: {
      ourStatus: payment.status,
      railStatus,
      statementPayments: payments,
      statementReversals: reversals,
      batchClosed: ['COMPLETED', 'NEEDS_ATTENTION', 'CANCELLED'].includes(batchStatus),
      pastDeadline: submittedAt !== null && submittedAt.getTime() + SETTLEMENT_DEADLINE_MS < now.getTime(),
      paidAgain,
    },
  };
}
