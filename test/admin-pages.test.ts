// The admin pages over app.inject, on the real database: sign-in (one answer for unknown users and wrong
// passwords, the lock-out after failures, the cookie's attributes), role checks, the review page with its
// candidates side by side, CSRF on decisions, the decision itself (audited, off the queue), sign-out, and
// page weight.
import { createHash } from 'node:crypto';
import type { InjectOptions } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { reasonSentence } from '../domain/reason-messages';
import { mask } from '../lib/pii';
import { createUser } from '../lib/users';
import { escapeHtml } from '../web/http/html';
import { probableDuplicateReview } from './support/fixtures';
import { uid } from './support/util';
import { startTestWeb, type TestWeb } from './support/web';

const PASSWORD = 'correct horse battery staple';

type AdminFixture = Awaited<ReturnType<typeof probableDuplicateReview>>;

const FORM = 'application/x-www-form-urlencoded';
let web: TestWeb;
let reviewer: { id: string; username: string }, admin: { id: string; username: string };
const sizes = new Map<string, number>();
const made: AdminFixture[] = [];

beforeAll(async () => {
  web = await startTestWeb();
  const make = async (role: 'REVIEWER' | 'ADMIN', username = uid(role.toLowerCase())) => ({
    id: (await createUser(web.db, username, role, PASSWORD)).id,
    username,
  });
  [reviewer, admin] = [await make('REVIEWER'), await make('ADMIN')];
});
afterAll(async () => {
  // Nothing of ours stays in the shared queue for other tests to see.
  await web?.db.reviewTask.updateMany({
    where: { id: { in: made.map((f) => f.taskId) }, status: 'OPEN' },
    data: { status: 'DECIDED', decision: 'REJECT', comment: null },
  });
  console.log('admin page sizes (bytes):', Object.fromEntries(sizes));
  await web?.close();
});

/** Records every HTML page's size (each must stay under 60 KB). */
async function request(name: string, opts: InjectOptions) {
  const res = await web.app.inject(opts);
  if (String(res.headers['content-type']).startsWith('text/html'))
    sizes.set(name, Math.max(sizes.get(name) ?? 0, Buffer.byteLength(res.body)));
  return res;
}
const get = (name: string, url: string, cookie?: string) => request(name, { method: 'GET', url, headers: cookie ? { cookie } : {} });
const post = (name: string, url: string, fields: Record<string, string>, cookie?: string) =>
  request(name, {
    method: 'POST',
    url,
    payload: new URLSearchParams(fields).toString(),
    headers: { 'content-type': FORM, ...(cookie ? { cookie } : {}) },
  });
const csrfOf = (body: string) => /name="_csrf" value="([^"]+)"/.exec(body)?.[1] ?? '';
const cookieHeader = (res: { cookies: Array<{ name: string; value: string }> }) =>
  res.cookies
    .filter((c) => c.value)
    .map((c) => `${c.name}=${c.value}`)
    .join('; ');

/** The sign-in form's cookie and token, then the credentials: as a browser does it. */
async function signIn(username: string, password: string, next?: string) {
  const form = await get('sign-in', '/admin/sign-in');
  return post('sign-in', '/admin/sign-in', { _csrf: csrfOf(form.body), username, password, ...(next ? { next } : {}) }, cookieHeader(form));
}
async function session(user: { username: string }) {
  const res = await signIn(user.username, PASSWORD);
  expect(res.statusCode).toBe(303);
  return `amparo_admin=${res.cookies.find((c) => c.name === 'amparo_admin')!.value}`;
}

