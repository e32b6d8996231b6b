// The bank and the wallet provider over real sockets, their account holders taken from a test's own
// registry population (simulators/shared/account-holders.ts): applicants of that population who give
// their own account are confirmed, and the population's dirty accounts are not.
import type { Population } from '../../simulators/registry/population';
import { AccountHolderBook } from '../../simulators/bank/holders';
import { accountHolders, bankAccountNumberOf } from '../../simulators/shared/account-holders';
import { WalletAccounts } from '../../simulators/wallet/wallet-accounts';
import { startBank } from './bank';
import { uid } from './util';
import { startWallet } from './wallet';

export interface AccountRails {
  /** BANK_SIM_URL and WALLET_SIM_URL for the activities' configuration. */
  urls: { BANK_SIM_URL: string; WALLET_SIM_URL: string };
  close(): Promise<void>;
}

/** `bankNameDiffers`: persons whose bank account the bank holds under another name (its second signal). */
export async function startAccountRails(population: Population, opts: { bankNameDiffers?: string[] } = {}): Promise<AccountRails> {
  const bankHolders = accountHolders(population, 'bank');
  for (const nationalId of opts.bankNameDiffers ?? []) {
    const account = bankAccountNumberOf(nationalId);
    bankHolders.set(account, { ...bankHolders.get(account)!, name: 'Joaquim Xavier Albuquerque Pereira' });
  }
  const bank = await startBank(uid('bank'), { holders: AccountHolderBook.of(bankHolders) });
  const wallet = await startWallet(uid('wallet'), { listen: true, accounts: new WalletAccounts(accountHolders(population, 'wallet')) });
  const bankUrl = await bank.app.listen({ host: '127.0.0.1', port: 0 });
  return {
    urls: { BANK_SIM_URL: bankUrl, WALLET_SIM_URL: wallet.url },
    async close() {
      await Promise.all([bank.close(), wallet.close()]);
    },
  };
}
