// A household leaving its program (web/services/household-removal.ts): an administrator proposes it here;
// an approver or another administrator finds it in the list and approves or declines it with the money
// decisions' routes (/api/v1/decisions/:id/approve|decline), which refuse its proposer.
import type { FastifyInstance } from 'fastify';
import { HouseholdRemovalInput } from '../../schema/household-removal';
import { requireRole, signedIn } from '../http/auth';
import type { WebContext } from '../http/context';
import { pendingHouseholdRemovals, proposeHouseholdRemoval } from '../services/household-removal';
import { validInput } from '../services/refusal';

export function householdRemovalRoutes(app: FastifyInstance, ctx: WebContext): void {
  app.post<{ Params: { id: string } }>(
    '/api/v1/applications/:id/household-removal',
    { preHandler: requireRole(ctx.db, 'ADMIN') },
    async (request, reply) => {
      const { reason } = validInput(HouseholdRemovalInput, request.body);
      const decision = await proposeHouseholdRemoval(ctx, request.params.id, reason, signedIn(request).id);
      return reply.code(202).send({ decision });
    },
  );

  app.get('/api/v1/household-removals', { preHandler: requireRole(ctx.db, 'APPROVER', 'ADMIN') }, async () => ({
    removals: await pendingHouseholdRemovals(ctx),
  }));
}
