// ApplicationReviewWorkflow: one case waiting for a person, a probable duplicate (started by its decision
// batch) or an appeal (started by signal-with-start when the applicant appeals). It waits for the
// reviewer's decision, carries it out and tells the applicant. A rejection's appeal window is a date on
// the application, not a timer here: nothing waits for a window to close.
// Input and result carry the application's ID and reason codes only: no personal data in Temporal.
import { condition, proxyLocalActivities, setHandler } from '@temporalio/workflow';
import type { Activities } from '../activities';
import type { EnrollmentOutcome } from '../activities/application';
import type { ReviewKind } from '../activities/review';
import type { ReasonCode } from '../domain/reason-codes';
import { localDatabaseStep } from './activity-options';
import { appealFiledSignal, reviewDecidedSignal } from './definitions';
import { HUMAN_WAIT_RECHECK_MS } from './settings';

const { reviewOutcome, enrollBeneficiary, rejectApplication, finalizeRejection, notifyApplicant } =
  proxyLocalActivities<Activities>(localDatabaseStep);

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

  if (input.kind === 'APPEAL') await notifyApplicant(id, { kind: 'APPEAL_RECEIVED' });
  let decision: 'ENROLL' | 'REJECT' | null;
  while (!(decision = await reviewOutcome(id, input.kind))) {
    await condition(() => news, input.recheckMs ?? HUMAN_WAIT_RECHECK_MS);
    news = false;
  }

  const enrolment: EnrollmentOutcome =
    decision === 'ENROLL'
      ? await enrollBeneficiary(id)
      : { status: 'REJECTED', reasonCodes: [input.kind === 'APPEAL' ? 'APPEAL_REJECTED' : 'REVIEW_REJECTED'] };
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
