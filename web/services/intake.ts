// Intake, shared by the JSON API and the web form: validate, insert, acknowledge. The stored row (status
// RECEIVED) is the queue entry: a dispatcher claims it for a decision batch (workers/decision-dispatcher.ts),
// so there is nothing else to enqueue and nothing to lose between the two. Never waits for Temporal.
// Idempotent: the same national ID (or Idempotency-Key) in a program returns the existing application.
import { randomBytes, randomUUID } from 'node:crypto';
import type { Program } from '../../generated/prisma/client';
import { accountKey, nationalIdHash, phoneHash } from '../../lib/pii';
import type { Country } from '../../domain/national-id';
import { acceptedCallingCodes, hasCallingCode } from '../../domain/phone';
import { applicationInput, type ApplicationInput } from '../../schema/application';
import { parseInput, type FieldErrors } from '../../schema/fields';
import { insertApplication, type NewApplication } from './application-inserts';
import type { ServiceContext } from './context';

// Crockford base32 without I, L, O, U: easy to read aloud and type on a phone.
const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
const applicationNumber = (country: string) => `${country}-${[...randomBytes(8)].map((b) => ALPHABET[b % 32]).join('')}`;

export interface Acknowledgement {
  applicationNumber: string;
  status: string;
}

export type IntakeResult =
  | { kind: 'created' | 'existing'; ack: Acknowledgement }
  | { kind: 'invalid'; fields: FieldErrors; values?: ApplicationInput }
  | { kind: 'program_not_found' };

type Ctx = Pick<ServiceContext, 'db' | 'config'>;

// Programs are read on every application and change rarely: a few seconds of staleness is harmless
// (only found programs are cached, so a new program is visible at once).
const PROGRAM_TTL_MS = 10_000;
const programs = new Map<string, { at: number; program: Program }>();
async function findProgram(db: Ctx['db'], code: string): Promise<Program | null> {
  const hit = programs.get(code);
  if (hit && Date.now() - hit.at < PROGRAM_TTL_MS) return hit.program;
  const program = await db.program.findUnique({ where: { code } });
  if (program) programs.set(code, { at: Date.now(), program });
  return program;
}

/** The phone and wallet must be of the program's country codes: SMS and money go nowhere else. */
function outsideProgram(program: Program, input: ApplicationInput): FieldErrors | null {
  const codes = acceptedCallingCodes({ country: program.country as Country, phoneCallingCodes: program.phoneCallingCodes });
  const expected = `a number starting with ${codes.map((cc) => `+${cc}`).join(' or ')}: this program sends messages and payments there only`;
  const fields: FieldErrors = {};
  if (!hasCallingCode(input.phone, codes)) fields.phone = expected;
  if (input.payment.rail === 'WALLET' && !hasCallingCode(input.payment.msisdn, codes)) fields['payment.msisdn'] = expected;
  return Object.keys(fields).length ? fields : null;
}

export async function submitApplication(ctx: Ctx, programCode: string, body: unknown, idempotencyKey?: string): Promise<IntakeResult> {
  const { db } = ctx;
  const program = await findProgram(db, programCode);
  if (!program) return { kind: 'program_not_found' };
  if (idempotencyKey !== undefined && !/^[\w-]{8,100}$/.test(idempotencyKey)) {
    return { kind: 'invalid', fields: { 'Idempotency-Key': '8 to 100 letters, digits, dashes or underscores' } };
  }
  const parsed = parseInput(applicationInput(program.country as Country), body);
  if (!parsed.ok) return { kind: 'invalid', fields: parsed.fields };
  const input = parsed.value;
  const outside = outsideProgram(program, input);
  if (outside) return { kind: 'invalid', fields: outside };
  const key = ctx.config.PII_HASH_KEY;
  const hash = nationalIdHash(key, program.country, input.nationalId);

  const existing = async (): Promise<Acknowledgement | null> => {
    const found = await db.application.findFirst({
      where: { programId: program.id, OR: [{ nationalIdHash: hash }, ...(idempotencyKey ? [{ idempotencyKey }] : [])] },
    });
    if (!found) return null;
    return { applicationNumber: found.number, status: found.status };
  };

  // Insert first: for a new applicant (the common case) that is the only statement, shared with the
  // applications that arrived in the same few milliseconds; the unique constraints on (program, national
  // ID hash) and (program, Idempotency-Key) turn a repeat into a skipped row.
  const row = (number: string): NewApplication => ({
    id: randomUUID(),
    number,
    program_id: program.id,
    national_id_hash: hash,
    national_id: input.nationalId,
    full_name: input.fullName,
    date_of_birth: input.dateOfBirth,
    phone: input.phone,
    phone_hash: phoneHash(key, input.phone),
    language: input.language,
    municipality: input.municipality,
    household_size: input.householdSize,
    dependants_under_18: input.dependantsUnder18,
    declared_monthly_income: input.declaredMonthlyIncome,
    idempotency_key: idempotencyKey ?? null,
    decision_queue: ctx.config.TEMPORAL_TASK_QUEUE,
    account_key: accountKey(key, input.payment),
    ...(input.payment.rail === 'BANK'
      ? { rail: 'BANK', bank_code: input.payment.bankCode, account_number: input.payment.accountNumber, msisdn: null }
      : { rail: 'WALLET', bank_code: null, account_number: null, msisdn: input.payment.msisdn }),
  });
  // A skipped row is a repeat, or (once in a trillion) a clash of random application numbers: then a new number.
  for (let attempt = 0; attempt < 3; attempt += 1) {
    const number = applicationNumber(program.country);
    if (await insertApplication(db, row(number))) return { kind: 'created', ack: { applicationNumber: number, status: 'RECEIVED' } };
    const winner = await existing();
    if (winner) return { kind: 'existing', ack: winner };
  }
  throw new Error('application not stored: three number clashes in a row');
}
