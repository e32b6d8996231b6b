// A cycle whose reconciliation is signed off is finished for good (issue 11, item 3): approving or launching
// it is refused with 409 and a sentence, in the API and on the page, and nothing changes (status, audit,
// no workflow started). Today's sign-off could be given to a cycle that never ran; this holds either way.
import { randomUUID } from 'node:crypto';
import { WorkflowNotFoundError } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { paymentCycleWorkflowId } from '../workflows/ids';
import { adminPages, csrfOf, type PageUser } from './support/admin-pages';
import { approvedCycle, createProgram, enrollBeneficiaries } from './support/fixtures';
import { signInUsers, startTestWeb, type TestWeb } from './support/web';

let web: TestWeb;
let users: Awaited<ReturnType<typeof signInUsers>>;
let pages: ReturnType<typeof adminPages>;
let approver: PageUser;
beforeAll(async () => {
  web = await startTestWeb();
  users = await signInUsers(web.db);
  pages = adminPages(web);
  approver = await pages.signedIn('APPROVER');
});
const cycles: string[] = [];
afterAll(async () => {
  // Should a launch get through (the failure this file tests for), its workflow has no worker: end it.
  await Promise.all(
    cycles.map((id) =>
      web.temporal.workflow
        .getHandle(paymentCycleWorkflowId(id))
        .terminate('test over')
        .catch(() => undefined),
    ),
  );
  await web?.close();
});

const SENTENCE = /signed off: it can no longer be approved or launched/;

const signOff = (cycleId: string) =>
  web.db.cycleSignOff.create({
    data: { cycleId, runId: randomUUID(), signedBy: users.finance.id, report: {}, reportSha256: '0'.repeat(64) },
  });

/** A program of three households at 600.00 BRL and its cycle prepared through the API, then signed off. */
async function signedOffDraft() {
  const program = await createProgram(web.db);
  await enrollBeneficiaries(web.db, program.id, 3);
  const res = await web.app.inject({ method: 'POST', url: `/api/v1/programs/${program.code}/cycles`, headers: users.admin.headers });
  const cycle = res.json<{ id: string }>();
  await signOff(cycle.id);
  cycles.push(cycle.id);
  return cycle.id;
}

async function signedOffApproved() {
  const program = await createProgram(web.db);
  await enrollBeneficiaries(web.db, program.id, 3);
  const cycle = await approvedCycle(web.db, program.id);
  await signOff(cycle.id);
  cycles.push(cycle.id);
  return cycle.id;
}

const workflowStarted = (cycleId: string) =>
  web.temporal.workflow
    .getHandle(paymentCycleWorkflowId(cycleId))
    .describe()
    .then(
      () => true,
      (err: unknown) => {
        if (err instanceof WorkflowNotFoundError) return false;
        throw err;
      },
    );
const audits = (entityId: string, action: string) => web.db.auditEvent.count({ where: { entityId, action } });

describe('a signed-off cycle, through the API', () => {
  it('cannot be approved', async () => {
    const id = await signedOffDraft();
    const res = await web.app.inject({
      method: 'POST',
      url: `/api/v1/cycles/${id}/approve`,
      headers: users.approver.headers,
      payload: { approvedCount: 3, approvedAmount: '1800.00' },
    });
    expect(res.statusCode).toBe(409);
    expect([res.json<{ error: string }>().error, res.json<{ message: string }>().message]).toEqual([
      'cycle_signed_off',
      expect.stringMatching(SENTENCE),
    ]);
    expect(await web.db.paymentCycle.findUniqueOrThrow({ where: { id } })).toMatchObject({
      status: 'DRAFT',
      approvedBy: null,
      approvedCount: null,
    });
    expect(await audits(id, 'cycle.approved')).toBe(0);
  });

  it('cannot be launched', async () => {
    const id = await signedOffApproved();
    const res = await web.app.inject({ method: 'POST', url: `/api/v1/cycles/${id}/launch`, headers: users.approver.headers });
    expect(res.statusCode).toBe(409);
    expect([res.json<{ error: string }>().error, res.json<{ message: string }>().message]).toEqual([
      'cycle_signed_off',
      expect.stringMatching(SENTENCE),
    ]);
    expect(await web.db.paymentCycle.findUniqueOrThrow({ where: { id } })).toMatchObject({ status: 'APPROVED', launchedAt: null });
    expect(await audits(id, 'cycle.launched')).toBe(0);
    expect(await workflowStarted(id)).toBe(false);
  });
});

describe('a signed-off cycle, on the cycle page', () => {
  it('offers neither approval nor launch, and refuses both when posted, with the sentence', async () => {
    const draft = await signedOffDraft();
    const page = await pages.get(`/admin/cycles/${draft}`, approver.cookie);
    expect(page.body).toMatch(SENTENCE);
    expect(page.body).not.toContain(`action="/admin/cycles/${draft}/approve"`);
    const _csrf = csrfOf(page.body);
    const approve = await pages.post(
      `/admin/cycles/${draft}/approve`,
      { _csrf, approvedCount: '3', approvedAmount: '1800.00' },
      approver.cookie,
    );
    expect(approve.statusCode).toBe(409);
    expect(approve.body).toMatch(SENTENCE);
    expect(await web.db.paymentCycle.findUniqueOrThrow({ where: { id: draft } })).toMatchObject({ status: 'DRAFT' });

    const approved = await signedOffApproved();
    expect((await pages.get(`/admin/cycles/${approved}`, approver.cookie)).body).not.toContain(`action="/admin/cycles/${approved}/launch"`);
    const launch = await pages.post(`/admin/cycles/${approved}/launch`, { _csrf }, approver.cookie);
    expect([launch.statusCode, launch.body]).toEqual([409, expect.stringMatching(SENTENCE)]);
    expect(await audits(approved, 'cycle.launched')).toBe(0);
    expect(await workflowStarted(approved)).toBe(false);
  });
});
