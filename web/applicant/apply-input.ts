// The application form's strings → the intake API's shape, and the intake's field errors → messages in
// the applicant's language next to the right input. Validation itself stays in schema/application.ts
// (one intake path); here we only forgive how people type (dots in IDs, "850,00", local phone numbers).
import { validateNationalId, type Country } from '../../domain/national-id';
import { COUNTRY_CALLING_CODE } from '../../domain/phone';
import type { FieldErrors } from '../../schema/fields';
import { countryVars, type Language, type MessageKey, type Translate } from './i18n';
import { field } from '../http/form';

export const FORM_FIELDS = [
  'nationalId',
  'fullName',
  'dobDay',
  'dobMonth',
  'dobYear',
  'phone',
  'municipality',
  'householdSize',
  'dependantsUnder18',
  'declaredMonthlyIncome',
  'rail',
  'bankCode',
  'accountNumber',
  'msisdn',
  'consent',
  /** Hidden: this form's Idempotency-Key, so a resubmission of the same answers gets the first answer. */
  'submission',
] as const;
export type FormField = (typeof FORM_FIELDS)[number];
/** A form's submission token as the form renders it (random, base64url), and as intake takes an Idempotency-Key. */
export const SUBMISSION = /^[\w-]{16,64}$/;
export type FormValues = Record<FormField, string>;

/** Where an error is shown: one per question (the date's three inputs share one); 'number' is the
 * status lookup's; '_' is the whole form. */
export const ERROR_FIELDS = [
  'nationalId',
  'fullName',
  'dateOfBirth',
  'phone',
  'municipality',
  'householdSize',
  'dependantsUnder18',
  'declaredMonthlyIncome',
  'rail',
  'bankCode',
  'accountNumber',
  'msisdn',
  'consent',
  'number',
  'code',
  '_',
] as const;
export type ErrorField = (typeof ERROR_FIELDS)[number];
export interface FieldError {
  field: ErrorField;
  anchor: string;
  message: string;
}

export const emptyForm = (): FormValues => Object.fromEntries(FORM_FIELDS.map((f) => [f, ''])) as FormValues;

export function readForm(body: unknown): FormValues {
  const values = emptyForm();
  for (const name of FORM_FIELDS) values[name] = field(body, name).slice(0, 300);
  return values;
}

/** Three inputs → YYYY-MM-DD; '' when all are empty; something the schema rejects when not a date. */
export function isoDate(day: string, month: string, year: string): string {
  const [d, m, y] = [day.trim(), month.trim(), year.trim()];
  if (!d && !m && !y) return '';
  if (!/^\d{1,2}$/.test(d) || !/^\d{1,2}$/.test(m) || !/^\d{4}$/.test(y)) return 'invalid';
  return `${y}-${m.padStart(2, '0')}-${d.padStart(2, '0')}`;
}

/** Why a date of birth is wrong, in words the applicant can act on; null when it is fine. */
export function dateProblem(day: string, month: string, year: string): 'required' | 'invalid' | 'future' | null {
  const iso = isoDate(day, month, year);
  if (iso === '') return 'required';
  const date = new Date(`${iso}T00:00:00Z`);
  if (iso === 'invalid' || Number.isNaN(date.getTime()) || !date.toISOString().startsWith(iso) || Number(iso.slice(0, 4)) < 1900)
    return 'invalid';
  return date.getTime() > Date.now() ? 'future' : null;
}

/** "(11) 98765-4321" → "+5511987654321": separators dropped, the country code added when missing. */
export function normalizePhone(raw: string, country: Country): string {
  const digits = raw.trim().replace(/[\s().-]/g, '');
  if (!digits || digits.startsWith('+')) return digits;
  if (digits.startsWith('00')) return `+${digits.slice(2)}`;
  const cc = COUNTRY_CALLING_CODE[country];
  return digits.startsWith(cc) && digits.length >= 12 ? `+${digits}` : `+${cc}${digits.replace(/^0+/, '')}`;
}

/** "1.200,50", "1,200.50", "850,00", "R$ 850" → "1200.50" / "850.00" / "850"; anything else unchanged. */
export function normalizeAmount(raw: string): string {
  const s = raw.replace(/\s|R\$|\$|ARS|BRL/gi, '');
  if (/^\d{1,3}(\.\d{3})+(,\d{1,2})?$/.test(s)) return s.replace(/\./g, '').replace(',', '.');
  if (/^\d{1,3}(,\d{3})+(\.\d{1,2})?$/.test(s)) return s.replace(/,/g, '');
  if (/^\d+,\d{1,2}$/.test(s)) return s.replace(',', '.');
  return s;
}

const count = (raw: string): number | string | undefined => {
  const s = raw.trim();
  return s === '' ? undefined : /^\d{1,3}$/.test(s) ? Number(s) : s;
};

