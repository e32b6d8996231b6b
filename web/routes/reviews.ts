// The reviewers' JSON API (the admin pages use the same web/reviews.ts).
import type { FastifyInstance } from 'fastify';
import { parseInput } from '../../schema/fields';
import { ReviewDecisionInput } from '../../schema/review';
import { requireRole, signedIn } from '../auth';
import type { WebContext } from '../context';
import { badRequest, HttpError, notFound } from '../errors';
import { decideReview, openReviewTasks, reviewTask } from '../reviews';

export function reviewRoutes(app: FastifyInstance, ctx: WebContext): void {
  const reviewer = { preHandler: requireRole(ctx.db, 'REVIEWER') };

  app.get<{ Querystring: { kind?: string } }>('/api/v1/reviews', reviewer, async (request) => {
    const kind = request.query.kind;
    if (kind !== undefined && kind !== 'DUPLICATE' && kind !== 'APPEAL') throw badRequest({ kind: 'DUPLICATE or APPEAL' });
    return { tasks: await openReviewTasks(ctx, { kind }) };
  });

  app.get<{ Params: { id: string } }>('/api/v1/reviews/:id', reviewer, async (request) => {
    const task = await reviewTask(ctx, request.params.id);
    if (!task) throw notFound('review');
    return task;
  });

  app.post<{ Params: { id: string } }>('/api/v1/reviews/:id/decision', reviewer, async (request) => {
    const parsed = parseInput(ReviewDecisionInput, request.body);
    if (!parsed.ok) throw badRequest(parsed.fields);
    const result = await decideReview(ctx, request.params.id, signedIn(request).id, parsed.value.decision, parsed.value.comment);
    if (result.kind === 'not_found') throw notFound('review');
    if (result.kind === 'already_decided') throw new HttpError(409, 'review_already_decided');
    return { decided: true };
  });
}
