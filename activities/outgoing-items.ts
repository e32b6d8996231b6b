// A batch's items as the rail receives them: key, amount, currency, where to pay and who should hold that
// account (the beneficiary's name and national ID, from the application they were enrolled from). One
// query, so a batch of thousands of payments costs one round trip. Account details and the person are
// read here and leave only towards the rail. Only instructions still SUBMITTED leave: one a resolution
// has since marked FAILED (so that a re-issue may pay it) or PAID must never be sent by a retried batch.
import { ApplicationFailure } from '@temporalio/activity';
import Decimal from 'decimal.js';
import type { Config } from '../lib/config';
import type { Db } from '../lib/db';
import { personalData } from '../lib/personal-data';
import type { RailOutgoingItem } from '../rails/rail';

/** `status` CREATED: the items about to leave, as the pre-payment check asks the rail about them. */
export async function loadOutgoingItems(
  ctx: { db: Db; config: Pick<Config, 'PII_MASTER_KEYS'> },
  batchId: string,
  status: 'SUBMITTED' | 'CREATED' = 'SUBMITTED',
): Promise<RailOutgoingItem[]> {
  const rows = await ctx.db.$queryRaw<
    Array<{
      key: string;
      amount: string;
      currency: string;
      rail: 'BANK' | 'WALLET';
      bank_code: string | null;
      account_number: string | null;
      msisdn: string | null;
      national_id: string | null;
      full_name: string | null;
    }>
  >`
    SELECT i.payment_key AS key, i.amount::text AS amount, i.currency, a.rail::text AS rail, a.bank_code, a.account_number, a.msisdn,
           ap.national_id, ap.full_name
      FROM payment_instruction i JOIN payment_account a ON a.id = i.payment_account_id
      JOIN beneficiary b ON b.id = i.beneficiary_id JOIN application ap ON ap.id = b.application_id
     WHERE i.batch_id = ${batchId}::uuid AND i.status = ${status}::"InstructionStatus"
     ORDER BY i.payment_key`;
  const pd = await personalData(ctx);
  return rows.map((r) => {
    // Retention erases a household's data only after it left the program: a payment to it is a fault of ours.
    if (r.national_id === null || r.full_name === null)
      throw ApplicationFailure.nonRetryable(`payment ${r.key}: its beneficiary's personal data was erased`, 'PersonalDataErased');
    return {
      key: r.key,
      amount: r.amount,
      currency: r.currency,
      account: pd.openAccount({ rail: r.rail, bankCode: r.bank_code, accountNumber: r.account_number, msisdn: r.msisdn }),
      holder: { nationalId: pd.open('application.national_id', r.national_id), name: pd.open('application.full_name', r.full_name) },
    };
  });
}

/** A batch's own control totals, as approved and reserved. */
interface ControlTotals {
  itemCount: number;
  totalAmount: { toString(): string };
}

/** What the items to send add up to, and whether that is the batch's control totals. */
export function outgoingTotals(batch: ControlTotals, items: RailOutgoingItem[]) {
  const amount = items.reduce((sum, i) => sum.plus(i.amount), new Decimal(0));
  return { count: items.length, amount, matches: items.length === batch.itemCount && amount.eq(batch.totalAmount.toString()) };
}

/**
 * Not retryable: the items still to send no longer add up to the batch's control totals, because a payment
 * changed status (a resolution) while the batch was being retried. Sending the rest would need totals nobody
 * approved, sending all would pay what was decided against: the batch stops and a person decides.
 */
export function batchTotalsChanged(
  seq: number,
  sending: { count: number; amount: Decimal },
  batch: { itemCount: number; totalAmount: Decimal.Value },
) {
  return ApplicationFailure.nonRetryable(
    `batch ${seq} not sent: ${sending.count} payments still to send for ${sending.amount.toFixed(2)}, its control totals are ${batch.itemCount} for ${new Decimal(batch.totalAmount.toString()).toFixed(2)}`,
    'BatchTotalsChanged',
  );
}