/** The body submitApplication validates: exactly the schema's keys, nothing else from the form. */
export function toApplication(v: FormValues, lang: Language, country: Country): Record<string, unknown> {
  const payment =
    v.rail === 'BANK'
      ? { rail: 'BANK', bankCode: v.bankCode.replace(/\s/g, ''), accountNumber: v.accountNumber.replace(/[\s.-]/g, '') }
      : v.rail === 'WALLET'
        ? { rail: 'WALLET', msisdn: normalizePhone(v.msisdn, country) }
        : { rail: undefined };
  return {
    nationalId: v.nationalId,
    fullName: v.fullName,
    dateOfBirth: isoDate(v.dobDay, v.dobMonth, v.dobYear),
    phone: normalizePhone(v.phone, country),
    municipality: v.municipality,
    householdSize: count(v.householdSize),
    dependantsUnder18: count(v.dependantsUnder18),
    declaredMonthlyIncome: normalizeAmount(v.declaredMonthlyIncome),
    payment,
    ...(v.consent === 'yes' ? { consent: true } : {}),
    language: lang,
  };
}

const PATHS: Record<string, ErrorField> = {
  nationalId: 'nationalId',
  fullName: 'fullName',
  dateOfBirth: 'dateOfBirth',
  phone: 'phone',
  municipality: 'municipality',
  householdSize: 'householdSize',
  dependantsUnder18: 'dependantsUnder18',
  declaredMonthlyIncome: 'declaredMonthlyIncome',
  payment: 'rail',
  'payment.rail': 'rail',
  'payment.bankCode': 'bankCode',
  'payment.accountNumber': 'accountNumber',
  'payment.msisdn': 'msisdn',
  consent: 'consent',
};

/** Errors keyed by the form's own input names, keyed as the intake API names them (for localizeErrors). */
export function formFieldErrors(byInput: FieldErrors): FieldErrors {
  const path: Partial<Record<string, string>> = {
    dobDay: 'dateOfBirth',
    dobMonth: 'dateOfBirth',
    dobYear: 'dateOfBirth',
    rail: 'payment.rail',
    bankCode: 'payment.bankCode',
    accountNumber: 'payment.accountNumber',
    msisdn: 'payment.msisdn',
  };
  return Object.fromEntries(Object.entries(byInput).map(([name, problem]) => [path[name] ?? name, problem]));
}

export const anchorOf = (f: ErrorField): string =>
  f === 'dateOfBirth' ? 'dobDay' : f === 'rail' ? 'rail-BANK' : f === '_' ? 'nationalId' : f;

/** A number as the intake schema takes it (schema/application.ts): wrong there only for its calling code. */
const E164 = /^\+[1-9]\d{7,14}$/;

function messageKey(f: ErrorField, v: FormValues, country: Country): MessageKey {
  switch (f) {
    case 'phone':
    case 'msisdn':
      // Well formed but refused: the country calling code is not one the program sends to or pays.
      return E164.test(normalizePhone(v[f], country)) ? `err.${f}.country` : `err.${f}`;
    case 'nationalId': {
      if (!v.nationalId.trim()) return 'err.nationalId.required';
      const result = validateNationalId(country, v.nationalId);
      return !result.ok && result.reason === 'check_digit' ? 'err.nationalId.check_digit' : 'err.nationalId.format';
    }
    case 'dateOfBirth':
      return `err.dateOfBirth.${dateProblem(v.dobDay, v.dobMonth, v.dobYear) ?? 'invalid'}`;
    case 'dependantsUnder18': {
      const [size, under] = [count(v.householdSize), count(v.dependantsUnder18)];
      return typeof size === 'number' && typeof under === 'number' && under >= size
        ? 'err.dependantsUnder18.tooMany'
        : 'err.dependantsUnder18';
    }
    case '_':
      return 'err.form';
    default:
      return `err.${f}`;
  }
}

/**
 * The intake's errors (keyed by API path, in English) as one localized message per question, in form order.
 * `callingCodes`: the program's (domain/phone.ts acceptedCallingCodes), named when a number is of another country.
 */
export function localizeErrors(
  fields: FieldErrors,
  v: FormValues,
  program: { country: Country; callingCodes: readonly string[] },
  t: Translate,
): FieldError[] {
  const { country } = program;
  const wrong = new Set(Object.keys(fields).map((path) => PATHS[path] ?? '_'));
  // zod skips the schema's cross-field rule while other fields are wrong; show it in the same round.
  const [size, under] = [count(v.householdSize), count(v.dependantsUnder18)];
  if (typeof size === 'number' && typeof under === 'number' && under >= size) wrong.add('dependantsUnder18');
  const vars = { ...countryVars(country), codes: program.callingCodes.map((cc) => `+${cc}`).join(', ') };
  return ERROR_FIELDS.filter((f) => wrong.has(f)).map((f) => ({
    field: f,
    anchor: anchorOf(f),
    message: t(messageKey(f, v, country), vars),
  }));
}
