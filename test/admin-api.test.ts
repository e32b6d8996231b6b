// The admin API: sign-in by token, roles, and maker-checker on payment cycles.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { paymentCycleWorkflowId } from '../workflows/ids';
import { createProgram, enrollBeneficiaries } from './support/fixtures';
import { uid } from './support/util';
import { signInUsers, startTestWeb, type TestWeb } from './support/web';

let web: TestWeb;
let users: Awaited<ReturnType<typeof signInUsers>>;
beforeAll(async () => {
  web = await startTestWeb();
  users = await signInUsers(web.db);
});
afterAll(async () => web?.close());

const programInput = (code = uid('T').toUpperCase()) => ({
  code,
  name: 'Transferencia de prueba',
  country: 'AR',
  currency: 'ARS',
  baseAmount: '50000.00',
  batchSize: 200,
  fundingAccount: `FUND-${code}`,
  rules: [{ type: 'max_income_per_capita', amount: '150000.00' }],
});

describe('programs', () => {
  it('are created by administrators only, with their first rule set', async () => {
    const input = programInput();
    expect((await web.app.inject({ method: 'POST', url: '/api/v1/programs', payload: input })).statusCode).toBe(401);
    expect(
      (await web.app.inject({ method: 'POST', url: '/api/v1/programs', payload: input, headers: { authorization: 'Bearer nope' } }))
        .statusCode,
    ).toBe(401);
    expect(
      (await web.app.inject({ method: 'POST', url: '/api/v1/programs', payload: input, headers: users.finance.headers })).statusCode,
    ).toBe(403);

    const res = await web.app.inject({ method: 'POST', url: '/api/v1/programs', payload: input, headers: users.admin.headers });
    expect(res.statusCode).toBe(201);
    const program = await web.db.program.findUniqueOrThrow({ where: { code: input.code }, include: { ruleSets: true } });
    expect(program.ruleSets).toEqual([expect.objectContaining({ version: 1, rules: input.rules })]);
    expect(program).toMatchObject({ rejectedRetentionDays: 90, leftRetentionDays: 365 }); // the defaults
    expect(await web.db.auditEvent.count({ where: { entityId: program.id, action: 'program.created', actor: users.admin.id } })).toBe(1);
  });

  it('keep personal data as long as their retention rule says (domain/retention.ts), within bounds', async () => {
    const input = { ...programInput(), rejectedRetentionDays: 0, leftRetentionDays: 1825 };
    const res = await web.app.inject({ method: 'POST', url: '/api/v1/programs', payload: input, headers: users.admin.headers });
    expect(res.statusCode).toBe(201);
    const program = await web.db.program.findUniqueOrThrow({ where: { code: input.code } });
    expect(program).toMatchObject({ rejectedRetentionDays: 0, leftRetentionDays: 1825 });
    const bad = await web.app.inject({
      method: 'POST',
      url: '/api/v1/programs',
      payload: { ...programInput(), rejectedRetentionDays: -1, leftRetentionDays: 3651 },
      headers: users.admin.headers,
    });
    expect(bad.statusCode).toBe(400);
    expect(Object.keys(bad.json<{ fields: object }>().fields).sort()).toEqual(['leftRetentionDays', 'rejectedRetentionDays']);
  });

  it('refuse bad input naming the field, and a taken code', async () => {
    const bad = await web.app.inject({
      method: 'POST',
      url: '/api/v1/programs',
      payload: { ...programInput(), currency: 'EUR', rules: [{ type: 'max_income_per_capita', amount: 'lots' }] },
      headers: users.admin.headers,
    });
    expect(bad.statusCode).toBe(400);
    expect(Object.keys(bad.json<{ fields: object }>().fields).sort()).toEqual(['currency', 'rules.0.amount']);
    const input = programInput();
    await web.app.inject({ method: 'POST', url: '/api/v1/programs', payload: input, headers: users.admin.headers });
    expect(
      (await web.app.inject({ method: 'POST', url: '/api/v1/programs', payload: input, headers: users.admin.headers })).statusCode,
    ).toBe(409);
  });
});

