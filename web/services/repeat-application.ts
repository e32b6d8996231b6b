// Someone submitted a national ID that already has an application in the program. Leaked IDs are cheap,
// so the submitter may not be the owner: intake answers as to any new applicant (a number of the same
// form that leads nowhere) and changes nothing, and the owner is told here, by SMS to the phone of their
// application, with their own number, at most once a day (the day is the message's key). Each attempt is
// audited, without the submitter's data.
import { createNotificationActivities } from '../../activities/notification';
import { audit } from '../../lib/audit';
import type { ServiceContext } from './context';

type Ctx = Pick<ServiceContext, 'db' | 'queues'>;

export async function answerRepeat(ctx: Ctx, applicationId: string): Promise<void> {
  await audit(ctx.db, { actor: 'applicant', action: 'application.repeat_attempt', entityType: 'application', entityId: applicationId });
  // The same path as every message to an applicant: one row per event (here, per day), queued once.
  await createNotificationActivities({ db: ctx.db, notifications: ctx.queues.notifications }).notifyApplicant(applicationId, {
    kind: 'IDENTITY_ATTEMPT',
    on: new Date().toISOString().slice(0, 10),
  });
}
