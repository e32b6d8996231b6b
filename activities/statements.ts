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

  async function bankLines(account: string, date: string): Promise<Line[]> {
    const { entries } = await deps.bank.statement(account, date);
    // Debits of the funding account are our payments out; a line without EndToEndId is not ours to match.
    return entries.flatMap((e) =>
      e.creditDebit === 'DBIT' && e.endToEndId && e.entryRef
        ? [{ provider: BANK_PROVIDER, entryRef: e.entryRef, account, endToEndId: e.endToEndId, amount: e.amount, currency: e.currency, bookedAt: new Date(`${e.bookingDate ?? date}T00:00:00Z`) }]
        : [],
    );
  }

  async function walletLines(account: string, date: string): Promise<Line[]> {
    const report = await deps.wallet.settlement(account, date);
    return report.entries.map((e) => ({
      provider: WALLET_PROVIDER, entryRef: e.transactionReference, account, endToEndId: e.requestingOrganisationTransactionReference,
      amount: e.amount, currency: e.currency, bookedAt: new Date(e.completedAt),
    }));
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
          const lines = await read(account, date);
          for (let i = 0; i < lines.length; i += 5000) {
            imported += (await db.statementEntry.createMany({ data: lines.slice(i, i + 5000), skipDuplicates: true })).count;
          }
          days += 1;
          heartbeat({ provider, date, imported });
        }
      }
      return { imported, days };
    },
  };
}
