// Cycle approval: the approver confirms the control totals they reviewed, and those become the envelope.
import { z } from 'zod';
import { decimalAmount } from './fields';

export const CycleApprovalInput = z
  .object({
    approvedCount: z.number().int().min(0),
    approvedAmount: z.string().regex(decimalAmount, 'a decimal amount such as 600.00'),
  })
  .strict();
export type CycleApprovalInput = z.infer<typeof CycleApprovalInput>;
