// Intake: persist the application, enqueue it, acknowledge. Never waits for Temporal.
// Idempotent: the same national ID (or Idempotency-Key) in a program returns the existing application.
import { randomBytes } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { audit } from '../../lib/audit';
import { Prisma } from '../../lib/db';
import { nationalIdHash } from '../../lib/pii';
import type { Country } from '../../domain/national-id';
import { applicationInput } from '../../schema/application';
import { parseInput } from '../../schema/fields';
import type { WebContext } from '../context';
import { badRequest, HttpError, notFound } from '../errors';

// Crockford base32 without I, L, O, U: easy to read aloud and type on a phone.
const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
const applicationNumber = (country: string) => `${country}-${[...randomBytes(8)].map((b) => ALPHABET[b % 32]).join('')}`;

interface Acknowledgement {
  applicationNumber: string;
  status: string;
}

export function applicationRoutes(app: FastifyInstance, ctx: WebContext): void {
  const { db, queues } = ctx;
  const enqueue = (applicationId: string) => queues.intake.add('start', { applicationId }, { jobId: applicationId });

  app.post<{ Params: { code: string } }>('/api/v1/programs/:code/applications', async (request, reply) => {
    const program = await db.program.findUnique({ where: { code: request.params.code } });
    if (!program) throw notFound('program');
    const parsed = parseInput(applicationInput(program.country as Country), request.body);
    if (!parsed.ok) throw badRequest(parsed.fields);
    const input = parsed.value;
    const idempotencyKey = request.headers['idempotency-key'];
    if (Array.isArray(idempotencyKey) || (idempotencyKey !== undefined && !/^[\w-]{8,100}$/.test(idempotencyKey))) {
      throw new HttpError(400, 'invalid_request', { 'Idempotency-Key': '8 to 100 letters, digits, dashes or underscores' });
    }
    const hash = nationalIdHash(ctx.config.PII_HASH_KEY, program.country, input.nationalId);

    const existing = async (): Promise<Acknowledgement | null> => {
      const found = await db.application.findFirst({
        where: { programId: program.id, OR: [{ nationalIdHash: hash }, ...(idempotencyKey ? [{ idempotencyKey }] : [])] },
      });
      if (!found) return null;
      if (found.status === 'RECEIVED') await enqueue(found.id); // in case the first enqueue was lost
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
            municipality: input.municipality, householdSize: input.householdSize, dependantsUnder18: input.dependantsUnder18,
            declaredMonthlyIncome: input.declaredMonthlyIncome, idempotencyKey: idempotencyKey ?? null,
            paymentAccount: { create: { rail: input.payment.rail, bankCode: input.payment.bankCode, accountNumber: input.payment.accountNumber } },
          },
        });
        await audit(tx, { actor: 'applicant', action: 'application.received', entityType: 'application', entityId: application.id });
        return application;
      });
    } catch (err) {
      // The same person (or key) applied before, or a concurrent submission won the race.
      const winner = err instanceof Prisma.PrismaClientKnownRequestError && err.code === 'P2002' ? await existing() : null;
      if (winner) return reply.code(200).send(winner);
      throw err;
    }
    // If this enqueue is lost, the intake sweeper re-enqueues applications left in RECEIVED.
    await enqueue(created.id).catch((err: Error) => ctx.log.warn('enqueue failed; the sweeper will retry', { applicationId: created.id, error: err.message }));
    return reply.code(201).send({ applicationNumber: created.number, status: created.status } satisfies Acknowledgement);
  });

  // Status by application number: no personal data in the answer.
  app.get<{ Params: { number: string } }>('/api/v1/applications/:number', async (request) => {
    const found = await db.application.findUnique({ where: { number: request.params.number }, select: { number: true, status: true, reasonCodes: true, decidedAt: true } });
    if (!found) throw notFound('application');
    return { applicationNumber: found.number, status: found.status, reasonCodes: found.reasonCodes, decidedAt: found.decidedAt };
  });
}
