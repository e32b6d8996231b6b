// Account changes are approved as account changes (issue 11, item 5): a re-issue that pays failed payments
// to new accounts shows every changed account, masked, with before and after; a second person (an approver
// who did not prepare it) approves the changes as a step of its own (the four-eyes decision ACCOUNT_CHANGES),
// audited with before and after, masked; only then do the accounts become the households' and may the
// re-issue cycle be approved. No full account or wallet number appears in the view, the audit or the page.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { issueApiToken } from '../lib/api-tokens';
import { loadConfig } from '../lib/config';
import { accountKey, hashKeys } from '../lib/pii';
import { adminPages, csrfOf, type PageUser } from './support/admin-pages';
import { approvedCycle, createProgram, enrollBeneficiaries } from './support/fixtures';
import { uid } from './support/util';
import { signInUsers, startTestWeb, type TestWeb } from './support/web';
import { testPersonalData } from './support/personal-data';

let web: TestWeb;
let users: Awaited<ReturnType<typeof signInUsers>>;
let pages: ReturnType<typeof adminPages>;
beforeAll(async () => {
  web = await startTestWeb();
  users = await signInUsers(web.db);
  pages = adminPages(web);
});
afterAll(async () => web?.close());

// Numbers long and distinctive enough that finding one in a body means it was shown in full.
const OLD_ACCOUNT = (i: number) => `4400123450${i}`;
const NEW_BANK = { rail: 'BANK', bankCode: '237', accountNumber: '98765432101' } as const;
const NEW_WALLET = { rail: 'WALLET', msisdn: '+5511987650042' } as const;
const FULL_NUMBERS = [
  OLD_ACCOUNT(0),
  OLD_ACCOUNT(1),
  OLD_ACCOUNT(2),
  NEW_BANK.accountNumber,
  NEW_WALLET.msisdn,
  NEW_WALLET.msisdn.slice(1),
];
const expectNoFullNumber = (text: string) => {
  for (const n of FULL_NUMBERS) expect(text).not.toContain(n);
};

/** A completed cycle of four bank households at 600.00 BRL: the first three failed, the last paid. */
async function cycleWithFailures() {
  const program = await createProgram(web.db);
  const beneficiaries = await enrollBeneficiaries(web.db, program.id, 4, { accountNumber: OLD_ACCOUNT });
  const cycle = await approvedCycle(web.db, program.id);
  await web.db.paymentCycle.update({
    where: { id: cycle.id },
    data: { status: 'COMPLETED', instructedCount: 4, instructedAmount: '2400.00' },
  });
  const batch = await web.db.paymentBatch.create({
    data: {
      cycleId: cycle.id,
      seq: 1,
      rail: 'BANK',
      provider: 'bank-sim',
      messageId: uid('msg'),
      status: 'COMPLETED',
      itemCount: 4,
      totalAmount: '2400.00',
      currency: 'BRL',
    },
  });
  const rows = await web.db.beneficiary.findMany({ where: { id: { in: beneficiaries } } });
  const ordered = beneficiaries.map((id) => rows.find((r) => r.id === id)!);
  const instructions = ordered.map((b, i) => ({
    id: randomUUID(),
    paymentKey: randomUUID(),
    cycleId: cycle.id,
    batchId: batch.id,
    beneficiaryId: b.id,
    paymentAccountId: b.paymentAccountId,
    entitlementVersion: 1,
    amount: '600.00',
    currency: 'BRL',
    status: i < 3 ? ('FAILED' as const) : ('PAID' as const),
    failureReason: i < 3 ? 'AC04' : null,
  }));
  await web.db.paymentInstruction.createMany({ data: instructions });
  return { program, cycle, households: ordered, failed: instructions.slice(0, 3) };
}

