// What a reviewer sends to dispute an application's identity, and to propose how a dispute ends.
import { z } from 'zod';

export const IdentityDisputeInput = z
  .object({
    /** The reviewer's own words (who called, what was checked): kept on the dispute, never in the audit trail. */
    reason: z.string().trim().min(10, 'say why, in at least 10 characters').max(1000, 'at most 1,000 characters'),
  })
  .strict();

/** LIFT: the applicant is who they said, payments resume. UPHOLD: the ID was someone else's, the household stays suspended. */
export const DISPUTE_OUTCOMES = ['LIFT', 'UPHOLD'] as const;
export type DisputeOutcome = (typeof DISPUTE_OUTCOMES)[number];

export const DisputeProposalInput = z
  .object({ outcome: z.enum(DISPUTE_OUTCOMES, { error: 'LIFT (payments resume) or UPHOLD (the household stays suspended)' }) })
  .strict();
