// An administrator's erasure of a person's data on request: the reason is a code from a short list, never
// free text, so the audit trail that records it holds no personal data.
import { z } from 'zod';
import { ERASURE_REQUEST_REASONS } from '../domain/retention';

export const ErasureRequestInput = z
  .object({ reason: z.enum(ERASURE_REQUEST_REASONS, { error: ERASURE_REQUEST_REASONS.join(', ') }) })
  .strict();
export type ErasureRequest = z.infer<typeof ErasureRequestInput>;
