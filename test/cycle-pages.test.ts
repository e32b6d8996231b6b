// The payment-cycle admin pages over app.inject, on the real database and Temporal server: roles on every
// page and form, the preview's control totals per rail, CSRF refusals that change nothing, maker-checker
// with a clear refusal, approval by re-entering the totals, launch / pause / cancel (each audited), the
// self-refreshing page while a cycle runs, and progress per batch and overall as numbers in text.
import { randomUUID } from 'node:crypto';
import type { InjectOptions } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUser } from '../lib/users';
import { escapeHtml } from '../web/http/html';
import { paymentCycleWorkflowId } from '../workflows/ids';
import { approvedCycle, createProgram, enrollBeneficiaries } from './support/fixtures';
import { uid } from './support/util';
import { startTestWeb, type TestWeb } from './support/web';

const PASSWORD = 'correct horse battery staple';
let web: TestWeb;
const users = {} as Record<'admin' | 'maker' | 'approver' | 'finance' | 'reviewer', { id: string; username: string; cookie: string }>;
const launched: string[] = [];
const sizes = new Map<string, number>();

async function request(opts: InjectOptions & { url: string }) {
  const res = await web.app.inject(opts);
  const page = opts.url.replace(/[0-9a-f-]{36}/, ':id').replace(/\?.*/, '');
  if (String(res.headers['content-type']).startsWith('text/html'))
    sizes.set(page, Math.max(sizes.get(page) ?? 0, Buffer.byteLength(res.body)));
  return res;
}
const get = (url: string, cookie = '') => request({ method: 'GET', url, headers: { cookie } });
const post = (url: string, fields: Record<string, string>, cookie = '') =>
  request({
    method: 'POST',
    url,
    payload: new URLSearchParams(fields).toString(),
    headers: { 'content-type': 'application/x-www-form-urlencoded', cookie },
  });
const csrfOf = (body: string) => /name="_csrf" value="([^"]+)"/.exec(body)?.[1] ?? '';

async function signedInUser(role: 'ADMIN' | 'APPROVER' | 'REVIEWER' | 'FINANCE') {
  const username = uid(role.toLowerCase());
  const { id } = await createUser(web.db, username, role, PASSWORD);
  const form = await get('/admin/sign-in'); // the sign-in form's own cookie and token, as a browser sends them
  const res = await post(
    '/admin/sign-in',
    { _csrf: csrfOf(form.body), username, password: PASSWORD },
    form.cookies.map((c) => `${c.name}=${c.value}`).join('; '),
  );
  return { id, username, cookie: `amparo_admin=${res.cookies.find((c) => c.name === 'amparo_admin')!.value}` };
}
const csrf = async (cookie: string) => csrfOf((await get('/admin', cookie)).body);
const audits = (entityId: string, action: string, actor?: string) =>
  web.db.auditEvent.count({ where: { entityId, action, ...(actor ? { actor } : {}) } });

/** A program with 3 bank and 2 wallet households at 600.00 BRL each. */
async function program() {
  const p = await createProgram(web.db);
  await enrollBeneficiaries(web.db, p.id, 5, { msisdn: (i) => (i < 2 ? `+55119876543${i}0` : null) });
  return p;
}
/** Prepares a cycle through the page as `who`; returns its id. */
async function prepare(code: string, who = users.admin) {
  const res = await post('/admin/cycles/new', { _csrf: await csrf(who.cookie), program: code }, who.cookie);
  return /^\/admin\/cycles\/([0-9a-f-]{36})\?done=prepared$/.exec(String(res.headers.location))![1]!;
}

beforeAll(async () => {
  web = await startTestWeb();
  for (const [key, role] of [
    ['admin', 'ADMIN'],
    ['maker', 'ADMIN'],
    ['approver', 'APPROVER'],
    ['finance', 'FINANCE'],
    ['reviewer', 'REVIEWER'],
  ] as const)
    users[key] = await signedInUser(role);
});
afterAll(async () => {
  // No worker polls this server's task queue: the workflows the launches started end here.
  await Promise.all(
    launched.map((id) =>
      web.temporal.workflow
        .getHandle(paymentCycleWorkflowId(id))
        .terminate('test over')
        .catch(() => undefined),
    ),
  );
  await web?.close();
});

