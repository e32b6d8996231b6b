// The payment cycles JSON API (the admin pages use the same web/cycles.ts services).
import type { FastifyInstance } from 'fastify';
import { CycleApprovalInput, ReissueInput } from '../../schema/cycle';
import { requireRole, signedIn } from '../http/auth';
import type { WebContext } from '../http/context';
import { cycleView } from '../services/cycle-view';
import { approveCycle, controlCycle, launchCycle, prepareCycle } from '../services/cycles';
import { validInput } from '../services/refusal';
import { prepareReissue } from '../services/reissues';

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
    const input = validInput(CycleApprovalInput, request.body);
    const cycle = await approveCycle(ctx, request.params.id, signedIn(request).id, input);
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
    const input = validInput(ReissueInput, request.body);
    const reissue = await prepareReissue(ctx, request.params.id, signedIn(request).id, input);
    return reply.code(201).send(await cycleView(ctx, reissue.id));
  });
}
