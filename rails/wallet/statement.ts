// The wallet provider's settlement reports as statement lines: the pages its API serves, and a report file
// finance uploads (JSON, without the msisdns).
import { parseInput } from '../../schema/fields';
import { SettlementReportFile } from '../../schema/reconciliation';
import type { LineParts, ReceivedLine, StatementFile } from '../statement-lines';
import type { WalletSettlementReport } from './client';

export const SETTLEMENT_PARTS: LineParts = { amount: 'amount', currency: 'currency', booked: 'completedAt', account: 'account' };

/** A settlement report's entry as reconciliation needs it (an uploaded file carries no msisdn). */
export type SettlementEntry = Omit<WalletSettlementReport['entries'][number], 'msisdn'>;

/** The lines of a wallet settlement report: transfers out of the account and their reversals. */
export function walletSettlementLines(provider: string, report: { account: string; entries: SettlementEntry[] }): ReceivedLine[] {
  return report.entries.map((e, i) => ({
    at: `entries.${i}`,
    parts: SETTLEMENT_PARTS,
    provider,
    entryRef: e.transactionReference,
    account: report.account,
    endToEndId: e.requestingOrganisationTransactionReference,
    kind: e.type === 'reversal' ? 'REVERSAL' : 'PAYMENT',
    amount: e.amount,
    currency: e.currency,
    booked: e.completedAt,
  }));
}

/** An uploaded settlement report (JSON). */
export function settlementFile(provider: string, body: unknown): StatementFile {
  const parsed = parseInput(SettlementReportFile, body);
  return parsed.ok ? { kind: 'lines', lines: walletSettlementLines(provider, parsed.value) } : { kind: 'invalid', fields: parsed.fields };
}