interface ErrorBody {
  error: string;
  message: string;
  fields?: Record<string, string>;
}
interface MaskedAccount {
  rail: string;
  bankCode: string | null;
  lastFour: string;
  label: string;
}
interface View {
  id: string;
  status: string;
  accountChanges: null | {
    decisionId: string;
    status: string;
    proposedBy: string;
    decidedBy: string | null;
    items: Array<{ paymentKey: string; amount: string; before: MaskedAccount; after: MaskedAccount }>;
  };
}

/** A re-issue of the three failed payments: the first to a new bank account, the second to a wallet, the third as before. */
async function reissueWithChanges(preparer = users.admin) {
  const f = await cycleWithFailures();
  const res = await web.app.inject({
    method: 'POST',
    url: `/api/v1/cycles/${f.cycle.id}/reissues`,
    headers: preparer.headers,
    payload: {
      items: [
        { instructionId: f.failed[0]!.id, account: NEW_BANK },
        { instructionId: f.failed[1]!.id, account: NEW_WALLET },
        { instructionId: f.failed[2]!.id },
      ],
    },
  });
  expect(res.statusCode).toBe(201);
  return { ...f, reissue: res.json<View>(), body: res.body };
}

/** A household's current account, its number opened. */
const accountOf = async (beneficiaryId: string) => {
  const { paymentAccount: a } = await web.db.beneficiary.findUniqueOrThrow({
    where: { id: beneficiaryId },
    include: { paymentAccount: true },
  });
  const pd = await testPersonalData(web.db);
  return {
    ...a,
    accountNumber: pd.openNullable('payment_account.account_number', a.accountNumber),
    msisdn: pd.openNullable('payment_account.msisdn', a.msisdn),
  };
};
const approveCycle = (id: string, headers: Record<string, string>, payload: object) =>
  web.app.inject({ method: 'POST', url: `/api/v1/cycles/${id}/approve`, headers, payload });
const approveDecision = (id: string, headers: Record<string, string>) =>
  web.app.inject({ method: 'POST', url: `/api/v1/decisions/${id}/approve`, headers });
const TOTALS = { approvedCount: 3, approvedAmount: '1800.00' };

