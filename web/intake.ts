// Intake, shared by the JSON API and the web form: validate, persist, enqueue, acknowledge.
// Never waits for Temporal. Idempotent: the same national ID (or Idempotency-Key) in a program
// returns the existing application, never a second one.
import { randomBytes } from 'node:crypto';
import { audit } from '../lib/audit';
import { Prisma } from '../lib/db';
import { accountKey, nationalIdHash, phoneHash } from '../lib/pii';
import type { Country } from '../domain/national-id';
import { applicationInput, type ApplicationInput } from '../schema/application';
import { parseInput, type FieldErrors } from '../schema/fields';
import type { WebContext } from './context';

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

type Ctx = Pick<WebContext, 'db' | 'queues' | 'config' | 'log'>;

export function enqueueIntake(ctx: Pick<WebContext, 'queues'>, applicationId: string) {
  return ctx.queues.intake.add('start', { applicationId }, { jobId: applicationId });
}

export async function submitApplication(ctx: Ctx, programCode: string, body: unknown, idempotencyKey?: string): Promise<IntakeResult> {
  const { db } = ctx;
  const program = await db.program.findUnique({ where: { code: programCode } });
  if (!program) return { kind: 'program_not_found' };
  if (idempotencyKey !== undefined && !/^[\w-]{8,100}$/.test(idempotencyKey)) {
    return { kind: 'invalid', fields: { 'Idempotency-Key': '8 to 100 letters, digits, dashes or underscores' } };
  }
  const parsed = parseInput(applicationInput(program.country as Country), body);
  if (!parsed.ok) return { kind: 'invalid', fields: parsed.fields };
  const input = parsed.value;
  const key = ctx.config.PII_HASH_KEY;
  const hash = nationalIdHash(key, program.country, input.nationalId);

  const existing = async (): Promise<Acknowledgement | null> => {
    const found = await db.application.findFirst({
      where: { programId: program.id, OR: [{ nationalIdHash: hash }, ...(idempotencyKey ? [{ idempotencyKey }] : [])] },
    });
    if (!found) return null;
    if (found.status === 'RECEIVED') await enqueueIntake(ctx, found.id); // in case the first enqueue was lost
    return { applicationNumber: found.number, status: found.status };
  };

  // Insert first: for a new applicant (the common case) that is the only query; the unique
  // constraints on (program, national ID hash) and (program, Idempotency-Key) catch repeats.
  let created;
  try {
    created = await db.$transaction(async (tx) => {
      const application = await tx.application.create({
        data: {
          number: applicationNumber(program.country), programId: program.id, nationalIdHash: hash, nationalId: input.nationalId,
          fullName: input.fullName, dateOfBirth: new Date(`${input.dateOfBirth}T00:00:00Z`), phone: input.phone,
          phoneHash: phoneHash(key, input.phone), language: input.language, municipality: input.municipality,
          householdSize: input.householdSize, dependantsUnder18: input.dependantsUnder18,
          declaredMonthlyIncome: input.declaredMonthlyIncome, idempotencyKey: idempotencyKey ?? null,
          paymentAccount: {
            create: input.payment.rail === 'BANK'
              ? { rail: 'BANK', bankCode: input.payment.bankCode, accountNumber: input.payment.accountNumber, accountKey: accountKey(key, input.payment) }
              : { rail: 'WALLET', msisdn: input.payment.msisdn, accountKey: accountKey(key, input.payment) },
          },
        },
      });
      await audit(tx, { actor: 'applicant', action: 'application.received', entityType: 'application', entityId: application.id });
      return application;
    });
  } catch (err) {
    // The same person (or key) applied before, or a concurrent submission won the race.
    const winner = err instanceof Prisma.PrismaClientKnownRequestError && err.code === 'P2002' ? await existing() : null;
    if (winner) return { kind: 'existing', ack: winner };
    throw err;
  }
  // If this enqueue is lost, the intake sweeper re-enqueues applications left in RECEIVED.
  await enqueueIntake(ctx, created.id).catch((err: Error) => ctx.log.warn('enqueue failed; the sweeper will retry', { applicationId: created.id, error: err.message }));
  return { kind: 'created', ack: { applicationNumber: created.number, status: created.status } };
}
