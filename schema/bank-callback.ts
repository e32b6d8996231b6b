// The bank's status notification (it carries no payment data: the rail fetches the report itself).
import { z } from 'zod';

export const BankCallbackInput = z.object({
  eventId: z.string().min(1).max(100),
  messageId: z.string().min(1).max(35),
  status: z.string().min(2).max(8),
});
export type BankCallbackInput = z.infer<typeof BankCallbackInput>;
