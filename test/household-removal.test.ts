// A household leaves a program (no longer eligible, asked to leave, deceased, moved away) only by two people:
// an administrator proposes it with a reason code, an approver or another administrator approves, and only
// then is it REMOVED with the moment it left: no new cycle counts it, and its personal data is erased after
// the program's leftRetentionDays (domain/retention.ts). Each step is audited.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { retentionEnd } from '../domain/retention';
import { createUser } from '../lib/users';
import { createProgram, enrollBeneficiaries } from './support/fixtures';
import { uid } from './support/util';
import { signInUsers, startTestWeb, type TestWeb } from './support/web';

let web: TestWeb;
let users: Awaited<ReturnType<typeof signInUsers>>;
beforeAll(async () => {
  web = await startTestWeb();
  users = await signInUsers(web.db);
});
afterAll(async () => {
  await web?.close();
});

const propose = (applicationId: string, headers: Record<string, string>, payload: object = { reason: 'ASKED_TO_LEAVE' }) =>
  web.app.inject({ method: 'POST', url: `/api/v1/applications/${applicationId}/household-removal`, headers, payload });
const approve = (decisionId: string, headers: Record<string, string>) =>
  web.app.inject({ method: 'POST', url: `/api/v1/decisions/${decisionId}/approve`, headers });

/** An enrolled, active household of a new program. */
async function household() {
  const program = await createProgram(web.db);
  const [id] = await enrollBeneficiaries(web.db, program.id, 1);
  return { program, ...(await web.db.beneficiary.findUniqueOrThrow({ where: { id: id! } })) };
}

