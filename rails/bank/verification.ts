// The bank's answer to "is this account held by this person?": ISO 20022 identification verification,
// acmt.023 out and acmt.024 back, up to VERIFICATIONS_PER_MESSAGE accounts a message. The national ID
// decides; the name is the bank's second signal (PN02 close: fine; PN01 different: for a person to see).
import { randomUUID } from 'node:crypto';
import { buildAcmt023, NATIONAL_ID_SCHEME } from '../../lib/iso20022/acmt023';
import { parseAcmt024, VERIFICATION_REASONS as R, type VerificationReport } from '../../lib/iso20022/acmt024';
import { requestXml } from '../../lib/http-client';
import type { AccountCheck, AccountCheckOutcome, AccountCheckResult } from '../rail';

const VERIFICATIONS_PER_MESSAGE = 1000;

/** acmt.024's verdict on one verification, as Amparo acts on it. */
export function verificationOutcome(report: VerificationReport): AccountCheckOutcome {
  if (report.verified) return report.reason === R.nameMismatch ? 'NAME_DIFFERS' : 'VERIFIED';
  switch (report.reason) {
    case R.incorrectAccount:
    case R.incorrectAgent:
      return 'UNKNOWN_ACCOUNT';
    case R.accountNotOpen:
      return 'NOT_OPEN';
    default:
      // PI01, or a code this client does not know: not shown to be the person's, so not paid without a look.
      return 'HOLDER_MISMATCH';
  }
}

/** `bank` is the bank's agent id (the assignee: the bank that services the accounts). */
export async function verifyBankAccounts(
  baseUrl: string,
  bank: string,
  checks: AccountCheck[],
  timeoutMs: number,
): Promise<AccountCheckResult[]> {
  const results: AccountCheckResult[] = [];
  for (let i = 0; i < checks.length; i += VERIFICATIONS_PER_MESSAGE) {
    const chunk = checks.slice(i, i + VERIFICATIONS_PER_MESSAGE);
    // Vrfctn/Id is Max35Text: the position in the message, mapped back to the caller's reference below.
    const xml = buildAcmt023({
      messageId: `AV${randomUUID().replace(/-/g, '').slice(0, 30)}`,
      createdAt: new Date().toISOString(),
      assigner: { party: 'AMPARO' },
      assignee: { agent: bank },
      verifications: chunk.map((c, n) => {
        if (c.account.rail !== 'BANK') throw new Error(`check ${n} is not of a bank account`);
        return {
          id: String(n),
          party: { name: c.holder.name, identifier: { id: c.holder.nationalId, scheme: NATIONAL_ID_SCHEME } },
          account: c.account.accountNumber,
          agent: c.account.bankCode,
        };
      }),
    });
    const res = await requestXml(`${baseUrl}/v1/acmt023`, { method: 'POST', body: xml, timeoutMs });
    if (res.status !== 200) throw new Error(`bank answered HTTP ${res.status} to an identification verification`);
    const reports = new Map(parseAcmt024(res.body).reports.map((r) => [r.originalId, r]));
    chunk.forEach((c, n) => {
      const report = reports.get(String(n));
      if (!report) throw new Error(`the bank's acmt.024 has no report for verification ${n}`);
      results.push({ ref: c.ref, outcome: verificationOutcome(report), ...(report.reason ? { railReason: report.reason } : {}) });
    });
  }
  return results;
}
