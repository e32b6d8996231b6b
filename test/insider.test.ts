// The insider suite (issue "Money leaves once, whatever people do"): what one person, or one person in two
// tabs, could do on the paths where people act, tried as a new user would. Each is refused with nothing
// changed (instructions, ledger, breaks), and the two-person path succeeds.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUser } from '../lib/users';
import { balances } from '../lib/ledger';
import { approvedCycle, createProgram, enrollBeneficiaries } from './support/fixtures';
import { camt053, craftedCycle, reconcileNow, type CraftedCycle, type PaymentState } from './support/reconciliation-fixture';
import { uid } from './support/util';
import { signInUsers, startTestWeb, type TestWeb } from './support/web';

let web: TestWeb;
let users: Awaited<ReturnType<typeof signInUsers>>;
/** A second finance user: the four eyes of a money decision. */
let finance2: { id: string; headers: Record<string, string> };

beforeAll(async () => {
  web = await startTestWeb();
  users = await signInUsers(web.db);
  const second = await createUser(web.db, uid('finance2'), 'FINANCE');
  finance2 = { id: second.id, headers: { authorization: `Bearer ${second.token}` } };
}, 60_000);
afterAll(() => web?.close());

const api = (method: 'GET' | 'POST', url: string, headers: Record<string, string>, payload?: object) =>
  web.app.inject({ method, url, headers, ...(payload ? { payload } : {}) });

/** Everything a money decision could change: statuses of instructions and breaks, the ledger, sign-offs. */
async function snapshotOf(cycleId: string, programId: string) {
  const [instructions, breaks, ledger, signOffs] = await Promise.all([
    web.db.paymentInstruction.findMany({ where: { cycleId }, select: { paymentKey: true, status: true }, orderBy: { paymentKey: 'asc' } }),
    web.db.reconciliationBreak.findMany({
      where: { cycleId },
      select: { id: true, status: true, resolution: true },
      orderBy: { id: 'asc' },
    }),
    balances(web.db, programId),
    web.db.cycleSignOff.count({ where: { cycleId } }),
  ]);
  return { instructions, breaks, ledger, signOffs };
}

/** A crafted cycle whose batch closed (and, by default, left two days ago: past the settlement deadline). */
async function closedCycle(states: PaymentState[], sentHoursAgo = 48): Promise<CraftedCycle> {
  const c = await craftedCycle(web.db, states);
  await web.db.paymentBatch.updateMany({
    where: { cycleId: c.cycleId },
    data: { status: 'COMPLETED', completedAt: new Date(), submittedAt: new Date(Date.now() - sentHoursAgo * 3600_000) },
  });
  await web.db.paymentCycle.update({ where: { id: c.cycleId }, data: { status: 'COMPLETED', completedAt: new Date() } });
  return c;
}

/** A payment line on the rail's own statement (evidence at once). */
const railLine = (c: CraftedCycle, p: { key: string; amount: string }) =>
  web.db.statementEntry.create({
    data: {
      provider: 'bank-sim',
      entryRef: uid('NTRY'),
      account: c.account,
      endToEndId: p.key,
      amount: p.amount,
      currency: 'BRL',
      bookedAt: new Date(),
      evidenceSince: new Date(),
    },
  });

const breakOf = async (cycleId: string, paymentKey: string) =>
  web.db.reconciliationBreak.findFirstOrThrow({ where: { cycleId, paymentKey } });

/** Proposes a resolution as `who`, and returns the answer. */
const propose = (breakId: string, resolution: string, who: { headers: Record<string, string> }, reason = 'checked with the rail') =>
  api('POST', `/api/v1/breaks/${breakId}/resolution`, who.headers, { resolution, reason });

describe('a cycle that never paid cannot be reconciled or signed off', () => {
  it('refuses a reconciliation and a sign-off of a cycle never launched, and nothing is signed', async () => {
    const program = await createProgram(web.db);
    await enrollBeneficiaries(web.db, program.id, 3);
    const cycle = await approvedCycle(web.db, program.id);
    const before = await snapshotOf(cycle.id, program.id);
    const run = await api('POST', `/api/v1/cycles/${cycle.id}/reconciliations`, users.finance.headers);
    expect([run.statusCode, run.json<{ error: string }>().error]).toEqual([409, 'cycle_not_finished']);
    const signed = await api('POST', `/api/v1/cycles/${cycle.id}/sign-off`, users.finance.headers);
    expect([signed.statusCode, signed.json<{ error: string }>().error]).toEqual([409, 'cycle_not_finished']);
    expect(await snapshotOf(cycle.id, program.id)).toEqual(before);
  });
});

