// Staff credentials over app.inject, on the real database and Redis: API tokens that expire and can be
// listed and revoked (and the command that does it), trustProxy so that behind a TLS proxy cookies get
// Secure and HSTS is sent, the TOTP second factor (required in production for the roles that move
// money), and sign-in limits counted in Redis so that two servers share them.
import { spawnSync } from 'node:child_process';
import { generate } from 'otplib';
import { afterAll, describe, expect, it } from 'vitest';
import { createApiToken, listApiTokens, revokeApiToken, revokeUserApiTokens } from '../lib/api-tokens';
import { loadConfig } from '../lib/config';
import { enrollTotp } from '../lib/totp';
import { createUser } from '../lib/users';
import { uid } from './support/util';
import { startTestWeb, type TestWeb } from './support/web';

const PASSWORD = 'correct horse battery staple';
const DAY_MS = 86_400_000;

const webs: TestWeb[] = [];
afterAll(async () => Promise.all(webs.map((w) => w.close())));
const web = async (opts: Parameters<typeof startTestWeb>[0] = {}) => {
  const w = await startTestWeb(opts);
  webs.push(w);
  return w;
};

/** An authenticated API call that answers 404 (no such program) once the token is accepted. */
const stats = (w: TestWeb, token: string) =>
  w.app.inject({ method: 'GET', url: '/api/v1/programs/NO-SUCH-PROGRAM/stats', headers: { authorization: `Bearer ${token}` } });

interface Attempt {
  username: string;
  password?: string;
  code?: string;
  ip?: string;
  headers?: Record<string, string>;
}

/** The sign-in form's cookie and token, then the credentials: as a browser does it. */
async function signIn(w: TestWeb, a: Attempt) {
  const remoteAddress = a.ip ?? '127.0.0.1';
  const form = await w.app.inject({ method: 'GET', url: '/admin/sign-in', remoteAddress, headers: a.headers ?? {} });
  const csrf = /name="_csrf" value="([^"]+)"/.exec(form.body)?.[1] ?? '';
  const fields = { _csrf: csrf, username: a.username, password: a.password ?? PASSWORD, ...(a.code === undefined ? {} : { code: a.code }) };
  const res = await w.app.inject({
    method: 'POST',
    url: '/admin/sign-in',
    remoteAddress,
    payload: new URLSearchParams(fields).toString(),
    headers: {
      ...a.headers,
      'content-type': 'application/x-www-form-urlencoded',
      cookie: form.cookies.map((c) => `${c.name}=${c.value}`).join('; '),
    },
  });
  return { form, res };
}
const staff = async (w: TestWeb, role: 'ADMIN' | 'APPROVER' | 'REVIEWER' | 'FINANCE', password: string | undefined = PASSWORD) => {
  const username = uid(role.toLowerCase());
  return { username, ...(await createUser(w.db, username, role, password)) };
};

/** A six-digit code that is none of the codes of the previous, current and next time steps. */
async function wrongCode(secret: string): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  const near = await Promise.all([-30, 0, 30].map((d) => generate({ secret, epoch: now + d })));
  return ['000000', '111111', '222222', '333333'].find((c) => !near.includes(c))!;
}

