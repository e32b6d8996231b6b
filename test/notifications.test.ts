// Notifying applicants: the activity writes one Notification and one job per event however often it
// runs, and the processor sends each one SMS through the (in-process, listening) gateway simulator,
// even when it runs twice, loses an answer, or meets a flaky gateway.
import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { Worker } from 'bullmq';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createNotificationActivities, queueNotifications } from '../activities/notification';
import type { ApplicantEvent } from '../domain/applicant-events';
import { loadConfig } from '../lib/config';
import { createDb, type Db } from '../lib/db';
import { createLogger } from '../lib/logger';
import { createRedis } from '../lib/redis';
import { buildSmsServer, type SmsFaults } from '../simulators/sms/server';
import { SmsStore, type SmsMessage } from '../simulators/sms/store';
import { createNotificationProcessor } from '../workers/notification-processor';
import { createQueues, NOTIFICATION_QUEUE, SMS_PER_JOB, type Queues } from '../lib/queues';
import { createProgram } from './support/fixtures';
import { uid, waitFor } from './support/util';
import { testPersonalData } from './support/personal-data';

const config = loadConfig();
const quiet = createLogger('notifications-test', 'error');
const faults: SmsFaults = { failureRate: 0 };
let db: Db;
let redis: ReturnType<typeof createRedis>;
let queues: Queues;
let pool: pg.Pool;
let sms: ReturnType<typeof buildSmsServer>;
let smsUrl: string;
let programId: string;

beforeAll(async () => {
  db = createDb(config.DATABASE_URL, 5);
  redis = createRedis(config.REDIS_URL);
  queues = createQueues(redis, uid('amparo-test-notify'));
  pool = new pg.Pool({ connectionString: config.SMS_SIM_DATABASE_URL, max: 5 });
  const store = new SmsStore(pool, { instanceId: uid('sms-notify') });
  await store.migrate();
  sms = buildSmsServer({ store, faults, logger: quiet });
  await sms.listen({ host: '127.0.0.1', port: 0 });
  smsUrl = `http://127.0.0.1:${(sms.server.address() as AddressInfo).port}`;
  programId = (await createProgram(db)).id;
});
afterAll(async () => {
  await queues?.notifications.obliterate({ force: true });
  await Promise.all([queues?.bankCallbacks.close(), queues?.notifications.close()]);
  await redis?.quit();
  await sms?.close();
  await pool?.end();
  await db?.$disconnect();
});

let phoneSeq = 0;
async function application(language: string, phone = `+5511930${String(++phoneSeq).padStart(6, '0')}`) {
  const tag = uid('n');
  const pd = await testPersonalData(db);
  const app = await db.application.create({
    data: {
      number: tag,
      programId,
      nationalIdHash: tag,
      nationalId: pd.seal('application.national_id', '52998224725'),
      fullName: pd.seal('application.full_name', 'Maria da Silva'),
      dateOfBirth: pd.seal('application.date_of_birth', '1985-03-04'),
      phone: pd.seal('application.phone', phone),
      phoneHash: tag,
      language,
      municipality: 'São Paulo',
      householdSize: 4,
      dependantsUnder18: 2,
      declaredMonthlyIncome: '4938.00',
      status: 'REJECTED',
      reasonCodes: ['INCOME_ABOVE_THRESHOLD'],
      ruleResults: [
        {
          rule: 'max_income_per_capita',
          passed: false,
          reasonCode: 'INCOME_ABOVE_THRESHOLD',
          facts: { householdMonthlyIncome: '4938.00', householdSize: 4, perCapita: '1234.5', threshold: '759.00' },
        },
        { rule: 'min_applicant_age', passed: true, facts: { age: 40, minimum: 18 } },
      ],
    },
  });
  return { ...app, phone };
}

const SENT_ONE = { sent: 1, failed: 0, skipped: 0 };
const REJECTED: ApplicantEvent = {
  kind: 'DECISION',
  status: 'REJECTED',
  reasonCodes: ['INCOME_ABOVE_THRESHOLD'],
  appealDeadline: '2025-07-15T12:00:00Z',
};
const activities = (q = queues) => createNotificationActivities({ db, config, notifications: q.notifications });
const send = () => createNotificationProcessor({ db, config, smsUrl, logger: quiet });
/** An application's messages as the phone would show them: recipient and body opened. */
const notificationsOf = async (applicationId: string) => {
  const pd = await testPersonalData(db);
  return (await db.notification.findMany({ where: { applicationId } })).map((n) => ({
    ...n,
    recipient: pd.open('notification.recipient', n.recipient!),
    body: pd.open('notification.body', n.body!),
  }));
};
const jobs = async (notificationId: string, q = queues) =>
  (await q.notifications.getJobs()).filter((j) => j.data.notificationIds.includes(notificationId));
