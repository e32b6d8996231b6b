// The bank's statements (camt.053) as statement lines: the pages its API serves, and a file finance uploads.
import { parseCamt053 } from '../../lib/iso20022/camt053';
import type { LineParts, ReceivedLine, StatementFile } from '../statement-lines';
import type { Camt053Statement, CreditDebit } from '../../lib/iso20022/camt053';

/** One line of a camt.053 statement, flattened for reconciliation. */
export interface BankStatementEntry {
  /** Where it is in its message, zero-based: `Stmt[0].Ntry[3]`, to name it when it is refused. */
  at: string;
  /** The account of the statement that carried it (Stmt/Acct). */
  account: string;
  entryRef?: string;
  endToEndId?: string;
  messageId?: string;
  amount: string;
  currency: string;
  creditDebit: CreditDebit;
  reversal: boolean;
  bookingDate?: string;
  /** The booking date-time as written, when the bank gave one. */
  bookingDateTime?: string;
  creditorAccount?: string;
}

/**
 * A camt.053 statement's entries, one per transaction (an entry may batch several), for reconciliation.
 * `index` is the statement's place in its message (flatMap passes it).
 */
export function statementEntries(s: Camt053Statement, index = 0): BankStatementEntry[] {
  return s.entries.flatMap((e, j) => {
    const details = e.details.length ? e.details : [{}];
    return details.map((d) => ({
      at: `Stmt[${index}].Ntry[${j}]`,
      account: s.account,
      ...(e.reference ? { entryRef: e.reference } : {}),
      ...d,
      amount: e.amount,
      currency: e.currency,
      creditDebit: e.creditDebit,
      reversal: e.reversal ?? false,
      ...(e.bookingDate ? { bookingDate: e.bookingDate } : {}),
      ...(e.bookingDateTime ? { bookingDateTime: e.bookingDateTime } : {}),
    }));
  });
}

export const CAMT053_PARTS: LineParts = { amount: 'Amt', currency: 'Amt.Ccy', booked: 'BookgDt', account: 'Acct' };

/**
 * The lines of a camt.053 that concern our payments: debits out, and reversals (RvslInd) of them, each of
 * the account of its own statement, booked on its booking date or else on `date` (the statement's day).
 */
export function bankStatementLines(provider: string, date: string, entries: BankStatementEntry[]): ReceivedLine[] {
  return entries.flatMap((e) => {
    const kind = e.creditDebit === 'DBIT' && !e.reversal ? 'PAYMENT' : e.creditDebit === 'CRDT' && e.reversal ? 'REVERSAL' : null;
    // A line without EndToEndId (a fee, a deposit) is not ours to match.
    if (!kind || !e.endToEndId || !e.entryRef) return [];
    return [
      {
        at: e.at,
        parts: CAMT053_PARTS,
        provider,
        entryRef: e.entryRef,
        account: e.account,
        endToEndId: e.endToEndId,
        kind,
        amount: e.amount,
        currency: e.currency,
        booked: e.bookingDateTime ?? e.bookingDate ?? date,
      },
    ];
  });
}

/** An uploaded camt.053 file (XML text). */
export function camt053File(provider: string, body: unknown): StatementFile {
  if (typeof body !== 'string') return { kind: 'unsupported', expected: 'application/xml' };
  let doc;
  try {
    doc = parseCamt053(body);
  } catch (err) {
    return { kind: 'invalid', fields: { file: `not a camt.053 statement: ${err instanceof Error ? err.message : 'unreadable'}` } };
  }
  const lines: ReceivedLine[] = [];
  for (const [i, s] of doc.statements.entries()) {
    for (const [j, e] of s.entries.entries()) {
      // Without its entry reference a line cannot be told apart from the same line sent again.
      if (!e.reference && e.details[0]?.endToEndId)
        return { kind: 'invalid', fields: { [`Stmt[${i}].Ntry[${j}].NtryRef`]: 'every entry needs its reference' } };
    }
    // A line without its own booking date is booked at the start of the statement's period, as written.
    lines.push(...bankStatementLines(provider, s.fromDateTime ?? s.createdAt, statementEntries(s, i)));
  }
  return { kind: 'lines', lines };
}
