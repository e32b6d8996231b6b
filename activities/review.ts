// Activities of the ApplicationWorkflow that wait on people: manual review of probable duplicates,
// rejection with an appeal window, and the appeal. The application row is the single place where the
// applicant's appeal (web) and the window's end (workflow) meet: conditional updates decide the race.
import { audit } from '../lib/audit';
import type { Db } from '../lib/db';
import type { ReasonCode } from '../domain/reason-codes';

const ACTOR = 'system:application-workflow';
const DAY_MS = 24 * 3600_000;

export type ReviewKind = 'DUPLICATE' | 'APPEAL';

export function createReviewActivities(deps: { db: Db }) {
  const { db } = deps;

  return {
    /** Puts a probable duplicate in the reviewers' queue. */
    async openReview(applicationId: string): Promise<void> {
      await db.$transaction(async (tx) => {
        const moved = await tx.application.updateMany({
          where: { id: applicationId, status: { in: ['RECEIVED', 'VERIFYING'] } },
          data: { status: 'NEEDS_REVIEW' },
        });
        await tx.reviewTask.createMany({ data: [{ applicationId, kind: 'DUPLICATE' }], skipDuplicates: true });
        if (moved.count === 1)
          await audit(tx, { actor: ACTOR, action: 'application.sent_to_review', entityType: 'application', entityId: applicationId });
      });
    },

    /** The reviewer's decision on a task, or null while it is open. */
    async reviewOutcome(applicationId: string, kind: ReviewKind): Promise<'ENROLL' | 'REJECT' | null> {
      const task = await db.reviewTask.findUnique({
        where: { applicationId_kind: { applicationId, kind } },
        select: { status: true, decision: true },
      });
      return task?.status === 'DECIDED' ? task.decision : null;
    },

    /**
     * Rejects and opens the appeal window (the program's, unless a test passes its own length).
     * Run again (runs never overlap: one workflow), it returns the first deadline.
     */
    async rejectApplication(
      applicationId: string,
      reasonCodes: ReasonCode[],
      appealWindowMs?: number,
    ): Promise<{ appealDeadline: string }> {
      const app = await db.application.findUniqueOrThrow({
        where: { id: applicationId },
        select: { status: true, appealDeadline: true, program: { select: { appealWindowDays: true } } },
      });
      if (app.status === 'REJECTED' && app.appealDeadline) return { appealDeadline: app.appealDeadline.toISOString() };
      const appealDeadline = new Date(Date.now() + (appealWindowMs ?? app.program.appealWindowDays * DAY_MS));
      await db.$transaction([
        db.application.updateMany({
          where: { id: applicationId, status: { in: ['RECEIVED', 'VERIFYING', 'NEEDS_REVIEW'] } },
          data: { status: 'REJECTED', reasonCodes, decidedAt: new Date(), appealDeadline },
        }),
        db.auditEvent.create({
          data: {
            actor: ACTOR,
            action: 'application.rejected',
            entityType: 'application',
            entityId: applicationId,
            details: { reasonCodes },
          },
        }),
      ]);
      return { appealDeadline: appealDeadline.toISOString() };
    },

    /** Whether the applicant appealed: an appeal task, once it exists, always exists (see localDatabaseStep). */
    async isAppealed(applicationId: string): Promise<boolean> {
      return (await db.reviewTask.count({ where: { applicationId, kind: 'APPEAL' } })) === 1;
    },

    /** At the deadline: closes the window unless the applicant appealed first. Returns whether they did. */
    async closeAppealWindow(applicationId: string): Promise<boolean> {
      const closed = await db.application.updateMany({
        where: { id: applicationId, status: 'REJECTED', reviewTasks: { none: { kind: 'APPEAL' } } },
        data: { appealDeadline: new Date() },
      });
      if (closed.count === 1) return false;
      return (await db.reviewTask.count({ where: { applicationId, kind: 'APPEAL' } })) === 1;
    },

    /** A rejection upheld on appeal: final, no further appeal. */
    async finalizeRejection(applicationId: string, reasonCodes: ReasonCode[]): Promise<void> {
      await db.$transaction(async (tx) => {
        const moved = await tx.application.updateMany({
          where: { id: applicationId, status: 'APPEALED' },
          data: { status: 'REJECTED', reasonCodes, decidedAt: new Date(), appealDeadline: new Date() },
        });
        if (moved.count === 1)
          await audit(tx, {
            actor: ACTOR,
            action: 'application.rejected_final',
            entityType: 'application',
            entityId: applicationId,
            details: { reasonCodes },
          });
      });
    },
  };
}
