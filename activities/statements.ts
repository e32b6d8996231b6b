// Imports what the rails say they paid for a cycle: the bank's camt.053 statements and the wallet
// provider's settlement reports, one business day at a time, from the day the cycle's first batch left
// to today. Lines are keyed by the rail's own entry reference, so importing a day again adds nothing.
import { heartbeat } from '@temporalio/activity';
import type { Db } from '../lib/db';
import { BANK_PROVIDER, type BankClient } from './clients/bank-client';
import { WALLET_PROVIDER, type WalletClient } from './clients/wallet-client';

/** A statement line as stored; no personal data (the wallet's msisdn and the creditor account are dropped). */
interface Line {
  provider: string;
  entryRef: string;
  account: string;
  endToEndId: string;
  amount: string;
  currency: string;
  bookedAt: Date;
}

const DAY_MS = 86_400_000;
/** A cycle's payments settle within days; a longer span means a stuck cycle, not more statements. */
const MAX_DAYS = 31;

/** Business days (UTC) from `from` to `to`, inclusive, at most MAX_DAYS (the most recent ones). */
export function statementDays(from: Date, to: Date): string[] {
  const first = Date.parse(from.toISOString().slice(0, 10));
  const last = Date.parse(to.toISOString().slice(0, 10));
  const days: string[] = [];
  for (let t = Math.max(first, last - (MAX_DAYS - 1) * DAY_MS); t <= last; t += DAY_MS) days.push(new Date(t).toISOString().slice(0, 10));
  return days;
}

export function createStatementActivities(deps: { db: Db; bank: BankClient; wallet: WalletClient }) {
  const { db } = deps;

  async function bankLines(account: string, date: string, page: number): Promise<{ lines: Line[]; lastPage: boolean }> {
    const { entries, lastPage } = await deps.bank.statement(account, date, page);
    // Debits of the funding account are our payments out; a line without EndToEndId is not ours to match.
    const lines = entries.flatMap((e) =>
      e.creditDebit === 'DBIT' && e.endToEndId && e.entryRef
        ? [{ provider: BANK_PROVIDER, entryRef: e.entryRef, account, endToEndId: e.endToEndId, amount: e.amount, currency: e.currency, bookedAt: new Date(`${e.bookingDate ?? date}T00:00:00Z`) }]
        : [],
    );
    return { lines, lastPage };
  }

  async function walletLines(account: string, date: string, page: number): Promise<{ lines: Line[]; lastPage: boolean }> {
    const report = await deps.wallet.settlement(account, date, page);
    const lines = report.entries.map((e) => ({
      provider: WALLET_PROVIDER, entryRef: e.transactionReference, account, endToEndId: e.requestingOrganisationTransactionReference,
      amount: e.amount, currency: e.currency, bookedAt: new Date(e.completedAt),
    }));
    return { lines, lastPage: report.lastPage };
  }

  /** One statement for a page (Prisma's createMany is ten times slower at 5,000 rows); a line already stored is skipped. */
  async function store(lines: Line[]): Promise<number> {
    if (lines.length === 0) return 0;
    const col = <K extends keyof Line>(k: K) => lines.map((l) => l[k]);
    return db.$executeRaw`
      INSERT INTO statement_entry (id, provider, entry_ref, account, end_to_end_id, amount, currency, booked_at)
      SELECT gen_random_uuid(), p, r, a, e, amt, c, b
        FROM unnest(${col('provider')}::text[], ${col('entryRef')}::text[], ${col('account')}::text[], ${col('endToEndId')}::text[],
                    ${col('amount')}::numeric[], ${col('currency')}::text[], ${col('bookedAt')}::timestamptz[]) AS t(p, r, a, e, amt, c, b)
      ON CONFLICT (provider, entry_ref) DO NOTHING`;
  }

  return {
    /** Copies every statement and settlement line of the cycle's days and rails into statement_entry. */
    async importStatements(cycleId: string): Promise<{ imported: number; days: number }> {
      const cycle = await db.paymentCycle.findUniqueOrThrow({ where: { id: cycleId }, include: { program: true } });
      const batches = await db.paymentBatch.groupBy({ by: ['provider'], where: { cycleId, submittedAt: { not: null } }, _min: { submittedAt: true } });
      const account = cycle.program.fundingAccount;
      let imported = 0;
      let days = 0;
      for (const { provider, _min } of batches) {
        const read = provider === BANK_PROVIDER ? bankLines : provider === WALLET_PROVIDER ? walletLines : null;
        if (!read || !_min.submittedAt) continue;
        for (const date of statementDays(_min.submittedAt, new Date())) {
          // Page by page, with a heartbeat each: memory stays at one page; a retried attempt reads the pages
          // again and the lines already stored are skipped by their entry reference.
          for (let page = 1, last = false; !last; page++) {
            const { lines, lastPage } = await read(account, date, page);
            imported += await store(lines);
            last = lastPage;
            heartbeat({ provider, date, page, imported });
          }
          days += 1;
        }
      }
      return { imported, days };
    },
  };
}
