// ApplicationWorkflow: registry verification → eligibility rules → deduplication → enrolled, rejected,
// or a person's review; a rejection can be appealed within the program's window (a durable timer).
// Input and result carry the application's ID and reason codes only: no personal data in Temporal.
import { condition, proxyActivities, proxyLocalActivities, setHandler } from '@temporalio/workflow';
import type { Activities } from '../activities';
import type { ReviewKind } from '../activities/review';
import type { ReasonCode } from '../domain/reason-codes';
import { externalCall, localDatabaseStep } from './activity-options';
import { appealFiledSignal, reviewDecidedSignal } from './definitions';
import { HUMAN_WAIT_RECHECK_MS } from './settings';

const { verifyApplicant } = proxyActivities<Activities>(externalCall);
const {
  assessApplication,
  enrollBeneficiary,
  openReview,
  reviewOutcome,
  rejectApplication,
  isAppealed,
  closeAppealWindow,
  finalizeRejection,
  notifyApplicant,
} = proxyLocalActivities<Activities>(localDatabaseStep);

export interface ApplicationDecision {
  status: 'ENROLLED' | 'REJECTED';
  reasonCodes: ReasonCode[];
  appealed?: boolean;
}

export interface ApplicationInput {
  applicationId: string;
  /** Test overrides; production uses the program's appeal window and HUMAN_WAIT_RECHECK_MS. */
  appealWindowMs?: number;
  recheckMs?: number;
}

export async function ApplicationWorkflow(input: ApplicationInput): Promise<ApplicationDecision> {
  const id = input.applicationId;
  const recheckMs = input.recheckMs ?? HUMAN_WAIT_RECHECK_MS;
  let reviewNews = false;
  let appealNews = false;
  setHandler(reviewDecidedSignal, () => void (reviewNews = true));
  setHandler(appealFiledSignal, () => void (appealNews = true));

  /** Waits for a reviewer: woken by the signal, and re-reads the decision periodically in case it was lost. */
  async function reviewerDecides(kind: ReviewKind): Promise<'ENROLL' | 'REJECT'> {
    for (;;) {
      const decision = await reviewOutcome(id, kind);
      if (decision) return decision;
      await condition(() => reviewNews, recheckMs);
      reviewNews = false;
    }
  }

  async function decide(): Promise<Omit<ApplicationDecision, 'appealed'>> {
    const verification = await verifyApplicant(id);
    if (verification !== 'VERIFIED') return { status: 'REJECTED', reasonCodes: [verification] };
    const assessment = await assessApplication(id);
    if (assessment.outcome === 'REJECT') return { status: 'REJECTED', reasonCodes: assessment.reasonCodes };
    if (assessment.outcome === 'REVIEW') {
      await openReview(id);
      await notifyApplicant(id, { kind: 'DECISION', status: 'NEEDS_REVIEW' });
      if ((await reviewerDecides('DUPLICATE')) === 'REJECT') return { status: 'REJECTED', reasonCodes: ['REVIEW_REJECTED'] };
    }
    return enrollBeneficiary(id);
  }

  /** The appeal window: a durable timer up to the deadline, cut short by the applicant's appeal. */
  async function applicantAppeals(deadline: number): Promise<boolean> {
    while (Date.now() < deadline) {
      await condition(() => appealNews, Math.min(recheckMs, deadline - Date.now()));
      appealNews = false;
      if (await isAppealed(id)) return true;
    }
    return closeAppealWindow(id);
  }

  let decision = await decide();
  if (decision.status === 'ENROLLED') {
    await notifyApplicant(id, { kind: 'DECISION', status: 'ENROLLED' });
    return decision;
  }

  const { appealDeadline } = await rejectApplication(id, decision.reasonCodes, input.appealWindowMs);
  await notifyApplicant(id, { kind: 'DECISION', status: 'REJECTED', reasonCodes: decision.reasonCodes, appealDeadline });
  if (!(await applicantAppeals(Date.parse(appealDeadline)))) return decision;

  await notifyApplicant(id, { kind: 'APPEAL_RECEIVED' });
  decision =
    (await reviewerDecides('APPEAL')) === 'ENROLL' ? await enrollBeneficiary(id) : { status: 'REJECTED', reasonCodes: ['APPEAL_REJECTED'] };
  if (decision.status === 'ENROLLED') {
    await notifyApplicant(id, { kind: 'APPEAL_DECIDED', status: 'ENROLLED' });
  } else {
    await finalizeRejection(id, decision.reasonCodes);
    await notifyApplicant(id, { kind: 'APPEAL_DECIDED', status: 'REJECTED', reasonCodes: decision.reasonCodes });
  }
  return { ...decision, appealed: true };
}
