// Someone submitted a national ID that already has an application in the program. Leaked IDs are cheap,
// so the submitter may not be the owner: intake answers as to any new applicant (a number of the same
// form that leads nowhere) and changes nothing, and the owner is told here, by SMS to the phone of their
// application, with their own number, at most once a day (the day is the message's key). Each attempt is
// audited, without the submitter's data.
import { randomUUID } from 'node:crypto';
import { notificationData, queueNotifications } from '../../activities/notification';
import { audit } from '../../lib/audit';
import type { ServiceContext } from './context';

type Ctx = Pick<ServiceContext, 'db' | 'queues'>;

export async function answerRepeat(ctx: Ctx, applicationId: string): Promise<void> {
  const { db } = ctx;
  const app = await db.application.findUniqueOrThrow({
    where: { id: applicationId },
    select: { id: true, number: true, phone: true, language: true, ruleResults: true, program: { select: { name: true } } },
  });
  await audit(db, { actor: 'applicant', action: 'application.repeat_attempt', entityType: 'application', entityId: app.id });
  const message = {
    id: randomUUID(),
    ...notificationData({ ...app, programName: app.program.name }, { kind: 'IDENTITY_ATTEMPT', on: new Date().toISOString().slice(0, 10) }),
  };
  const { count } = await db.notification.createMany({ data: [message], skipDuplicates: true });
  if (count === 1) await queueNotifications(ctx.queues.notifications, [message.id]);
}