describe('sign-in', () => {
  it('gives one 401 page for a wrong password, an unknown user and a user without a password', async () => {
    const apiOnly = uid('api-only');
    await createUser(web.db, apiOnly, 'REVIEWER');
    const pages = await Promise.all(
      [
        [reviewer.username, 'wrong password 123'],
        [uid('nobody'), PASSWORD],
        [apiOnly, PASSWORD],
      ].map(async ([u, p]) => {
        const res = await signIn(u!, p!);
        return {
          status: res.statusCode,
          cookie: res.cookies.some((c) => c.name === 'amparo_admin'),
          body: res.body.replace(escapeHtml(u!), 'USER').replace(/value="[\w-]{43}"/, ''),
        };
      }),
    );
    expect([pages[0]!.status, pages[0]!.cookie]).toEqual([401, false]);
    expect(pages[0]!.body).toContain('The username, the password or the code is not right.');
    expect(pages.slice(1)).toEqual([pages[0], pages[0]]);
  });

  it('refuses a username after 5 failures in 15 minutes, even with the right password; others are unaffected', async () => {
    const username = uid('throttled');
    await createUser(web.db, username, 'REVIEWER', PASSWORD);
    for (let i = 0; i < 5; i++) expect((await signIn(username, `not the password ${i}`)).statusCode).toBe(401);
    const refused = await signIn(username, PASSWORD);
    expect([refused.statusCode, refused.body]).toEqual([429, expect.stringContaining('Too many failed sign-ins')]);
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(800);
    const unknown = uid('ghost'); // the same for a username that does not exist: nothing to learn
    for (let i = 0; i < 5; i++) await signIn(unknown, 'guess guess guess');
    expect((await signIn(unknown, 'guess guess guess')).statusCode).toBe(429);
    expect((await signIn(reviewer.username, PASSWORD)).statusCode).toBe(303);
  });

  it('sets an HttpOnly SameSite=Strict cookie for /admin whose token is stored only as a hash, and goes to a safe next', async () => {
    const res = await signIn(reviewer.username, PASSWORD, '/admin/reviews?kind=APPEAL');
    expect([res.statusCode, res.headers.location]).toEqual([303, '/admin/reviews?kind=APPEAL']);
    const cookie = res.cookies.find((c) => c.name === 'amparo_admin')!;
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Strict', path: '/admin', maxAge: 8 * 3600 });
    expect(cookie.value).toMatch(/^[\w-]{43}$/); // 32 random bytes
    const row = await web.db.session.findUniqueOrThrow({ where: { tokenHash: createHash('sha256').update(cookie.value).digest('hex') } });
    expect([row.userId, row.expiresAt.getTime() - Date.now() > 7.9 * 3600_000]).toEqual([reviewer.id, true]);
    expect(await web.db.session.count({ where: { tokenHash: cookie.value } })).toBe(0);
    expect(await web.db.auditEvent.count({ where: { action: 'admin.signed_in', actor: reviewer.id } })).toBeGreaterThan(0);
    expect((await signIn(reviewer.username, PASSWORD, 'https://evil.example/admin')).headers.location).toBe('/admin');
    expect((await signIn(reviewer.username, PASSWORD, '//evil.example/admin')).headers.location).toBe('/admin');
    // Login CSRF: a sign-in form posted without its own cookie (from another site) signs nobody in.
    const forged = await post('sign-in', '/admin/sign-in', { username: reviewer.username, password: PASSWORD });
    expect([forged.statusCode, forged.cookies.some((c) => c.name === 'amparo_admin')]).toEqual([403, false]);
  });
});

describe('roles', () => {
  it('sends a visitor without a session to sign in, and shows an ADMIN a 403 page on the review queue', async () => {
    const anonymous = await get('redirect', '/admin/reviews?kind=APPEAL');
    expect(anonymous.headers.location).toBe('/admin/sign-in?next=%2Fadmin%2Freviews%3Fkind%3DAPPEAL');
    expect((await get('redirect', '/admin/reviews', 'amparo_admin=forged-token')).statusCode).toBe(303);
    const cookie = await session(admin);
    const forbidden = await get('403', '/admin/reviews', cookie);
    expect([forbidden.statusCode, forbidden.body]).toEqual([403, expect.stringContaining('Your role does not give access to this page.')]);
    const home = await get('home', '/admin', cookie);
    expect(home.body).toContain(`Signed in as <strong>${escapeHtml(admin.username)}</strong>`);
    expect(home.body).not.toContain('href="/admin/reviews"'); // nav by role
    // Form parsing lives in the admin scope only: the JSON API still refuses form bodies.
    expect(
      (await web.app.inject({ method: 'POST', url: '/api/v1/programs', payload: 'code=X', headers: { 'content-type': FORM } })).statusCode,
    ).toBe(415);
  });
});

