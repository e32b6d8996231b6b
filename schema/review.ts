// A reviewer's decision on a review task (a probable duplicate or an appeal).
import { z } from 'zod';

export const ReviewDecisionInput = z
  .object({
    decision: z.enum(['ENROLL', 'REJECT']),
    /** Why: kept in the audit trail and shown to later reviewers. */
    comment: z.string().trim().min(3, 'say why, in a few words').max(2000),
  })
  .strict();
export type ReviewDecisionInput = z.infer<typeof ReviewDecisionInput>;
