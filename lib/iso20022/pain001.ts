// pain.001.001.09 CustomerCreditTransferInitiation: what the rail sends the bank. One PmtInf per message
// (one debtor account, one execution date); amounts are the exact decimal text, never numbers.
import { privateIdElement, readPrivateId, type PersonIdentifier } from './person-identifier';
import { amountElement, buildDocument, DATE, DATE_TIME, parseDocument, type Node } from './xml';

export const PAIN001_NAMESPACE = 'urn:iso:std:iso:20022:tech:xsd:pain.001.001.09';
const TYPE = 'pain.001';

export interface Pain001Transaction {
  endToEndId: string;
  amount: string;
  currency: string;
  /** CdtrAgt/FinInstnId/ClrSysMmbId/MmbId: the creditor's bank code. */
  creditorAgent: string;
  /** Cdtr/Nm (Max140Text). */
  creditorName: string;
  /**
   * Cdtr/Id/PrvtId/Othr: who the creditor is (a national ID under its scheme), for the bank to check
   * against the account's holder. Absent in older messages.
   */
  creditorId?: PersonIdentifier;
  creditorAccount: string;
  remittanceInformation?: string;
}

export interface Pain001PaymentInformation {
  paymentInformationId: string;
  paymentMethod: 'TRF';
  numberOfTransactions: number;
  controlSum: string;
  requestedExecutionDate: string;
  debtorName: string;
  debtorAccount: string;
  /** DbtrAgt/FinInstnId/Othr/Id: the debtor's bank. */
  debtorAgent: string;
  transactions: Pain001Transaction[];
}

export interface Pain001 {
  messageId: string;
  createdAt: string;
  numberOfTransactions: number;
  controlSum: string;
  initiatingParty: string;
  paymentInformation: Pain001PaymentInformation;
}

const othrId = (id: string) => ({ Id: { Othr: { Id: id } } });

export function buildPain001(m: Pain001): string {
  const p = m.paymentInformation;
  return buildDocument(PAIN001_NAMESPACE, {
    CstmrCdtTrfInitn: {
      GrpHdr: {
        MsgId: m.messageId,
        CreDtTm: m.createdAt,
        NbOfTxs: String(m.numberOfTransactions),
        CtrlSum: m.controlSum,
        InitgPty: { Nm: m.initiatingParty },
      },
      PmtInf: {
        PmtInfId: p.paymentInformationId,
        PmtMtd: p.paymentMethod,
        NbOfTxs: String(p.numberOfTransactions),
        CtrlSum: p.controlSum,
        ReqdExctnDt: { Dt: p.requestedExecutionDate },
        Dbtr: { Nm: p.debtorName },
        DbtrAcct: othrId(p.debtorAccount),
        DbtrAgt: { FinInstnId: { Othr: { Id: p.debtorAgent } } },
        CdtTrfTxInf: p.transactions.map((t) => ({
          PmtId: { EndToEndId: t.endToEndId },
          Amt: { InstdAmt: amountElement(t.amount, t.currency) },
          CdtrAgt: { FinInstnId: { ClrSysMmbId: { MmbId: t.creditorAgent } } },
          // PartyIdentification135: Nm before Id.
          Cdtr: { Nm: t.creditorName, Id: t.creditorId === undefined ? undefined : privateIdElement(t.creditorId) },
          CdtrAcct: othrId(t.creditorAccount),
          RmtInf: t.remittanceInformation === undefined ? undefined : { Ustrd: t.remittanceInformation },
        })),
      },
    },
  });
}

const id35 = { max: 35 };
const name140 = { max: 140 };
const account34 = { max: 34 };

/** Parses and validates; throws Iso20022Error naming the first missing or invalid element. */
export function parsePain001(xml: string): Pain001 {
  const root = parseDocument(TYPE, xml, PAIN001_NAMESPACE).child('CstmrCdtTrfInitn');
  const hdr = root.child('GrpHdr');
  const blocks = root.children('PmtInf');
  if (blocks.length !== 1)
    root.fail(blocks.length ? `${blocks.length} PmtInf blocks, only one is supported` : 'missing element', `${root.path}/PmtInf`);
  const pmt = root.child('PmtInf');
  const txs = pmt.children('CdtTrfTxInf');
  if (txs.length === 0) pmt.fail('missing element', `${pmt.path}/CdtTrfTxInf`);
  return {
    messageId: hdr.get('MsgId', id35),
    createdAt: hdr.get('CreDtTm', { pattern: DATE_TIME, what: 'an ISO date-time' }),
    numberOfTransactions: hdr.count('NbOfTxs'),
    controlSum: hdr.decimal('CtrlSum'),
    initiatingParty: hdr.get('InitgPty/Nm', name140),
    paymentInformation: {
      paymentInformationId: pmt.get('PmtInfId', id35),
      paymentMethod: pmt.oneOf('PmtMtd', ['TRF'] as const),
      numberOfTransactions: pmt.count('NbOfTxs'),
      controlSum: pmt.decimal('CtrlSum'),
      requestedExecutionDate: executionDate(pmt.child('ReqdExctnDt')),
      debtorName: pmt.get('Dbtr/Nm', name140),
      debtorAccount: pmt.get('DbtrAcct/Id/Othr/Id', account34),
      debtorAgent: pmt.get('DbtrAgt/FinInstnId/Othr/Id', id35),
      transactions: txs.map(transaction),
    },
  };
}

function transaction(tx: Node): Pain001Transaction {
  const { amount, currency } = tx.amount('Amt/InstdAmt');
  const remittance = tx.opt('RmtInf')?.getOpt('Ustrd', name140);
  const creditorId = tx.opt('Cdtr')?.opt('Id');
  return {
    endToEndId: tx.get('PmtId/EndToEndId', id35),
    amount,
    currency,
    creditorAgent: tx.get('CdtrAgt/FinInstnId/ClrSysMmbId/MmbId', id35),
    creditorName: tx.get('Cdtr/Nm', name140),
    ...(creditorId ? { creditorId: readPrivateId(creditorId) } : {}),
    creditorAccount: tx.get('CdtrAcct/Id/Othr/Id', account34),
    ...(remittance === undefined ? {} : { remittanceInformation: remittance }),
  };
}

/** ReqdExctnDt is a choice of Dt or DtTm in .09; both reduce to the date. */
function executionDate(n: Node): string {
  const dt = n.getOpt('Dt', { pattern: DATE, what: 'an ISO date' });
  if (dt !== undefined) return dt;
  const dtTm = n.getOpt('DtTm', { pattern: DATE_TIME, what: 'an ISO date-time' });
  return dtTm?.slice(0, 10) ?? n.fail('missing element', `${n.path}/Dt`);
}
