// The payment cycles JSON API (the admin pages use the same web/cycles.ts services).
import type { FastifyInstance } from 'fastify';
import { CycleApprovalInput, ReissueInput } from '../../schema/cycle';
import { parseInput } from '../../schema/fields';
import { requireRole, signedIn } from '../auth';
import type { WebContext } from '../context';
import { cycleView } from '../cycle-view';
import { approveCycle, controlCycle, launchCycle, prepareCycle } from '../cycles';
import { badRequest } from '../errors';
import { prepareReissue } from '../reissues';

export function cycleRoutes(app: FastifyInstance, ctx: WebContext): void {
  const { db } = ctx;
  const operators = { preHandler: requireRole(db, 'ADMIN', 'APPROVER') };

  app.post<{ Params: { code: string } }>(
    '/api/v1/programs/:code/cycles',
    { preHandler: requireRole(db, 'ADMIN') },
    async (request, reply) => {
      const cycle = await prepareCycle(ctx, request.params.code, signedIn(request).id);
      return reply.code(201).send(await cycleView(ctx, cycle.id));
    },
  );

  app.post<{ Params: { id: string } }>('/api/v1/cycles/:id/approve', { preHandler: requireRole(db, 'APPROVER') }, async (request) => {
    const parsed = parseInput(CycleApprovalInput, request.body);
    if (!parsed.ok) throw badRequest(parsed.fields);
    const cycle = await approveCycle(ctx, request.params.id, signedIn(request).id, parsed.value);
    return cycleView(ctx, cycle.id);
  });

  app.post<{ Params: { id: string } }>('/api/v1/cycles/:id/launch', operators, async (request, reply) => {
    const workflowId = await launchCycle(ctx, request.params.id, signedIn(request).id);
    return reply.code(202).send({ id: request.params.id, workflowId });
  });

  for (const action of ['pause', 'resume', 'cancel'] as const) {
    app.post<{ Params: { id: string } }>(`/api/v1/cycles/:id/${action}`, operators, async (request, reply) => {
      await controlCycle(ctx, request.params.id, signedIn(request).id, action);
      return reply.code(202).send({ id: request.params.id, requested: action });
    });
  }

  app.get<{ Params: { id: string } }>(
    '/api/v1/cycles/:id',
    { preHandler: requireRole(db, 'ADMIN', 'APPROVER', 'FINANCE') },
    async (request) => cycleView(ctx, request.params.id),
  );

  app.post<{ Params: { id: string } }>('/api/v1/cycles/:id/reissues', { preHandler: requireRole(db, 'ADMIN') }, async (request, reply) => {
    const parsed = parseInput(ReissueInput, request.body);
    if (!parsed.ok) throw badRequest(parsed.fields);
    const reissue = await prepareReissue(ctx, request.params.id, signedIn(request).id, parsed.value);
    return reply.code(201).send(await cycleView(ctx, reissue.id));
  });
}
