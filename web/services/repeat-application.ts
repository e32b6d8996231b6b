// Someone submitted a national ID that already has an application in the program. Leaked IDs are cheap,
// so the submitter may not be the owner: intake answers as to any new applicant (a number of the same
// form that leads nowhere) and changes nothing, and the owner is told here, by SMS to the phone of their
// application, with their own number, at most once a day (the day is the message's key). Each attempt is
// audited, without the submitter's data.
//
// Only a confirmed phone is told, and only a confirmed application holds its ID for good. An application
// whose phone was never confirmed may be anyone's (a typo, or someone squatting an ID with a phone of
// theirs): it holds the ID for UNVERIFIED_HOLD_MS, the life of every code one may ask for (10 minutes each,
// 3 an hour), and a submission after that takes its place (lapseUnverified). So neither a typo nor a
// squatter who never confirms keeps a person out of a program for longer than an hour.
import { createNotificationActivities } from '../../activities/notification';
import { audit } from '../../lib/audit';
import type { ReasonCode } from '../../domain/reason-codes';
import type { ServiceContext } from './context';

type Ctx = Pick<ServiceContext, 'db' | 'queues' | 'config'>;

/** How long an application whose phone is not confirmed keeps its national ID from a new submission. */
export const UNVERIFIED_HOLD_MS = 60 * 60_000;
/** What an application that gave its ID way says, in its reason codes (for staff: it was never decided). */
export const LAPSED_REASON: ReasonCode = 'PHONE_NOT_VERIFIED';

export async function answerRepeat(ctx: Ctx, app: { id: string; phoneVerifiedAt: Date | null }): Promise<void> {
  await audit(ctx.db, { actor: 'applicant', action: 'application.repeat_attempt', entityType: 'application', entityId: app.id });
  // An unconfirmed phone may be a stranger's: no warning goes there.
  if (!app.phoneVerifiedAt) return;
  // The same path as every message to an applicant: one row per event (here, per day), queued once.
  await createNotificationActivities({ db: ctx.db, config: ctx.config, notifications: ctx.queues.notifications }).notifyApplicant(app.id, {
    kind: 'IDENTITY_ATTEMPT',
    on: new Date().toISOString().slice(0, 10),
  });
}

/**
 * Sets aside an application whose phone went unconfirmed past the hold, freeing its national ID for a new
 * submission: it is closed (REJECTED, LAPSED_REASON, never decided) and its ID hash replaced, so the
 * program's one-application-per-ID constraint lets the newcomer in. One conditional update: a confirmation
 * or another lapse at the same moment leaves it alone. True when it was set aside.
 */
export async function lapseUnverified(ctx: Pick<Ctx, 'db'>, applicationId: string): Promise<boolean> {
  return ctx.db.$transaction(async (tx) => {
    const lapsed = await tx.$executeRaw`
      UPDATE application SET status = 'REJECTED', reason_codes = ARRAY[${LAPSED_REASON}]::text[], national_id_hash = 'lapsed:' || id::text
      WHERE id = ${applicationId}::uuid AND status = 'RECEIVED' AND phone_verified_at IS NULL
        AND created_at < (now() AT TIME ZONE 'UTC') - make_interval(secs => ${UNVERIFIED_HOLD_MS / 1000})`;
    if (lapsed === 1)
      await audit(tx, { actor: 'applicant', action: 'application.lapsed', entityType: 'application', entityId: applicationId });
    return lapsed === 1;
  });
}
