// acmt.023.001.03 IdentificationVerificationRequest: "is this account held by this person?", asked of the
// bank that services the account before money is sent to it. One message carries one or more
// verifications, each with its own Id (Max35Text) that the answer (acmt.024) reports against.
//
// Structure (ISO 20022 acmt.023.001.03): Document/IdVrfctnReq with Assgnmt (MsgId, CreDtTm, Assgnr,
// Assgne: each a Party40Choice, a party's Nm or an agent) and Vrfctn (Id, PtyAndAcctId: Pty, Acct, Agt).
// Our profile: the party is a person identified by one PrvtId/Othr (Id with SchmeNm/Cd, e.g. NIDN for a
// national identity number, ExternalPersonIdentification1Code), with their name as a second signal; the
// account is Acct/Id/Othr/Id and its bank, when given, Agt/FinInstnId/ClrSysMmbId/MmbId, as in pain.001.
import { privateIdElement, readPrivateId, type PersonIdentifier } from './person-identifier';
import { buildDocument, DATE_TIME, parseDocument, type Node } from './xml';

// Its callers (the bank's verification) name the scheme and the identifier by this message.
export { NATIONAL_ID_SCHEME, type PersonIdentifier } from './person-identifier';

export const ACMT023_NAMESPACE = 'urn:iso:std:iso:20022:tech:xsd:acmt.023.001.03';
export const ACMT023_NAME = 'acmt.023.001.03';
const TYPE = 'acmt.023';

/** Who asks or answers (Party40Choice): a party by name, or an agent by its clearing-system member id. */
export type Participant = { party: string } | { agent: string };

export interface IdentificationVerification {
  /** Vrfctn/Id: the requester's reference, reported back as OrgnlId. */
  id: string;
  party: { name?: string; identifier: PersonIdentifier };
  /** Acct/Id/Othr/Id. */
  account: string;
  /** Agt/FinInstnId/ClrSysMmbId/MmbId: the account's bank; absent = the assignee. */
  agent?: string;
}

export interface Acmt023 {
  messageId: string;
  createdAt: string;
  assigner: Participant;
  assignee: Participant;
  verifications: IdentificationVerification[];
}

const id35 = { max: 35 };
const name140 = { max: 140 };

const memberAgent = (memberId: string) => ({ FinInstnId: { ClrSysMmbId: { MmbId: memberId } } });

export const participantElement = (p: Participant) => ('party' in p ? { Pty: { Nm: p.party } } : { Agt: memberAgent(p.agent) });

export function buildAcmt023(m: Acmt023): string {
  return buildDocument(ACMT023_NAMESPACE, {
    IdVrfctnReq: {
      Assgnmt: {
        MsgId: m.messageId,
        CreDtTm: m.createdAt,
        Assgnr: participantElement(m.assigner),
        Assgne: participantElement(m.assignee),
      },
      Vrfctn: m.verifications.map((v) => ({
        Id: v.id,
        PtyAndAcctId: {
          Pty: { Nm: v.party.name, Id: privateIdElement(v.party.identifier) },
          Acct: { Id: { Othr: { Id: v.account } } },
          Agt: v.agent === undefined ? undefined : memberAgent(v.agent),
        },
      })),
    },
  });
}

/** Party40Choice: Pty/Nm, or Agt by ClrSysMmbId/MmbId (or BICFI, or Othr/Id). */
export function readParticipant(n: Node): Participant {
  const pty = n.opt('Pty');
  if (pty) return { party: pty.get('Nm', name140) };
  const fin = n.child('Agt').child('FinInstnId');
  const agent = fin.getOpt('ClrSysMmbId/MmbId', id35) ?? fin.getOpt('BICFI', id35) ?? fin.getOpt('Othr/Id', id35);
  return { agent: agent ?? fin.fail('missing element', `${fin.path}/ClrSysMmbId/MmbId`) };
}

/** Parses and validates; throws Iso20022Error naming the first missing or invalid element. */
export function parseAcmt023(xml: string): Acmt023 {
  const root = parseDocument(TYPE, xml, ACMT023_NAMESPACE).child('IdVrfctnReq');
  const assignment = root.child('Assgnmt');
  const verifications = root.children('Vrfctn');
  if (verifications.length === 0) root.fail('missing element', `${root.path}/Vrfctn`);
  return {
    messageId: assignment.get('MsgId', id35),
    createdAt: assignment.get('CreDtTm', { pattern: DATE_TIME, what: 'an ISO date-time' }),
    assigner: readParticipant(assignment.child('Assgnr')),
    assignee: readParticipant(assignment.child('Assgne')),
    verifications: verifications.map(verification),
  };
}

function verification(v: Node): IdentificationVerification {
  const ids = v.child('PtyAndAcctId');
  const party = ids.child('Pty');
  const name = party.getOpt('Nm', name140);
  const agent = ids.opt('Agt')?.get('FinInstnId/ClrSysMmbId/MmbId', id35);
  return {
    id: v.get('Id', id35),
    party: { ...(name === undefined ? {} : { name }), identifier: readPrivateId(party.child('Id')) },
    account: ids.get('Acct/Id/Othr/Id', { max: 34 }),
    ...(agent === undefined ? {} : { agent }),
  };
}