const gateway = async (reference: string) =>
  (await sms.inject({ method: 'GET', url: `/v1/messages?reference=${reference}` })).json<{ messages: SmsMessage[] }>().messages;

async function queuedJob(applicationId: string, event: ApplicantEvent = REJECTED) {
  await activities().notifyApplicant(applicationId, event);
  const [n] = await notificationsOf(applicationId);
  const job = await queues.notifications.getJob(n!.id);
  return { notification: n!, job: job! };
}

describe('notifyApplicant', () => {
  it('writes one Notification and one job however often, and concurrently, it runs', async () => {
    const app = await application('es');
    await Promise.all([activities().notifyApplicant(app.id, REJECTED), activities().notifyApplicant(app.id, REJECTED)]);
    await activities().notifyApplicant(app.id, REJECTED);
    const rows = await notificationsOf(app.id);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      eventKey: 'decision:REJECTED',
      channel: 'SMS',
      recipient: app.phone,
      language: 'es',
      status: 'QUEUED',
      attempts: 0,
    });
    expect(rows[0]!.body).toContain(`su solicitud ${app.number} no fue aprobada`);
    expect(rows[0]!.body).toContain('(1.234,50) supera el límite del programa (759,00)');
    expect(rows[0]!.body).not.toContain('Maria');
    expect((await jobs(rows[0]!.id)).map((j) => j.id)).toEqual([rows[0]!.id]);

    await activities().notifyApplicant(app.id, { kind: 'APPEAL_RECEIVED' }); // another event is another message
    expect((await notificationsOf(app.id)).map((n) => n.eventKey).sort()).toEqual(['appeal:received', 'decision:REJECTED']);
  });

  it("writes the body in the application's language", async () => {
    const texts = {
      pt: ['seu pedido', 'passa do limite do programa (759,00)', '15 de julho de 2025'],
      en: ['your application', '(1,234.50) is above', '15 July 2025'],
    };
    for (const [lang, expected] of Object.entries(texts)) {
      const app = await application(lang);
      const { notification: n, job } = await queuedJob(app.id);
      expect(n.language).toBe(lang);
      for (const text of expected) expect(n.body).toContain(text);
      expect(await send()(job)).toEqual(SENT_ONE);
      expect((await gateway(n.id)).map((m) => [m.to, m.body])).toEqual([[app.phone, n.body]]);
    }
  });
});

