// ApplicationWorkflow: registry verification → eligibility rules → deduplication → enrolled or rejected.
// Input and result carry the application's ID and reason codes only: no personal data in Temporal.
import { proxyActivities } from '@temporalio/workflow';
import type { Activities } from '../activities';
import { databaseStep, externalCall } from './activity-options';

const { verifyApplicant } = proxyActivities<Activities>(externalCall);
const { checkEligibility, enrollBeneficiary, rejectApplication } = proxyActivities<Activities>(databaseStep);

export interface ApplicationDecision {
  status: 'ENROLLED' | 'REJECTED';
  reasonCodes: string[];
}

export async function ApplicationWorkflow(input: { applicationId: string }): Promise<ApplicationDecision> {
  const { applicationId } = input;
  const reject = async (reasonCodes: string[]): Promise<ApplicationDecision> => {
    await rejectApplication(applicationId, reasonCodes);
    return { status: 'REJECTED', reasonCodes };
  };

  const verification = await verifyApplicant(applicationId);
  if (verification !== 'VERIFIED') return reject([verification]);

  const eligibility = await checkEligibility(applicationId);
  if (!eligibility.eligible) return reject(eligibility.reasonCodes);

  const enrollment = await enrollBeneficiary(applicationId);
  if (enrollment !== 'ENROLLED') return reject([enrollment]);
  return { status: 'ENROLLED', reasonCodes: [] };
}