describe('roles', () => {
  it('sends visitors to sign in, refuses other roles server-side, and lists the section only for roles that may open it', async () => {
    expect((await get('/admin/cycles')).headers.location).toBe('/admin/sign-in?next=%2Fadmin%2Fcycles');
    expect((await get('/admin/cycles', users.reviewer.cookie)).statusCode).toBe(403);
    expect((await get('/admin', users.reviewer.cookie)).body).not.toContain('href="/admin/cycles"');
    for (const who of [users.admin, users.approver, users.finance])
      expect((await get('/admin', who.cookie)).body).toContain('href="/admin/cycles"');
    const p = await program();
    // Only an administrator prepares; only an approver approves; finance watches.
    expect((await get(`/admin/cycles/new?program=${p.code}`, users.approver.cookie)).statusCode).toBe(403);
    expect(
      (await post('/admin/cycles/new', { _csrf: await csrf(users.finance.cookie), program: p.code }, users.finance.cookie)).statusCode,
    ).toBe(403);
    const id = await prepare(p.code);
    expect(
      (
        await post(
          `/admin/cycles/${id}/approve`,
          { _csrf: await csrf(users.admin.cookie), approvedCount: '5', approvedAmount: '3000.00' },
          users.admin.cookie,
        )
      ).statusCode,
    ).toBe(403);
    expect((await post(`/admin/cycles/${id}/launch`, { _csrf: await csrf(users.finance.cookie) }, users.finance.cookie)).statusCode).toBe(
      403,
    );
    const seen = await get(`/admin/cycles/${id}`, users.finance.cookie);
    expect([seen.statusCode, seen.body.includes('<form method="post" action="/admin/cycles/')]).toEqual([200, false]);
    expect(await web.db.paymentCycle.findUniqueOrThrow({ where: { id } })).toMatchObject({ status: 'DRAFT', approvedBy: null });
    const missing = await get(`/admin/cycles/${randomUUID()}`, users.admin.cookie);
    expect([missing.statusCode, missing.body]).toEqual([404, expect.stringContaining('Cycle not found')]);
    // An address no cycle can have (the id is not a UUID) is refused before anything is looked up.
    const malformed = await get('/admin/cycles/not-a-uuid', users.admin.cookie);
    expect([malformed.statusCode, malformed.body]).toEqual([404, expect.stringContaining('Page not found')]);
  });
});

