// The intake JSON API (the web form in web/applicant/apply-routes.ts shares web/services/intake.ts).
import type { FastifyInstance } from 'fastify';
import type { WebContext } from '../http/context';
import { invalid, notFound, refuse, validInput } from '../services/refusal';
import { lookupApplication } from '../services/appeals';
import { guardedByBirthDate } from '../http/birth-date-guard';
import { StatusLookupInput } from '../../schema/application';
import { submitApplication } from '../services/intake';
import { limitIntake } from '../http/rate-limits';

export function applicationRoutes(app: FastifyInstance, ctx: WebContext): void {
  app.post<{ Params: { code: string } }>('/api/v1/programs/:code/applications', async (request, reply) => {
    const key = request.headers['idempotency-key'];
    await limitIntake(ctx.limits, request.ip, (request.body as { phone?: unknown } | null)?.phone);
    const result = await submitApplication(ctx, request.params.code, request.body, Array.isArray(key) ? key.join(',') : key);
    switch (result.kind) {
      case 'program_not_found':
        throw notFound('program_not_found', 'code');
      case 'invalid':
        throw invalid(result.fields);
      case 'key_reused':
        throw refuse('idempotency_key_reused', { 'Idempotency-Key': 'already used with a different application' });
      case 'existing':
        return reply.code(200).send(result.ack);
      case 'created':
        return reply.code(201).send(result.ack);
    }
  });

  // Status by application number and date of birth, in the body (never in a URL), counted as the status
  // page counts (the same limits and birth-date lock-out). No personal data in the answer.
  app.post('/api/v1/applications/status', async (request) => {
    const { applicationNumber, dateOfBirth } = validInput(StatusLookupInput, request.body);
    const found = await guardedByBirthDate(ctx.limits, request.ip, applicationNumber, 'statusLookup', () =>
      lookupApplication(ctx, applicationNumber, dateOfBirth),
    );
    if (!found) throw notFound('application_not_found', 'applicationNumber');
    const { status, reasonCodes, decidedAt, appealDeadline, canAppeal } = found;
    return { applicationNumber: found.applicationNumber, status, reasonCodes, decidedAt, appealDeadline, canAppeal };
  });
}
