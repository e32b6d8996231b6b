// Identity disputes (issue 13): a reviewer who suspects an application was made with someone else's national
// ID opens a dispute on it. The household's payments are held (its beneficiary SUSPENDED, which cycle
// snapshots and the pre-payment check skip), the applicant is asked by SMS, in their language, to confirm
// their identity with the program, and it is audited without personal data. Lifting the hold is a four-eyes
// decision: one person proposes, another approves, and only then is the beneficiary ACTIVE again.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { snapshotRegular } from '../activities/snapshot';
import { createUser } from '../lib/users';
import { approvedCycle, createProgram, enrollBeneficiaries } from './support/fixtures';
import { uid } from './support/util';
import { signInUsers, startTestWeb, type TestWeb } from './support/web';
import { smsText } from './support/personal-data';

/** What the API answers, every shape these tests read. */
interface Answer {
  error: string;
  fields: Record<string, string>;
  decision: { id: string; kind: string };
  result: Record<string, unknown>;
}

interface Person {
  id: string;
  headers: Record<string, string>;
}

let web: TestWeb;
let users: Awaited<ReturnType<typeof signInUsers>>;
let reviewer: Person;
let reviewer2: Person;
let programId: string;

const asPerson = async (role: 'REVIEWER') => {
  const user = await createUser(web.db, uid(role.toLowerCase()), role);
  return { id: user.id, headers: { authorization: `Bearer ${user.token}` } };
};

beforeAll(async () => {
  web = await startTestWeb();
  users = await signInUsers(web.db);
  reviewer = await asPerson('REVIEWER');
  reviewer2 = await asPerson('REVIEWER');
  programId = (await createProgram(web.db)).id;
}, 60_000);
afterAll(() => web?.close());

const post = (url: string, who: Person | { headers: Record<string, string> }, payload?: unknown) =>
  web.app.inject({ method: 'POST', url, headers: who.headers, ...(payload === undefined ? {} : { payload: payload as object }) });

const REASON = 'The person named on this application called: they never applied, and the account is not theirs.';

/** An enrolled household, its application in `language`; returns the application's and the beneficiary's IDs. */
async function enrolled(language = 'es') {
  const [beneficiaryId] = await enrollBeneficiaries(web.db, programId, 1);
  const { applicationId } = await web.db.beneficiary.findUniqueOrThrow({ where: { id: beneficiaryId! } });
  await web.db.application.update({ where: { id: applicationId }, data: { language } });
  return { applicationId, beneficiaryId: beneficiaryId! };
}

const beneficiaryStatus = async (id: string) => (await web.db.beneficiary.findUniqueOrThrow({ where: { id } })).status;
const audits = (entityId: string) => web.db.auditEvent.findMany({ where: { entityId }, orderBy: { id: 'asc' } });

async function openDispute(applicationId: string, who: Person = reviewer) {
  const res = await post(`/api/v1/applications/${applicationId}/identity-disputes`, who, { reason: REASON });
  expect(res.statusCode, res.body).toBe(201);
  return res.json<{ id: string; status: string; beneficiaryId: string | null }>();
}

