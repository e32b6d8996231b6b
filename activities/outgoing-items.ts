// A batch's items as the rail receives them: key, amount, currency and where to pay. One query, so a
// batch of thousands of payments costs one round trip. Account details are read here and leave only
// towards the rail.
import type { Db } from '../lib/db';
import type { RailOutgoingItem } from './clients/rail';

export async function loadOutgoingItems(db: Db, batchId: string): Promise<RailOutgoingItem[]> {
  const rows = await db.$queryRaw<
    Array<{
      key: string;
      amount: string;
      currency: string;
      rail: 'BANK' | 'WALLET';
      bank_code: string | null;
      account_number: string | null;
      msisdn: string | null;
    }>
  >`
    SELECT i.payment_key AS key, i.amount::text AS amount, i.currency, a.rail::text AS rail, a.bank_code, a.account_number, a.msisdn
      FROM payment_instruction i JOIN payment_account a ON a.id = i.payment_account_id
     WHERE i.batch_id = ${batchId}::uuid
     ORDER BY i.payment_key`;
  return rows.map((r) => ({
    key: r.key,
    amount: r.amount,
    currency: r.currency,
    account:
      r.rail === 'BANK'
        ? { rail: 'BANK', bankCode: r.bank_code ?? '', accountNumber: r.account_number ?? '' }
        : { rail: 'WALLET', msisdn: r.msisdn ?? '' },
  }));
}