describe('a re-issue to new accounts, through the API', () => {
  it('refuses the approval of the cycle while its account changes are not approved, and changes nothing', async () => {
    const { reissue, households } = await reissueWithChanges();
    const before = await Promise.all(households.map((h) => accountOf(h.id)));
    // The approver re-types the totals without having seen or approved the account changes.
    const refused = await approveCycle(reissue.id, users.approver.headers, TOTALS);
    expect(refused.statusCode).toBe(409);
    const answer = refused.json<ErrorBody>();
    expect(answer.error).toBe('account_changes_not_approved');
    expect(answer.message).toMatch(/account changes must be approved first/);
    expect(await web.db.paymentCycle.findUniqueOrThrow({ where: { id: reissue.id } })).toMatchObject({ status: 'DRAFT', approvedBy: null });
    expect(await web.db.auditEvent.count({ where: { entityId: reissue.id, action: 'cycle.approved' } })).toBe(0);
    expect(await Promise.all(households.map((h) => accountOf(h.id)))).toEqual(before);
  });

  it('shows every changed account, masked, before and after, and who must approve them', async () => {
    const { reissue, body, failed } = await reissueWithChanges();
    expectNoFullNumber(body);
    expect(reissue.accountChanges).toMatchObject({ status: 'PROPOSED', proposedBy: users.admin.id, decidedBy: null });
    const byKey = (a: { paymentKey: string }, b: { paymentKey: string }) => (a.paymentKey < b.paymentKey ? -1 : 1);
    expect([...reissue.accountChanges!.items].sort(byKey)).toEqual(
      [
        {
          paymentKey: failed[0]!.paymentKey,
          amount: '600.00',
          before: { rail: 'BANK', bankCode: '001', lastFour: '4500', label: 'Bank 001, account ****4500' },
          after: { rail: 'BANK', bankCode: '237', lastFour: '2101', label: 'Bank 237, account ****2101' },
        },
        {
          paymentKey: failed[1]!.paymentKey,
          amount: '600.00',
          before: { rail: 'BANK', bankCode: '001', lastFour: '4501', label: 'Bank 001, account ****4501' },
          after: { rail: 'WALLET', bankCode: null, lastFour: '0042', label: 'Wallet ****0042' },
        },
      ].sort(byKey),
    );
  });

  it('refuses the preparer as the approver of the account changes, with a sentence, and changes no account', async () => {
    const { reissue, households } = await reissueWithChanges();
    const decisionId = reissue.accountChanges!.decisionId;
    const before = await Promise.all(households.map((h) => accountOf(h.id)));
    // An administrator does not decide account changes at all.
    expect((await approveDecision(decisionId, users.admin.headers)).json()).toMatchObject({ error: 'role_not_allowed' });
    // Even once they hold the approver role, whoever prepared the re-issue cannot approve its account changes.
    await web.db.user.update({ where: { id: users.admin.id }, data: { role: 'APPROVER' } });
    try {
      const own = await approveDecision(decisionId, users.admin.headers);
      expect(own.statusCode).toBe(403);
      const answer = own.json<ErrorBody>();
      expect(answer.error).toBe('proposer_cannot_approve');
      expect(answer.message).toMatch(/another person must check and approve it/);
      expect(answer.fields?.decision).toMatch(/you proposed these account changes/);
    } finally {
      await web.db.user.update({ where: { id: users.admin.id }, data: { role: 'ADMIN' } });
    }
    expect(await web.db.moneyDecision.findUniqueOrThrow({ where: { id: decisionId } })).toMatchObject({
      status: 'PROPOSED',
      decidedBy: null,
    });
    expect(await Promise.all(households.map((h) => accountOf(h.id)))).toEqual(before);
  });

  it('makes the new accounts the households’ own only when a second person approves them, audited masked; then the cycle is approved', async () => {
    const { reissue, households } = await reissueWithChanges();
    const decisionId = reissue.accountChanges!.decisionId;
    const [first, second, third] = households;
    const untouched = await accountOf(third!.id);

    const ok = await approveDecision(decisionId, users.approver.headers);
    expect(ok.statusCode).toBe(200);
    expectNoFullNumber(ok.body);
    expect(await accountOf(first!.id)).toMatchObject({ rail: 'BANK', bankCode: '237', accountNumber: NEW_BANK.accountNumber });
    expect(await accountOf(second!.id)).toMatchObject({ rail: 'WALLET', msisdn: NEW_WALLET.msisdn });
    expect(await accountOf(third!.id)).toEqual(untouched); // re-issued to the account it had: no change

    // One audit row per changed household, by the approver, before and after masked.
    const changed = await web.db.auditEvent.findMany({
      where: { action: 'beneficiary.account_changed', entityType: 'beneficiary', entityId: { in: households.map((h) => h.id) } },
      orderBy: { id: 'asc' },
    });
    const masked = (a: MaskedAccount) => [a.rail, a.bankCode, a.lastFour];
    expect(
      changed
        .map((a) => {
          const d = a.details as unknown as { cycleId: string; decisionId: string; before: MaskedAccount; after: MaskedAccount };
          return [a.actor, a.entityId, d.cycleId, d.decisionId, masked(d.before), masked(d.after)];
        })
        .sort((a, b) => (String(a[4]) < String(b[4]) ? -1 : 1)),
    ).toEqual([
      [users.approver.id, first!.id, reissue.id, decisionId, ['BANK', '001', '4500'], ['BANK', '237', '2101']],
      [users.approver.id, second!.id, reissue.id, decisionId, ['BANK', '001', '4501'], ['WALLET', null, '0042']],
    ]);
    const trail = await web.db.auditEvent.findMany({
      where: { entityId: { in: [reissue.id, decisionId, ...households.map((h) => h.id)] } },
    });
    expect(trail.map((a) => a.action)).toEqual(
      expect.arrayContaining(['cycle.account_changes_proposed', 'cycle.account_changes_approved']),
    );
    expectNoFullNumber(JSON.stringify(trail.map((a) => a.details)));

    const view = await web.app.inject({ method: 'GET', url: `/api/v1/cycles/${reissue.id}`, headers: users.approver.headers });
    expectNoFullNumber(view.body);
    expect(view.json<View>().accountChanges).toMatchObject({ status: 'APPROVED', decidedBy: users.approver.id });
    expect(
      view
        .json<View>()
        .accountChanges!.items.map((i) => [i.before.label, i.after.label])
        .sort(),
    ).toEqual([
      ['Bank 001, account ****4500', 'Bank 237, account ****2101'],
      ['Bank 001, account ****4501', 'Wallet ****0042'],
    ]);

    const approved = await approveCycle(reissue.id, users.approver.headers, TOTALS);
    expect([approved.statusCode, approved.json<View>().status]).toEqual([200, 'APPROVED']);
    // Approving the changes twice is refused by the decision itself.
    expect((await approveDecision(decisionId, users.approver.headers)).json()).toMatchObject({ error: 'decision_not_open' });
  });

  it('after the changes are declined, withdraws the re-issue so its payments can be re-issued again, changing no account', async () => {
    const { reissue, failed, households } = await reissueWithChanges();
    const before = await accountOf(households[0]!.id);
    const declined = await web.app.inject({
      method: 'POST',
      url: `/api/v1/decisions/${reissue.accountChanges!.decisionId}/decline`,
      headers: users.approver.headers,
      payload: { reason: 'the new bank account is not the household’s' },
    });
    expect(declined.statusCode).toBe(200);
    // Stuck without a way on, before: the cycle cannot be approved, and its payments cannot be chosen again.
    expect((await approveCycle(reissue.id, users.approver.headers, TOTALS)).statusCode).toBe(409);
    const withdrawn = await web.app.inject({ method: 'POST', url: `/api/v1/cycles/${reissue.id}/cancel`, headers: users.admin2.headers });
    expect(withdrawn.statusCode).toBe(202);
    expect(await web.db.paymentCycle.findUniqueOrThrow({ where: { id: reissue.id } })).toMatchObject({ status: 'CANCELLED' });
    expect(await web.db.reissueItem.count({ where: { reissueCycleId: reissue.id } })).toBe(0);
    expect(await accountOf(households[0]!.id)).toEqual(before);
    expect(await web.db.auditEvent.count({ where: { entityId: reissue.id, action: 'cycle.withdrawn', actor: users.admin2.id } })).toBe(1);
    // The same failed payments can be chosen for a new re-issue.
    const again = await web.app.inject({
      method: 'POST',
      url: `/api/v1/cycles/${(await web.db.paymentInstruction.findUniqueOrThrow({ where: { id: failed[0]!.id } })).cycleId}/reissues`,
      headers: users.admin.headers,
      payload: { items: failed.map((f) => ({ instructionId: f.id })) },
    });
    expect(again.statusCode).toBe(201);
  });

  it('approves a re-issue without account changes as before: no decision, no step of its own', async () => {
    const f = await cycleWithFailures();
    const current = await accountOf(f.households[0]!.id);
    const res = await web.app.inject({
      method: 'POST',
      url: `/api/v1/cycles/${f.cycle.id}/reissues`,
      headers: users.admin.headers,
      // The second names the account the household already has: not a change either.
      payload: {
        items: [
          { instructionId: f.failed[0]!.id },
          { instructionId: f.failed[1]!.id, account: { rail: 'BANK', bankCode: '001', accountNumber: OLD_ACCOUNT(1) } },
        ],
      },
    });
    expect(res.statusCode).toBe(201);
    const reissue = res.json<View>();
    expect(reissue.accountChanges).toBeNull();
    expect(await web.db.moneyDecision.count({ where: { subjectId: reissue.id } })).toBe(0);
    const approved = await approveCycle(reissue.id, users.approver.headers, { approvedCount: 2, approvedAmount: '1200.00' });
    expect([approved.statusCode, approved.json<View>().status]).toEqual([200, 'APPROVED']);
    expect(await accountOf(f.households[0]!.id)).toEqual(current);
    expect((await accountOf(f.households[1]!.id)).accountNumber).toBe(OLD_ACCOUNT(1));
  });
});