describe('notification processor', () => {
  it('sends once when run twice, and the activity does not queue a sent message again', async () => {
    const app = await application('es');
    const { notification: n, job } = await queuedJob(app.id);
    expect(await send()(job)).toEqual(SENT_ONE);
    expect(await send()(job)).toEqual({ sent: 0, failed: 0, skipped: 1 });
    const [message] = await gateway(n.id);
    const sent = await db.notification.findUniqueOrThrow({ where: { id: n.id } });
    expect(sent).toMatchObject({ status: 'SENT', providerRef: message!.messageId, attempts: 1 });
    expect(sent.sentAt).toBeInstanceOf(Date);
    expect(await gateway(n.id)).toHaveLength(1);

    await job.remove(); // as removeOnComplete does after an hour: the jobId is free again
    await activities().notifyApplicant(app.id, REJECTED);
    expect(await jobs(n.id)).toHaveLength(0);
  });

  it('sends once when the first attempt reached the gateway but its answer was lost', async () => {
    const app = await application('en');
    const { notification: n, job } = await queuedJob(app.id);
    const first = await fetch(`${smsUrl}/v1/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ to: n.recipient, body: n.body, reference: n.id }),
    });
    expect(first.status).toBe(202);
    const { messageId } = (await first.json()) as { messageId: string };
    expect(await send()(job)).toEqual(SENT_ONE);
    expect(await db.notification.findUniqueOrThrow({ where: { id: n.id } })).toMatchObject({ status: 'SENT', providerRef: messageId });
    expect(await gateway(n.id)).toHaveLength(1);
  });

  it('throws on 503 so BullMQ retries with backoff, until the gateway recovers', async () => {
    const app = await application('pt');
    const { notification: n, job } = await queuedJob(app.id);
    try {
      faults.failureRate = 1;
      await expect(send()(job)).rejects.toThrow('sms gateway answered 503');
      expect(await db.notification.findUniqueOrThrow({ where: { id: n.id } })).toMatchObject({ status: 'QUEUED', attempts: 1 });
      expect(await gateway(n.id)).toHaveLength(0);
    } finally {
      faults.failureRate = 0;
    }

    // The same through a real worker: the first attempt fails, BullMQ's backoff retry sends it.
    const prefix = uid('amparo-test-notify-worker');
    const own = createQueues(redis, prefix);
    const workerRedis = createRedis(config.REDIS_URL);
    const worker = new Worker(NOTIFICATION_QUEUE, send(), { connection: workerRedis, prefix });
    try {
      const other = await application('pt');
      faults.failureRate = 1;
      await activities(own).notifyApplicant(other.id, REJECTED);
      const [queued] = await notificationsOf(other.id);
      await waitFor(async () => (await db.notification.findUniqueOrThrow({ where: { id: queued!.id } })).attempts >= 1);
      faults.failureRate = 0;
      const sent = await waitFor(async () => {
        const row = await db.notification.findUniqueOrThrow({ where: { id: queued!.id } });
        return row.status === 'SENT' ? row : null;
      }, 15_000);
      expect(sent.attempts).toBeGreaterThanOrEqual(2);
      expect(await gateway(queued!.id)).toHaveLength(1);
    } finally {
      faults.failureRate = 0;
      await worker.close();
      await own.notifications.obliterate({ force: true });
      await Promise.all([own.bankCallbacks.close(), own.notifications.close()]);
      await workerRedis.quit();
    }
  });

  it("sends a decision batch's job: each message once, a refused one FAILED, a retry after a gateway failure only what is left", async () => {
    const own = createQueues(redis, uid('amparo-test-notify-many'));
    try {
      const apps = [await application('es'), await application('pt', '011 5555-0001'), await application('en')];
      for (const app of apps) await activities(own).notifyApplicant(app.id, REJECTED);
      const ids = (await db.notification.findMany({ where: { applicationId: { in: apps.map((a) => a.id) } } })).map((n) => n.id);
      const chunks = createQueues(redis, uid('amparo-test-notify-chunks'));
      await queueNotifications(chunks.notifications, ids);
      const [job] = await chunks.notifications.getJobs();
      expect(job!.data.notificationIds.sort()).toEqual([...ids].sort());
      await chunks.notifications.obliterate({ force: true });
      await Promise.all([chunks.bankCallbacks.close(), chunks.notifications.close()]);

      faults.failureRate = 1;
      await expect(send()(job!)).rejects.toThrow('sms gateway answered 503');
      faults.failureRate = 0;
      expect(await send()(job!)).toEqual({ sent: 2, failed: 1, skipped: 0 });
      expect(await send()(job!)).toEqual({ sent: 0, failed: 0, skipped: 3 });
      const rows = await db.notification.findMany({ where: { id: { in: ids } } });
      for (const n of rows) {
        const valid = apps.find((a) => a.id === n.applicationId)!.phone.startsWith('+');
        expect(n).toMatchObject({ status: valid ? 'SENT' : 'FAILED', attempts: 2 });
        expect(await gateway(n.id)).toHaveLength(valid ? 1 : 0);
      }
    } finally {
      faults.failureRate = 0;
      await own.notifications.obliterate({ force: true });
      await Promise.all([own.bankCallbacks.close(), own.notifications.close()]);
    }
  });

  it('queues a batch of messages SMS_PER_JOB to a job, and the same messages twice as once', async () => {
    const own = createQueues(redis, uid('amparo-test-notify-queue'));
    try {
      const ids = Array.from({ length: SMS_PER_JOB * 2 + 20 }, () => randomUUID());
      await queueNotifications(own.notifications, ids);
      await queueNotifications(own.notifications, ids);
      const queued = await own.notifications.getJobs();
      expect(queued.map((j) => j.data.notificationIds.length).sort((a, b) => a - b)).toEqual([20, SMS_PER_JOB, SMS_PER_JOB]);
      expect(queued.flatMap((j) => j.data.notificationIds).sort()).toEqual([...ids].sort());
    } finally {
      await own.notifications.obliterate({ force: true });
      await Promise.all([own.bankCallbacks.close(), own.notifications.close()]);
    }
  });

  it('marks a message the gateway refuses (400) FAILED without retrying', async () => {
    const app = await application('es', '011 5555-0000'); // not E.164: the gateway will never accept it
    const { notification: n, job } = await queuedJob(app.id);
    expect(await send()(job)).toEqual({ sent: 0, failed: 1, skipped: 0 });
    expect(await db.notification.findUniqueOrThrow({ where: { id: n.id } })).toMatchObject({
      status: 'FAILED',
      attempts: 1,
      providerRef: null,
    });
    expect(await send()(job)).toEqual({ sent: 0, failed: 0, skipped: 1 });
    expect((await db.notification.findUniqueOrThrow({ where: { id: n.id } })).attempts).toBe(1);
  });
});
