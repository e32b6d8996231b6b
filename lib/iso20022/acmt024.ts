// acmt.024.001.03 IdentificationVerificationReport: the bank's answer to an acmt.023, one Rpt per
// verification: OrgnlId, Vrfctn (true when the identification is correct) and, when something in it is not,
// Rsn/Cd from ExternalVerificationReason1Code. Nothing else is reported: the holder's own name or ID never
// leave the bank (UpdtdPtyAndAcctId, which could carry them, is not used).
//
// Structure (ISO 20022 acmt.024.001.03): Document/IdVrfctnRpt with Assgnmt (MsgId, CreDtTm, Assgnr,
// Assgne), OrgnlAssgnmt (MsgId, CreDtTm of the request) and Rpt (OrgnlId, Vrfctn, Rsn: Cd or Prtry).
import { participantElement, readParticipant, type Participant } from './acmt023';
import { buildDocument, DATE_TIME, parseDocument, type Node } from './xml';

export const ACMT024_NAMESPACE = 'urn:iso:std:iso:20022:tech:xsd:acmt.024.001.03';
const TYPE = 'acmt.024';

/**
 * ExternalVerificationReason1Code values this profile uses, from ISO 20022's external code list
 * (ExternalCodeSets, ExternalVerificationReason1Code; as published e.g. in
 * TransactionAuthorizationProtocol/iso20022-external-code-sets code_sets/external_verification_reason_code.json):
 * - AC01 "Account number provided in the request is invalid or missing."
 * - AG01 "Transaction forbidden on this type of account (Payment cannot be made to this account for
 *   example not open for deposits, blocked, closed)." The list has no AC04 or AC06: a closed and a
 *   blocked (dormant) account are both AG01 here, and told apart at payment (pain.002 AC04 / AC06).
 * - AGNT "Agent identification provided in the request is incorrect" (an account at another bank).
 * - PI01 "Account Owner Identification and Payment Account number do not match."
 * - PN01 "Account Owner name and Payment Account number do not match."
 * - PN02 "Account Owner name and Payment Account number is a close match."
 * Other codes of the list (e.g. from other banks) are read as they come.
 */
export const VERIFICATION_REASONS = {
  incorrectAccount: 'AC01',
  accountNotOpen: 'AG01',
  incorrectAgent: 'AGNT',
  identifierMismatch: 'PI01',
  nameMismatch: 'PN01',
  nameCloseMatch: 'PN02',
} as const;

export interface VerificationReport {
  originalId: string;
  /** Vrfctn: true when the identification (the party's identifier for the account) is correct. */
  verified: boolean;
  /**
   * Rsn/Cd: why the identification is not correct; with `verified` true, which part of it is not (the
   * name, PN01 / PN02, while the identifier matched).
   */
  reason?: string;
}

export interface Acmt024 {
  messageId: string;
  createdAt: string;
  assigner: Participant;
  assignee: Participant;
  originalMessageId?: string;
  originalCreatedAt?: string;
  reports: VerificationReport[];
}

export function buildAcmt024(m: Acmt024): string {
  return buildDocument(ACMT024_NAMESPACE, {
    IdVrfctnRpt: {
      Assgnmt: {
        MsgId: m.messageId,
        CreDtTm: m.createdAt,
        Assgnr: participantElement(m.assigner),
        Assgne: participantElement(m.assignee),
      },
      OrgnlAssgnmt: m.originalMessageId === undefined ? undefined : { MsgId: m.originalMessageId, CreDtTm: m.originalCreatedAt },
      Rpt: m.reports.map((r) => ({
        OrgnlId: r.originalId,
        Vrfctn: String(r.verified),
        Rsn: r.reason === undefined ? undefined : { Cd: r.reason },
      })),
    },
  });
}

const id35 = { max: 35 };

/** Parses and validates; throws Iso20022Error naming the first missing or invalid element. */
export function parseAcmt024(xml: string): Acmt024 {
  const root = parseDocument(TYPE, xml, ACMT024_NAMESPACE).child('IdVrfctnRpt');
  const assignment = root.child('Assgnmt');
  const original = root.opt('OrgnlAssgnmt');
  const reports = root.children('Rpt');
  if (reports.length === 0) root.fail('missing element', `${root.path}/Rpt`);
  const originalMessageId = original?.getOpt('MsgId', id35);
  const originalCreatedAt = original?.getOpt('CreDtTm', { pattern: DATE_TIME, what: 'an ISO date-time' });
  return {
    messageId: assignment.get('MsgId', id35),
    createdAt: assignment.get('CreDtTm', { pattern: DATE_TIME, what: 'an ISO date-time' }),
    assigner: readParticipant(assignment.child('Assgnr')),
    assignee: readParticipant(assignment.child('Assgne')),
    ...(originalMessageId === undefined ? {} : { originalMessageId }),
    ...(originalCreatedAt === undefined ? {} : { originalCreatedAt }),
    reports: reports.map(report),
  };
}

function report(r: Node): VerificationReport {
  const rsn = r.opt('Rsn');
  const reason = rsn && (rsn.getOpt('Cd', { max: 4 }) ?? rsn.getOpt('Prtry', id35) ?? rsn.fail('missing element', `${rsn.path}/Cd`));
  // xs:boolean: true, false, 1 or 0.
  const verified = r.oneOf('Vrfctn', ['true', 'false', '1', '0'] as const);
  return { originalId: r.get('OrgnlId', id35), verified: verified === 'true' || verified === '1', ...(reason ? { reason } : {}) };
}