describe('the review queue and a review', () => {
  let cookie: string;
  let f: AdminFixture;
  beforeAll(
    async () => void ([cookie, f] = await Promise.all([session(reviewer), probableDuplicateReview(web.db).then((x) => (made.push(x), x))])),
  );

  it('lists open tasks oldest first with number, program, kind, age and candidate count; strict headers, no script', async () => {
    const res = await get('queue', '/admin/reviews?kind=DUPLICATE', cookie);
    expect([res.statusCode, res.headers['cache-control']]).toEqual([200, 'no-store']);
    expect(res.headers['content-security-policy']).toMatch(/^default-src 'none'; style-src 'sha256-/);
    expect(res.body).not.toContain('<script');
    const row = new RegExp(
      `<tr><td><a href="/admin/reviews/${f.taskId}">${f.applicant.number}</a></td><td>[^<]*\\(${f.programCode}\\)</td>\\s*<td>Probable duplicate</td><td><time[^>]*>\\d+ days</time></td><td>1</td></tr>`,
    );
    expect(res.body).toMatch(row);
    expect((await get('queue', '/admin/reviews?kind=APPEAL', cookie)).body).not.toContain(f.taskId);
  });

  it('shows the facts, the rule results with reasons, and the candidates side by side in one table', async () => {
    const res = await get('review', `/admin/reviews/${f.taskId}`, cookie);
    expect(res.statusCode).toBe(200);
    const table = /<table>\s*<caption id="compare-caption">[\s\S]*?<\/table>/.exec(res.body)?.[0] ?? '';
    for (const text of [
      f.applicant.fullName!,
      f.candidate.fullName!,
      mask(f.candidate.nationalId!),
      mask(f.applicant.nationalId!),
      'Probably the same person',
      '0.91',
    ])
      expect(table).toContain(escapeHtml(text));
    for (const id of [f.candidate.nationalId!, f.applicant.nationalId!]) expect(res.body).not.toContain(id);
    expect(res.body).toContain(f.householdId); // a registry fact
    expect(res.body).toContain(escapeHtml(reasonSentence('APPLICANT_TOO_YOUNG', 'en', { age: 17, minimum: 18 })));
    expect(res.body).toMatch(/<td>max_income_per_capita<\/td><td class="pass">Passed<\/td>/);
    expect(res.body).toContain(escapeHtml('Earlier call: "same person"')); // the earlier review's comment
  });

  it('refuses a decision without the CSRF token and changes nothing', async () => {
    for (const token of [{}, { _csrf: 'wrong-token' }] as Record<string, string>[]) {
      expect(
        (await post('403', `/admin/reviews/${f.taskId}/decision`, { decision: 'ENROLL', comment: 'Different people.', ...token }, cookie))
          .statusCode,
      ).toBe(403);
    }
    expect(await web.db.reviewTask.findUniqueOrThrow({ where: { id: f.taskId } })).toMatchObject({ status: 'OPEN', decision: null });
    expect(await web.db.auditEvent.count({ where: { entityId: f.applicant.id, action: 'review.decided' } })).toBe(0);
  });

  it('keeps the form with a 400 page when the comment is missing, then records the decision, audited, off the queue', async () => {
    const _csrf = csrfOf((await get('review', `/admin/reviews/${f.taskId}`, cookie)).body);
    const missing = await post('review 400', `/admin/reviews/${f.taskId}/decision`, { _csrf, decision: 'ENROLL', comment: ' ' }, cookie);
    expect([missing.statusCode, missing.body]).toEqual([400, expect.stringContaining('Write a comment saying why')]);
    expect(missing.body).toMatch(/value="ENROLL" checked>[\s\S]*<textarea[^>]*aria-invalid="true"/);

    const done = await post(
      'decision',
      `/admin/reviews/${f.taskId}/decision`,
      { _csrf, decision: 'ENROLL', comment: "Different mothers' names in the registry." },
      cookie,
    );
    expect([done.statusCode, done.headers.location]).toEqual([303, `/admin/reviews?decided=${f.applicant.number}`]);
    expect(await web.db.reviewTask.findUniqueOrThrow({ where: { id: f.taskId } })).toMatchObject({
      status: 'DECIDED',
      decision: 'ENROLL',
      reviewerId: reviewer.id,
    });
    expect(await web.db.auditEvent.count({ where: { entityId: f.applicant.id, action: 'review.decided', actor: reviewer.id } })).toBe(1);
    const queue = await get('queue', String(done.headers.location), cookie);
    expect(queue.body).toContain(`Decision recorded for application <strong>${f.applicant.number}</strong>`);
    expect(queue.body).not.toContain(f.taskId);

    const again = await post(
      '409',
      `/admin/reviews/${f.taskId}/decision`,
      { _csrf, decision: 'REJECT', comment: 'Changed my mind.' },
      cookie,
    );
    expect([again.statusCode, again.body]).toEqual([409, expect.stringContaining('Already decided')]);
    expect(await web.db.reviewTask.findUniqueOrThrow({ where: { id: f.taskId } })).toMatchObject({ decision: 'ENROLL' });
    expect((await get('review decided', `/admin/reviews/${f.taskId}`, cookie)).body).toContain(`by ${escapeHtml(reviewer.username)}`);
    expect((await get('404', '/admin/reviews/00000000-0000-4000-8000-000000000000', cookie)).statusCode).toBe(404);
    expect((await get('404', '/admin/reviews/not-a-uuid', cookie)).statusCode).toBe(404);
  });
});

describe('sign-out', () => {
  it('deletes the session: the old cookie leads back to sign-in', async () => {
    const cookie = await session(reviewer);
    const home = await get('home', '/admin', cookie);
    expect((await post('403', '/admin/sign-out', {}, cookie)).statusCode).toBe(403); // CSRF here too
    const out = await post('sign-out', '/admin/sign-out', { _csrf: csrfOf(home.body) }, cookie);
    expect([out.statusCode, out.headers.location]).toEqual([303, '/admin/sign-in?signedOut=1']);
    expect(out.cookies.find((c) => c.name === 'amparo_admin')?.value).toBe('');
    const after = await get('redirect', '/admin/reviews', cookie);
    expect([after.statusCode, after.headers.location]).toEqual([303, '/admin/sign-in?next=%2Fadmin%2Freviews']);
  });
});

describe('page weight', () => {
  it('keeps every admin page under 60 KB', () => {
    expect(sizes.size).toBeGreaterThan(8);
    for (const [name, bytes] of sizes) expect(bytes, name).toBeLessThan(60 * 1024);
  });
});