describe('API tokens', () => {
  it('are issued with a new user for 90 days unless chosen otherwise, listed without the token, and record their last use', async () => {
    const w = await web();
    const user = await staff(w, 'ADMIN', undefined);
    expect((await stats(w, user.token)).statusCode).toBe(404);
    const more = await createApiToken(w.db, user.username, { label: 'reporting job', days: 7 });
    expect((await stats(w, more.token)).statusCode).toBe(404);

    const listed = await listApiTokens(w.db, { username: user.username });
    expect(listed).toHaveLength(2);
    const [first, second] = listed;
    expect(first!.expiresAt.getTime() - first!.createdAt.getTime()).toBe(90 * DAY_MS);
    expect(second).toMatchObject({ id: more.id, username: user.username, label: 'reporting job', revokedAt: null });
    expect(second!.expiresAt.getTime() - second!.createdAt.getTime()).toBe(7 * DAY_MS);
    expect(first!.lastUsedAt).toBeInstanceOf(Date);
    // Only a hash is stored: the token itself appears nowhere in its row.
    const rows = await w.db.apiToken.findMany({ where: { user: { username: user.username } } });
    for (const row of rows) expect(JSON.stringify(row)).not.toContain(user.token.slice(4));
    expect(JSON.stringify(listed)).not.toContain(user.token.slice(4));

    await expect(createApiToken(w.db, user.username, { days: 0 })).rejects.toThrow(/days/);
    await expect(createApiToken(w.db, uid('nobody'), {})).rejects.toThrow(/no user/);
  });

  it('refuses an expired token and a revoked token with 401 naming the authorization header', async () => {
    const w = await web();
    const user = await staff(w, 'ADMIN', undefined);
    // Issued two days ago for one day.
    const expiring = await createApiToken(w.db, user.username, { label: 'expiring', days: 1, now: new Date(Date.now() - 2 * DAY_MS) });
    const expired = await stats(w, expiring.token);
    expect(expired.statusCode).toBe(401);
    expect(expired.json()).toMatchObject({
      error: 'invalid_token',
      fields: { authorization: expect.stringContaining('expired') as string },
    });

    const revoking = await createApiToken(w.db, user.username, { label: 'revoking' });
    expect((await stats(w, revoking.token)).statusCode).toBe(404);
    expect(await revokeApiToken(w.db, revoking.id)).toBe(true);
    const revoked = await stats(w, revoking.token);
    expect(revoked.statusCode).toBe(401);
    expect(revoked.json()).toMatchObject({
      error: 'invalid_token',
      fields: { authorization: expect.stringContaining('revoked') as string },
    });
    expect(await revokeApiToken(w.db, revoking.id)).toBe(false); // already revoked: nothing changes

    // The user's other token still works until all of them are revoked (someone left the program).
    expect((await stats(w, user.token)).statusCode).toBe(404);
    expect(await revokeUserApiTokens(w.db, user.username)).toBe(1);
    expect((await stats(w, user.token)).statusCode).toBe(401);
    expect((await listApiTokens(w.db, { username: user.username })).every((t) => t.revokedAt !== null || t.expiresAt < new Date())).toBe(
      true,
    );
  });

  it('are created, listed and revoked by npm run tokens', async () => {
    const w = await web();
    const user = await staff(w, 'FINANCE', undefined);
    const run = (...args: string[]) => {
      const out = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/tokens.ts', ...args], { encoding: 'utf8', env: process.env });
      return { status: out.status, text: out.stdout + out.stderr };
    };
    const created = run('create', user.username, '--label', 'ledger export', '--days', '30');
    expect(created.status).toBe(0);
    const token = /\b(amp_[\w-]{32})\b/.exec(created.text)?.[1] ?? '';
    expect((await stats(w, token)).statusCode).toBe(404);

    const listed = run('list', user.username);
    expect(listed.status).toBe(0);
    expect(listed.text).toContain('ledger export');
    expect(listed.text).not.toContain(token);
    const id = (await listApiTokens(w.db, { username: user.username })).find((t) => t.label === 'ledger export')!.id;
    expect(listed.text).toContain(id);

    expect(run('revoke', id).status).toBe(0);
    expect((await stats(w, token)).statusCode).toBe(401);
    const unknown = run('revoke', '00000000-0000-4000-8000-000000000000');
    expect([unknown.status, unknown.text]).toEqual([1, expect.stringContaining('no active token')]);
    expect(run('create', user.username, '--days', 'many').status).not.toBe(0);
  }, 60_000);
});

