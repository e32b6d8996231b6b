// The reviewers' routes: the queue, one task, and the decision (through web/reviews.ts, the same path as
// the JSON API: one conditional update, audited, then the workflow is signalled). After a decision the
// browser is redirected (303) to the queue, so a refresh never posts twice.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { isReviewKind } from '../../domain/review-kinds';
import { parseInput } from '../../schema/fields';
import { ReviewDecisionInput } from '../../schema/review';
import type { WebContext } from '../http/context';
import { field } from '../http/form';
import { decideReview, openReviewTasks, reviewTask } from '../services/reviews';
import { messagePage, sendAdminPage } from './http';
import { KIND_NAMES, queuePage, reviewPage, type DecisionForm, type Task } from './review-pages';
import { requireAdminSession, type AdminSession } from './session';

const MESSAGES = { decision: 'Choose whether to enrol or reject', comment: 'Write a comment saying why, in a few words' } as const;

export function adminReviewRoutes(scope: FastifyInstance, ctx: WebContext): void {
  const reviewer = { preHandler: requireAdminSession(ctx.db, 'REVIEWER') };
  const session = (request: FastifyRequest) => request.adminSession as AdminSession;
  const missing = (reply: FastifyReply, request: FastifyRequest) =>
    messagePage(reply, {
      status: 404,
      session: session(request),
      title: 'Review not found',
      text: 'There is no review task at this address.',
      back: { href: '/admin/reviews', label: 'Back to the queue' },
    });

  const showTask = async (reply: FastifyReply, request: FastifyRequest, task: Task, form: DecisionForm, status = 200) => {
    const decidedBy = task.reviewerId
      ? ((await ctx.db.user.findUnique({ where: { id: task.reviewerId }, select: { username: true } }))?.username ?? null)
      : null;
    const title = `${form.errors.decision || form.errors.comment ? 'Error: ' : ''}${KIND_NAMES[task.kind]} ${task.application.number}`;
    return sendAdminPage(reply, {
      status,
      title,
      session: session(request),
      current: '/admin/reviews',
      body: reviewPage(task, session(request).csrfToken, form, decidedBy),
    });
  };

  scope.get<{ Querystring: { kind?: string; decided?: string } }>('/admin/reviews', reviewer, async (request, reply) => {
    const kind = isReviewKind(request.query.kind) ? request.query.kind : undefined;
    // The notice names an application number; anything else in the link is ignored, not echoed.
    const decided =
      typeof request.query.decided === 'string' && /^[\w-]{1,40}$/.test(request.query.decided) ? request.query.decided : undefined;
    const [tasks, total] = await Promise.all([
      openReviewTasks(ctx, { kind, limit: 200 }),
      ctx.db.reviewTask.count({ where: { status: 'OPEN', ...(kind ? { kind } : {}) } }),
    ]);
    return sendAdminPage(reply, {
      title: 'Review queue',
      session: session(request),
      current: '/admin/reviews',
      body: queuePage(tasks, total, kind, decided),
    });
  });

  scope.get<{ Params: { id: string } }>('/admin/reviews/:id', reviewer, async (request, reply) => {
    const task = await reviewTask(ctx, request.params.id);
    if (!task) return missing(reply, request);
    return showTask(reply, request, task, { decision: '', comment: '', errors: {} });
  });

  scope.post<{ Params: { id: string } }>('/admin/reviews/:id/decision', reviewer, async (request, reply) => {
    const task = await reviewTask(ctx, request.params.id);
    if (!task) return missing(reply, request);
    const values = { decision: field(request.body, 'decision'), comment: field(request.body, 'comment').slice(0, 2000) };
    const parsed = parseInput(ReviewDecisionInput, { decision: values.decision || undefined, comment: values.comment });
    if (!parsed.ok) {
      // The page again, with what was chosen and typed kept and each problem named.
      const errors = Object.fromEntries(
        Object.keys(parsed.fields)
          .filter((k) => k in MESSAGES)
          .map((k) => [k, MESSAGES[k as keyof typeof MESSAGES]]),
      );
      return showTask(reply, request, task, { ...values, errors }, 400);
    }
    const result = await decideReview(ctx, task.id, session(request).user.id, parsed.value.decision, parsed.value.comment);
    if (result.kind === 'not_found') return missing(reply, request);
    if (result.kind === 'already_decided') {
      return messagePage(reply, {
        status: 409,
        session: session(request),
        title: 'Already decided',
        text: `The task for application ${task.application.number} had already been decided, so this decision was not recorded.`,
        back: { href: `/admin/reviews/${task.id}`, label: 'See the recorded decision' },
      });
    }
    return reply.redirect(`/admin/reviews?${new URLSearchParams({ decided: task.application.number }).toString()}`, 303);
  });
}
