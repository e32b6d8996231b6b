// Rate limits that hold across processes (counted in Redis): a status look-up cannot be brute-forced by
// guessing birth dates, intake cannot be flooded from one address or one phone, and SMS only goes to the
// program's country. Two real web processes share the counts.
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../lib/config';
import { parseOverrides } from '../web/http/rate-limits';
import { application, randomCpf } from './support/application';
import { createProgram } from './support/fixtures';
import { uid, waitFor } from './support/util';
import { startTestWeb, type TestWeb } from './support/web';

const webs: TestWeb[] = [];
const programIds: string[] = [];
afterAll(async () => {
  const db = webs[0]?.db;
  await db?.application.updateMany({
    where: { programId: { in: programIds }, status: 'RECEIVED' },
    data: { status: 'REJECTED', reasonCodes: ['TEST_CLEANUP'] },
  });
  await Promise.all(webs.map((w) => w.close()));
});
const web = async (opts: Parameters<typeof startTestWeb>[0] = {}) => {
  const w = await startTestWeb(opts);
  webs.push(w);
  return w;
};

async function applied(w: TestWeb, code: string, overrides: Record<string, unknown> = {}): Promise<string> {
  const res = await w.app.inject({
    method: 'POST',
    url: `/api/v1/programs/${code}/applications`,
    payload: application({ nationalId: randomCpf(), ...overrides }),
  });
  expect(res.statusCode).toBe(201);
  return res.json<{ applicationNumber: string }>().applicationNumber;
}

const form = (values: Record<string, string>) => ({
  headers: { 'content-type': 'application/x-www-form-urlencoded', 'accept-language': 'en' },
  payload: new URLSearchParams(values).toString(),
});
const lookup = (w: TestWeb, number: string, dob: [string, string, string], ip = '198.51.100.7') =>
  w.app.inject({
    method: 'POST',
    url: '/status',
    remoteAddress: ip,
    ...form({ number, dobDay: dob[0], dobMonth: dob[1], dobYear: dob[2] }),
  });

describe('status look-ups', () => {
  it('locks an application number after five wrong birth dates, saying when to try again, even with the right date', async () => {
    const w = await web();
    const program = await createProgram(w.db);
    programIds.push(program.id);
    const number = await applied(w, program.code);
    // Different addresses each time: the lock is on the number, not on who asks.
    for (let i = 0; i < 5; i++) expect((await lookup(w, number, ['1', '1', String(1950 + i)], `203.0.113.${i + 1}`)).statusCode).toBe(404);
    const locked = await lookup(w, number, ['14', '3', '1985'], '203.0.113.99');
    expect(locked.statusCode).toBe(429);
    expect(Number(locked.headers['retry-after'])).toBeGreaterThan(50 * 60);
    expect(locked.body).toMatch(/try again in (59|60) minutes/);
    // Another application is not affected.
    const other = await applied(w, program.code);
    expect((await lookup(w, other, ['14', '3', '1985'])).statusCode).toBe(200);
  });

  it('checks no more than five guesses even when twenty arrive at once', async () => {
    const w = await web();
    const program = await createProgram(w.db);
    programIds.push(program.id);
    const number = await applied(w, program.code);
    const answers = await Promise.all(
      Array.from({ length: 20 }, (_, i) => lookup(w, number, ['2', '2', String(1930 + i)], `203.0.113.${100 + i}`)),
    );
    const byStatus = answers.map((a) => a.statusCode).sort();
    expect(byStatus).toEqual([...Array<number>(5).fill(404), ...Array<number>(15).fill(429)]);
  });

  it('refuses more look-ups from one address than a person makes, in the page language', async () => {
    const w = await web({ rateLimits: 'statusLookupPerIp=3/60' });
    const number = `BR-${uid('x').slice(-8).toUpperCase()}`;
    for (let i = 0; i < 3; i++) expect((await lookup(w, number, ['1', '1', '1990'], '192.0.2.50')).statusCode).toBe(404);
    const refused = await w.app.inject({
      method: 'POST',
      url: '/status',
      remoteAddress: '192.0.2.50',
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'accept-language': 'pt-BR' },
      payload: new URLSearchParams({ number, dobDay: '1', dobMonth: '1', dobYear: '1990' }).toString(),
    });
    expect([refused.statusCode, refused.headers['retry-after']]).toEqual([429, expect.stringMatching(/^\d+$/)]);
    expect(refused.body).toContain('Tentativas demais');
    expect((await lookup(w, number, ['1', '1', '1990'], '192.0.2.51')).statusCode).toBe(404);
  });

  it('locks appeals with wrong birth dates the same way', async () => {
    const w = await web();
    const program = await createProgram(w.db);
    programIds.push(program.id);
    const number = await applied(w, program.code);
    const appeal = (dateOfBirth: string) =>
      w.app.inject({
        method: 'POST',
        url: '/status/appeal',
        remoteAddress: '198.51.100.9',
        ...form({ number, dateOfBirth, statement: 'x' }),
      });
    for (let i = 0; i < 5; i++) expect((await appeal(`19${60 + i}-01-01`)).statusCode).toBe(404);
    expect((await appeal('1985-03-14')).statusCode).toBe(429);
  });
});

