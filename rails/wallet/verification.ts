// The wallet provider's answer to "is this wallet this person's?": the GSMA account status and account
// holder name look-ups for each MSISDN, LOOKUPS_AT_ONCE at a time. A wallet knows no national ID, so the
// holder's name decides, compared with the tolerance the registry check uses (accents, order, typos).
import { ApplicationFailure } from '@temporalio/activity';
import { nameSimilarity, NAME_MATCH_THRESHOLD } from '../../domain/name-match';
import { requestJson } from '../../lib/http-client';
import type { AccountCheck, AccountCheckResult } from '../rail';

const LOOKUPS_AT_ONCE = 16;

interface AccountStatus {
  accountStatus?: string;
  subStatus?: string;
}
interface AccountName {
  name?: { fullName?: string };
}

/** A 4xx (5xx are retried by the HTTP layer): asking again cannot succeed. */
const refused = (status: number, what: string) =>
  ApplicationFailure.nonRetryable(`wallet answered HTTP ${status} to ${what}`, 'WalletRefusedRequest');

/** One wallet: its status first (a closed wallet's name does not matter), then its holder's name. */
async function checkWallet(baseUrl: string, c: AccountCheck, timeoutMs: number): Promise<AccountCheckResult> {
  if (c.account.rail !== 'WALLET') throw new Error('not a wallet');
  // The MSISDN is personal data: errors name the look-up, never the path.
  const path = `${baseUrl}/accounts/msisdn/${encodeURIComponent(c.account.msisdn)}`;
  const status = await requestJson<AccountStatus>(`${path}/status`, { timeoutMs, label: 'wallet account status' });
  if (status.status === 404) return { ref: c.ref, outcome: 'UNKNOWN_ACCOUNT' };
  if (status.status !== 200) throw refused(status.status, 'an account status look-up');
  if (status.body.accountStatus !== 'available') {
    return { ref: c.ref, outcome: 'NOT_OPEN', ...(status.body.subStatus ? { railReason: status.body.subStatus } : {}) };
  }
  const name = await requestJson<AccountName>(`${path}/accountname`, { timeoutMs, label: 'wallet account name' });
  if (name.status === 404) return { ref: c.ref, outcome: 'UNKNOWN_ACCOUNT' };
  if (name.status !== 200) throw refused(name.status, 'an account name look-up');
  const holder = name.body.name?.fullName ?? '';
  return { ref: c.ref, outcome: nameSimilarity(holder, c.holder.name) >= NAME_MATCH_THRESHOLD ? 'VERIFIED' : 'HOLDER_MISMATCH' };
}

export async function verifyWallets(baseUrl: string, checks: AccountCheck[], timeoutMs: number): Promise<AccountCheckResult[]> {
  const results: AccountCheckResult[] = new Array<AccountCheckResult>(checks.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(LOOKUPS_AT_ONCE, checks.length) }, async () => {
      while (next < checks.length) {
        const i = next++;
        results[i] = await checkWallet(baseUrl, checks[i]!, timeoutMs);
      }
    }),
  );
  return results;
}
