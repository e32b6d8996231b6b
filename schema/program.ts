// A program as created by an administrator.
import { z } from 'zod';
import { RuleSetSchema } from '../domain/eligibility';
import { ScheduleSchema } from '../domain/schedule';
import { CURRENCY_MINOR_UNITS } from '../domain/money';
import { decimalAmount } from './fields';

/** Ten years: the longest a program may keep personal data it no longer needs. */
const RETENTION_DAYS_MAX = 3650;

/** Program codes: upper-case letters, digits and dashes, as they appear in the applicant's link. */
export const PROGRAM_CODE = /^[A-Z0-9][A-Z0-9-]{1,39}$/;

export const ProgramInput = z
  .object({
    code: z.string().regex(PROGRAM_CODE, 'upper-case letters, digits and dashes'),
    name: z.string().trim().min(3).max(200),
    country: z.enum(['BR', 'AR']),
    currency: z.string().refine((c) => c in CURRENCY_MINOR_UNITS, 'a supported ISO 4217 currency'),
    baseAmount: z
      .string()
      .regex(decimalAmount, 'a decimal amount such as 600.00')
      .refine((a) => /[1-9]/.test(a), 'greater than zero'),
    amountPerDependant: z.string().regex(decimalAmount, 'a decimal amount such as 150.00').default('0'),
    capPerHousehold: z.string().regex(decimalAmount, 'a decimal amount such as 1200.00').optional(),
    budgetPerCycle: z.string().regex(decimalAmount, 'a decimal amount such as 1000000.00').optional(),
    batchSize: z.number().int().min(1).max(5000).default(500),
    /** Staggered payment by the last digit of the national ID; absent: everyone when the cycle is launched. */
    schedule: ScheduleSchema.optional(),
    appealWindowDays: z.number().int().min(1).max(365).default(30),
    maxApplicationsPerPhone: z.number().int().min(1).max(100).default(3),
    /** Retention (domain/retention.ts): days a rejected application's personal fields are kept once its appeal window closed. */
    rejectedRetentionDays: z.number().int().min(0).max(RETENTION_DAYS_MAX).default(90),
    /** Days an enrolled household's personal fields are kept once it left the program. */
    leftRetentionDays: z.number().int().min(0).max(RETENTION_DAYS_MAX).default(365),
    /** Calling codes (E.164, no +) of the phones and wallets accepted; absent: the country's own. */
    phoneCallingCodes: z
      .array(z.string().regex(/^[1-9]\d{0,2}$/, 'a country calling code of 1 to 3 digits, without +'))
      .min(1)
      .max(20)
      .optional(),
    fundingAccount: z.string().regex(/^[A-Z0-9-]{4,34}$/, 'upper-case letters, digits and dashes'),
    rules: RuleSetSchema,
  })
  .strict();

export type ProgramInput = z.infer<typeof ProgramInput>;
