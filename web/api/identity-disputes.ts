// Identity disputes (web/services/identity-disputes.ts): a reviewer or an administrator opens one on an
// application, which holds its household's payments, and proposes how it ends; a second one approves or
// declines here. Reviewers decide these, so they have routes of their own rather than the finance-facing
// /api/v1/decisions ones (an administrator may use either: the kind's deciders are checked in both).
import type { FastifyInstance } from 'fastify';
import { DisputeProposalInput, IdentityDisputeInput } from '../../schema/identity-dispute';
import { requireRole, signedIn } from '../http/auth';
import type { WebContext } from '../http/context';
import { approveDecision, declineDecision } from '../services/decisions';
import { identityDispute, openIdentityDispute, proposeDisputeEnd, requireDisputeDecision } from '../services/identity-disputes';
import { validInput } from '../services/refusal';
import { DeclineInput } from './decisions';

export function identityDisputeRoutes(app: FastifyInstance, ctx: WebContext): void {
  const reviewers = { preHandler: requireRole(ctx.db, 'REVIEWER', 'ADMIN') };

  app.post<{ Params: { id: string } }>('/api/v1/applications/:id/identity-disputes', reviewers, async (request, reply) => {
    const { reason } = validInput(IdentityDisputeInput, request.body);
    const dispute = await openIdentityDispute(ctx, { applicationId: request.params.id, reason, actor: signedIn(request).id });
    return reply.code(201).send(dispute);
  });

  app.get<{ Params: { id: string } }>('/api/v1/identity-disputes/:id', reviewers, async (request) =>
    identityDispute(ctx, request.params.id),
  );

  app.post<{ Params: { id: string } }>('/api/v1/identity-disputes/:id/proposals', reviewers, async (request, reply) => {
    const { outcome } = validInput(DisputeProposalInput, request.body);
    const decision = await proposeDisputeEnd(ctx, request.params.id, outcome, signedIn(request).id);
    return reply.code(202).send({ decision });
  });

  // A proposal is named by its own ID (the decision's), as on /api/v1/decisions: its subject is the dispute.
  app.post<{ Params: { id: string } }>('/api/v1/identity-dispute-proposals/:id/approve', reviewers, async (request) => {
    await requireDisputeDecision(ctx, request.params.id);
    return { approved: true, result: await approveDecision(ctx, request.params.id, signedIn(request)) };
  });

  app.post<{ Params: { id: string } }>('/api/v1/identity-dispute-proposals/:id/decline', reviewers, async (request) => {
    const { reason } = validInput(DeclineInput, request.body);
    await requireDisputeDecision(ctx, request.params.id);
    const declined = await declineDecision(ctx, request.params.id, signedIn(request), reason);
    return { declined: true, id: declined.id };
  });
}