describe('preparing a cycle', () => {
  it('lists programs (found by code), shows the control totals per rail, then prepares on a CSRF-checked POST, audited', async () => {
    const p = await program();
    const list = await get(`/admin/cycles?q=${p.code.toLowerCase()}`, users.admin.cookie);
    expect(list.body).toMatch(
      new RegExp(
        `<th scope="row">${p.code}<br>[\\s\\S]*?<td class="n">5</td><td>None yet</td><td><a href="/admin/cycles/new\\?program=${p.code}">`,
      ),
    );
    expect(list.body).not.toContain('<script');
    expect((await get(`/admin/cycles?q=${p.code}`, users.approver.cookie)).body).not.toContain('/admin/cycles/new');
    const preview = await get(`/admin/cycles/new?program=${p.code}`, users.admin.cookie);
    for (const [rail, count, amount] of [
      ['Bank transfer', 3, '1800.00'],
      ['Mobile wallet', 2, '1200.00'],
      ['Total', 5, '3000.00'],
    ]) {
      expect(preview.body).toContain(`<th scope="row">${rail}</th><td class="n">${count}</td><td class="n">${amount}</td>`);
    }
    for (const token of [{}, { _csrf: 'forged' }] as Record<string, string>[]) {
      const forged = await post('/admin/cycles/new', { program: p.code, ...token }, users.admin.cookie);
      expect([forged.statusCode, forged.body]).toEqual([
        403,
        expect.stringContaining('This form did not come from a page of this session'),
      ]);
    }
    expect(await web.db.paymentCycle.count({ where: { programId: p.id } })).toBe(0); // neither the preview nor forged posts stored one
    const id = await prepare(p.code);
    expect(await web.db.paymentCycle.findUniqueOrThrow({ where: { id } })).toMatchObject({
      status: 'DRAFT',
      preparedBy: users.admin.id,
      previewCount: 5,
    });
    expect(await audits(id, 'cycle.prepared', users.admin.id)).toBe(1);
    const page = await get(`/admin/cycles/${id}?done=prepared`, users.admin.cookie);
    for (const text of [
      'Cycle prepared.',
      `Prepared by <strong>${escapeHtml(users.admin.username)}</strong>`,
      'You prepared this cycle, so you cannot approve it',
    ])
      expect(page.body).toContain(text);
    expect(page.headers.refresh).toBeUndefined();
    expect((await get(`/admin/cycles/${id}`, users.finance.cookie)).body).toContain('Waiting for a person with the approver role');
    expect((await get(`/admin/cycles/${id}`, users.approver.cookie)).body).toContain(
      `<form method="post" action="/admin/cycles/${id}/approve"`,
    );
    const again = await post('/admin/cycles/new', { _csrf: await csrf(users.admin.cookie), program: p.code }, users.admin.cookie);
    expect([again.statusCode, again.body]).toEqual([409, expect.stringContaining('A cycle is already open')]);
    expect((await get(`/admin/cycles/new?program=${p.code}`, users.admin.cookie)).body).toContain(`href="/admin/cycles/${id}">cycle 1</a>`);
    expect((await get('/admin/cycles/new?program=NO-SUCH', users.admin.cookie)).statusCode).toBe(404);
  });
});

