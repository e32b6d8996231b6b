// Reconciliation's JSON API for finance: ask for a run, upload a statement file, propose a break's resolution.
// Reports, CSV exports and sign-off are in web/routes/finance-reports.ts.
import type { FastifyInstance } from 'fastify';
import { audit } from '../../lib/audit';
import { BreakResolutionInput, StatementUploadQuery } from '../../schema/reconciliation';
import { requireRole, signedIn } from '../http/auth';
import { proposeResolution } from '../services/break-resolutions';
import type { WebContext } from '../http/context';
import { findCycle } from '../services/cycles';
import { validInput } from '../services/refusal';
import { requestReconciliationOf } from '../services/reconciliation-requests';
import { uploadStatement } from '../services/statement-upload';

/** A day of a million payments is about 1 GB of camt.053; files by hand are far smaller. Page larger days. */
const MAX_UPLOAD_BYTES = 64 * 1024 * 1024;

export function reconciliationRoutes(app: FastifyInstance, ctx: WebContext): void {
  const { db } = ctx;
  const finance = { preHandler: requireRole(db, 'FINANCE') };

  app.post<{ Params: { id: string } }>('/api/v1/cycles/:id/reconciliations', finance, async (request, reply) => {
    const user = signedIn(request);
    const cycle = await findCycle(ctx, request.params.id);
    const workflowId = await requestReconciliationOf(ctx, cycle);
    await audit(db, {
      actor: user.id,
      action: 'reconciliation.requested',
      entityType: 'payment_cycle',
      entityId: cycle.id,
      details: { workflowId },
    });
    return reply.code(202).send({ workflowId });
  });

  // A proposal: it takes effect when a second finance user approves it (POST /api/v1/decisions/:id/approve).
  app.post<{ Params: { id: string } }>('/api/v1/breaks/:id/resolution', finance, async (request, reply) => {
    const input = validInput(BreakResolutionInput, request.body);
    const decision = await proposeResolution(db, { breakId: request.params.id, ...input, actor: signedIn(request).id });
    return reply.code(202).send({ decision });
  });

  // Own scope: the XML parser applies to the upload only.
  void app.register((scope, _opts, done) => {
    scope.addContentTypeParser(['application/xml', 'text/xml'], { parseAs: 'string', bodyLimit: MAX_UPLOAD_BYTES }, (_req, body, next) =>
      next(null, body),
    );
    scope.post<{ Querystring: Record<string, string> }>(
      '/api/v1/statements',
      { ...finance, bodyLimit: MAX_UPLOAD_BYTES },
      async (request, reply) => {
        const query = validInput(StatementUploadQuery, request.query);
        const user = signedIn(request);
        const result = await uploadStatement(db, {
          provider: query.provider,
          contentType: request.headers['content-type'] ?? 'no content type',
          body: request.body,
          actor: user.id,
        });
        await audit(db, {
          actor: user.id,
          action: 'statement.uploaded',
          entityType: 'statement',
          entityId: query.provider,
          details: { lines: result.lines, imported: result.imported, cycleIds: result.cycleIds, decisionId: result.decision?.id ?? null },
        });
        // Its lines are evidence once a second finance user confirms the upload, which then reconciles its cycles.
        return reply.code(202).send(result);
      },
    );
    done();
  });
}