describe('payment cycles (maker-checker)', () => {
  async function preparedCycle() {
    const program = await createProgram(web.db, { baseAmount: '600.00' });
    await enrollBeneficiaries(web.db, program.id, 7);
    const res = await web.app.inject({ method: 'POST', url: `/api/v1/programs/${program.code}/cycles`, headers: users.admin.headers });
    expect(res.statusCode).toBe(201);
    return { program, cycle: res.json<{ id: string; status: string; preview: { count: number; amount: string } }>() };
  }
  const approve = (id: string, headers: Record<string, string>, payload: object) =>
    web.app.inject({ method: 'POST', url: `/api/v1/cycles/${id}/approve`, headers, payload });

  it('previews the control totals when prepared, and allows one open cycle per program', async () => {
    const { program, cycle } = await preparedCycle();
    expect(cycle).toMatchObject({ status: 'DRAFT', preview: { count: 7, amount: '4200.00' } });
    const second = await web.app.inject({ method: 'POST', url: `/api/v1/programs/${program.code}/cycles`, headers: users.admin2.headers });
    expect(second.json()).toMatchObject({ error: 'open_cycle_exists' });
  });

  it('refuses approval by the user who prepared it, by a non-approver, and with other totals', async () => {
    const { cycle } = await preparedCycle();
    const totals = { approvedCount: 7, approvedAmount: '4200.00' };
    expect((await approve(cycle.id, users.admin.headers, totals)).statusCode).toBe(403); // not an approver
    // An approver who also prepared it: promote the maker to approver to prove the identity check.
    await web.db.user.update({ where: { id: users.admin.id }, data: { role: 'APPROVER' } });
    try {
      expect((await approve(cycle.id, users.admin.headers, totals)).json()).toMatchObject({ error: 'maker_cannot_approve' });
    } finally {
      await web.db.user.update({ where: { id: users.admin.id }, data: { role: 'ADMIN' } });
    }
    const wrong = await approve(cycle.id, users.approver.headers, { approvedCount: 7, approvedAmount: '4200.01' });
    expect(wrong.statusCode).toBe(409);
    expect(wrong.json()).toMatchObject({ error: 'control_totals_mismatch' });
    expect(await web.db.paymentCycle.findUniqueOrThrow({ where: { id: cycle.id } })).toMatchObject({ status: 'DRAFT', approvedBy: null });
  });

  it('records the approver and the envelope, once, and launches the cycle workflow', async () => {
    const { cycle } = await preparedCycle();
    const ok = await approve(cycle.id, users.approver.headers, { approvedCount: 7, approvedAmount: '4200.00' });
    expect(ok.statusCode).toBe(200);
    expect(ok.json()).toMatchObject({ status: 'APPROVED', approved: { count: 7, amount: '4200.00' } });
    expect((await approve(cycle.id, users.approver.headers, { approvedCount: 7, approvedAmount: '4200.00' })).json()).toMatchObject({
      error: 'cycle_not_draft',
    });
    expect(await web.db.auditEvent.count({ where: { entityId: cycle.id, action: 'cycle.approved', actor: users.approver.id } })).toBe(1);

    const launch = await web.app.inject({ method: 'POST', url: `/api/v1/cycles/${cycle.id}/launch`, headers: users.approver.headers });
    expect(launch.statusCode).toBe(202);
    const again = await web.app.inject({ method: 'POST', url: `/api/v1/cycles/${cycle.id}/launch`, headers: users.approver.headers });
    expect(again.statusCode).toBe(202); // idempotent: the same workflow
    const handle = web.temporal.workflow.getHandle(paymentCycleWorkflowId(cycle.id));
    expect((await handle.describe()).type).toBe('PaymentCycleWorkflow');
    await handle.terminate('test over: no worker polls this task queue');
  });

  it('cannot launch a cycle that was not approved', async () => {
    const { cycle } = await preparedCycle();
    const res = await web.app.inject({ method: 'POST', url: `/api/v1/cycles/${cycle.id}/launch`, headers: users.admin.headers });
    expect(res.json()).toMatchObject({ error: 'cycle_not_approved' });
  });
});
