// The wallet provider's batch notification (GSMA callback: the batch object, PUT to X-Callback-URL).
// Only the X-CorrelationID header is used, to find our batch; the counts are kept for the record, not
// trusted: the rail pulls the provider's completions and rejections itself.
import { z } from 'zod';

export const WalletCallbackInput = z.object({
  /** Headers, under their HTTP names so a 400 names them as the provider knows them. */
  'X-Event-Id': z.string().min(1).max(100),
  'X-CorrelationID': z.string().min(1).max(64),
  batchId: z.string().min(1).max(100),
  batchStatus: z.string().min(1).max(32),
  completedCount: z.number().int().min(0).optional(),
  rejectionCount: z.number().int().min(0).optional(),
});
export type WalletCallbackInput = z.infer<typeof WalletCallbackInput>;

/** Headers and body as one input to validate (Node lower-cases header names). */
export function walletCallbackInput(headers: Record<string, unknown>, body: unknown): Record<string, unknown> {
  return {
    ...(body && typeof body === 'object' && !Array.isArray(body) ? body : {}),
    'X-Event-Id': headers['x-event-id'],
    'X-CorrelationID': headers['x-correlationid'],
  };
}