describe('account changes that cannot be', () => {
  it('refuses one new account for two households, or another household’s account, naming the item', async () => {
    const f = await cycleWithFailures();
    // The paid household's account, keyed as intake keys it: this program already pays it.
    const paid = await accountOf(f.households[3]!.id);
    const theirs = { rail: 'BANK', bankCode: '001', accountNumber: paid.accountNumber! } as const;
    await web.db.beneficiary.update({
      where: { id: f.households[3]!.id },
      data: { accountKey: hashKeys(loadConfig()).current(accountKey, theirs) },
    });
    const res = await web.app.inject({
      method: 'POST',
      url: `/api/v1/cycles/${f.cycle.id}/reissues`,
      headers: users.admin.headers,
      payload: {
        items: [
          { instructionId: f.failed[0]!.id, account: theirs },
          { instructionId: f.failed[1]!.id, account: NEW_BANK },
          { instructionId: f.failed[2]!.id, account: NEW_BANK },
        ],
      },
    });
    expect(res.statusCode).toBe(409);
    const answer = res.json<ErrorBody>();
    expect(answer.error).toBe('not_reissuable');
    expect(Object.keys(answer.fields ?? {}).sort()).toEqual(['items.0.account', 'items.2.account']);
    expect(answer.fields?.['items.0.account']).toMatch(/another household/);
    expectNoFullNumber(res.body);
    expect(await web.db.paymentCycle.count({ where: { parentCycleId: f.cycle.id } })).toBe(0);
  });

  it('refuses, changing nothing, when a household’s account is no longer the one shown as replaced', async () => {
    const { reissue, households } = await reissueWithChanges();
    // Another change reached the first household after the re-issue was prepared.
    const meanwhile = await web.db.paymentAccount.create({
      data: {
        rail: 'BANK',
        bankCode: '104',
        accountNumber: (await testPersonalData(web.db)).seal('payment_account.account_number', '31415926535'),
        accountKey: uid('k'),
      },
    });
    await web.db.beneficiary.update({ where: { id: households[0]!.id }, data: { paymentAccountId: meanwhile.id } });
    const before = await Promise.all(households.map((h) => accountOf(h.id)));
    const res = await approveDecision(reissue.accountChanges!.decisionId, users.approver.headers);
    expect([res.statusCode, res.json<ErrorBody>().error]).toEqual([409, 'account_changed_since']);
    expect(await Promise.all(households.map((h) => accountOf(h.id)))).toEqual(before);
    expect(await web.db.moneyDecision.findUniqueOrThrow({ where: { id: reissue.accountChanges!.decisionId } })).toMatchObject({
      status: 'PROPOSED',
    });
    expect(
      await web.db.auditEvent.count({ where: { action: 'beneficiary.account_changed', entityId: { in: households.map((h) => h.id) } } }),
    ).toBe(0);
  });
});

