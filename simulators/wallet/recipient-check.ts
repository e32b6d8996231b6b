// A disbursement that names its recipient (GSMA recipientKyc with an identity document) is checked
// against the wallet's holder, as the account look-ups see the wallet (account-lookup.ts): a wallet the
// provider does not have, one held by someone else, a closed or a dormant one is not credited, and the
// transaction is rejected with the reason. The national registration number decides; the name is never a
// reason. Judged at receipt, where the holders are, and applied when the provider tries to credit
// (settle.ts), as the fault lists are. A transaction without recipientKyc is processed as before: older
// clients (and tests paying made-up numbers) name nobody.
import type { RecipientId, RejectionReason, WalletTransaction } from './messages';
import type { WalletAccounts } from './wallet-accounts';

/** GSMA ID Types: the only identity document this provider registers its customers by. */
const NATIONAL_REGISTRATION = 'nationalregistration';
/** Digits and the separators national IDs are written with (123.456.789-09, 20-12345678-3). */
const WRITTEN_ID = /^[\d.\-/ ]+$/;
const digits = (s: string) => s.replace(/\D/g, '');

function isHolder(id: RecipientId, holderNationalId: string): boolean {
  if (id.type !== NATIONAL_REGISTRATION || !WRITTEN_ID.test(id.number)) return false;
  const claimed = digits(id.number);
  return claimed !== '' && claimed === digits(holderNationalId);
}

/**
 * Why the provider will not credit this transaction's wallet, or null. The identity is checked before the
 * wallet's state, so that someone who is not the holder learns only that.
 */
export function recipientRejection(accounts: WalletAccounts, t: WalletTransaction): RejectionReason | null {
  if (!t.recipientId) return null;
  const holder = accounts.holder(t.msisdn);
  if (!holder) return 'unknownWallet';
  if (!isHolder(t.recipientId, holder.nationalId)) return 'recipientIdMismatch';
  if (holder.state === 'CLOSED') return 'accountClosed';
  return holder.state === 'DORMANT' ? 'accountDormant' : null;
}
