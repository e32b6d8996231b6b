// ApplicationReviewWorkflow: one case waiting for a person: a probable duplicate (started by its decision
// batch), an appeal (started by signal-with-start when the applicant appeals), or an account its rail did
// not confirm (started by its batch; the applicant may give another, which is checked with its rail and
// enrols the household once confirmed). It waits for the decision, carries it out and tells the applicant. A rejection's appeal window is a date on
// the application, not a timer here: nothing waits for a window to close.
// Input and result carry the application's ID and reason codes only: no personal data in Temporal.
import { condition, proxyActivities, proxyLocalActivities, setHandler } from '@temporalio/workflow';
import type { Activities } from '../activities';
import type { EnrollmentOutcome } from '../activities/application';
import type { ReviewKind } from '../activities/review';
import type { ReasonCode } from '../domain/reason-codes';
import { externalCall, localDatabaseStep } from './activity-options';
import { accountGivenSignal, appealFiledSignal, reviewDecidedSignal } from './definitions';
import { HUMAN_WAIT_RECHECK_MS } from './settings';

const { reviewOutcome, enrollBeneficiary, rejectApplication, finalizeRejection, notifyApplicant, accountReasonCodes } =
  proxyLocalActivities<Activities>(localDatabaseStep);
const { checkApplicationAccount } = proxyActivities<Activities>(externalCall);

export interface ApplicationReviewInput {
  applicationId: string;
  kind: ReviewKind;
  /** Test override; production re-reads the decision every HUMAN_WAIT_RECHECK_MS in case a signal was lost. */
  recheckMs?: number;
}

export async function ApplicationReviewWorkflow(input: ApplicationReviewInput): Promise<EnrollmentOutcome> {
  const id = input.applicationId;
  let news = false;
  setHandler(reviewDecidedSignal, () => void (news = true));
  // The appeal is what starts this workflow (signal-with-start); it is already recorded in review_task.
  setHandler(appealFiledSignal, () => undefined);
  setHandler(accountGivenSignal, () => void (news = true));

  if (input.kind === 'APPEAL') await notifyApplicant(id, { kind: 'APPEAL_RECEIVED' });
  let decision: 'ENROLL' | 'REJECT' | null;
  // An account case asks its rail about the account first: the one given, or another given since.
  const outcome = async () => {
    if (input.kind === 'ACCOUNT') {
      const checked = await checkApplicationAccount(id);
      // Another account the rail does not confirm either: the applicant is told, once per account.
      if (checked.asked && checked.outcome !== 'VERIFIED')
        await notifyApplicant(id, { kind: 'ACCOUNT_NOT_CONFIRMED', reasonCodes: checked.reasonCodes, account: checked.account });
    }
    return reviewOutcome(id, input.kind);
  };
  while (!(decision = await outcome())) {
    await condition(() => news, input.recheckMs ?? HUMAN_WAIT_RECHECK_MS);
    news = false;
  }

  const enrolment: EnrollmentOutcome =
    decision === 'ENROLL' ? await enrollBeneficiary(id) : { status: 'REJECTED', reasonCodes: await rejectionReasons(id, input.kind) };
  const kind = input.kind === 'APPEAL' ? 'APPEAL_DECIDED' : 'DECISION';
  if (enrolment.status === 'ENROLLED') {
    await notifyApplicant(id, { kind, status: 'ENROLLED' });
    return enrolment;
  }
  const reasonCodes: ReasonCode[] = enrolment.reasonCodes;
  if (input.kind === 'APPEAL') {
    // Upheld on appeal: final, no further appeal.
    await finalizeRejection(id, reasonCodes);
    await notifyApplicant(id, { kind: 'APPEAL_DECIDED', status: 'REJECTED', reasonCodes });
  } else {
    const { appealDeadline } = await rejectApplication(id, reasonCodes);
    await notifyApplicant(id, { kind: 'DECISION', status: 'REJECTED', reasonCodes, appealDeadline });
  }
  return enrolment;
}

/** Why a reviewer's rejection is told: the account's own reason for an account case. */
async function rejectionReasons(id: string, kind: ReviewKind): Promise<ReasonCode[]> {
  if (kind === 'ACCOUNT') return accountReasonCodes(id);
  return [kind === 'APPEAL' ? 'APPEAL_REJECTED' : 'REVIEW_REJECTED'];
}