describe('a household leaving its program', () => {
  it('is proposed with a reason, refused to its proposer with a sentence, and takes effect only when a second person approves', async () => {
    const h = await household();
    const proposed = await propose(h.applicationId, users.admin.headers);
    expect(proposed.statusCode).toBe(202);
    const { decision } = proposed.json<{ decision: { id: string; kind: string; status: string; subjectId: string } }>();
    expect(decision).toMatchObject({ kind: 'HOUSEHOLD_REMOVAL', status: 'PROPOSED', subjectId: h.id });
    expect((await web.db.beneficiary.findUniqueOrThrow({ where: { id: h.id } })).status).toBe('ACTIVE'); // nothing yet
    expect((await propose(h.applicationId, users.admin2.headers)).json()).toMatchObject({ error: 'decision_pending' });

    const self = await approve(decision.id, users.admin.headers);
    expect(self.statusCode).toBe(403);
    const refusal = self.json<{ error: string; fields: { decision: string } }>();
    expect(refusal.error).toBe('proposer_cannot_approve');
    expect(refusal.fields.decision).toMatch(/you proposed this household's removal from the program: another person must/);
    expect((await approve(decision.id, users.finance.headers)).json()).toMatchObject({ error: 'role_not_allowed' });
    expect((await web.db.beneficiary.findUniqueOrThrow({ where: { id: h.id } })).status).toBe('ACTIVE');

    const approved = await approve(decision.id, users.approver.headers);
    expect(approved.statusCode).toBe(200);
    expect(approved.json()).toMatchObject({ approved: true, result: { beneficiaryId: h.id, status: 'REMOVED' } });
    const left = await web.db.beneficiary.findUniqueOrThrow({ where: { id: h.id } });
    expect(left.status).toBe('REMOVED');
    expect(Math.abs(left.leftAt!.getTime() - Date.now())).toBeLessThan(60_000);
    const trail = await web.db.auditEvent.findMany({ where: { entityId: { in: [h.id, decision.id] } }, orderBy: { at: 'asc' } });
    expect(trail.map((e) => [e.action, e.actor])).toEqual([
      ['household.removal_proposed', users.admin.id],
      ['household.removal_approved', users.approver.id],
      ['household.removed', users.approver.id],
    ]);
    expect(trail[2]!.details).toMatchObject({ reason: 'ASKED_TO_LEAVE', decisionId: decision.id, proposedBy: users.admin.id });

    // It is no longer counted for a cycle, and the program's retention rule now runs from the day it left.
    const preview = await web.app.inject({
      method: 'POST',
      url: `/api/v1/programs/${h.program.code}/cycles`,
      headers: users.admin.headers,
    });
    expect(preview.json()).toMatchObject({ preview: { count: 0 } });
    const program = await web.db.program.findUniqueOrThrow({ where: { id: h.program.id } });
    const end = retentionEnd(
      {
        status: 'ENROLLED',
        createdAt: left.enrolledAt,
        appealDeadline: null,
        decidedAt: null,
        household: { status: left.status, leftAt: left.leftAt },
      },
      program,
    );
    expect(end).toEqual({ rule: 'LEFT', at: new Date(left.leftAt!.getTime() + program.leftRetentionDays * 86_400_000) });
    // Gone once: asked again, there is nothing to remove.
    const again = await propose(h.applicationId, users.admin2.headers);
    expect([again.statusCode, again.json<{ error: string }>().error]).toEqual([409, 'household_not_enrolled']);
  });

  it('is declined by the second person and nothing changes', async () => {
    const h = await household();
    const { decision } = (await propose(h.applicationId, users.admin.headers, { reason: 'DECEASED' })).json<{ decision: { id: string } }>();
    const declined = await web.app.inject({
      method: 'POST',
      url: `/api/v1/decisions/${decision.id}/decline`,
      headers: users.admin2.headers,
      payload: { reason: 'the death certificate names someone else' },
    });
    expect(declined.statusCode).toBe(200);
    expect(await web.db.beneficiary.findUniqueOrThrow({ where: { id: h.id } })).toMatchObject({ status: 'ACTIVE', leftAt: null });
    expect((await propose(h.applicationId, users.admin.headers, { reason: 'DECEASED' })).statusCode).toBe(202); // may be proposed anew
  });

  it('is listed to approvers while it waits, with who proposed it', async () => {
    const h = await household();
    const { decision } = (await propose(h.applicationId, users.admin.headers, { reason: 'MOVED_AWAY' })).json<{
      decision: { id: string };
    }>();
    const list = await web.app.inject({ method: 'GET', url: '/api/v1/household-removals', headers: users.approver.headers });
    expect(list.statusCode).toBe(200);
    const mine = list.json<{ removals: Array<Record<string, unknown>> }>().removals.find((r) => r.id === decision.id);
    expect(mine).toMatchObject({
      subjectId: h.id,
      proposedBy: users.admin.id,
      details: { reason: 'MOVED_AWAY', applicationId: h.applicationId },
    });
    expect((await web.app.inject({ method: 'GET', url: '/api/v1/household-removals', headers: users.finance.headers })).statusCode).toBe(
      403,
    );
  });

  it('refuses a reason that is not a code, an application without a household, and other roles, writing nothing', async () => {
    const h = await household();
    const bad = await propose(h.applicationId, users.admin.headers, { reason: 'he annoyed us' });
    expect(bad.statusCode).toBe(400);
    expect(Object.keys(bad.json<{ fields: object }>().fields)).toEqual(['reason']);
    const reviewer = { authorization: `Bearer ${(await createUser(web.db, uid('reviewer'), 'REVIEWER')).token}` };
    expect((await propose(h.applicationId, reviewer)).statusCode).toBe(403);
    expect((await propose(h.applicationId, users.approver.headers)).statusCode).toBe(403); // approvers approve, not propose
    expect((await propose(randomUUID(), users.admin.headers)).statusCode).toBe(404);
    const malformed = await propose('not-an-id', users.admin.headers);
    expect([malformed.statusCode, Object.keys(malformed.json<{ fields: object }>().fields)]).toEqual([400, ['id']]);
    const other = await createProgram(web.db);
    const [id] = await enrollBeneficiaries(web.db, other.id, 1);
    const { applicationId: notEnrolled } = await web.db.beneficiary.delete({ where: { id: id! } });
    const refused = await propose(notEnrolled, users.admin.headers);
    expect([refused.statusCode, refused.json<{ error: string }>().error]).toEqual([409, 'household_not_enrolled']);
    expect(await web.db.moneyDecision.count({ where: { kind: 'HOUSEHOLD_REMOVAL', subjectId: h.id } })).toBe(0);
  });
});