describe('behind a TLS-terminating proxy', () => {
  const viaProxy = { 'x-forwarded-proto': 'https', 'x-forwarded-for': '203.0.113.40' };

  it('with TRUST_PROXY, x-forwarded-proto https gives Secure cookies and HSTS', async () => {
    const w = await web({ env: { TRUST_PROXY: 'true' } });
    const user = await staff(w, 'REVIEWER');
    const { form, res } = await signIn(w, { username: user.username, headers: viaProxy, ip: '10.0.0.2' });
    expect(form.cookies.find((c) => c.name === 'amparo_admin_signin')).toMatchObject({ secure: true });
    expect(form.headers['strict-transport-security']).toBe('max-age=31536000');
    expect(res.statusCode).toBe(303);
    expect(res.cookies.find((c) => c.name === 'amparo_admin')).toMatchObject({ secure: true, httpOnly: true });
    expect(res.headers['strict-transport-security']).toBe('max-age=31536000');
    // The JSON API's answers over https carry it too; plain http ones do not (browsers ignore it there).
    expect((await w.app.inject({ method: 'GET', url: '/health', headers: viaProxy })).headers['strict-transport-security']).toBeDefined();
    expect((await w.app.inject({ method: 'GET', url: '/health' })).headers['strict-transport-security']).toBeUndefined();
  });

  it('without TRUST_PROXY, the same headers from anyone are ignored: no Secure, no HSTS', async () => {
    const w = await web();
    const user = await staff(w, 'REVIEWER');
    const { form, res } = await signIn(w, { username: user.username, headers: viaProxy, ip: '10.0.0.2' });
    expect(form.cookies.find((c) => c.name === 'amparo_admin_signin')?.secure).toBeFalsy();
    expect(res.statusCode).toBe(303);
    expect(res.cookies.find((c) => c.name === 'amparo_admin')?.secure).toBeFalsy();
    expect(res.headers['strict-transport-security']).toBeUndefined();
  });

  it('with a hop count, believes that many proxies: the client is the address the nearest ones were given', async () => {
    const w = await web({ env: { TRUST_PROXY: '1' }, rateLimits: 'signInPerIp=1/900' });
    const user = await staff(w, 'REVIEWER');
    // One proxy: it appended the client's address (the last entry); earlier entries are whatever the client sent.
    const from = (forwardedFor: string) => ({ ip: '10.0.0.2', headers: { 'x-forwarded-proto': 'https', 'x-forwarded-for': forwardedFor } });
    const { res } = await signIn(w, { username: user.username, ...from('192.0.2.200, 198.51.100.50') });
    expect(res.cookies.find((c) => c.name === 'amparo_admin')).toMatchObject({ secure: true });
    expect(res.headers['strict-transport-security']).toBe('max-age=31536000');
    // The same client claiming another first address is still the same client; another client is not.
    expect((await signIn(w, { username: user.username, ...from('192.0.2.201, 198.51.100.50') })).res.statusCode).toBe(429);
    expect((await signIn(w, { username: user.username, ...from('192.0.2.200, 198.51.100.51') })).res.statusCode).toBe(303);
  });

  it('reads TRUST_PROXY as off, true, a hop count or a list of addresses', () => {
    const trust = (TRUST_PROXY?: string) => loadConfig({ TRUST_PROXY }).TRUST_PROXY;
    expect([trust(undefined), trust(''), trust('false'), trust('true'), trust('2')]).toEqual([false, false, false, true, 2]);
    expect(trust('10.0.0.1, 10.1.0.0/16,::1')).toEqual(['10.0.0.1', '10.1.0.0/16', '::1']);
    expect(() => trust('proxy.example')).toThrow(/TRUST_PROXY/);
    expect(() => trust('10.0.0.0/33')).toThrow(/TRUST_PROXY/);
  });
});

describe('TOTP second factor', () => {
  it('offers a code field on the sign-in form, accessible and without script', async () => {
    const w = await web();
    const page = await w.app.inject({ method: 'GET', url: '/admin/sign-in' });
    expect(page.body).toMatch(/<label for="code">[^<]+<\/label>/);
    expect(page.body).toMatch(/<input id="code" name="code" [^>]*autocomplete="one-time-code"/);
    expect(page.body).not.toContain('<script');
  });

  it('asks an enrolled user for a valid code, and refuses a wrong or replayed one with the same sentence', async () => {
    const w = await web();
    const admin = await staff(w, 'ADMIN');
    const { secret, uri } = await enrollTotp(w.db, admin.username);
    expect(uri).toBe(`otpauth://totp/Amparo:${admin.username}?secret=${secret}&issuer=Amparo`);

    const sentence = 'The username, the password or the code is not right.';
    const noCode = await signIn(w, { username: admin.username });
    expect([noCode.res.statusCode, noCode.res.body]).toEqual([401, expect.stringContaining(sentence)]);
    const wrong = await signIn(w, { username: admin.username, code: await wrongCode(secret) });
    expect([wrong.res.statusCode, wrong.res.body]).toEqual([401, expect.stringContaining(sentence)]);
    // A right code with a wrong password tells nothing either.
    const code = await generate({ secret });
    const badPassword = await signIn(w, { username: admin.username, password: 'not the password', code });
    expect([badPassword.res.statusCode, badPassword.res.body]).toEqual([401, expect.stringContaining(sentence)]);

    const ok = await signIn(w, { username: admin.username, code });
    expect(ok.res.statusCode).toBe(303);
    const replay = await signIn(w, { username: admin.username, code });
    expect([replay.res.statusCode, replay.res.body]).toEqual([401, expect.stringContaining(sentence)]);
    expect(replay.res.cookies.some((c) => c.name === 'amparo_admin')).toBe(false);
  });

  it('is required in production for ADMIN, APPROVER and FINANCE: without it they are told what to do', async () => {
    const w = await web({ env: { AMPARO_ENV: 'production' } });
    for (const role of ['ADMIN', 'APPROVER', 'FINANCE'] as const) {
      const user = await staff(w, role);
      const refused = await signIn(w, { username: user.username });
      expect([role, refused.res.statusCode, refused.res.cookies.some((c) => c.name === 'amparo_admin')]).toEqual([role, 403, false]);
      expect(refused.res.body).toContain(`npm run totp -- enroll ${user.username}`);
    }
    const reviewer = await staff(w, 'REVIEWER');
    expect((await signIn(w, { username: reviewer.username })).res.statusCode).toBe(303);
    const admin = await staff(w, 'ADMIN');
    const { secret } = await enrollTotp(w.db, admin.username);
    expect((await signIn(w, { username: admin.username, code: await generate({ secret }) })).res.statusCode).toBe(303);
    // The refusal comes only after the right password: a wrong one gets the usual sentence.
    const other = await staff(w, 'APPROVER');
    expect((await signIn(w, { username: other.username, password: 'not the password' })).res.statusCode).toBe(401);
  });
});

