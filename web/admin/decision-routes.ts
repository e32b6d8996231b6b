// Approving or declining a proposal from a page (four eyes: web/services/four-eyes.ts). The same services
// as the JSON API (web/api/decisions.ts), so a refusal (the proposer approving their own proposal, a
// decision already taken) is the same, shown as a page with its sentence. After a decision the browser
// goes back (303) to the page the form was on.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { WebContext } from '../http/context';
import { field } from '../http/form';
import { approveDecision, declineDecision } from '../services/decisions';
import { refusalPage } from './http';
import { requireAdminSession, safeNext, type AdminSession } from './session';

export function adminDecisionRoutes(scope: FastifyInstance, ctx: WebContext): void {
  const deciders = { preHandler: requireAdminSession(ctx.db, 'FINANCE', 'APPROVER', 'ADMIN') };
  const session = (request: FastifyRequest) => request.adminSession as AdminSession;
  const back = (request: FastifyRequest, done: string) => {
    const to = safeNext(field(request.body, 'back'));
    return `${to}${to.includes('?') ? '&' : '?'}done=${done}`;
  };

  scope.post<{ Params: { id: string } }>('/admin/decisions/:id/approve', deciders, async (request, reply) => {
    try {
      await approveDecision(ctx, request.params.id, session(request).user);
      return reply.redirect(back(request, 'approved'), 303);
    } catch (err) {
      return refusalPage(reply, session(request), err, { href: safeNext(field(request.body, 'back')), label: 'Back' });
    }
  });

  scope.post<{ Params: { id: string } }>('/admin/decisions/:id/decline', deciders, async (request, reply) => {
    const reason = field(request.body, 'reason').trim().slice(0, 500);
    try {
      await declineDecision(ctx, request.params.id, session(request).user, reason || 'declined');
      return reply.redirect(back(request, 'declined'), 303);
    } catch (err) {
      return refusalPage(reply, session(request), err, { href: safeNext(field(request.body, 'back')), label: 'Back' });
    }
  });
}
