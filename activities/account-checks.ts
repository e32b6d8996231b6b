// Each account an applicant gives is checked with its rail before the household is enrolled: is it open,
// and is it held by this person (the national ID decides, the name is a second signal)? The rail's answer
// is kept on the account (payment_account.check_outcome), so a decision reads it and a retried activity
// does not ask again. Rails are asked in bulk: one call per rail for a whole decision batch.
import type { Config } from '../lib/config';
import type { Db } from '../lib/db';
import { personalData, type PersonalData } from '../lib/personal-data';
import { evaluateEligibility } from '../domain/eligibility';
import { accountCheckReason, type AccountCheckOutcome } from '../domain/account-check';
import type { ReasonCode } from '../domain/reason-codes';
import type { RegistryFacts } from './application';
import type { AccountCheck, AccountVerifier, RailAccount, RailId } from '../rails/rail';
import { latestRuleSets } from './rule-sets';

export interface AccountCheckAnswer {
  outcome: AccountCheckOutcome;
  asked: boolean;
  reasonCodes: ReasonCode[];
  account: string;
}

/** An account and its applicant as stored: the personal columns sealed. */
interface StoredAccount {
  account_id: string;
  program_id: string;
  national_id: string;
  full_name: string;
  registry_facts: string | null;
  rail: RailId;
  bank_code: string | null;
  account_number: string | null;
  msisdn: string | null;
}

/** Opened for the rail, which is asked whether this person holds this account. */
interface AccountToCheck {
  account_id: string;
  program_id: string;
  holder: { nationalId: string; name: string };
  registry_facts: RegistryFacts | null;
  rail: RailId;
  account: RailAccount;
}

const opened = (pd: PersonalData, a: StoredAccount): AccountToCheck => ({
  account_id: a.account_id,
  program_id: a.program_id,
  holder: { nationalId: pd.open('application.national_id', a.national_id), name: pd.open('application.full_name', a.full_name) },
  registry_facts: a.registry_facts === null ? null : pd.openJson<RegistryFacts>('application.registry_facts', a.registry_facts),
  rail: a.rail,
  account: pd.openAccount({ rail: a.rail, bankCode: a.bank_code, accountNumber: a.account_number, msisdn: a.msisdn }),
});

export function createAccountCheckActivities(deps: {
  db: Db;
  config: Pick<Config, 'PII_MASTER_KEYS'>;
  verifiers: Record<RailId, AccountVerifier>;
  today: () => string;
}) {
  const { db } = deps;

  /**
   * Asks each rail about its accounts (one call per rail, the rails at the same time: a batch waits for the
   * slower one, not for both in turn) and keeps every answer on its account.
   */
  async function check(accounts: AccountToCheck[]): Promise<Map<string, AccountCheckOutcome>> {
    const byRail = new Map<RailId, AccountToCheck[]>();
    for (const a of accounts) {
      const group = byRail.get(a.rail);
      if (group) group.push(a);
      else byRail.set(a.rail, [a]);
    }
    const answers = await Promise.all(
      [...byRail].map(([rail, group]) =>
        deps.verifiers[rail].verifyAccounts(group.map((a): AccountCheck => ({ ref: a.account_id, account: a.account, holder: a.holder }))),
      ),
    );
    const results = answers.flat();
    const rows = results.map((r) => ({ id: r.ref, outcome: r.outcome, reason: r.railReason ?? null }));
    await db.$executeRaw`
      UPDATE payment_account pa SET check_outcome = v.outcome::"AccountCheckOutcome", check_reason = v.reason, checked_at = now() AT TIME ZONE 'UTC'
      FROM jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) AS v(id uuid, outcome text, reason text)
      WHERE pa.id = v.id`;
    return new Map(results.map((r) => [r.ref, r.outcome]));
  }

  return {
    /**
     * Checks the accounts of a decision batch's applications that passed the registry check and the rules
     * (the others are refused whatever their account), and not yet checked.
     */
    async checkBatchAccounts(batchId: string): Promise<{ checked: number; notConfirmed: number }> {
      const stored = await db.$queryRaw<StoredAccount[]>`
        SELECT pa.id AS account_id, a.program_id, a.national_id, a.full_name, a.registry_facts,
          pa.rail::text AS rail, pa.bank_code, pa.account_number, pa.msisdn
        FROM application a JOIN payment_account pa ON pa.application_id = a.id
        WHERE a.decision_batch_id = ${batchId}::uuid AND a.status = 'VERIFYING' AND a.assessment IS NULL
          AND a.registry_facts IS NOT NULL AND pa.check_outcome IS NULL`;
      if (stored.length === 0) return { checked: 0, notConfirmed: 0 };
      const pd = await personalData(deps);
      const candidates = stored.map((a) => opened(pd, a));
      const sets = await latestRuleSets(db, [...new Set(candidates.map((a) => a.program_id))]);
      const eligible = candidates.filter((a) => {
        const set = sets.get(a.program_id);
        return set !== undefined && evaluateEligibility(set.rules, a.registry_facts!, deps.today()).eligible;
      });
      const outcomes = await check(eligible);
      return { checked: outcomes.size, notConfirmed: [...outcomes.values()].filter((o) => o !== 'VERIFIED').length };
    },

    /**
     * Checks an application's account if its rail has not been asked yet (the applicant gave another).
     * `asked`: the rail was asked now, so an answer other than VERIFIED is news for the applicant; `account`
     * names the account in that message's key (each account given is told once).
     */
    async checkApplicationAccount(applicationId: string): Promise<AccountCheckAnswer> {
      const [account] = await db.$queryRaw<Array<StoredAccount & { check_outcome: AccountCheckOutcome | null; account_key: string }>>`
        SELECT pa.id AS account_id, a.program_id, a.national_id, a.full_name, a.registry_facts,
          pa.rail::text AS rail, pa.bank_code, pa.account_number, pa.msisdn, pa.check_outcome::text AS check_outcome, pa.account_key
        FROM application a JOIN payment_account pa ON pa.application_id = a.id WHERE a.id = ${applicationId}::uuid`;
      if (!account) throw new Error(`application ${applicationId} has no account`);
      const asked = account.check_outcome === null;
      const outcome = account.check_outcome ?? (await check([opened(await personalData(deps), account)])).get(account.account_id)!;
      const reason = accountCheckReason(outcome);
      return { outcome, asked, reasonCodes: reason ? [reason] : [], account: account.account_key.slice(0, 16) };
    },
  };
}
