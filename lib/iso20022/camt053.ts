// camt.053.001.08 BankToCustomerStatement: the bank's booked entries of an account for a period (here one
// business day), with opening and closing balances. Amounts are unsigned decimal text; CdtDbtInd is the sign.
import { amountElement, buildDocument, DATE, DATE_TIME, parseDocument, type Node } from './xml';

export const CAMT053_NAMESPACE = 'urn:iso:std:iso:20022:tech:xsd:camt.053.001.08';
const TYPE = 'camt.053';

export type CreditDebit = 'CRDT' | 'DBIT';
const CREDIT_DEBIT = ['CRDT', 'DBIT'] as const;

export interface Camt053Balance {
  /** OPBD (opening booked), CLBD (closing booked), or another BalanceType12Code. */
  type: string;
  amount: string;
  currency: string;
  creditDebit: CreditDebit;
  date: string;
}

export interface Camt053TransactionDetails {
  messageId?: string;
  endToEndId?: string;
  creditorAccount?: string;
}

export interface Camt053Entry {
  reference?: string;
  amount: string;
  currency: string;
  /** DBIT for a payment out of the account, CRDT for money in. */
  creditDebit: CreditDebit;
  reversal?: boolean;
  /** BOOK, PDNG or INFO. */
  status: string;
  bookingDate?: string;
  /** BookgDt/DtTm as the bank wrote it, when it gave a time (bookingDate is then its date part). */
  bookingDateTime?: string;
  valueDate?: string;
  details: Camt053TransactionDetails[];
}

export interface Camt053Statement {
  id: string;
  createdAt: string;
  fromDateTime?: string;
  toDateTime?: string;
  account: string;
  currency?: string;
  balances: Camt053Balance[];
  entries: Camt053Entry[];
}

export interface Camt053 {
  messageId: string;
  createdAt: string;
  /** GrpHdr/MsgPgntn: a long statement comes in pages; the reader asks for the next until lastPage. */
  pagination?: { pageNumber: number; lastPage: boolean };
  statements: Camt053Statement[];
}

const othrId = (id: string) => ({ Othr: { Id: id } });

export function buildCamt053(m: Camt053): string {
  return buildDocument(CAMT053_NAMESPACE, {
    BkToCstmrStmt: {
      GrpHdr: {
        MsgId: m.messageId,
        CreDtTm: m.createdAt,
        MsgPgntn: m.pagination && { PgNb: String(m.pagination.pageNumber), LastPgInd: String(m.pagination.lastPage) },
      },
      Stmt: m.statements.map((s) => ({
        Id: s.id,
        CreDtTm: s.createdAt,
        FrToDt: s.fromDateTime && s.toDateTime ? { FrDtTm: s.fromDateTime, ToDtTm: s.toDateTime } : undefined,
        Acct: { Id: othrId(s.account), Ccy: s.currency },
        Bal: s.balances.map((b) => ({
          Tp: { CdOrPrtry: { Cd: b.type } },
          Amt: amountElement(b.amount, b.currency),
          CdtDbtInd: b.creditDebit,
          Dt: { Dt: b.date },
        })),
        Ntry: s.entries.map((e) => ({
          NtryRef: e.reference,
          Amt: amountElement(e.amount, e.currency),
          CdtDbtInd: e.creditDebit,
          RvslInd: e.reversal === undefined ? undefined : String(e.reversal),
          Sts: { Cd: e.status },
          BookgDt: e.bookingDateTime ? { DtTm: e.bookingDateTime } : e.bookingDate && { Dt: e.bookingDate },
          ValDt: e.valueDate && { Dt: e.valueDate },
          BkTxCd: bankTransactionCode(e),
          NtryDtls: e.details.length ? { TxDtls: e.details.map(txDetails) } : undefined,
        })),
      })),
    },
  });
}

/**
 * Mandatory in camt.053: payments / issued (ICDT) or received (RCDT) credit transfers / domestic. A reversal
 * keeps the family of the transfer it undoes (a CRDT reversal returns an issued one) with sub-family RRTN.
 */
function bankTransactionCode(e: Camt053Entry) {
  const issued = (e.creditDebit === 'DBIT') !== (e.reversal === true);
  return { Domn: { Cd: 'PMNT', Fmly: { Cd: issued ? 'ICDT' : 'RCDT', SubFmlyCd: e.reversal ? 'RRTN' : 'DMCT' } } };
}