describe('opening an identity dispute', () => {
  it("holds the household's payments, audits without personal data and asks the applicant by SMS, in their language", async () => {
    const { applicationId, beneficiaryId } = await enrolled('pt');
    const dispute = await openDispute(applicationId);
    expect(dispute).toMatchObject({ status: 'OPEN', beneficiaryId });
    expect(await beneficiaryStatus(beneficiaryId)).toBe('SUSPENDED');

    const [opened] = (await audits(applicationId)).filter((a) => a.action === 'application.identity_disputed');
    expect(opened).toMatchObject({ actor: reviewer.id, entityType: 'application' });
    expect(opened!.details).toMatchObject({ disputeId: dispute.id, beneficiaryId });
    // The reviewer's words may name people: they stay on the dispute, out of the trail.
    expect(JSON.stringify(opened!.details)).not.toContain('called');

    const sms = await web.db.notification.findUniqueOrThrow({
      where: { applicationId_eventKey: { applicationId, eventKey: `identity-dispute:${dispute.id}` } },
    });
    expect(sms.language).toBe('pt');
    expect(await smsText(web.db, sms)).toMatch(/identidade/);
    const jobs = await web.queues.notifications.getJobs();
    expect(jobs.some((j) => j.data.notificationIds.includes(sms.id))).toBe(true);
  });

  it('refuses a second dispute while one is open (409), changing nothing', async () => {
    const { applicationId } = await enrolled();
    await openDispute(applicationId);
    const again = await post(`/api/v1/applications/${applicationId}/identity-disputes`, users.admin, { reason: REASON });
    expect([again.statusCode, again.json<Answer>().error]).toEqual([409, 'identity_dispute_open']);
    expect(await web.db.identityDispute.count({ where: { applicationId } })).toBe(1);
  });

  it('leaves a disputed household out of the next cycle: the snapshot takes ACTIVE households only', async () => {
    const program = await createProgram(web.db);
    const [disputed, ...others] = await enrollBeneficiaries(web.db, program.id, 3);
    const { applicationId } = await web.db.beneficiary.findUniqueOrThrow({ where: { id: disputed! } });
    await openDispute(applicationId);
    const cycle = await approvedCycle(web.db, program.id);
    await snapshotRegular(web.db, { ...cycle, program }, () => undefined);
    const paid = await web.db.paymentInstruction.findMany({ where: { cycleId: cycle.id }, select: { beneficiaryId: true } });
    expect(paid.map((p) => p.beneficiaryId).sort()).toEqual([...others].sort());
  });

  it('opens one dispute when two reviewers open one at once: the other is refused (409), never a 500', async () => {
    // Enrolled (the beneficiary's row is locked first) and not enrolled (only the partial unique index decides).
    for (const enrol of [true, false]) {
      const { applicationId, beneficiaryId } = await enrolled();
      if (!enrol) await web.db.beneficiary.delete({ where: { id: beneficiaryId } });
      const url = `/api/v1/applications/${applicationId}/identity-disputes`;
      const answers = await Promise.all([reviewer, reviewer2, users.admin].map((who) => post(url, who, { reason: REASON })));
      expect(answers.map((a) => a.statusCode).sort()).toEqual([201, 409, 409]);
      expect(await web.db.identityDispute.count({ where: { applicationId } })).toBe(1);
    }
  });

  it('opens a dispute on an application not enrolled: nothing to suspend', async () => {
    const { applicationId, beneficiaryId } = await enrolled();
    await web.db.beneficiary.delete({ where: { id: beneficiaryId } });
    const dispute = await openDispute(applicationId, users.admin);
    expect(dispute.beneficiaryId).toBeNull();
  });

  it('refuses bad input naming the field, an unknown application (404) and roles other than reviewer and admin (403)', async () => {
    const { applicationId, beneficiaryId } = await enrolled();
    const url = `/api/v1/applications/${applicationId}/identity-disputes`;
    for (const [body, field] of [
      [{}, 'reason'],
      [{ reason: 'too short' }, 'reason'],
      [{ reason: 'x'.repeat(1001) }, 'reason'],
      [{ reason: 42 }, 'reason'],
      [{ reason: REASON, extra: 1 }, 'extra'],
      [[REASON], 'body'],
    ] as const) {
      const res = await post(url, reviewer, body);
      expect(res.statusCode, JSON.stringify(body)).toBe(400);
      expect(Object.keys(res.json<Answer>().fields)).toContain(field);
    }
    const unreadable = await web.app.inject({
      method: 'POST',
      url,
      headers: { ...reviewer.headers, 'content-type': 'application/json' },
      payload: '{"reason": "cut sh',
    });
    expect([unreadable.statusCode, Object.keys(unreadable.json<Answer>().fields)]).toEqual([400, ['body']]);
    const unknown = await post(`/api/v1/applications/${randomUUID()}/identity-disputes`, reviewer, { reason: REASON });
    expect([unknown.statusCode, unknown.json<Answer>().error]).toEqual([404, 'application_not_found']);
    const malformed = await post('/api/v1/applications/not-a-uuid/identity-disputes', reviewer, { reason: REASON });
    expect([malformed.statusCode, Object.keys(malformed.json<Answer>().fields)]).toEqual([400, ['id']]);
    for (const who of [users.finance, users.approver]) {
      const res = await post(url, who, { reason: REASON });
      expect([res.statusCode, res.json<Answer>().error]).toEqual([403, 'role_not_allowed']);
    }
    expect((await post(url, { headers: {} }, { reason: REASON })).statusCode).toBe(401);
    expect(await beneficiaryStatus(beneficiaryId)).toBe('ACTIVE');
  });
});