describe('approving (maker-checker)', () => {
  it('refuses the preparer with a clear message, even once they hold the approver role, and audits the refusal', async () => {
    const p = await program();
    const id = await prepare(p.code, users.maker);
    await web.db.user.update({ where: { id: users.maker.id }, data: { role: 'APPROVER' } });
    try {
      const page = await get(`/admin/cycles/${id}`, users.maker.cookie);
      expect(page.body).toContain('You prepared this cycle, so you cannot approve it');
      expect(page.body).not.toContain(`action="/admin/cycles/${id}/approve"`);
      const refused = await post(
        `/admin/cycles/${id}/approve`,
        { _csrf: await csrf(users.maker.cookie), approvedCount: '5', approvedAmount: '3000.00' },
        users.maker.cookie,
      );
      expect([refused.statusCode, refused.body]).toEqual([
        403,
        expect.stringContaining(
          'You prepared this cycle, so you cannot approve it: another person with the approver role must check and approve it (maker-checker).',
        ),
      ]);
    } finally {
      await web.db.user.update({ where: { id: users.maker.id }, data: { role: 'ADMIN' } });
    }
    expect(await web.db.paymentCycle.findUniqueOrThrow({ where: { id } })).toMatchObject({ status: 'DRAFT', approvedBy: null });
    expect([await audits(id, 'cycle.approval_refused', users.maker.id), await audits(id, 'cycle.approved')]).toEqual([1, 0]);
  });

  it('refuses without CSRF, keeps what was typed on bad input, names the totals that differ, then approves, audited', async () => {
    const p = await program();
    const id = await prepare(p.code);
    const url = `/admin/cycles/${id}/approve`;
    const cookie = users.approver.cookie;
    expect((await post(url, { approvedCount: '5', approvedAmount: '3000.00' }, cookie)).statusCode).toBe(403);
    const _csrf = csrfOf((await get(`/admin/cycles/${id}`, cookie)).body);
    const bad = await post(url, { _csrf, approvedCount: 'five', approvedAmount: '3.000,00' }, cookie);
    expect([bad.statusCode, bad.body]).toEqual([400, expect.stringContaining('Enter the number of payments in digits')]);
    expect(bad.body).toMatch(/id="approvedCount" name="approvedCount" type="text" value="five"[^>]*aria-invalid="true"/);
    expect(bad.body).toContain('Enter the total amount with a point before the cents');
    const wrong = await post(url, { _csrf, approvedCount: '5', approvedAmount: '3000.01' }, cookie);
    expect([wrong.statusCode, wrong.body]).toEqual([409, expect.stringContaining('The total amount is not the one in the control totals')]);
    expect(wrong.body).not.toContain('The number of payments is not the one');
    expect(await audits(id, 'cycle.approval_refused', users.approver.id)).toBe(1);
    expect(await web.db.paymentCycle.findUniqueOrThrow({ where: { id } })).toMatchObject({ status: 'DRAFT' });
    const ok = await post(url, { _csrf, approvedCount: '5', approvedAmount: '3000' }, cookie);
    expect([ok.statusCode, ok.headers.location]).toEqual([303, `/admin/cycles/${id}?done=approved`]);
    expect(await web.db.paymentCycle.findUniqueOrThrow({ where: { id } })).toMatchObject({
      status: 'APPROVED',
      approvedBy: users.approver.id,
      approvedCount: 5,
    });
    expect(await audits(id, 'cycle.approved', users.approver.id)).toBe(1);
    const page = await get(`/admin/cycles/${id}?done=approved`, cookie);
    expect(page.body).toContain(`Approved by <strong>${escapeHtml(users.approver.username)}</strong>`);
    expect(page.body).toContain(`action="/admin/cycles/${id}/launch"`);
    const twice = await post(url, { _csrf, approvedCount: '5', approvedAmount: '3000.00' }, cookie);
    expect([twice.statusCode, twice.body]).toEqual([409, expect.stringContaining('no longer waiting for approval')]);
  });
});

