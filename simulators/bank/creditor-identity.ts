// A pain.001 credit transfer may name its creditor (Cdtr/Id/PrvtId/Othr: the national ID under its scheme);
// when it does, the bank checks it against the account's holder (identification.ts) and the item is
// rejected at acceptance with the reason (receive.ts). Items without it are untouched.
//
// Read here from the document rather than by lib/iso20022/pain001.ts, which does not carry Cdtr/Id yet:
// only a message that has a PrvtId at all is read a second time, so today's messages cost nothing more.
import type { PersonIdentifier } from '../../lib/iso20022/acmt023';
import { readPrivateId } from '../../lib/iso20022/acmt023';
import { PAIN001_NAMESPACE } from '../../lib/iso20022/pain001';
import { parseDocument } from '../../lib/iso20022/xml';
import type { AccountHolderBook } from './holders';
import { checkAccount, paymentRejection } from './identification';
import type { CreditTransferRequest } from './messages';

const HAS_PRIVATE_ID = /<(?:[\w.-]+:)?PrvtId[\s/>]/;

/** Cdtr/Id/PrvtId/Othr per CdtTrfTxInf, in the message's order (undefined where absent); throws Iso20022Error. */
export function readCreditorIdentities(xml: string): Array<PersonIdentifier | undefined> {
  if (!HAS_PRIVATE_ID.test(xml)) return [];
  const pmt = parseDocument('pain.001', xml, PAIN001_NAMESPACE).child('CstmrCdtTrfInitn').child('PmtInf');
  return pmt.children('CdtTrfTxInf').map((tx) => {
    const id = tx.opt('Cdtr')?.opt('Id');
    return id && readPrivateId(id);
  });
}

/**
 * The request with each named creditor's identity and, where the bank refuses it, the reason. The holders
 * are loaded only when some item names its creditor.
 */
export async function checkCreditors(
  request: CreditTransferRequest,
  identities: Array<PersonIdentifier | undefined>,
  book: AccountHolderBook,
): Promise<CreditTransferRequest> {
  if (!identities.some(Boolean)) return request;
  const holders = await book.get();
  const items = request.items.map((item, i) => {
    const identifier = identities[i];
    if (!identifier) return item;
    const check = checkAccount(holders, { agent: item.creditor.bankCode, account: item.creditor.accountNumber, identifier });
    const reason = paymentRejection(check);
    return { ...item, creditorIdentity: identifier, ...(reason ? { identityRejection: reason } : {}) };
  });
  return { ...request, items };
}