describe('two web processes', () => {
  const children: ChildProcess[] = [];
  afterAll(() => children.forEach((c) => c.kill('SIGTERM')));

  const freePort = () =>
    new Promise<number>((resolve) => {
      const s = createServer().listen(0, '127.0.0.1', () => {
        const port = (s.address() as { port: number }).port;
        s.close(() => resolve(port));
      });
    });

  async function webProcess(prefix: string): Promise<string> {
    const port = await freePort();
    const child = spawn(process.execPath, ['--import', 'tsx', 'web/main.ts'], {
      env: { ...process.env, WEB_PORT: String(port), QUEUE_PREFIX: prefix, LOG_LEVEL: 'error' },
      stdio: 'ignore',
    });
    children.push(child);
    const base = `http://127.0.0.1:${port}`;
    await waitFor(
      () =>
        fetch(`${base}/health`)
          .then((r) => r.ok)
          .catch(() => false),
      30_000,
    );
    return base;
  }

  it('share the lock-out: wrong birth dates sent to either count together', async () => {
    const prefix = uid('amparo-test-2web');
    const [a, b] = await Promise.all([webProcess(prefix), webProcess(prefix)]);
    const w = await web();
    const program = await createProgram(w.db);
    programIds.push(program.id);
    const number = await applied(w, program.code);
    const post = (base: string, year: string) =>
      fetch(`${base}/status`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ number, dobDay: '1', dobMonth: '1', dobYear: year }).toString(),
      }).then((r) => r.status);
    const answers = [];
    for (const [i, base] of [a, b, a, b, a, b].entries()) answers.push(await post(base, String(1940 + i)));
    expect(answers).toEqual([404, 404, 404, 404, 404, 429]);
    expect(await post(a, '1985')).toBe(429);
  }, 90_000);
});

describe('intake', () => {
  it('refuses a flood from one address with 429 and Retry-After, writing nothing', async () => {
    const w = await web({ rateLimits: 'intakePerIp=3/60' });
    const program = await createProgram(w.db);
    programIds.push(program.id);
    const send = () =>
      w.app.inject({
        method: 'POST',
        url: `/api/v1/programs/${program.code}/applications`,
        remoteAddress: '198.51.100.20',
        payload: application({ nationalId: randomCpf() }),
      });
    for (let i = 0; i < 3; i++) expect((await send()).statusCode).toBe(201);
    const refused = await send();
    expect([refused.statusCode, refused.headers['retry-after']]).toEqual([429, expect.stringMatching(/^\d+$/)]);
    expect(refused.json()).toMatchObject({ error: 'rate_limited', fields: { body: expect.stringContaining('try again') as string } });
    expect(await w.db.application.count({ where: { programId: program.id } })).toBe(3);
  });

  it('refuses more applications from one phone than a household sends', async () => {
    const w = await web({ rateLimits: 'intakePerPhone=2/86400' });
    const program = await createProgram(w.db);
    programIds.push(program.id);
    const phone = `+55119${String(Math.floor(Math.random() * 1e8)).padStart(8, '0')}`;
    for (let i = 0; i < 2; i++) await applied(w, program.code, { phone });
    const refused = await w.app.inject({
      method: 'POST',
      url: `/api/v1/programs/${program.code}/applications`,
      payload: application({ nationalId: randomCpf(), phone }),
    });
    expect([refused.statusCode, Object.keys(refused.json<{ fields: object }>().fields)]).toEqual([429, ['phone']]);
  });

  it("sends SMS and money only to the program's country calling codes", async () => {
    const w = await web();
    const program = await createProgram(w.db);
    programIds.push(program.id);
    for (const phone of ['+12025550123', '+447700900123', '+8613800138000', '+99912345678']) {
      const res = await w.app.inject({
        method: 'POST',
        url: `/api/v1/programs/${program.code}/applications`,
        payload: application({ nationalId: randomCpf(), phone }),
      });
      expect([phone, res.statusCode, Object.keys(res.json<{ fields: object }>().fields)]).toEqual([phone, 400, ['phone']]);
    }
    const wallet = await w.app.inject({
      method: 'POST',
      url: `/api/v1/programs/${program.code}/applications`,
      payload: application({ nationalId: randomCpf(), payment: { rail: 'WALLET', msisdn: '+447700900123' } }),
    });
    expect([wallet.statusCode, Object.keys(wallet.json<{ fields: object }>().fields)]).toEqual([400, ['payment.msisdn']]);
    expect(await w.db.application.count({ where: { programId: program.id } })).toBe(0);
    // A program may accept more codes (a border program paying Portuguese numbers too, say).
    const border = await createProgram(w.db);
    programIds.push(border.id);
    await w.db.program.update({ where: { id: border.id }, data: { phoneCallingCodes: ['55', '351'] } });
    expect(await applied(w, border.code, { phone: '+351912345678' })).toMatch(/^BR-/);
  });
});

describe('configuration', () => {
  it('reads changed limits, and names one that does not exist', () => {
    expect(parseOverrides('intakePerIp=5000/60, signInPerIp=100/900')).toEqual({
      intakePerIp: { points: 5000, seconds: 60 },
      signInPerIp: { points: 100, seconds: 900 },
    });
    expect(() => parseOverrides('noSuchLimit=1/1')).toThrow(/noSuchLimit/);
    expect(() => parseOverrides('intakePerIp=many')).toThrow(/intakePerIp=many/);
    expect(loadConfig({}).RATE_LIMITS).toBe('');
  });
});
