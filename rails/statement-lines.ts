// Statement lines, the common shape every rail's statements are read into (its own file format is its
// folder's business): what reconciliation stores, and what a rail or an uploaded file gave before any of it
// is trusted (activities/statement-line-rules.ts says what a line must be).

/** A statement line as stored; no personal data (the wallet's msisdn and the creditor account are dropped). */
export interface StatementLine {
  provider: string;
  entryRef: string;
  account: string;
  endToEndId: string;
  /** PAYMENT (money out for the key) or REVERSAL (it came back). */
  kind: 'PAYMENT' | 'REVERSAL';
  amount: string;
  currency: string;
  bookedAt: Date;
}

/** How a file names the parts of a line, for refusals: camt.053 elements, settlement report properties. */
export interface LineParts {
  amount: string;
  currency: string;
  booked: string;
  account: string;
}

/** A statement line as the rail or the file wrote it, before any of it is trusted. */
export interface ReceivedLine extends Omit<StatementLine, 'bookedAt'> {
  /** Where the line is in its file or page, as a refusal names it: `Stmt[0].Ntry[3]`, `entries.3`. */
  at: string;
  parts: LineParts;
  /** The booking date (YYYY-MM-DD) or date-time (ISO 8601) as written. */
  booked: string;
}

/** One page of a rail's statement for an account and day. */
export interface StatementPage {
  lines: ReceivedLine[];
  /** Entries on the page, ours or not (a fee, a deposit): a page with none is past the end. */
  entries: number;
  lastPage: boolean;
}

/** A rail that serves its statements (camt.053, settlement reports) page by page. */
export interface StatementSource {
  statementLines(account: string, date: string, page: number): Promise<StatementPage>;
}

/** An uploaded statement file, read by its rail: its lines, or what is wrong with it (by field), or the wrong format. */
export type StatementFile =
  | { kind: 'lines'; lines: ReceivedLine[] }
  | { kind: 'invalid'; fields: Record<string, string> }
  | { kind: 'unsupported'; expected: string };
