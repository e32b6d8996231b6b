// How the bank judges "this person holds this account": once, for both questions it is asked, the
// verification before enrolment (acmt.023 → acmt.024) and a payment that names its creditor (pain.001
// Cdtr/Id → pain.002). The national ID decides; the name is only a second signal, reported where the
// verification report allows it and never a reason to refuse a payment. Nothing of the real holder (name,
// ID) is ever reported: only codes.
import { nameSimilarity, namesMatch } from '../../domain/name-match';
import type { Acmt023 } from '../../lib/iso20022/acmt023';
import { NATIONAL_ID_SCHEME, type PersonIdentifier } from '../../lib/iso20022/person-identifier';
import { VERIFICATION_REASONS, type VerificationReport } from '../../lib/iso20022/acmt024';
import { HOLDER_BANK_CODE } from '../shared/account-holders';
import type { HolderMap } from './holders';

/** What is claimed: this person (identifier, perhaps a name) holds this account (at this bank, if given). */
export interface IdentityClaim {
  agent?: string;
  account: string;
  identifier: PersonIdentifier;
  name?: string;
}

export type NameSignal = 'same' | 'close' | 'different' | 'absent';

export type AccountCheck =
  | { kind: 'otherBank' }
  | { kind: 'unknown' }
  | { kind: 'identifierMismatch' }
  | { kind: 'closed' }
  | { kind: 'dormant' }
  | { kind: 'holder'; name: NameSignal };

/** Digits and the separators national IDs are written with (123.456.789-09, 20-12345678-3). */
const WRITTEN_ID = /^[\d.\-/ ]+$/;
const digits = (s: string) => s.replace(/\D/g, '');

/** The holder is known by national ID only: another scheme, or other digits, is not the holder. */
function isHolder(identifier: PersonIdentifier, holderNationalId: string): boolean {
  if (identifier.scheme !== NATIONAL_ID_SCHEME || !WRITTEN_ID.test(identifier.id)) return false;
  const claimed = digits(identifier.id);
  return claimed !== '' && claimed === digits(holderNationalId);
}

function nameSignal(claimed: string | undefined, holder: string): NameSignal {
  if (claimed === undefined) return 'absent';
  if (nameSimilarity(claimed, holder) === 1) return 'same'; // the same tokens, however written
  return namesMatch(claimed, holder) ? 'close' : 'different';
}

/**
 * The bank's answer about one claim. The identifier is checked before the account's state, so that
 * someone who is not the holder learns only that (not whether a stranger's account is closed).
 */
export function checkAccount(holders: HolderMap, claim: IdentityClaim): AccountCheck {
  if (claim.agent !== undefined && claim.agent !== HOLDER_BANK_CODE) return { kind: 'otherBank' };
  const holder = holders.get(claim.account);
  if (!holder) return { kind: 'unknown' };
  if (!isHolder(claim.identifier, holder.nationalId)) return { kind: 'identifierMismatch' };
  if (holder.state === 'CLOSED') return { kind: 'closed' };
  if (holder.state === 'DORMANT') return { kind: 'dormant' };
  return { kind: 'holder', name: nameSignal(claim.name, holder.name) };
}

/** acmt.024's Vrfctn and Rsn/Cd (ExternalVerificationReason1Code; the codes and their source in lib/iso20022/acmt024.ts). */
export function verificationResult(check: AccountCheck): Omit<VerificationReport, 'originalId'> {
  const R = VERIFICATION_REASONS;
  switch (check.kind) {
    case 'otherBank':
      return { verified: false, reason: R.incorrectAgent };
    case 'unknown':
      return { verified: false, reason: R.incorrectAccount };
    case 'identifierMismatch':
      return { verified: false, reason: R.identifierMismatch };
    case 'closed':
    case 'dormant':
      return { verified: false, reason: R.accountNotOpen };
    case 'holder':
      // The identifier matched, so the identification is correct; a differing name is reported as the
      // part of it that is not (Rsn: "why the verified identification information is incorrect").
      if (check.name === 'close') return { verified: true, reason: R.nameCloseMatch };
      if (check.name === 'different') return { verified: true, reason: R.nameMismatch };
      return { verified: true };
  }
}

/**
 * ExternalStatusReason1Code a payment to this creditor is rejected with, or null to process it as any other.
 * From ISO 20022's ExternalStatusReason1Code list (as published e.g. in
 * TransactionAuthorizationProtocol/iso20022-external-code-sets code_sets/external_status_reason_code.json):
 * - AC01 IncorrectAccountNumber "Account number is invalid or missing."
 * - AC04 ClosedAccountNumber "Account number specified has been closed on the bank of account's books."
 * - AC06 BlockedAccount "Account specified is blocked, prohibiting posting of transactions against it."
 * - BE01 InconsistenWithEndCustomer "Identification of end customer is not consistent with associated
 *   account number. (formerly CreditorConsistency)."
 * An account at another bank is not this bank's to judge; a differing name alone never refuses a payment.
 */
export function paymentRejection(check: AccountCheck): string | null {
  switch (check.kind) {
    case 'unknown':
      return 'AC01';
    case 'identifierMismatch':
      return 'BE01';
    case 'closed':
      return 'AC04';
    case 'dormant':
      return 'AC06';
    case 'otherBank':
    case 'holder':
      return null;
  }
}

/** Verifications the bank answers in one message (each is a lookup; more is a batch job, not a request). */
export const MAX_VERIFICATIONS = 5000;

/** The request's problems the bank refuses it for (field → problem), or null: too many, or a repeated Vrfctn/Id. */
export function requestProblems(request: Acmt023): Record<string, string> | null {
  const where = 'Document/IdVrfctnReq/Vrfctn';
  if (request.verifications.length > MAX_VERIFICATIONS) return { [where]: `more than ${MAX_VERIFICATIONS} verifications in one message` };
  const seen = new Set<string>();
  for (const [i, v] of request.verifications.entries()) {
    // The report is matched to its verification by OrgnlId alone, so an Id may appear once.
    if (seen.has(v.id)) return { [`${where}[${i + 1}]/Id`]: 'repeated within the message' };
    seen.add(v.id);
  }
  return null;
}

/** One report per verification, in the request's order. */
export function verifyAll(holders: HolderMap, request: Acmt023): VerificationReport[] {
  return request.verifications.map((v) => {
    const claim: IdentityClaim = {
      ...(v.agent === undefined ? {} : { agent: v.agent }),
      account: v.account,
      identifier: v.party.identifier,
      ...(v.party.name === undefined ? {} : { name: v.party.name }),
    };
    return { originalId: v.id, ...verificationResult(checkAccount(holders, claim)) };
  });
}