describe('sign-in limits, shared through Redis', () => {
  it('lock a username after five failures sent to two servers sharing a limits prefix, on a 429 page saying when', async () => {
    const prefix = uid('amparo-test-signin');
    const [a, b] = [await web({ limitsPrefix: prefix }), await web({ limitsPrefix: prefix })];
    const user = await staff(a, 'REVIEWER');
    const statuses = [];
    for (const w of [a, b, a, b, a])
      statuses.push((await signIn(w, { username: user.username, password: 'wrong password here' })).res.statusCode);
    expect(statuses).toEqual([401, 401, 401, 401, 401]);
    for (const w of [a, b]) {
      const { res } = await signIn(w, { username: user.username });
      expect([res.statusCode, res.cookies.some((c) => c.name === 'amparo_admin')]).toEqual([429, false]);
      expect(Number(res.headers['retry-after'])).toBeGreaterThan(800);
      expect(res.body).toMatch(/Too many failed sign-ins for this username\. Try again in 1[45] minutes\./);
    }
    // Another username is not locked, on either server.
    expect((await signIn(b, { username: (await staff(b, 'REVIEWER')).username })).res.statusCode).toBe(303);
  });

  it('forget the failures after a successful sign-in', async () => {
    const w = await web();
    const user = await staff(w, 'REVIEWER');
    for (let i = 0; i < 4; i++) await signIn(w, { username: user.username, password: 'wrong password here' });
    expect((await signIn(w, { username: user.username })).res.statusCode).toBe(303);
    for (let i = 0; i < 4; i++) await signIn(w, { username: user.username, password: 'wrong password here' });
    expect((await signIn(w, { username: user.username })).res.statusCode).toBe(303);
  });

  it('count attempts per address, the client address behind a trusted proxy', async () => {
    const w = await web({ rateLimits: 'signInPerIp=3/900' });
    const user = await staff(w, 'REVIEWER');
    for (let i = 0; i < 3; i++) expect((await signIn(w, { username: uid('guess'), ip: '198.51.100.30' })).res.statusCode).toBe(401);
    const refused = (await signIn(w, { username: user.username, ip: '198.51.100.30' })).res;
    expect([refused.statusCode, refused.headers['retry-after']]).toEqual([429, expect.stringMatching(/^\d+$/)]);
    expect(refused.body).toMatch(/Too many sign-ins from your network\. Try again in 1[45] minutes\./);
    expect((await signIn(w, { username: user.username, ip: '198.51.100.31' })).res.statusCode).toBe(303);

    // Behind a trusted proxy every request comes from the proxy: the client's address is what counts.
    const proxied = await web({ rateLimits: 'signInPerIp=3/900', env: { TRUST_PROXY: '10.0.0.0/8' } });
    const from = (client: string) => ({ ip: '10.0.0.2', headers: { 'x-forwarded-for': client } });
    for (let i = 0; i < 3; i++) await signIn(proxied, { username: uid('guess'), ...from('198.51.100.40') });
    expect((await signIn(proxied, { username: user.username, ...from('198.51.100.40') })).res.statusCode).toBe(429);
    expect((await signIn(proxied, { username: user.username, ...from('198.51.100.41') })).res.statusCode).toBe(303);
  });

  it('count every sign-in against a global ceiling', async () => {
    const w = await web({ rateLimits: 'signInGlobal=3/60' });
    for (let i = 0; i < 3; i++) await signIn(w, { username: uid('guess'), ip: `192.0.2.${i + 1}` });
    const refused = (await signIn(w, { username: uid('guess'), ip: '192.0.2.99' })).res;
    expect([refused.statusCode, refused.headers['retry-after']]).toEqual([429, expect.stringMatching(/^\d+$/)]);
    expect(refused.body).toMatch(/Too many sign-ins right now\. Try again in \d+ seconds\./);
  });
});
