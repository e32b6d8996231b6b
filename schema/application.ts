// An application as submitted by the applicant (web form or JSON API). The national ID's
// check digits depend on the program's country, so the schema is built per country.
import { z } from 'zod';
import { validateNationalId, type Country } from '../domain/national-id';
import { decimalAmount } from './fields';

/** Application numbers: the country, a dash and 8 characters of Crockford base32 (web/services/intake.ts). */
export const APPLICATION_NUMBER = /^[A-Z]{2}-[0-9A-HJKMNP-TV-Z]{8}$/;

/** A person's date of birth: a real date, from 1900 (no applicant is older), not in the future. */
const birthDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'a date as YYYY-MM-DD')
  .refine((s) => {
    const d = new Date(`${s}T00:00:00Z`);
    return !Number.isNaN(d.getTime()) && d.toISOString().startsWith(s) && s >= '1900-01-01' && d.getTime() <= Date.now();
  }, 'a real date from 1900-01-01, not in the future');

/** Asking for an application's status: its number and the applicant's date of birth, proof of owning it. */
export const StatusLookupInput = z
  .object({
    applicationNumber: z.string().regex(APPLICATION_NUMBER, 'the application number, e.g. BR-7K2M9QXA'),
    dateOfBirth: birthDate,
  })
  .strict();

/** Confirming an application's phone: the code sent to it by SMS, typed back (web/services/phone-verification.ts). */
export const PhoneVerificationInput = z
  .object({
    applicationNumber: z.string().trim().toUpperCase().regex(APPLICATION_NUMBER, 'the application number, e.g. BR-7K2M9QXA'),
    code: z
      .string()
      .trim()
      .regex(/^\d{6}$/, 'the 6 digits of the code sent by SMS'),
  })
  .strict();

/** Asking for a new code to confirm an application's phone. */
export const PhoneCodeResendInput = PhoneVerificationInput.pick({ applicationNumber: true }).strict();

const e164 = z.string().regex(/^\+[1-9]\d{7,14}$/, 'a phone number in E.164 form, e.g. +5511987654321');

/** Where a household is paid: a bank account or a mobile wallet. */
export const PaymentMethod = z.discriminatedUnion('rail', [
  z
    .object({
      rail: z.literal('BANK'),
      bankCode: z.string().regex(/^\d{3,8}$/, '3 to 8 digits'),
      accountNumber: z.string().regex(/^\d{4,20}$/, '4 to 20 digits'),
    })
    .strict(),
  z.object({ rail: z.literal('WALLET'), msisdn: e164 }).strict(),
]);

const byCountry = new Map<Country, ReturnType<typeof buildSchema>>();

/** The schema for a program's country (built once: zod schemas are costly to construct per request). */
export function applicationInput(country: Country) {
  let schema = byCountry.get(country);
  if (!schema) byCountry.set(country, (schema = buildSchema(country)));
  return schema;
}

function buildSchema(country: Country) {
  return z
    .object({
      nationalId: z
        .string()
        .trim()
        .min(1, 'required')
        .transform((raw, ctx) => {
          const result = validateNationalId(country, raw);
          if (!result.ok) {
            ctx.addIssue({
              code: 'custom',
              message: result.reason === 'format' ? 'not a national ID number' : 'check digits do not match',
            });
            return z.NEVER;
          }
          return result.value;
        }),
      fullName: z.string().trim().min(3, 'at least 3 characters').max(200),
      dateOfBirth: birthDate,
      phone: e164,
      municipality: z.string().trim().min(2).max(100),
      householdSize: z.number().int().min(1).max(30),
      dependantsUnder18: z.number().int().min(0).max(29),
      declaredMonthlyIncome: z.string().regex(decimalAmount, 'a decimal amount such as 850.00'),
      payment: PaymentMethod,
      consent: z.literal(true, 'consent to the privacy notice is required'),
      /** The applicant's language for messages (es default; the web form sets it). */
      language: z.enum(['es', 'pt', 'en']).default('es'),
    })
    .strict()
    .refine((a) => a.dependantsUnder18 < a.householdSize, {
      path: ['dependantsUnder18'],
      message: 'must be fewer than the household size',
    });
}

export type ApplicationInput = z.infer<ReturnType<typeof applicationInput>>;

/** Asking for a code to give another account (the first step): the application, proven by the birth date. */
export const AccountCodeInput = StatusLookupInput;

/** Another account, for one its rail did not confirm: proven by the birth date and the code sent by SMS. */
export const AccountReplacementInput = z
  .object({
    applicationNumber: z.string().trim().toUpperCase().regex(APPLICATION_NUMBER, 'the application number, e.g. BR-7K2M9QXA'),
    dateOfBirth: birthDate,
    code: z
      .string()
      .trim()
      .regex(/^\d{6}$/, 'the 6 digits of the code sent by SMS'),
    payment: PaymentMethod,
  })
  .strict();
