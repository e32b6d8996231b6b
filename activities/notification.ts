// Tells an applicant what happened, by SMS in their language. The Notification row, unique per
// application and event, is the idempotency key: a retried activity finds it instead of writing a
// second one, and its ID is both the BullMQ jobId and the gateway reference, so one event is one SMS.
import { ApplicationFailure } from '@temporalio/activity';
import type { Queue } from 'bullmq';
import { Prisma, type Db } from '../lib/db';
import { eventKey, type ApplicantEvent } from '../domain/applicant-events';
import { isReasonCode, type ReasonCode } from '../domain/reason-codes';
import { isLanguage, smsBody, type Facts } from '../domain/reason-messages';
import { SMS_PER_JOB, type NotificationJob } from '../lib/queues';
import { personalData, type PersonalData } from '../lib/personal-data';
import type { Config } from '../lib/config';

export interface NotificationDeps {
  db: Db;
  config: Pick<Config, 'PII_MASTER_KEYS'>;
  notifications: Queue<NotificationJob>;
  /** The status page applicants appeal on, e.g. `${PUBLIC_URL}/status` (default: "/status"). */
  statusUrl?: string;
}

/** The facts of each failed rule, by reason code, from the application's recorded rule results. */
export function factsByReason(ruleResults: unknown): Partial<Record<ReasonCode, Facts>> {
  const facts: Partial<Record<ReasonCode, Facts>> = {};
  if (!Array.isArray(ruleResults)) return facts;
  for (const result of ruleResults as unknown[]) {
    if (typeof result !== 'object' || result === null) continue;
    const { reasonCode, facts: values } = result as { reasonCode?: unknown; facts?: unknown };
    if (typeof reasonCode !== 'string' || !isReasonCode(reasonCode) || typeof values !== 'object' || values === null) continue;
    const usable = Object.entries(values).filter(
      (e): e is [string, string | number] => typeof e[1] === 'string' || typeof e[1] === 'number',
    );
    facts[reasonCode] = Object.fromEntries(usable);
  }
  return facts;
}

/** What a notification needs of its application. */
export interface NotifiedApplication {
  id: string;
  number: string;
  /** Sealed, as the application stores it. */
  phone: string | null;
  language: string;
  ruleResults: unknown;
  programName: string;
}

/** The message for one event, in the applicant's language, sealed as it is stored (null: the phone was erased). */
export function notificationData(pd: PersonalData, app: NotifiedApplication, event: ApplicantEvent, statusUrl?: string) {
  // Intake only stores es, pt or en; anything else falls back to the schema's default, Spanish.
  const language = isLanguage(app.language) ? app.language : 'es';
  const body = smsBody(event, language, {
    programName: app.programName,
    applicationNumber: app.number,
    facts: factsByReason(app.ruleResults),
    ...(statusUrl ? { statusUrl } : {}),
  });
  const phone = pd.openNullable('application.phone', app.phone);
  return {
    applicationId: app.id,
    eventKey: eventKey(event),
    channel: 'SMS',
    recipient: pd.sealNullable('notification.recipient', phone),
    language,
    body: pd.seal('notification.body', body),
  };
}

/**
 * Queues notifications for the SMS gateway, SMS_PER_JOB to a job; a job's ID is its first notification's,
 * so queuing the same messages twice queues them once. Should two jobs ever hold one message, it is still
 * sent once: a sent message is skipped, and the gateway knows a repeated reference.
 */
export async function queueNotifications(queue: Queue<NotificationJob>, notificationIds: string[]): Promise<void> {
  const jobs = [];
  for (let i = 0; i < notificationIds.length; i += SMS_PER_JOB) {
    const chunk = notificationIds.slice(i, i + SMS_PER_JOB);
    jobs.push({ name: 'sms', data: { notificationIds: chunk }, opts: { jobId: chunk[0] } });
  }
  if (jobs.length) await queue.addBulk(jobs);
}

export function createNotificationActivities(deps: NotificationDeps) {
  const { db, notifications } = deps;

  /** The row for this event, written once: a concurrent or repeated run reads the winner's row. */
  async function notificationFor(applicationId: string, event: ApplicantEvent) {
    const key = { applicationId_eventKey: { applicationId, eventKey: eventKey(event) } };
    const app = await db.application.findUnique({
      where: { id: applicationId },
      select: { id: true, number: true, phone: true, language: true, ruleResults: true, program: { select: { name: true } } },
    });
    if (!app) throw ApplicationFailure.nonRetryable(`application ${applicationId} not found`, 'ApplicationNotFound');
    // Insert first (the common case is a new event); the unique key turns a repeat into a read.
    try {
      const pd = await personalData(deps);
      return await db.notification.create({ data: notificationData(pd, { ...app, programName: app.program.name }, event, deps.statusUrl) });
    } catch (err) {
      if (!(err instanceof Prisma.PrismaClientKnownRequestError) || err.code !== 'P2002') throw err;
      return db.notification.findUniqueOrThrow({ where: key });
    }
  }

  return {
    async notifyApplicant(applicationId: string, event: ApplicantEvent): Promise<void> {
      const notification = await notificationFor(applicationId, event);
      // A sent (or permanently failed) message is never queued again: completed jobs are removed
      // after an hour, and their jobId would then be free for a second SMS.
      if (notification.status !== 'QUEUED') return;
      await queueNotifications(notifications, [notification.id]);
    },
  };
}

export type NotificationActivities = ReturnType<typeof createNotificationActivities>;
