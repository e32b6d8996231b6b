// The applicant's answer to an account its rail did not confirm (activities/account-checks.ts): another
// account, given with the application's number and date of birth and a one-time code sent to its phone
// (a leaked number and birth date must not be enough to redirect a household's money). The new account
// replaces the unconfirmed one (the household is not enrolled yet: nothing was paid to it), is audited,
// and its account review is signalled (signal-with-start), which asks the rail about it and enrols the
// household once the rail confirms it.
import { audit } from '../../lib/audit';
import { personalData } from '../../lib/personal-data';
import { accountKey, hashKeys, type AccountDetails } from '../../lib/pii';
import { accountGivenSignal } from '../../workflows/definitions';
import { findByNumberAndBirthDate } from './appeals';
import type { ServiceContext } from './context';
import { signalReview } from './review-signal';
import { checkCode, sendCode, type CodeCheck } from './one-time-codes';

type Ctx = Pick<ServiceContext, 'db' | 'temporal' | 'log' | 'config' | 'queues'>;

export type AccountReplacement =
  | { kind: 'given' }
  | { kind: 'not_found' }
  /** Its account is not waiting for another: confirmed, decided, or never refused by its rail. */
  | { kind: 'not_waiting' }
  | { kind: 'code_refused'; reason: Exclude<CodeCheck, 'ok'> };

/** An open account review: the only time an applicant may change the account (before enrolment). */
export async function waitsForAccount(ctx: Pick<Ctx, 'db'>, applicationId: string): Promise<boolean> {
  const task = await ctx.db.reviewTask.findUnique({
    where: { applicationId_kind: { applicationId, kind: 'ACCOUNT' } },
    select: { status: true },
  });
  return task?.status === 'OPEN';
}

async function waitingApplication(ctx: Ctx, applicationNumber: string, dateOfBirth: string) {
  const app = await findByNumberAndBirthDate(ctx, applicationNumber, dateOfBirth);
  if (!app) return { kind: 'not_found' as const };
  if (app.status !== 'NEEDS_REVIEW' || !(await waitsForAccount(ctx, app.id))) return { kind: 'not_waiting' as const };
  return { kind: 'waiting' as const, app };
}

/** The first step: a code to the application's phone. Returns the phone's last four digits. */
export async function requestAccountCode(
  ctx: Ctx,
  applicationNumber: string,
  dateOfBirth: string,
  /** The edge's limit on codes sent, counted only once a code would go (it throws to refuse). */
  beforeSending: () => Promise<void> = () => Promise.resolve(),
): Promise<AccountReplacement | { kind: 'code_sent'; phoneEnding: string }> {
  const found = await waitingApplication(ctx, applicationNumber, dateOfBirth);
  if (found.kind !== 'waiting') return found;
  await beforeSending();
  return { kind: 'code_sent', phoneEnding: await sendCode(ctx, found.app.id, 'ACCOUNT') };
}

/** The second step: the code and the new account. */
export async function giveAnotherAccount(
  ctx: Ctx,
  applicationNumber: string,
  dateOfBirth: string,
  code: string,
  account: AccountDetails,
): Promise<AccountReplacement> {
  const found = await waitingApplication(ctx, applicationNumber, dateOfBirth);
  if (found.kind !== 'waiting') return found;
  const { app } = found;
  const checked = await checkCode(ctx, app.id, 'ACCOUNT', code);
  if (checked !== 'ok') return { kind: 'code_refused', reason: checked };
  const pd = await personalData(ctx);
  const replaced = await ctx.db.$transaction(async (tx) => {
    // Only while its account review is open: a reviewer's decision that got here first wins.
    const [open] = await tx.$queryRaw<Array<{ id: string }>>`
      SELECT id FROM review_task WHERE application_id = ${app.id}::uuid AND kind = 'ACCOUNT' AND status = 'OPEN' FOR UPDATE`;
    if (!open) return false;
    await tx.paymentAccount.update({
      where: { applicationId: app.id },
      data: {
        rail: account.rail,
        bankCode: account.rail === 'BANK' ? account.bankCode : null,
        ...pd.sealAccount(account),
        accountKey: hashKeys(ctx.config).current(accountKey, account),
        // Not asked yet: the review asks the rail about this one.
        checkOutcome: null,
        checkReason: null,
        checkedAt: null,
      },
    });
    await audit(tx, {
      actor: 'applicant',
      action: 'application.account_given',
      entityType: 'application',
      entityId: app.id,
      details: { rail: account.rail },
    });
    return true;
  });
  if (!replaced) return { kind: 'not_waiting' };
  // The review re-checks on its own schedule (HUMAN_WAIT_RECHECK_MS): a lost signal only delays it.
  await signalReview(ctx, app.id, 'ACCOUNT', accountGivenSignal, 'account review not signalled; its periodic check will find the account');
  return { kind: 'given' };
}
