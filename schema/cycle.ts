// Inputs of payment cycles: approval (the approver restates the control totals they reviewed, which
// become the envelope) and re-issues of failed payments (maker-checker like any cycle).
import { z } from 'zod';
import { decimalAmount } from './fields';

export const CycleApprovalInput = z
  .object({
    approvedCount: z.number().int().min(0),
    approvedAmount: z.string().regex(decimalAmount, 'a decimal amount such as 600.00'),
  })
  .strict();
export type CycleApprovalInput = z.infer<typeof CycleApprovalInput>;

const e164 = z.string().regex(/^\+[1-9]\d{7,14}$/, 'a phone number in E.164 form, e.g. +5511987654321');

/** Where to pay this time: a corrected bank account, a mobile wallet (the other rail), or (absent) the household's current account. */
export const CorrectedAccount = z.discriminatedUnion('rail', [
  z
    .object({
      rail: z.literal('BANK'),
      bankCode: z.string().regex(/^\d{3,8}$/, '3 to 8 digits'),
      accountNumber: z.string().regex(/^\d{4,20}$/, '4 to 20 digits'),
    })
    .strict(),
  z.object({ rail: z.literal('WALLET'), msisdn: e164 }).strict(),
]);

export const ReissueInput = z
  .object({
    items: z
      .array(z.object({ instructionId: z.uuid('an instruction ID'), account: CorrectedAccount.optional() }).strict())
      .min(1, 'choose at least one failed payment')
      .max(50_000),
  })
  .strict();
export type ReissueInput = z.infer<typeof ReissueInput>;