describe('re-issue only on evidence of non-payment', () => {
  it('matches a payment the statement shows but the rail no longer remembers: no break, nothing to re-issue', async () => {
    const c = await closedCycle([{ ours: 'PAID', rail: 'UNKNOWN' }]);
    const [p] = c.payments;
    await railLine(c, p!);
    await reconcileNow(web.db, c.cycleId, randomUUID());
    expect(await web.db.reconciliationBreak.count({ where: { cycleId: c.cycleId } })).toBe(0);
  });

  it('refuses REISSUE where the rail said paid and only the statement is late, and takes CONFIRM from two people', async () => {
    const c = await closedCycle([{ ours: 'PAID', rail: 'PAID' }]);
    await reconcileNow(web.db, c.cycleId, randomUUID());
    const b = await breakOf(c.cycleId, c.payments[0]!.key);
    expect(b.breakClass).toBe('PENDING_PAST_DEADLINE');
    const before = await snapshotOf(c.cycleId, c.programId);
    const refused = await propose(b.id, 'REISSUE', users.finance);
    expect([refused.statusCode, refused.json<{ error: string }>().error]).toEqual([422, 'resolution_not_allowed']);
    expect(JSON.stringify(refused.json())).toMatch(/rail has not said it failed/);
    expect(await snapshotOf(c.cycleId, c.programId)).toEqual(before);

    const proposed = await propose(b.id, 'CONFIRM', users.finance);
    expect(proposed.statusCode).toBe(202);
    const decision = proposed.json<{ decision: { id: string } }>().decision.id;
    const self = await api('POST', `/api/v1/decisions/${decision}/approve`, users.finance.headers);
    expect([self.statusCode, self.json<{ error: string }>().error]).toEqual([403, 'proposer_cannot_approve']);
    expect(await snapshotOf(c.cycleId, c.programId)).toEqual(before);
    const approved = await api('POST', `/api/v1/decisions/${decision}/approve`, finance2.headers);
    expect(approved.statusCode).toBe(200);
    expect(await breakOf(c.cycleId, c.payments[0]!.key)).toMatchObject({ status: 'RESOLVED', resolution: 'CONFIRM' });
  });

  it('refuses REISSUE of a payment the rail failed while a statement line shows it paid', async () => {
    const c = await closedCycle([{ ours: 'PAID', rail: 'FAILED' }]);
    const [p] = c.payments;
    await railLine(c, p!);
    await reconcileNow(web.db, c.cycleId, randomUUID());
    const b = await breakOf(c.cycleId, p!.key);
    const before = await snapshotOf(c.cycleId, c.programId);
    const refused = await propose(b.id, 'REISSUE', users.finance);
    expect([refused.statusCode, refused.json<{ error: string }>().error]).toEqual([422, 'resolution_not_allowed']);
    expect(JSON.stringify(refused.json())).toMatch(/statement line shows it paid/);
    expect(await snapshotOf(c.cycleId, c.programId)).toEqual(before);
  });

  it('refuses REISSUE before the batch closed or the deadline passed, and re-issues on the rail failing, with two people', async () => {
    const c = await craftedCycle(web.db, [{ ours: 'PAID', rail: 'FAILED' }]);
    await reconcileNow(web.db, c.cycleId, randomUUID());
    const b = await breakOf(c.cycleId, c.payments[0]!.key);
    expect(b.breakClass).toBe('RAIL_FAILED_OURS_PAID');
    const early = await propose(b.id, 'REISSUE', users.finance);
    expect([early.statusCode, JSON.stringify(early.json())]).toEqual([422, expect.stringMatching(/batch is still being sent/)]);

    await web.db.paymentBatch.updateMany({
      where: { cycleId: c.cycleId },
      data: { status: 'COMPLETED', completedAt: new Date(), submittedAt: new Date(Date.now() - 48 * 3600_000) },
    });
    const proposed = await propose(b.id, 'REISSUE', users.finance);
    expect(proposed.statusCode).toBe(202);
    const before = await snapshotOf(c.cycleId, c.programId);
    const decision = proposed.json<{ decision: { id: string } }>().decision.id;
    expect((await api('POST', `/api/v1/decisions/${decision}/approve`, finance2.headers)).statusCode).toBe(200);
    const after = await snapshotOf(c.cycleId, c.programId);
    expect(after.instructions.map((i) => i.status)).toEqual(['FAILED']);
    expect(Number(after.ledger.paid ?? 0)).toBe(Number(before.ledger.paid ?? 0) - 600);
    expect(Number(after.ledger.payable ?? 0)).toBe(Number(before.ledger.payable ?? 0) + 600);
  });
});