describe('launching, controlling, watching', () => {
  it('launches (audited), then refreshes itself while it runs; pause and cancel are CSRF-checked and audited', async () => {
    const id = (await approvedCycle(web.db, (await program()).id)).id;
    const [cookie, _csrf] = [users.approver.cookie, await csrf(users.approver.cookie)];
    expect((await post(`/admin/cycles/${id}/pause`, { _csrf }, cookie)).body).toContain('Only a running or paused cycle can be paused');
    expect((await post(`/admin/cycles/${id}/launch`, {}, cookie)).statusCode).toBe(403);
    const launch = await post(`/admin/cycles/${id}/launch`, { _csrf }, cookie).finally(() => launched.push(id));
    expect([launch.statusCode, launch.headers.location]).toEqual([303, `/admin/cycles/${id}?done=launched`]);
    expect(await audits(id, 'cycle.launched', users.approver.id)).toBe(1);
    expect((await web.temporal.workflow.getHandle(paymentCycleWorkflowId(id)).describe()).type).toBe('PaymentCycleWorkflow');
    const watching = await get(`/admin/cycles/${id}?done=launched`, cookie);
    expect(watching.headers.refresh).toBe(`5; url=/admin/cycles/${id}`);
    for (const text of ['Launch requested', `<a href="/admin/cycles/${id}?refresh=off">Stop refreshing</a>`])
      expect(watching.body).toContain(text);
    expect((await get(`/admin/cycles/${id}?refresh=off`, cookie)).headers.refresh).toBeUndefined();
    // The workflow has no worker here: the cycle is put in RUNNING as its first activity would.
    await web.db.paymentCycle.update({ where: { id }, data: { status: 'RUNNING', launchedAt: new Date() } });
    const running = await get(`/admin/cycles/${id}`, cookie);
    for (const action of ['pause', 'cancel']) expect(running.body).toContain(`action="/admin/cycles/${id}/${action}"`);
    expect((await post(`/admin/cycles/${id}/pause`, {}, cookie)).statusCode).toBe(403);
    expect(await audits(id, 'cycle.pause_requested')).toBe(0);
    expect((await post(`/admin/cycles/${id}/pause`, { _csrf }, cookie)).headers.location).toBe(`/admin/cycles/${id}?done=pause`);
    expect(await audits(id, 'cycle.pause_requested', users.approver.id)).toBe(1);
    const unconfirmed = await post(`/admin/cycles/${id}/cancel`, { _csrf }, cookie);
    expect([unconfirmed.statusCode, unconfirmed.body]).toEqual([400, expect.stringContaining('Tick the box to confirm')]);
    expect(await audits(id, 'cycle.cancel_requested')).toBe(0);
    expect((await post(`/admin/cycles/${id}/cancel`, { _csrf, confirm: 'yes' }, cookie)).headers.location).toBe(
      `/admin/cycles/${id}?done=cancel`,
    );
    expect(await audits(id, 'cycle.cancel_requested', users.approver.id)).toBe(1);
  });

  it('shows progress per batch and overall, the instructions by status and the failures by reason', async () => {
    const p = await program();
    const cycle = await approvedCycle(web.db, p.id);
    await web.db.paymentCycle.update({
      where: { id: cycle.id },
      data: { status: 'RUNNING', instructedCount: 5, instructedAmount: '3000.00' },
    });
    const beneficiaries = await web.db.beneficiary.findMany({ where: { programId: p.id }, orderBy: { idLastDigit: 'asc' } });
    // Batch 1: 2 paid, 1 failed (closed account); batch 2: 1 paid, 1 still at the rail.
    let n = 0;
    for (const [i, items] of (
      [
        ['PAID', 'PAID', 'FAILED'],
        ['PAID', 'SUBMITTED'],
      ] as const
    ).entries()) {
      const batch = await web.db.paymentBatch.create({
        data: {
          cycleId: cycle.id,
          seq: i + 1,
          rail: 'BANK',
          provider: 'bank-sim',
          messageId: uid('msg'),
          status: i === 0 ? 'COMPLETED' : 'SUBMITTED',
          itemCount: items.length,
          totalAmount: 600 * items.length,
          currency: 'BRL',
        },
      });
      await web.db.paymentInstruction.createMany({
        data: items.map((status) => ({
          paymentKey: randomUUID(),
          cycleId: cycle.id,
          batchId: batch.id,
          beneficiaryId: beneficiaries[n]!.id,
          paymentAccountId: beneficiaries[n++]!.paymentAccountId,
          entitlementVersion: 1,
          amount: '600.00',
          currency: 'BRL',
          status,
          failureReason: status === 'FAILED' ? 'AC04' : null,
        })),
      });
    }
    const page = await get(`/admin/cycles/${cycle.id}`, users.finance.cookie);
    expect(page.headers.refresh).toBe(`5; url=/admin/cycles/${cycle.id}`);
    for (const text of [
      '<progress max="5" value="4" aria-label="All payments">80%</progress> <strong>4 of 5 payments settled (80%)</strong>; 1 of 2 batches done.',
      '<progress max="3" value="3" aria-label="Batch 1">100%</progress> <span>3 of 3 (100%)</span>',
      '<span>1 of 2 (50%)</span>',
      '<th scope="row">PAID</th><td class="n">3</td><td class="n">1800.00</td>',
      '<td class="n" id="instruction-total">5</td>',
      '<tr><td>bank-sim</td><td>AC04</td><td class="n">1</td></tr>', // failures by reason
    ])
      expect(page.body).toContain(text);
    expect(page.body).not.toContain('<form method="post" action="/admin/cycles/'); // finance watches only
  });

  it('keeps every cycle page under 60 KB', () => {
    expect(sizes.size).toBeGreaterThan(6);
    for (const [name, bytes] of sizes) expect(bytes, name).toBeLessThan(60 * 1024);
  });
});
