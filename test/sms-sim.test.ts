// The SMS gateway simulator's API, judged by its own PostgreSQL log: one message per reference,
// conflicts and invalid requests refused, and a flaky mode that fails before recording anything.
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../lib/config';
import { createLogger } from '../lib/logger';
import { buildSmsServer, type SmsFaults } from '../simulators/sms/server';
import { SmsStore, type SmsMessage } from '../simulators/sms/store';
import { uid } from './support/util';

let pool: pg.Pool;
const faults: SmsFaults = { failureRate: 0 };
let coin = 0.5;
let app: ReturnType<typeof buildSmsServer>;
let other: ReturnType<typeof buildSmsServer>;

beforeAll(async () => {
  pool = new pg.Pool({ connectionString: loadConfig().SMS_SIM_DATABASE_URL, max: 5 });
  const store = new SmsStore(pool, { instanceId: uid('sms-api') });
  await Promise.all([store.migrate(), store.migrate()]); // concurrent starts must not race on the DDL
  app = buildSmsServer({ store, faults, random: () => coin, logger: createLogger('sms-sim-test', 'error') });
  other = buildSmsServer({ store: new SmsStore(pool, { instanceId: uid('sms-other') }) });
});
afterAll(async () => {
  await app?.close();
  await other?.close();
  await pool?.end();
});

let phoneSeq = 0; // unique within the run; the store's instance is new each run
const phone = () => `+5511900${String(++phoneSeq).padStart(6, '0')}`;
const message = (extra: Partial<{ to: string; body: string; reference: string }> = {}) => ({
  to: phone(),
  body: 'Su solicitud fue aprobada.',
  reference: uid('ref'),
  ...extra,
});
const post = (body: unknown, server = app) => server.inject({ method: 'POST', url: '/v1/messages', payload: body as object });
const list = async (query: string, server = app) =>
  (await server.inject({ method: 'GET', url: `/v1/messages?${query}` })).json<{ messages: SmsMessage[] }>().messages;

describe('sms simulator', () => {
  it('accepts a message and lists it by recipient and by reference', async () => {
    const msg = message();
    const res = await post(msg);
    expect(res.statusCode).toBe(202);
    const { messageId, status } = res.json<{ messageId: string; status: string }>();
    expect(status).toBe('ACCEPTED');
    const byTo = await list(`to=${encodeURIComponent(msg.to)}`);
    expect(byTo.map(({ receivedAt: _, ...m }) => m)).toEqual([{ messageId, to: msg.to, body: msg.body, reference: msg.reference }]);
    expect(new Date(byTo[0]!.receivedAt).toISOString()).toBe(byTo[0]!.receivedAt);
    expect(await list(`reference=${msg.reference}`)).toEqual(byTo);
    expect(await list(`reference=${msg.reference}`, other)).toEqual([]); // another instance sees nothing
    expect((await app.inject({ method: 'GET', url: '/health' })).json()).toEqual({ status: 'ok' });
  });

  it('answers a resend of the same reference with the original, recording it once', async () => {
    const msg = message();
    const results = await Promise.all([post(msg), post(msg), post(msg)]);
    expect(results.map((r) => r.statusCode).sort()).toEqual([200, 200, 202]);
    const ids = new Set(results.map((r) => r.json<{ messageId: string }>().messageId));
    expect(ids.size).toBe(1);
    expect((await post(msg)).statusCode).toBe(200);
    expect(await list(`reference=${msg.reference}`)).toHaveLength(1);
  });

  it('refuses another message under a used reference with 409', async () => {
    const msg = message();
    const first = await post(msg);
    expect((await post({ ...msg, body: 'Otro texto.' })).statusCode).toBe(409);
    const res = await post({ ...msg, to: phone() });
    expect(res.statusCode).toBe(409);
    expect(res.json()).toEqual({ error: 'reference_conflict', messageId: first.json<{ messageId: string }>().messageId });
    expect(await list(`reference=${msg.reference}`)).toMatchObject([{ body: msg.body, to: msg.to }]);
  });

  it('refuses invalid requests naming the fields', async () => {
    const fieldsOf = (res: { json<T>(): T }) => res.json<{ error: string; fields: Record<string, string> }>();
    const res = await post({ to: '011 91234-5678', body: 'x'.repeat(1601), reference: '' });
    expect(res.statusCode).toBe(400);
    expect(fieldsOf(res).error).toBe('invalid_request');
    expect(Object.keys(fieldsOf(res).fields).sort()).toEqual(['body', 'reference', 'to']);
    expect(fieldsOf(res).fields.to).toContain('E.164');
    expect(Object.keys(fieldsOf(await post({ to: phone(), reference: uid('ref') })).fields)).toEqual(['body']);
    expect(Object.keys(fieldsOf(await post({ to: phone(), body: 'ok', reference: 'r'.repeat(101) })).fields)).toEqual(['reference']);
    const broken = await app.inject({
      method: 'POST',
      url: '/v1/messages',
      headers: { 'content-type': 'application/json' },
      payload: '{"to":',
    });
    expect(broken.statusCode).toBe(400);
    expect(broken.json()).toMatchObject({ error: 'invalid_request' });
    const badQuery = await app.inject({ method: 'GET', url: '/v1/messages?to=12345&limit=0' });
    expect(badQuery.statusCode).toBe(400);
    expect(Object.keys(fieldsOf(badQuery).fields).sort()).toEqual(['limit', 'to']);
  });

  it("lists one recipient's messages in the order received", async () => {
    const to = phone();
    const sent = [message({ to, body: 'uno' }), message({ to, body: 'dos' }), message({ to, body: 'tres' })];
    for (const m of sent) expect((await post(m)).statusCode).toBe(202);
    await post(message());
    expect((await list(`to=${encodeURIComponent(to)}`)).map((m) => m.body)).toEqual(['uno', 'dos', 'tres']);
    expect(await list(`to=${encodeURIComponent(to)}&limit=2`)).toHaveLength(2);
  });

  it('fails the configured share of requests with 503 before recording them', async () => {
    const msg = message();
    try {
      faults.failureRate = 1;
      coin = 0.999;
      const res = await post(msg);
      expect(res.statusCode).toBe(503);
      expect(res.headers['retry-after']).toBe('1');
      expect(await list(`reference=${msg.reference}`)).toEqual([]);

      faults.failureRate = 0.5;
      coin = 0.49;
      expect((await post(msg)).statusCode).toBe(503);
      coin = 0.5;
      expect((await post(msg)).statusCode).toBe(202);
      coin = 0.1;
      expect((await post(msg)).statusCode).toBe(503); // a retry can fail too; the message stays recorded once
      faults.failureRate = 0;
      expect((await post(msg)).statusCode).toBe(200);
      expect(await list(`reference=${msg.reference}`)).toHaveLength(1);
    } finally {
      faults.failureRate = 0;
      coin = 0.5;
    }
  });
});