describe('lifting the hold takes four eyes', () => {
  const propose = (disputeId: string, who: Person, outcome: unknown = 'LIFT') =>
    post(`/api/v1/identity-disputes/${disputeId}/proposals`, who, { outcome });
  const approve = (decisionId: string, who: Person) => post(`/api/v1/identity-dispute-proposals/${decisionId}/approve`, who);

  it('refuses the proposer as approver with a sentence, and a second person lifts it: ACTIVE again, audited', async () => {
    const { applicationId, beneficiaryId } = await enrolled();
    const dispute = await openDispute(applicationId);
    const proposed = await propose(dispute.id, reviewer);
    expect(proposed.statusCode, proposed.body).toBe(202);
    const decisionId = proposed.json<Answer>().decision.id;
    expect(proposed.json<Answer>().decision.kind).toBe('IDENTITY_DISPUTE');

    const own = await approve(decisionId, reviewer);
    expect([own.statusCode, own.json<Answer>().error]).toEqual([403, 'proposer_cannot_approve']);
    expect(own.json<Answer>().fields.decision).toMatch(/another person must check and approve it/);
    expect(await beneficiaryStatus(beneficiaryId)).toBe('SUSPENDED');

    const second = await approve(decisionId, reviewer2);
    expect(second.statusCode, second.body).toBe(200);
    expect(second.json<Answer>().result).toMatchObject({ disputeId: dispute.id, status: 'LIFTED' });
    expect(await beneficiaryStatus(beneficiaryId)).toBe('ACTIVE');
    const closed = await web.db.identityDispute.findUniqueOrThrow({ where: { id: dispute.id } });
    expect(closed).toMatchObject({ status: 'LIFTED', closedBy: reviewer2.id });
    expect(closed.closedAt).toBeInstanceOf(Date);

    const actions = (await audits(applicationId)).map((a) => [a.action, a.actor]);
    expect(actions).toContainEqual(['application.identity_dispute_lifted', reviewer2.id]);
    const trail = await audits(decisionId);
    expect(trail.map((a) => a.action)).toEqual(['application.identity_dispute_proposed', 'application.identity_dispute_approved']);

    // Closed: a new proposal is refused, and a new dispute may be opened.
    expect([(await propose(dispute.id, reviewer2)).statusCode]).toEqual([409]);
    await openDispute(applicationId, reviewer2);
  });

  it('upholds a dispute: the beneficiary stays suspended', async () => {
    const { applicationId, beneficiaryId } = await enrolled();
    const dispute = await openDispute(applicationId);
    const decisionId = (await propose(dispute.id, reviewer2, 'UPHOLD')).json<Answer>().decision.id;
    const res = await approve(decisionId, users.admin);
    expect(res.statusCode, res.body).toBe(200);
    expect(await beneficiaryStatus(beneficiaryId)).toBe('SUSPENDED');
    expect((await web.db.identityDispute.findUniqueOrThrow({ where: { id: dispute.id } })).status).toBe('UPHELD');
  });

  it('refuses a second proposal, bad outcomes, unknown disputes and decisions, and other roles', async () => {
    const { applicationId, beneficiaryId } = await enrolled();
    const dispute = await openDispute(applicationId);
    const bad = await propose(dispute.id, reviewer, 'FORGET');
    expect([bad.statusCode, Object.keys(bad.json<Answer>().fields)]).toEqual([400, ['outcome']]);
    expect((await propose(randomUUID(), reviewer)).statusCode).toBe(404);
    const malformed = await propose('nope', reviewer);
    expect([malformed.statusCode, Object.keys(malformed.json<Answer>().fields)]).toEqual([400, ['id']]);
    expect((await propose(dispute.id, users.finance)).statusCode).toBe(403);

    const decisionId = (await propose(dispute.id, reviewer)).json<Answer>().decision.id;
    const twice = await propose(dispute.id, reviewer2);
    expect([twice.statusCode, twice.json<Answer>().error]).toEqual([409, 'decision_pending']);
    expect((await approve(randomUUID(), reviewer2)).statusCode).toBe(404);
    expect((await approve(decisionId, users.finance)).statusCode).toBe(403);
    expect(await beneficiaryStatus(beneficiaryId)).toBe('SUSPENDED');

    // Declined: nothing changes, and another proposal may follow.
    const declined = await post(`/api/v1/identity-dispute-proposals/${decisionId}/decline`, reviewer2, {
      reason: 'not verified yet',
    });
    expect(declined.statusCode, declined.body).toBe(200);
    expect(await beneficiaryStatus(beneficiaryId)).toBe('SUSPENDED');
    expect((await propose(dispute.id, reviewer2)).statusCode).toBe(202);
  });

  it('shows a dispute with its open proposal to reviewers', async () => {
    const { applicationId } = await enrolled();
    const dispute = await openDispute(applicationId);
    const decisionId = (await propose(dispute.id, reviewer)).json<Answer>().decision.id;
    const res = await web.app.inject({ method: 'GET', url: `/api/v1/identity-disputes/${dispute.id}`, headers: reviewer2.headers });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json<Answer>()).toMatchObject({
      id: dispute.id,
      applicationId,
      reason: REASON,
      status: 'OPEN',
      proposal: { id: decisionId },
    });
    expect(
      (await web.app.inject({ method: 'GET', url: `/api/v1/identity-disputes/${randomUUID()}`, headers: reviewer.headers })).statusCode,
    ).toBe(404);
  });
});
