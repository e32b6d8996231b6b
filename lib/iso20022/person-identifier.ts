// A person's identifier as every ISO 20022 message that names a person writes it: the party's
// Id/PrvtId/Othr with the Id and its scheme (SchmeNm/Cd, ExternalPersonIdentification1Code). One place,
// so the acmt.023 verification and the pain.001 creditor carry a national ID the same way.
import type { Node } from './xml';

/** A person's identifier under a scheme (ExternalPersonIdentification1Code: NIDN national identity number, TXID, ...). */
export interface PersonIdentifier {
  id: string;
  scheme: string;
}

/**
 * The scheme Amparo identifies beneficiaries with: NIDN, national identity number, for both countries it
 * pays in (Brazil's CPF and Argentina's CUIL are each the number the state knows a person by).
 */
export const NATIONAL_ID_SCHEME = 'NIDN';

const SCHEME_CODE = { pattern: /^[A-Z0-9]{1,4}$/, what: 'a scheme code (up to 4 letters or digits)' };
const id35 = { max: 35 };

/** A party's Id as a builder value: PrvtId/Othr with the Id and SchmeNm/Cd. */
export const privateIdElement = (p: PersonIdentifier) => ({ PrvtId: { Othr: { Id: p.id, SchmeNm: { Cd: p.scheme } } } });

/** A party's Id/PrvtId/Othr (exactly one): its Id and SchmeNm/Cd. Throws Iso20022Error naming what is wrong. */
export function readPrivateId(partyId: Node): PersonIdentifier {
  const othr = partyId.child('PrvtId').child('Othr');
  return { id: othr.get('Id', id35), scheme: othr.get('SchmeNm/Cd', SCHEME_CODE) };
}