describe('one finance user alone', () => {
  it('can neither resolve a break nor sign a cycle off: each needs a second finance user, who can', async () => {
    const c = await closedCycle([
      { ours: 'PAID', rail: 'PAID' },
      { ours: 'PAID', rail: 'PAID' },
    ]);
    const [a, b] = c.payments;
    // One payment credited twice on the statement: a break whose resolution moves money.
    const xml = camt053(c.account, [
      { ref: uid('NTRY'), key: a!.key, amount: a!.amount },
      { ref: uid('NTRY'), key: a!.key, amount: a!.amount },
      { ref: uid('NTRY'), key: b!.key, amount: b!.amount },
    ]);
    const uploaded = await web.app.inject({
      method: 'POST',
      url: '/api/v1/statements?provider=bank-sim',
      headers: { ...users.finance.headers, 'content-type': 'application/xml' },
      payload: xml,
    });
    expect(uploaded.statusCode).toBe(202);
    // Uploaded by hand, the file is not evidence yet: the uploader cannot confirm it, a second finance user can.
    await reconcileNow(web.db, c.cycleId, randomUUID());
    expect((await breakOf(c.cycleId, a!.key)).breakClass).toBe('PENDING_PAST_DEADLINE');
    const upload = uploaded.json<{ decision: { id: string } }>().decision.id;
    const selfConfirm = await api('POST', `/api/v1/decisions/${upload}/approve`, users.finance.headers);
    expect([selfConfirm.statusCode, selfConfirm.json<{ error: string }>().error]).toEqual([403, 'proposer_cannot_approve']);
    expect((await api('POST', `/api/v1/decisions/${upload}/approve`, finance2.headers)).statusCode).toBe(200);
    await reconcileNow(web.db, c.cycleId, randomUUID());
    const twice = await web.db.reconciliationBreak.findFirstOrThrow({ where: { cycleId: c.cycleId, paymentKey: a!.key, status: 'OPEN' } });
    expect(twice.breakClass).toBe('CREDITED_TWICE');

    const before = await snapshotOf(c.cycleId, c.programId);
    const proposed = await propose(twice.id, 'WRITE_OFF', users.finance, 'the bank will not return it');
    expect(proposed.statusCode).toBe(202);
    const decision = proposed.json<{ decision: { id: string } }>().decision.id;
    // The same person, as if in another tab: refused, with a sentence, and nothing moved.
    const self = await api('POST', `/api/v1/decisions/${decision}/approve`, users.finance.headers);
    expect([self.statusCode, self.json<{ message: string }>().message]).toEqual([403, expect.stringMatching(/another person must/)]);
    const alone = await api('POST', `/api/v1/cycles/${c.cycleId}/sign-off`, users.finance.headers);
    expect(alone.statusCode).toBe(409); // a break is still open
    expect(await snapshotOf(c.cycleId, c.programId)).toEqual(before);

    expect((await api('POST', `/api/v1/decisions/${decision}/approve`, finance2.headers)).statusCode).toBe(200);
    expect((await breakOf(c.cycleId, a!.key)).status).toBe('RESOLVED');
    expect((await balances(web.db, c.programId)).written_off).toBe(a!.amount);

    const signOff = await api('POST', `/api/v1/cycles/${c.cycleId}/sign-off`, users.finance.headers);
    expect(signOff.statusCode).toBe(202);
    expect(await web.db.cycleSignOff.count({ where: { cycleId: c.cycleId } })).toBe(0);
    const signDecision = signOff.json<{ decision: { id: string } }>().decision.id;
    const selfSign = await api('POST', `/api/v1/decisions/${signDecision}/approve`, users.finance.headers);
    expect([selfSign.statusCode, selfSign.json<{ error: string }>().error]).toEqual([403, 'proposer_cannot_approve']);
    expect(await web.db.cycleSignOff.count({ where: { cycleId: c.cycleId } })).toBe(0);
    expect((await api('POST', `/api/v1/decisions/${signDecision}/approve`, finance2.headers)).statusCode).toBe(200);
    expect(await web.db.cycleSignOff.findUnique({ where: { cycleId: c.cycleId } })).toMatchObject({ signedBy: users.finance.id });
  });
});