const txDetails = (d: Camt053TransactionDetails) => ({
  Refs: d.messageId || d.endToEndId ? { MsgId: d.messageId, EndToEndId: d.endToEndId } : undefined,
  RltdPties: d.creditorAccount ? { CdtrAcct: { Id: othrId(d.creditorAccount) } } : undefined,
});

/** Parses and validates; throws Iso20022Error naming the first missing or invalid element. */
export function parseCamt053(xml: string): Camt053 {
  const root = parseDocument(TYPE, xml, CAMT053_NAMESPACE).child('BkToCstmrStmt');
  const hdr = root.child('GrpHdr');
  const stmts = root.children('Stmt');
  if (stmts.length === 0) root.fail('missing element', `${root.path}/Stmt`);
  const pages = hdr.opt('MsgPgntn');
  return {
    messageId: hdr.get('MsgId', { max: 35 }),
    createdAt: hdr.get('CreDtTm', { pattern: DATE_TIME, what: 'an ISO date-time' }),
    ...(pages
      ? {
          pagination: {
            pageNumber: Number(pages.get('PgNb', { pattern: /^\d{1,5}$/, what: 'a page number' })),
            lastPage: pages.oneOf('LastPgInd', ['true', 'false'] as const) === 'true',
          },
        }
      : {}),
    statements: stmts.map(statement),
  };
}

function statement(s: Node): Camt053Statement {
  const balances = s.children('Bal');
  if (balances.length === 0) s.fail('missing element', `${s.path}/Bal`);
  const period = s.opt('FrToDt');
  const currency = s.child('Acct').getOpt('Ccy', { pattern: /^[A-Z]{3}$/, what: 'an ISO 4217 currency code' });
  return {
    id: s.get('Id', { max: 35 }),
    createdAt: s.get('CreDtTm', { pattern: DATE_TIME, what: 'an ISO date-time' }),
    ...(period ? { fromDateTime: period.get('FrDtTm', dateTime), toDateTime: period.get('ToDtTm', dateTime) } : {}),
    account: s.get('Acct/Id/Othr/Id', { max: 34 }),
    ...(currency ? { currency } : {}),
    balances: balances.map((b) => ({
      type: b.getOpt('Tp/CdOrPrtry/Cd', { max: 4 }) ?? b.get('Tp/CdOrPrtry/Prtry', { max: 35 }),
      ...b.amount('Amt'),
      creditDebit: b.oneOf('CdtDbtInd', CREDIT_DEBIT),
      date: dateOf(b.child('Dt')),
    })),
    entries: s.children('Ntry').map(entry),
  };
}

const dateTime = { pattern: DATE_TIME, what: 'an ISO date-time' };

function entry(e: Node): Camt053Entry {
  const reference = e.getOpt('NtryRef', { max: 35 });
  const reversal = e.opt('RvslInd') && e.oneOf('RvslInd', ['true', 'false', '1', '0'] as const);
  const booking = e.opt('BookgDt');
  const bookingDateTime = booking?.getOpt('DtTm', dateTime);
  const value = e.opt('ValDt');
  return {
    ...(reference === undefined ? {} : { reference }),
    ...e.amount('Amt'),
    creditDebit: e.oneOf('CdtDbtInd', CREDIT_DEBIT),
    ...(reversal === undefined ? {} : { reversal: reversal === 'true' || reversal === '1' }),
    status: e.get('Sts/Cd', { max: 4 }),
    ...(booking ? { bookingDate: dateOf(booking) } : {}),
    // Kept as written: whether it exists is for the reader of the line to decide (statement-line-rules).
    ...(bookingDateTime ? { bookingDateTime } : {}),
    ...(value ? { valueDate: dateOf(value) } : {}),
    details: e
      .children('NtryDtls')
      .flatMap((d) => d.children('TxDtls'))
      .map((tx) => {
        const messageId = tx.getOpt('Refs/MsgId', { max: 35 });
        const endToEndId = tx.getOpt('Refs/EndToEndId', { max: 35 });
        const creditorAccount = tx.getOpt('RltdPties/CdtrAcct/Id/Othr/Id', { max: 34 });
        return {
          ...(messageId ? { messageId } : {}),
          ...(endToEndId ? { endToEndId } : {}),
          ...(creditorAccount ? { creditorAccount } : {}),
        };
      }),
  };
}

/** DateAndDateTime2Choice: Dt, or DtTm reduced to its date. */
function dateOf(n: Node): string {
  const dt = n.getOpt('Dt', { pattern: DATE, what: 'an ISO date' });
  if (dt !== undefined) return dt;
  return n.get('DtTm', { pattern: DATE_TIME, what: 'an ISO date-time' }).slice(0, 10);
}
