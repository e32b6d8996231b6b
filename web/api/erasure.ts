// POST /api/v1/applications/:id/erasure {reason}: an administrator erases a person's data on request
// (web/services/erasure.ts). The daily retention run erases the rest (workflows/retention.ts).
import type { FastifyInstance } from 'fastify';
import { ErasureRequestInput } from '../../schema/erasure';
import { requireRole, signedIn } from '../http/auth';
import type { WebContext } from '../http/context';
import { requestErasure } from '../services/erasure';
import { validInput } from '../services/refusal';

export function erasureRoutes(app: FastifyInstance, ctx: WebContext): void {
  app.post<{ Params: { id: string } }>(
    '/api/v1/applications/:id/erasure',
    { preHandler: requireRole(ctx.db, 'ADMIN') },
    async (request) => {
      const { reason } = validInput(ErasureRequestInput, request.body);
      return requestErasure(ctx, request.params.id, signedIn(request).id, reason);
    },
  );
}
