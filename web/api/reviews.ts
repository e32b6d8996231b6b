// The reviewers' JSON API (the admin pages use the same web/services/reviews.ts), masked as the pages are;
// an application's personal data unmasked is an administrator's audited read, for a stated purpose.
import type { FastifyInstance } from 'fastify';
import { isReviewKind, REVIEW_KINDS } from '../../domain/review-kinds';
import { ReviewDecisionInput } from '../../schema/review';
import { requireRole, signedIn } from '../http/auth';
import type { WebContext } from '../http/context';
import { invalid, notFound, refuse, validInput } from '../services/refusal';
import { decideReview, openReviewTasks, reviewTask } from '../services/reviews';
import { maskedReviewTask, readPersonalData } from '../services/review-view';
import { PersonalDataReadInput } from '../../schema/personal-data';

export function reviewRoutes(app: FastifyInstance, ctx: WebContext): void {
  const reviewer = { preHandler: requireRole(ctx.db, 'REVIEWER') };

  app.get<{ Querystring: { kind?: string } }>('/api/v1/reviews', reviewer, async (request) => {
    const kind = request.query.kind;
    if (kind !== undefined && !isReviewKind(kind)) throw invalid({ kind: REVIEW_KINDS.join(', ').replace(/, (\w+)$/, ' or $1') });
    return { tasks: await openReviewTasks(ctx, { kind }) };
  });

  app.get<{ Params: { id: string } }>('/api/v1/reviews/:id', reviewer, async (request) => {
    const task = await reviewTask(ctx, request.params.id);
    if (!task) throw notFound('review_not_found', 'id');
    return maskedReviewTask(task);
  });

  app.post<{ Params: { id: string } }>(
    '/api/v1/applications/:id/personal-data',
    { preHandler: requireRole(ctx.db, 'ADMIN') },
    async (request) => {
      const { purpose } = validInput(PersonalDataReadInput, request.body);
      const found = await readPersonalData(ctx, request.params.id, signedIn(request).id, purpose);
      if (!found) throw notFound('application_not_found', 'id');
      return found;
    },
  );

  app.post<{ Params: { id: string } }>('/api/v1/reviews/:id/decision', reviewer, async (request) => {
    const input = validInput(ReviewDecisionInput, request.body);
    const result = await decideReview(ctx, request.params.id, signedIn(request).id, input.decision, input.comment);
    if (result.kind === 'not_found') throw notFound('review_not_found', 'id');
    if (result.kind === 'already_decided') throw refuse('review_already_decided');
    return { decided: true };
  });
}
