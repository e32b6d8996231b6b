// Intake, shared by the JSON API and the web form: validate, insert, acknowledge. The stored row (status
// RECEIVED) is the queue entry: a dispatcher claims it for a decision batch (workers/decision-dispatcher.ts),
// so there is nothing else to enqueue and nothing to lose between the two. Never waits for Temporal.
// A repeat: the same Idempotency-Key with the same content gets the original answer (another content, a
// refusal); the same national ID without it gets a new applicant's answer and reveals nothing of the existing
// application, whose owner is told (web/services/repeat-application.ts).
// A new application sends a code by SMS to its phone and waits until the applicant types it back
// (web/services/phone-verification.ts): the answer says so, with the phone's last digits.
import { randomBytes, randomUUID } from 'node:crypto';
import type { Program } from '../../generated/prisma/client';
import { accountKey, birthDateHash, hashKeys, nationalIdHash, phoneHash, requestHash } from '../../lib/pii';
import { personalData } from '../../lib/personal-data';
import type { Country } from '../../domain/national-id';
import { acceptedCallingCodes, hasCallingCode } from '../../domain/phone';
import { applicationInput, type ApplicationInput } from '../../schema/application';
import { parseInput, type FieldErrors } from '../../schema/fields';
import { insertApplication, type NewApplication } from './application-inserts';
import { answerRepeat, lapseUnverified } from './repeat-application';
import { startPhoneVerification, type DecoyCodes } from './phone-verification';
import type { ServiceContext } from './context';

// Crockford base32 without I, L, O, U: easy to read aloud and type on a phone.
const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
const applicationNumber = (country: string) => `${country}-${[...randomBytes(8)].map((b) => ALPHABET[b % 32]).join('')}`;

export interface Acknowledgement {
  applicationNumber: string;
  status: string;
  /** 'required' until the applicant types back the code sent by SMS to the phone; nothing is decided before. */
  phoneVerification: 'required' | 'verified';
  /** The last four digits of the phone the code went to: the applicant's own, as typed. */
  phoneEnding: string;
}

export type IntakeResult =
  | { kind: 'created' | 'existing'; ack: Acknowledgement }
  | { kind: 'invalid'; fields: FieldErrors; values?: ApplicationInput }
  | { kind: 'program_not_found' }
  /** The Idempotency-Key came before with another content. */
  | { kind: 'key_reused' };

type Ctx = Pick<ServiceContext, 'db' | 'config' | 'queues' | 'log'>;

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

/**
 * `decoys`: the code a neutral answer's number "sends" (web/http/decoy-codes.ts), so its code step answers as
 * a new applicant's would.
 */
export async function submitApplication(
  ctx: Ctx,
  decoys: DecoyCodes,
  programCode: string,
  body: unknown,
  idempotencyKey?: string,
): Promise<IntakeResult> {
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
  const hashes = hashKeys(ctx.config);
  const pd = await personalData(ctx);
  const hash = hashes.current(nationalIdHash, program.country, input.nationalId);
  const fingerprint = idempotencyKey === undefined ? null : hashes.current(requestHash, input);
  const ack = (applicationNumber: string, status: string, verified = false): Acknowledgement => ({
    applicationNumber,
    status,
    phoneVerification: verified ? 'verified' : 'required',
    phoneEnding: input.phone.slice(-4),
  });

  /**
   * What a submission that was not inserted repeats, if anything: its key's application, or its person's.
   * Null: nothing to repeat (a clash of numbers, or the person's application just gave its ID way): insert again.
   */
  const repeat = async (): Promise<IntakeResult | null> => {
    if (idempotencyKey !== undefined) {
      const sameKey = await db.application.findUnique({ where: { programId_idempotencyKey: { programId: program.id, idempotencyKey } } });
      // (A key stored before fingerprints were kept, or whose fingerprint is under a hash key no longer
      // listed, is taken at its word.)
      if (sameKey)
        return sameKey.requestHash === null || !hashes.holds(sameKey.requestHash) || hashes.matches(sameKey.requestHash, requestHash, input)
          ? { kind: 'existing', ack: ack(sameKey.number, sameKey.status, sameKey.phoneVerifiedAt !== null) }
          : { kind: 'key_reused' };
    }
    // Under any hash key listed: a person stored before a rotation is the same person.
    const samePerson = await db.application.findFirst({
      where: { programId: program.id, nationalIdHash: { in: hashes.all(nationalIdHash, program.country, input.nationalId) } },
      select: { id: true, phoneVerifiedAt: true },
    });
    if (!samePerson) return null;
    if (await lapseUnverified(ctx, samePerson.id)) return null;
    await answerRepeat(ctx, samePerson);
    const neutral = ack(applicationNumber(program.country), 'RECEIVED');
    await decoys.send(neutral.applicationNumber);
    return { kind: 'created', ack: neutral };
  };

  // Insert first: for a new applicant (the common case) that is the only statement, shared with the
  // applications that arrived in the same few milliseconds; the unique constraints on (program, national
  // ID hash) and (program, Idempotency-Key) turn a repeat into a skipped row.
  const account = pd.sealAccount(input.payment);
  const row = (number: string): NewApplication => ({
    id: randomUUID(),
    number,
    program_id: program.id,
    national_id_hash: hash,
    national_id: pd.seal('application.national_id', input.nationalId),
    full_name: pd.seal('application.full_name', input.fullName),
    date_of_birth: pd.seal('application.date_of_birth', input.dateOfBirth),
    birth_date_hash: hashes.current(birthDateHash, input.dateOfBirth),
    phone: pd.seal('application.phone', input.phone),
    phone_hash: hashes.current(phoneHash, input.phone),
    language: input.language,
    municipality: input.municipality,
    household_size: input.householdSize,
    dependants_under_18: input.dependantsUnder18,
    declared_monthly_income: input.declaredMonthlyIncome,
    idempotency_key: idempotencyKey ?? null,
    request_hash: fingerprint,
    decision_queue: ctx.config.TEMPORAL_TASK_QUEUE,
    account_key: hashes.current(accountKey, input.payment),
    rail: input.payment.rail,
    bank_code: input.payment.rail === 'BANK' ? input.payment.bankCode : null,
    account_number: account.accountNumber,
    msisdn: account.msisdn,
  });
  // While hashes under an older key remain (a rotation under way), the unique constraint does not see the
  // same person stored under one of them: looked up first.
  if (hashes.ids.length > 1) {
    const repeated = await repeat();
    if (repeated) return repeated;
  }
  // A skipped row is a repeat, or (once in a trillion) a clash of random application numbers: then a new number.
  for (let attempt = 0; attempt < 3; attempt += 1) {
    const stored = row(applicationNumber(program.country));
    if (await insertApplication(db, stored)) {
      await startPhoneVerification(ctx, stored.id);
      return { kind: 'created', ack: ack(stored.number, 'RECEIVED') };
    }
    const repeated = await repeat();
    if (repeated) return repeated;
  }
  throw new Error('application not stored: three number clashes in a row');
}
