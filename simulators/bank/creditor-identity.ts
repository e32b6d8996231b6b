// A pain.001 credit transfer may name its creditor (Cdtr/Id/PrvtId/Othr: the national ID under its scheme,
// read by lib/iso20022/pain001.ts); when it does, the bank checks it against the account's holder
// (identification.ts) and the item is rejected at acceptance with the reason (receive.ts). Items without
// it are untouched.
import type { AccountHolderBook } from './holders';
import { checkAccount, paymentRejection } from './identification';
import type { CreditTransferRequest } from './messages';

/**
 * The request with, for each item whose creditor the bank refuses, the reason. The holders are loaded
 * only when some item names its creditor.
 */
export async function checkCreditors(request: CreditTransferRequest, book: AccountHolderBook): Promise<CreditTransferRequest> {
  if (!request.items.some((item) => item.creditorIdentity)) return request;
  const holders = await book.get();
  const items = request.items.map((item) => {
    const identifier = item.creditorIdentity;
    if (!identifier) return item;
    const check = checkAccount(holders, { agent: item.creditor.bankCode, account: item.creditor.accountNumber, identifier });
    const reason = paymentRejection(check);
    return reason ? { ...item, identityRejection: reason } : item;
  });
  return { ...request, items };
}
