// Activities of the ApplicationReviewWorkflow, which waits on people: the reviewer's decision on a
// probable duplicate or an appeal, a rejection with its appeal window, and a rejection upheld on appeal.
// The window is the application's appeal_deadline: the web refuses an appeal after it, nothing sleeps on it.
import { audit } from '../lib/audit';
import type { Config } from '../lib/config';
import type { Db } from '../lib/db';
import { personalData } from '../lib/personal-data';
import type { ReasonCode } from '../domain/reason-codes';
import type { ReviewKind } from '../domain/review-kinds';
import { accountCheckReason } from '../domain/account-check';

const ACTOR = 'system:application-review';
const DAY_MS = 24 * 3600_000;

export type { ReviewKind };

export function createReviewActivities(deps: { db: Db; config: Pick<Config, 'PII_MASTER_KEYS'> }) {
  const { db } = deps;

  return {
    /**
     * The reviewer's decision on a task, or null while it is open. An account case is also decided by its
     * rail: once it confirms an account the applicant gave, the household is enrolled.
     */
    async reviewOutcome(applicationId: string, kind: ReviewKind): Promise<'ENROLL' | 'REJECT' | null> {
      const task = await db.reviewTask.findUnique({
        where: { applicationId_kind: { applicationId, kind } },
        select: { status: true, decision: true, application: { select: { paymentAccount: { select: { checkOutcome: true } } } } },
      });
      if (task?.status === 'DECIDED') return task.decision;
      if (kind !== 'ACCOUNT' || task?.application.paymentAccount?.checkOutcome !== 'VERIFIED') return null;
      // Closed by the rail's answer, so it leaves the reviewers' queue (no reviewer: nobody decided it).
      await db.reviewTask.updateMany({
        where: { applicationId, kind, status: 'OPEN' },
        data: {
          status: 'DECIDED',
          decision: 'ENROLL',
          // Sealed as every comment is (a reviewer's may name people).
          comment: (await personalData(deps)).seal('review_task.comment', 'The rail confirmed the account the applicant gave.'),
          decidedAt: new Date(),
        },
      });
      return 'ENROLL';
    },

    /** The account's reason, told when a reviewer turns down an account case (REVIEW_REJECTED if the rail confirmed it). */
    async accountReasonCodes(applicationId: string): Promise<ReasonCode[]> {
      const account = await db.paymentAccount.findUnique({ where: { applicationId }, select: { checkOutcome: true } });
      const reason = account?.checkOutcome ? accountCheckReason(account.checkOutcome) : null;
      return [reason ?? 'REVIEW_REJECTED'];
    },

    /** Rejects and opens the program's appeal window. Run again (one workflow: runs never overlap), it returns the first deadline. */
    async rejectApplication(applicationId: string, reasonCodes: ReasonCode[]): Promise<{ appealDeadline: string }> {
      const app = await db.application.findUniqueOrThrow({
        where: { id: applicationId },
        select: { status: true, appealDeadline: true, program: { select: { appealWindowDays: true } } },
      });
      if (app.status === 'REJECTED' && app.appealDeadline) return { appealDeadline: app.appealDeadline.toISOString() };
      const appealDeadline = new Date(Date.now() + app.program.appealWindowDays * DAY_MS);
      await db.$transaction([
        db.application.updateMany({
          where: { id: applicationId, status: 'NEEDS_REVIEW' },
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
