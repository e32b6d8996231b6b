// The reviewers' side: the queue of open tasks, a task with everything needed to decide it (the
// applicant's facts, rule results, duplicate candidates side by side), and the decision itself,
// recorded and audited before the case's workflow is told, by signal-with-start: a case whose workflow was
// never started (a lost start) gets it now, and a lost signal is found by the workflow's periodic check.
import { audit } from '../../lib/audit';
import { openApplicant, personalData } from '../../lib/personal-data';
import type { RegistryFacts } from '../../activities/application';
import type { ReviewKind } from '../../domain/review-kinds';
import { reviewDecidedSignal } from '../../workflows/definitions';
import type { ServiceContext } from './context';
import { signalReview } from './review-signal';

type Ctx = Pick<ServiceContext, 'db' | 'temporal' | 'log' | 'config'>;

export async function openReviewTasks(ctx: Ctx, opts: { kind?: ReviewKind; limit?: number } = {}) {
  const tasks = await ctx.db.reviewTask.findMany({
    where: { status: 'OPEN', ...(opts.kind ? { kind: opts.kind } : {}) },
    orderBy: { createdAt: 'asc' },
    take: Math.min(opts.limit ?? 50, 200),
    include: {
      application: {
        select: {
          number: true,
          reasonCodes: true,
          program: { select: { code: true, name: true } },
          _count: { select: { duplicateCandidates: true } },
        },
      },
    },
  });
  return tasks.map((t) => ({
    id: t.id,
    kind: t.kind,
    createdAt: t.createdAt,
    applicationNumber: t.application.number,
    program: t.application.program,
    reasonCodes: t.application.reasonCodes,
    candidates: t.application._count.duplicateCandidates,
  }));
}

const applicantView = {
  id: true,
  number: true,
  status: true,
  fullName: true,
  nationalId: true,
  dateOfBirth: true,
  municipality: true,
  municipalityCode: true,
  householdSize: true,
  dependantsUnder18: true,
  declaredMonthlyIncome: true,
  createdAt: true,
  reasonCodes: true,
  program: { select: { code: true, name: true } },
  paymentAccount: { select: { rail: true, bankCode: true, accountNumber: true, msisdn: true } },
} as const;

export async function reviewTask(ctx: Ctx, taskId: string) {
  if (!/^[0-9a-f-]{36}$/.test(taskId)) return null;
  const task = await ctx.db.reviewTask.findUnique({
    where: { id: taskId },
    include: {
      application: {
        select: {
          ...applicantView,
          registryFacts: true,
          ruleResults: true,
          duplicateCandidates: { select: { kind: true, similarity: true, candidateApplication: { select: applicantView } } },
        },
      },
    },
  });
  if (!task) return null;
  const otherTasks = await ctx.db.reviewTask.findMany({
    where: { applicationId: task.applicationId, id: { not: task.id } },
    select: { kind: true, decision: true, comment: true, decidedAt: true },
  });
  // A reviewer compares people: the task is opened here, for the page or the (masking) JSON view.
  const pd = await personalData(ctx);
  const { registryFacts, duplicateCandidates, ...applicant } = task.application;
  return {
    ...task,
    statement: pd.openNullable('review_task.statement', task.statement),
    comment: pd.openNullable('review_task.comment', task.comment),
    application: {
      ...openApplicant(pd, applicant),
      registryFacts: registryFacts === null ? null : pd.openJson<RegistryFacts>('application.registry_facts', registryFacts),
      duplicateCandidates: duplicateCandidates.map((c) => ({ ...c, candidateApplication: openApplicant(pd, c.candidateApplication) })),
    },
    earlierReviews: otherTasks.map((t) => ({ ...t, comment: pd.openNullable('review_task.comment', t.comment) })),
  };
}

export type ReviewDecisionResult = { kind: 'decided' } | { kind: 'not_found' } | { kind: 'already_decided' };

export async function decideReview(
  ctx: Ctx,
  taskId: string,
  reviewerId: string,
  decision: 'ENROLL' | 'REJECT',
  comment: string,
): Promise<ReviewDecisionResult> {
  if (!/^[0-9a-f-]{36}$/.test(taskId)) return { kind: 'not_found' };
  const task = await ctx.db.reviewTask.findUnique({ where: { id: taskId }, select: { applicationId: true, kind: true } });
  if (!task) return { kind: 'not_found' };
  const sealedComment = (await personalData(ctx)).seal('review_task.comment', comment.trim().slice(0, 2000));
  const decided = await ctx.db.$transaction(async (tx) => {
    const moved = await tx.reviewTask.updateMany({
      where: { id: taskId, status: 'OPEN' },
      data: { status: 'DECIDED', decision, comment: sealedComment, reviewerId, decidedAt: new Date() },
    });
    if (moved.count === 0) return false;
    await audit(tx, {
      actor: reviewerId,
      action: 'review.decided',
      entityType: 'application',
      entityId: task.applicationId,
      details: { taskId, kind: task.kind, decision },
    });
    return true;
  });
  if (!decided) return { kind: 'already_decided' };
  await signalReview(
    ctx,
    task.applicationId,
    task.kind,
    reviewDecidedSignal,
    'review signal not delivered; the workflow will find the decision on its next check',
  );
  return { kind: 'decided' };
}
