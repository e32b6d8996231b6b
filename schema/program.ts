// A program as created by an administrator.
import { z } from 'zod';
import { RuleSetSchema } from '../domain/eligibility';
import { CURRENCY_MINOR_UNITS } from '../domain/money';
import { decimalAmount } from './fields';

export const ProgramInput = z
  .object({
    code: z.string().regex(/^[A-Z0-9][A-Z0-9-]{1,39}$/, 'upper-case letters, digits and dashes'),
    name: z.string().trim().min(3).max(200),
    country: z.enum(['BR', 'AR']),
    currency: z.string().refine((c) => c in CURRENCY_MINOR_UNITS, 'a supported ISO 4217 currency'),
    baseAmount: z.string().regex(decimalAmount, 'a decimal amount such as 600.00').refine((a) => /[1-9]/.test(a), 'greater than zero'),
    batchSize: z.number().int().min(1).max(5000).default(500),
    fundingAccount: z.string().regex(/^[A-Z0-9-]{4,34}$/, 'upper-case letters, digits and dashes'),
    rules: RuleSetSchema,
  })
  .strict();

export type ProgramInput = z.infer<typeof ProgramInput>;
