// Money decisions waiting for a second person (web/services/four-eyes.ts): a cycle's list, and approving
// or declining one. Which role may decide depends on the kind (web/services/decisions.ts); the proposer is
// always refused as the approver.
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { WebContext } from '../http/context';
import { requireRole, signedIn } from '../http/auth';
import { findCycle } from '../services/cycles';
import { approveDecision, cycleDecisions, declineDecision } from '../services/decisions';
import { validInput } from '../services/refusal';

export const DeclineInput = z.object({ reason: z.string().trim().min(1, 'say why, in a few words').max(500) }).strict();

export function decisionRoutes(app: FastifyInstance, ctx: WebContext): void {
  const staff = { preHandler: requireRole(ctx.db, 'FINANCE', 'APPROVER', 'ADMIN') };

  app.get<{ Params: { id: string } }>('/api/v1/cycles/:id/decisions', staff, async (request) => {
    const cycle = await findCycle(ctx, request.params.id);
    return { decisions: await cycleDecisions(ctx, cycle.id) };
  });

  app.post<{ Params: { id: string } }>('/api/v1/decisions/:id/approve', staff, async (request) => {
    const user = signedIn(request);
    return { approved: true, result: await approveDecision(ctx, request.params.id, user) };
  });

  app.post<{ Params: { id: string } }>('/api/v1/decisions/:id/decline', staff, async (request) => {
    const { reason } = validInput(DeclineInput, request.body);
    const declined = await declineDecision(ctx, request.params.id, signedIn(request), reason);
    return { declined: true, id: declined.id };
  });
}
