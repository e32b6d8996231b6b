// pain.002.001.10 CustomerPaymentStatusReport: the bank's answer to a pain.001, sent as the acknowledgement,
// on request and by callback. ISO leaves most status elements optional; our profile requires, per item,
// the EndToEndId, the status and the original amount, because the rail settles item by item on them.
import { amountElement, buildDocument, DATE_TIME, parseDocument, type Node } from './xml';

export const PAIN002_NAMESPACE = 'urn:iso:std:iso:20022:tech:xsd:pain.002.001.10';
const TYPE = 'pain.002';

/** ExternalPaymentGroupStatus1Code values a bank sends for a whole message. */
export const GROUP_STATUSES = ['RCVD', 'ACTC', 'ACCP', 'ACSP', 'ACSC', 'ACCC', 'ACWC', 'PART', 'PDNG', 'RJCT'] as const;
export type GroupStatus = (typeof GROUP_STATUSES)[number];
/** ExternalPaymentTransactionStatus1Code values a bank sends per item. */
export const TRANSACTION_STATUSES = ['RCVD', 'ACTC', 'ACCP', 'ACSP', 'ACSC', 'ACCC', 'ACWC', 'PDNG', 'RJCT'] as const;
export type TransactionStatus = (typeof TRANSACTION_STATUSES)[number];

export interface StatusReason {
  /** ExternalStatusReason1Code, e.g. AC04 (closed account), AM05 (duplication), DU01 (duplicate MsgId). */
  code: string;
  additionalInfo?: string;
}

export interface Pain002Transaction {
  originalEndToEndId: string;
  status: TransactionStatus;
  reason?: StatusReason;
  amount: string;
  currency: string;
}

export interface Pain002 {
  messageId: string;
  createdAt: string;
  originalMessageId: string;
  /** The original's message name, 'pain.001.001.09'. */
  originalMessageNameId: string;
  originalNumberOfTransactions?: number;
  originalControlSum?: string;
  groupStatus?: GroupStatus;
  groupReason?: StatusReason;
  originalPaymentInformationId?: string;
  transactions: Pain002Transaction[];
}

const reasonElement = (r: StatusReason | undefined) =>
  r && { Rsn: { Cd: r.code }, ...(r.additionalInfo ? { AddtlInf: r.additionalInfo.slice(0, 105) } : {}) };

export function buildPain002(m: Pain002): string {
  return buildDocument(PAIN002_NAMESPACE, {
    CstmrPmtStsRpt: {
      GrpHdr: { MsgId: m.messageId, CreDtTm: m.createdAt },
      OrgnlGrpInfAndSts: {
        OrgnlMsgId: m.originalMessageId,
        OrgnlMsgNmId: m.originalMessageNameId,
        OrgnlNbOfTxs: m.originalNumberOfTransactions === undefined ? undefined : String(m.originalNumberOfTransactions),
        OrgnlCtrlSum: m.originalControlSum,
        GrpSts: m.groupStatus,
        StsRsnInf: reasonElement(m.groupReason),
      },
      // ISO requires OrgnlPmtInfId in the block, so it is left out with no items to report.
      OrgnlPmtInfAndSts:
        m.transactions.length === 0
          ? undefined
          : {
              OrgnlPmtInfId: m.originalPaymentInformationId ?? m.originalMessageId,
              TxInfAndSts: m.transactions.map((t) => ({
                OrgnlEndToEndId: t.originalEndToEndId,
                TxSts: t.status,
                StsRsnInf: reasonElement(t.reason),
                OrgnlTxRef: { Amt: { InstdAmt: amountElement(t.amount, t.currency) } },
              })),
            },
    },
  });
}

const id35 = { max: 35 };

/** Parses and validates; throws Iso20022Error naming the first missing or invalid element. */
export function parsePain002(xml: string): Pain002 {
  const root = parseDocument(TYPE, xml, PAIN002_NAMESPACE).child('CstmrPmtStsRpt');
  const hdr = root.child('GrpHdr');
  const orgnl = root.child('OrgnlGrpInfAndSts');
  const blocks = root.children('OrgnlPmtInfAndSts');
  const nbOfTxs = orgnl.opt('OrgnlNbOfTxs') && orgnl.count('OrgnlNbOfTxs');
  const ctrlSum = orgnl.opt('OrgnlCtrlSum') && orgnl.decimal('OrgnlCtrlSum');
  const groupStatus = orgnl.opt('GrpSts') && orgnl.oneOf('GrpSts', GROUP_STATUSES);
  const groupReason = reason(orgnl);
  const pmtInfId = blocks[0]?.get('OrgnlPmtInfId', id35);
  return {
    messageId: hdr.get('MsgId', id35),
    createdAt: hdr.get('CreDtTm', { pattern: DATE_TIME, what: 'an ISO date-time' }),
    originalMessageId: orgnl.get('OrgnlMsgId', id35),
    originalMessageNameId: orgnl.get('OrgnlMsgNmId', id35),
    ...(nbOfTxs === undefined ? {} : { originalNumberOfTransactions: nbOfTxs }),
    ...(ctrlSum === undefined ? {} : { originalControlSum: ctrlSum }),
    ...(groupStatus === undefined ? {} : { groupStatus }),
    ...(groupReason ? { groupReason } : {}),
    ...(pmtInfId === undefined ? {} : { originalPaymentInformationId: pmtInfId }),
    transactions: blocks.flatMap((b) => b.children('TxInfAndSts')).map(transaction),
  };
}

function transaction(tx: Node): Pain002Transaction {
  const r = reason(tx);
  return {
    originalEndToEndId: tx.get('OrgnlEndToEndId', id35),
    status: tx.oneOf('TxSts', TRANSACTION_STATUSES),
    ...(r ? { reason: r } : {}),
    ...tx.amount('OrgnlTxRef/Amt/InstdAmt'),
  };
}

/** The first StsRsnInf's code (Cd, or Prtry from banks using proprietary codes) and additional info. */
function reason(parent: Node): StatusReason | undefined {
  const first = parent.children('StsRsnInf')[0];
  if (!first) return undefined;
  const rsn = first.child('Rsn');
  const code = rsn.getOpt('Cd', { max: 4 }) ?? rsn.getOpt('Prtry', id35) ?? rsn.fail('missing element', `${rsn.path}/Cd`);
  const info = first.children('AddtlInf')[0]?.text({ max: 105 });
  return { code, ...(info ? { additionalInfo: info } : {}) };
}
