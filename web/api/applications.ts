// The intake JSON API (the web form in web/applicant/apply-routes.ts shares web/services/intake.ts).
import type { FastifyInstance } from 'fastify';
import type { WebContext } from '../http/context';
import { invalid, notFound, refuse } from '../services/refusal';
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

  // Status by application number: no personal data in the answer.
  app.get<{ Params: { number: string } }>('/api/v1/applications/:number', async (request) => {
    await ctx.limits.consume('statusLookupPerIp', request.ip);
    const found = await ctx.db.application.findUnique({
      where: { number: request.params.number },
      select: { number: true, status: true, reasonCodes: true, decidedAt: true },
    });
    if (!found) throw notFound('application_not_found', 'number');
    return { applicationNumber: found.number, status: found.status, reasonCodes: found.reasonCodes, decidedAt: found.decidedAt };
  });
}