describe('a re-issue to new accounts, on the cycle page', () => {
  let maker: PageUser;
  let approver: PageUser;
  beforeAll(async () => {
    maker = await pages.signedIn('ADMIN');
    approver = await pages.signedIn('APPROVER');
  });

  /** The re-issue prepared by the page user `maker` (through the API, with a token of theirs: there is no re-issue form). */
  async function reissueByMaker() {
    const issued = await issueApiToken(web.db, maker.id, { label: 'test', days: 1 });
    return reissueWithChanges({ id: maker.id, headers: { authorization: `Bearer ${issued.token}` } });
  }

  it('shows the preparer the changes and that a second person must approve them', async () => {
    const { reissue } = await reissueByMaker();
    const page = await pages.get(`/admin/cycles/${reissue.id}`, maker.cookie);
    expect(page.statusCode).toBe(200);
    expectNoFullNumber(page.body);
    for (const text of ['Bank 001, account ****4500', 'Bank 237, account ****2101', 'Bank 001, account ****4501', 'Wallet ****0042'])
      expect(page.body).toContain(text);
    expect(page.body).toContain('You prepared this re-issue, so you cannot approve its account changes');
    expect(page.body).not.toContain(`action="/admin/cycles/${reissue.id}/account-changes"`);
  });

  it('lets an approver approve the changes (CSRF-checked, audited), and only then the cycle', async () => {
    const { reissue, households } = await reissueByMaker();
    const url = `/admin/cycles/${reissue.id}`;
    const page = await pages.get(url, approver.cookie);
    expectNoFullNumber(page.body);
    expect(page.body).toContain(`<form method="post" action="/admin/cycles/${reissue.id}/account-changes"`);
    expect(page.body).toContain('The account changes must be approved before the cycle can be approved');
    expect(page.body).not.toContain(`action="/admin/cycles/${reissue.id}/approve"`);
    const before = await accountOf(households[0]!.id);

    // The cycle's own approval form, posted anyway: refused with the sentence, nothing changes.
    const _csrf = csrfOf(page.body);
    const early = await pages.post(`${url}/approve`, { _csrf, approvedCount: '3', approvedAmount: '1800.00' }, approver.cookie);
    expect([early.statusCode, early.body]).toEqual([409, expect.stringContaining('account changes must be approved first')]);
    const decision = reissue.accountChanges!.decisionId;
    const forged = await pages.post(`${url}/account-changes`, { decision }, approver.cookie);
    expect(forged.statusCode).toBe(403);
    expect(await accountOf(households[0]!.id)).toEqual(before);

    const ok = await pages.post(`${url}/account-changes`, { _csrf, decision }, approver.cookie);
    expect([ok.statusCode, ok.headers.location]).toEqual([303, `${url}?done=accounts`]);
    expect(await accountOf(households[0]!.id)).toMatchObject({ bankCode: '237', accountNumber: NEW_BANK.accountNumber });
    expect(await web.db.auditEvent.count({ where: { action: 'beneficiary.account_changed', actor: approver.id } })).toBeGreaterThanOrEqual(
      2,
    );
    const after = await pages.get(`${url}?done=accounts`, approver.cookie);
    expectNoFullNumber(after.body);
    expect(after.body).toContain(`Account changes approved by <strong>${approver.username}</strong>`);
    expect(after.body).toContain(`action="/admin/cycles/${reissue.id}/approve"`);
    const approved = await pages.post(`${url}/approve`, { _csrf, approvedCount: '3', approvedAmount: '1800.00' }, approver.cookie);
    expect([approved.statusCode, approved.headers.location]).toEqual([303, `${url}?done=approved`]);
  });

  it('refuses the preparer’s own approval of the changes with a sentence, even as an approver', async () => {
    const { reissue, households } = await reissueByMaker();
    const before = await accountOf(households[0]!.id);
    await web.db.user.update({ where: { id: maker.id }, data: { role: 'APPROVER' } });
    try {
      const res = await pages.post(
        `/admin/cycles/${reissue.id}/account-changes`,
        { _csrf: await pages.csrf(maker.cookie), decision: reissue.accountChanges!.decisionId },
        maker.cookie,
      );
      expect([res.statusCode, res.body]).toEqual([403, expect.stringContaining('you proposed these account changes')]);
    } finally {
      await web.db.user.update({ where: { id: maker.id }, data: { role: 'ADMIN' } });
    }
    expect(await accountOf(households[0]!.id)).toEqual(before);
  });
});
