// The finance report over HTTP on the real database: reconciliation runs and breaks are written straight
// to the tables (the subject here starts where a run has ended). The CSV files are RFC 4180, with stable
// columns and exact amounts, and say what the JSON says; the drill-down masks personal data; sign-off is
// refused while a break is open, freezes the report once done, cannot happen twice, and the database
// refuses to change it; bad filters and roles get 400 (naming the field) and 403.
import Decimal from 'decimal.js';
import type { InjectOptions } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUser } from '../lib/users';
import { resolveAsTwo } from './support/four-eyes';
import { BREAK_COLUMNS, SUMMARY_COLUMNS } from '../web/services/finance-report-csv';
import { breakRecords, type FinanceReport } from '../web/services/finance-report';
import { canonicalJson, reportSha256 } from '../web/services/sign-off';
import { reconciliationWatchWorkflowId } from '../workflows/ids';
import { approvedCycle, createProgram, enrollBeneficiaries } from './support/fixtures';
import { uid } from './support/util';
import { signInUsers, startTestWeb, type TestWeb } from './support/web';
import { testPersonalData } from './support/personal-data';

const PASSWORD = 'correct horse battery staple';
let web: TestWeb;
let users: Awaited<ReturnType<typeof signInUsers>>;
const watched: string[] = [];

beforeAll(async () => {
  web = await startTestWeb();
  users = await signInUsers(web.db);
});
afterAll(async () => {
  // Resolutions through the pages ask for a run; no worker polls this server's task queue.
  await Promise.all(
    watched.map((id) =>
      web.temporal.workflow
        .getHandle(reconciliationWatchWorkflowId(id))
        .terminate('test over')
        .catch(() => undefined),
    ),
  );
  await web?.close();
});

/** RFC 4180, strictly: CRLF only, quotes only around whole fields, doubled inside; the last line ends in CRLF. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let [row, f, quoted, wasQuoted] = [[] as string[], '', false, false];
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c !== '"') f += c;
      else if (text[i + 1] === '"') {
        f += '"';
        i++;
      } else quoted = false;
    } else if (c === '"') {
      if (f !== '' || wasQuoted) throw new Error(`quote inside an unquoted field at ${i}`);
      [quoted, wasQuoted] = [true, true];
    } else if (c === ',') [row, f, wasQuoted] = [[...row, f], '', false];
    else if (c === '\r') {
      if (text[i + 1] !== '\n') throw new Error(`CR without LF at ${i}`);
      rows.push([...row, f]);
      [row, f, wasQuoted] = [[], '', false];
      i++;
    } else if (c === '\n') throw new Error(`LF without CR at ${i}`);
    else if (wasQuoted) throw new Error(`text after a closing quote at ${i}`);
    else f += c;
  }
  if (quoted || f !== '' || row.length) throw new Error('the file does not end with CRLF');
  return rows;
}
const records = (text: string) => {
  const [header, ...rows] = parseCsv(text);
  for (const r of rows) if (r.length !== header!.length) throw new Error(`a row of ${r.length} fields under a header of ${header!.length}`);
  return rows.map((r) => Object.fromEntries(header!.map((h, i) => [h, r[i]!])));
};

const PROVIDER = 'wallet-sim, "BR"'; // a comma and quotes: must round-trip through the summary file
const count = (n: number, amount: string) => ({ count: n, amount });

/**
 * A completed cycle of three bank households (600.00, 0.10, 0.20), all PAID by us, and a run that found
 * two breaks among them (0.10 + 0.20 = 0.30 in break) plus a statement line we never instructed.
 */
async function reconciledCycle(o: { balanced?: boolean; breaks?: boolean } = {}) {
  const db = web.db;
  const program = await createProgram(db);
  await enrollBeneficiaries(db, program.id, 3);
  const cycle = await approvedCycle(db, program.id);
  await db.paymentCycle.update({ where: { id: cycle.id }, data: { status: 'COMPLETED' } });
  const bens = await db.beneficiary.findMany({
    where: { programId: program.id },
    orderBy: { householdId: 'asc' },
    select: { id: true, applicationId: true, paymentAccountId: true },
  });
  const pd = await testPersonalData(db);
  await db.application.update({
    where: { id: bens[1]!.applicationId },
    data: { fullName: pd.seal('application.full_name', 'Maria Souza') },
  });
  await db.paymentAccount.update({
    where: { id: bens[1]!.paymentAccountId },
    data: { accountNumber: pd.seal('payment_account.account_number', '0012345678') },
  });
  const batch = await db.paymentBatch.create({
    data: {
      cycleId: cycle.id,
      seq: 1,
      rail: 'BANK',
      provider: 'bank-sim',
      messageId: uid('msg'),
      status: 'COMPLETED',
      // Sent two days ago: past the settlement deadline, so a re-issue has its evidence.
      submittedAt: new Date(Date.now() - 48 * 3600_000),
      itemCount: 3,
      totalAmount: '600.30',
      currency: 'BRL',
    },
  });
  const amounts = ['600.00', '0.10', '0.20'];
  const keys = bens.map(() => uid('key'));
  await db.paymentInstruction.createMany({
    data: bens.map((b, i) => ({
      paymentKey: keys[i]!,
      cycleId: cycle.id,
      batchId: batch.id,
      beneficiaryId: b.id,
      paymentAccountId: b.paymentAccountId,
      entitlementVersion: 1,
      amount: amounts[i]!,
      currency: 'BRL',
      status: 'PAID' as const,
    })),
  });
  const breaks = o.breaks !== false;
  const run = await db.reconciliationRun.create({
    data: {
      cycleId: cycle.id,
      status: 'COMPLETED',
      trigger: 'cycle-end',
      currency: 'BRL',
      finishedAt: new Date(),
      balanced: o.balanced ?? true,
      totals: [
        // Amounts as the run may write them ("600.3", "0"): the report gives them with the currency's cents.
        {
          provider: 'bank-sim',
          currency: 'BRL',
          instructed: count(3, '600.3'),
          paid: count(breaks ? 1 : 3, breaks ? '600.00' : '600.30'),
          failed: count(0, '0'),
          pending: count(0, '0.00'),
          breaks: count(breaks ? 2 : 0, breaks ? '0.30' : '0'),
          notInstructed: count(breaks ? 1 : 0, breaks ? '5.00' : '0'),
          statement: count(3, '605.15'),
          balanced: o.balanced ?? true,
        },
        {
          provider: PROVIDER,
          currency: 'BRL',
          instructed: count(0, '0'),
          paid: count(0, '0'),
          failed: count(0, '0'),
          pending: count(0, '0'),
          breaks: count(0, '0'),
          notInstructed: count(0, '0'),
          statement: count(0, '0'),
          balanced: true,
        },
      ],
      breaksByClass: breaks
        ? [
            { provider: 'bank-sim', currency: 'BRL', breakClass: 'RAIL_FAILED_OURS_PAID', count: 1, amount: '0.2' },
            { provider: 'bank-sim', currency: 'BRL', breakClass: 'AMOUNT_MISMATCH', count: 1, amount: '0.10' },
            { provider: 'bank-sim', currency: 'BRL', breakClass: 'NOT_INSTRUCTED', count: 1, amount: '5.00' },
          ]
        : [],
    },
  });
  // The rail's word as the run read it (an hour before the run): the rail failed the third payment.
  await db.railReport.createMany({
    data: keys.map((paymentKey, i) => ({
      paymentKey,
      cycleId: cycle.id,
      provider: 'bank-sim',
      status: breaks && i === 2 ? 'FAILED' : 'PAID',
      reportedAt: new Date(Date.now() - 3600_000),
    })),
  });
  if (breaks) {
    await db.reconciliationBreak.createMany({
      data: [
        {
          cycleId: cycle.id,
          paymentKey: keys[1]!,
          breakClass: 'AMOUNT_MISMATCH',
          provider: 'bank-sim',
          currency: 'BRL',
          expectedAmount: '0.10',
          statementAmount: '0.15',
          statementLines: 1,
          ourStatus: 'PAID',
          railStatus: 'PAID',
          firstRunId: run.id,
        },
        {
          cycleId: cycle.id,
          paymentKey: keys[2]!,
          breakClass: 'RAIL_FAILED_OURS_PAID',
          provider: 'bank-sim',
          currency: 'BRL',
          expectedAmount: '0.20',
          statementLines: 0,
          ourStatus: 'PAID',
          railStatus: 'FAILED',
          firstRunId: run.id,
        },
        {
          cycleId: cycle.id,
          paymentKey: '=HYPERLINK("x")',
          breakClass: 'NOT_INSTRUCTED',
          provider: 'bank-sim',
          currency: 'BRL',
          statementAmount: '5.00',
          statementLines: 1,
          firstRunId: run.id,
        },
      ],
    });
  }
  return { cycleId: cycle.id, runId: run.id, keys, program };
}

const api = (method: 'GET' | 'POST', url: string, headers: Record<string, string>) =>
  web.app.inject({ method, url, headers } as InjectOptions);
const openBreaks = (cycleId: string) =>
  web.db.reconciliationBreak.findMany({ where: { cycleId, status: 'OPEN' }, orderBy: { breakClass: 'asc' } });

describe('CSV files', () => {
  it('the summary is RFC 4180 with the documented columns, exact amounts, and the same numbers as the JSON report', async () => {
    const { cycleId, runId } = await reconciledCycle();
    const json = (await api('GET', `/api/v1/cycles/${cycleId}/report`, users.finance.headers)).json<FinanceReport>();
    const res = await api('GET', `/api/v1/cycles/${cycleId}/report.csv`, users.finance.headers);
    expect([res.statusCode, res.headers['content-type']]).toEqual([200, 'text/csv; charset=utf-8; header=present']);
    expect(res.headers['content-disposition']).toMatch(/^attachment; filename="P-[\w-]+-cycle-1-report\.csv"$/);
    // Stable columns: this list is a contract with whoever reads the file.
    expect(parseCsv(res.body)[0]).toEqual([
      'cycle_id',
      'run_id',
      'provider',
      'currency',
      'category',
      'break_class',
      'count',
      'amount',
      'rail_balanced',
    ]);
    expect(SUMMARY_COLUMNS).toEqual(parseCsv(res.body)[0]);
    const rows = records(res.body);
    expect(rows.every((r) => r.cycle_id === cycleId && r.run_id === runId)).toBe(true);
    expect(rows.filter((r) => r.provider === PROVIDER)).toHaveLength(8); // quoted, and read back whole
    expect(res.body).toContain('"wallet-sim, ""BR"""');
    const bank = (category: string, breakClass = '') =>
      rows.find((r) => r.provider === 'bank-sim' && r.category === category && r.break_class === breakClass);
    expect(
      [bank('instructed'), bank('paid'), bank('in_break'), bank('not_instructed'), bank('failed')].map((r) => [r?.count, r?.amount]),
    ).toEqual([
      ['3', '600.30'],
      ['1', '600.00'],
      ['2', '0.30'],
      ['1', '5.00'],
      ['0', '0.00'],
    ]);
    // 0.10 + 0.20 is 0.30 exactly, as the in-break total says (a float would not): decimal strings all through.
    const inBreak = rows.filter((r) => r.category === 'break' && r.break_class !== 'NOT_INSTRUCTED');
    expect(inBreak.map((r) => r.amount)).toEqual(['0.10', '0.20']);
    expect(inBreak.reduce((s, r) => s.plus(r.amount!), new Decimal(0)).toFixed(2)).toBe(bank('in_break')!.amount);
    expect(rows.filter((r) => r.category === 'break').map((r) => r.break_class)).toEqual([
      'AMOUNT_MISMATCH',
      'RAIL_FAILED_OURS_PAID',
      'NOT_INSTRUCTED',
    ]);
    // Everything the JSON says, the CSV says.
    for (const t of json.totals) {
      for (const [key, category] of [
        ['instructed', 'instructed'],
        ['paid', 'paid'],
        ['failed', 'failed'],
        ['pending', 'pending'],
        ['breaks', 'in_break'],
        ['heldBack', 'held_back'],
        ['notInstructed', 'not_instructed'],
        ['statement', 'statement'],
      ] as const) {
        expect(
          rows.find((r) => r.provider === t.provider && r.category === category),
          `${t.provider} ${category}`,
        ).toMatchObject({ count: String(t[key].count), amount: t[key].amount, rail_balanced: String(t.balanced) });
      }
    }
    expect(json.breaksByClass.map((b) => [b.breakClass, String(b.count), b.amount])).toEqual(
      rows.filter((r) => r.category === 'break').map((r) => [r.break_class, r.count, r.amount]),
    );
    expect(json).toMatchObject({
      run: { id: runId, balanced: true, trigger: 'cycle-end' },
      breakStatus: { OPEN: 3, RESOLVED: 0, CLEARED: 0 },
      signOff: null,
    });
  });

  it('the breaks file lists each break by payment key (no personal data), quotes what it must and defuses formulas', async () => {
    const { cycleId, keys } = await reconciledCycle();
    const [mismatch] = await openBreaks(cycleId);
    const reason = 'Bank said "0.05 was a fee", returned in full';
    await resolveAsTwo(web.db, {
      breakId: mismatch!.id,
      resolution: 'WRITE_OFF',
      reason,
      proposer: users.finance.id,
      approver: users.finance2.id,
    });
    const res = await api('GET', `/api/v1/cycles/${cycleId}/breaks.csv`, users.admin.headers);
    expect(res.statusCode).toBe(200);
    expect(parseCsv(res.body)[0]).toEqual([...BREAK_COLUMNS]);
    expect(BREAK_COLUMNS).toEqual([
      'cycle_id',
      'payment_key',
      'break_class',
      'provider',
      'currency',
      'expected_amount',
      'statement_amount',
      'statement_lines',
      'our_status',
      'rail_status',
      'break_status',
      'resolution',
      'resolution_reason',
      'resolved_by',
      'resolved_at',
      'first_run_id',
    ]);
    const rows = records(res.body);
    expect(rows.map((r) => r.payment_key).sort()).toEqual(['\'=HYPERLINK("x")', keys[1], keys[2]].sort());
    expect(rows.find((r) => r.payment_key === keys[1])).toMatchObject({
      break_class: 'AMOUNT_MISMATCH',
      expected_amount: '0.10',
      statement_amount: '0.15',
      break_status: 'RESOLVED',
      resolution: 'WRITE_OFF',
      resolution_reason: reason,
    });
    expect(rows.find((r) => r.payment_key === keys[2])).toMatchObject({ statement_amount: '', break_status: 'OPEN', resolution: '' });
    for (const pii of ['Maria', 'Souza', '0012345678', 'Test Person']) expect(res.body).not.toContain(pii);
    const only = records(
      (await api('GET', `/api/v1/cycles/${cycleId}/breaks.csv?status=OPEN&class=NOT_INSTRUCTED`, users.finance.headers)).body,
    );
    expect(only.map((r) => r.break_class)).toEqual(['NOT_INSTRUCTED']);
  });

  it('reads the breaks a page at a time by key (never all at once): every break once, in order', async () => {
    const { cycleId, runId } = await reconciledCycle({ breaks: false });
    const keys = Array.from({ length: 2_345 }, (_, i) => `k${String(i).padStart(5, '0')}`);
    await web.db.reconciliationBreak.createMany({
      data: keys.map((paymentKey) => ({
        cycleId,
        paymentKey,
        breakClass: 'UNKNOWN_TO_RAIL',
        provider: 'bank-sim',
        currency: 'BRL',
        expectedAmount: '0.01',
        firstRunId: runId,
      })),
    });
    const pages: number[] = [];
    for await (const page of breakRecords(web.db, cycleId, {}, 1000)) pages.push(page.length);
    expect(pages).toEqual([1000, 1000, 345]);
    const rows = records((await api('GET', `/api/v1/cycles/${cycleId}/breaks.csv`, users.finance.headers)).body);
    expect(rows.map((r) => r.payment_key)).toEqual(keys);
    expect(rows.reduce((s, r) => s.plus(r.expected_amount!), new Decimal(0)).toFixed(2)).toBe('23.45');
  });
});

describe('drill-down', () => {
  it('masks names and accounts in the JSON list and on the page, whatever the role; the payment key identifies', async () => {
    const { cycleId, keys } = await reconciledCycle();
    for (const who of [users.finance, users.admin]) {
      const res = await api('GET', `/api/v1/cycles/${cycleId}/breaks?class=AMOUNT_MISMATCH`, who.headers);
      expect(res.json()).toMatchObject({
        total: 1,
        page: 1,
        pageSize: 50,
        items: [
          {
            paymentKey: keys[1],
            breakClass: 'AMOUNT_MISMATCH',
            beneficiary: 'M*** S***',
            account: '****5678',
            expectedAmount: '0.10',
            statementAmount: '0.15',
            status: 'OPEN',
          },
        ],
      });
      for (const pii of ['Maria', 'Souza', '0012345678']) expect(res.body).not.toContain(pii);
    }
    const all = (await api('GET', `/api/v1/cycles/${cycleId}/breaks`, users.finance.headers)).json<{
      items: Array<{ beneficiary: string | null }>;
    }>();
    expect(all.items.map((i) => i.beneficiary).sort()).toEqual(['M*** S***', 'T*** P***', null].sort());
    const admin = await signedIn('ADMIN');
    const page = await web.app.inject({ method: 'GET', url: `/admin/cycles/${cycleId}/report/breaks`, headers: { cookie: admin.cookie } });
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('M*** S***');
    for (const pii of ['Maria', 'Souza', '0012345678']) expect(page.body).not.toContain(pii);
    expect(page.body).not.toContain('action="/admin/breaks/'); // administrators read; only finance resolves
  });

  it('refuses a filter it does not know with 400 naming the field, in the API and on the page', async () => {
    const { cycleId } = await reconciledCycle();
    for (const [query, field] of [
      ['class=NOPE', 'class'],
      ['status=DONE', 'status'],
      ['page=0', 'page'],
      ['page=x', 'page'],
      ['sort=amount', 'sort'],
      ['class=A&class=B', 'class'],
    ]) {
      const res = await api('GET', `/api/v1/cycles/${cycleId}/breaks?${query}`, users.finance.headers);
      expect([res.statusCode, res.json<{ error: string }>().error, Object.keys(res.json<{ fields: object }>().fields)], query).toEqual([
        400,
        'invalid_request',
        [field],
      ]);
    }
    expect((await api('GET', `/api/v1/cycles/${cycleId}/breaks.csv?class=NOPE`, users.finance.headers)).json()).toMatchObject({
      fields: { class: expect.any(String) as unknown },
    });
    const finance = await signedIn('FINANCE');
    const page = await web.app.inject({
      method: 'GET',
      url: `/admin/cycles/${cycleId}/report/breaks?class=NOPE`,
      headers: { cookie: finance.cookie },
    });
    expect([page.statusCode, page.body.includes('This filter is not one the list knows: class.')]).toEqual([400, true]);
  });
});

/** A user of `role` signed in to the admin pages (cookie), as a browser would. */
async function signedIn(role: 'ADMIN' | 'FINANCE' | 'APPROVER') {
  const username = uid(role.toLowerCase());
  const { id } = await createUser(web.db, username, role, PASSWORD);
  const form = await web.app.inject({ method: 'GET', url: '/admin/sign-in' });
  const csrf = /name="_csrf" value="([^"]+)"/.exec(form.body)![1]!;
  const res = await web.app.inject({
    method: 'POST',
    url: '/admin/sign-in',
    payload: new URLSearchParams({ _csrf: csrf, username, password: PASSWORD }).toString(),
    headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: form.cookies.map((c) => `${c.name}=${c.value}`).join('; ') },
  });
  return { id, username, cookie: `amparo_admin=${res.cookies.find((c) => c.name === 'amparo_admin')!.value}` };
}

describe('sign-off', () => {
  it('is refused while a break is open, succeeds once all are resolved, freezes the report, and cannot happen twice', async () => {
    const { cycleId, runId } = await reconciledCycle();
    const signOff = (who: { headers: Record<string, string> }) => api('POST', `/api/v1/cycles/${cycleId}/sign-off`, who.headers);
    for (const who of [users.admin, users.approver])
      expect((await signOff(who)).json(), 'only finance signs').toMatchObject({
        error: 'role_not_allowed',
        message: expect.any(String) as string,
      });
    const refused = await signOff(users.finance);
    expect([refused.statusCode, refused.json()]).toMatchObject([
      409,
      { error: 'breaks_open', message: expect.any(String) as string, fields: { openBreaks: '3' } },
    ]);

    const [mismatch, unknown, railFailed] = await openBreaks(cycleId); // AMOUNT_MISMATCH, NOT_INSTRUCTED, RAIL_FAILED_OURS_PAID
    const two = { proposer: users.finance.id, approver: users.finance2.id };
    await resolveAsTwo(web.db, { breakId: mismatch!.id, resolution: 'WRITE_OFF', reason: 'fee, confirmed by the bank', ...two });
    await resolveAsTwo(web.db, { breakId: unknown!.id, resolution: 'REQUEST_RETURN', ...two });
    expect((await signOff(users.finance)).json()).toMatchObject({
      error: 'breaks_open',
      message: expect.any(String) as string,
      fields: { openBreaks: '1' },
    });
    await resolveAsTwo(web.db, { breakId: railFailed!.id, resolution: 'REISSUE', ...two });

    // Proposed by one finance user, signed when a second approves it.
    const proposed = await signOff(users.finance);
    expect(proposed.statusCode).toBe(202);
    expect(await web.db.cycleSignOff.count({ where: { cycleId } })).toBe(0);
    const decision = proposed.json<{ decision: { id: string } }>().decision.id;
    const signed = await api('POST', `/api/v1/decisions/${decision}/approve`, users.finance2.headers);
    expect(signed.statusCode).toBe(200);
    const result = signed.json<{ result: { reportSha256: string; signedBy: string } }>().result;
    expect(result).toMatchObject({ cycleId, runId, reportSha256: expect.stringMatching(/^[0-9a-f]{64}$/) as unknown });
    const row = await web.db.cycleSignOff.findUniqueOrThrow({ where: { cycleId } });
    // The hash is over the canonical JSON, so it can be checked against the stored report (jsonb reorders keys).
    expect([row.reportSha256, reportSha256(row.report), row.signedBy, row.runId]).toEqual([
      result.reportSha256,
      result.reportSha256,
      users.finance.id,
      runId,
    ]);
    expect(canonicalJson({ b: [1, { d: 'x', c: null }], a: '0.10' })).toBe('{"a":"0.10","b":[1,{"c":null,"d":"x"}]}');
    expect((row.report as { breaks: Array<{ resolution: string }> }).breaks.map((b) => b.resolution).sort()).toEqual([
      'REISSUE',
      'REQUEST_RETURN',
      'WRITE_OFF',
    ]);
    expect(await web.db.auditEvent.count({ where: { entityId: cycleId, action: 'cycle.signed_off', actor: users.finance2.id } })).toBe(1);
    expect(row.approvedBy).toBe(users.finance2.id);

    const before = (await api('GET', `/api/v1/cycles/${cycleId}/report`, users.admin.headers)).json<{
      signOff: object;
      breakStatus: object;
    }>();
    expect(before).toMatchObject({
      breakStatus: { OPEN: 0, RESOLVED: 3, CLEARED: 0 },
      signOff: { username: result.signedBy, sha256: result.reportSha256 },
    });
    // Rows change afterwards (a later run, a hand edit): the signed report does not.
    await web.db.reconciliationBreak.update({ where: { id: mismatch!.id }, data: { status: 'OPEN', resolution: null } });
    await web.db.reconciliationRun.update({ where: { id: runId }, data: { balanced: false, totals: [] } });
    expect((await api('GET', `/api/v1/cycles/${cycleId}/report`, users.admin.headers)).json()).toEqual(before);
    expect((await signOff(users.finance)).json()).toMatchObject({ error: 'already_signed', message: expect.any(String) as string });
    await expect(resolveAsTwo(web.db, { breakId: mismatch!.id, resolution: 'WRITE_OFF', reason: 'again', ...two })).rejects.toMatchObject({
      code: 'cycle_closed',
    });
    // The database itself refuses to change or remove a sign-off.
    await expect(web.db.$executeRaw`UPDATE cycle_sign_off SET report_sha256 = 'forged' WHERE cycle_id = ${cycleId}::uuid`).rejects.toThrow(
      /cannot be changed/,
    );
    await expect(web.db.cycleSignOff.delete({ where: { cycleId } })).rejects.toThrow(/cannot be changed/);
    expect((await web.db.cycleSignOff.findUniqueOrThrow({ where: { cycleId } })).reportSha256).toBe(result.reportSha256);
  });

  it('is refused without a completed run, on an unbalanced run, and lets only one of two simultaneous sign-offs through', async () => {
    const program = await createProgram(web.db);
    await enrollBeneficiaries(web.db, program.id, 1);
    const none = await approvedCycle(web.db, program.id);
    expect((await api('POST', `/api/v1/cycles/${none.id}/sign-off`, users.finance.headers)).json()).toMatchObject({
      error: 'cycle_not_finished',
      message: expect.any(String) as string,
    });
    const notRun = await reconciledCycle({ breaks: false });
    await web.db.reconciliationRun.updateMany({ where: { cycleId: notRun.cycleId }, data: { status: 'RUNNING' } });
    expect((await api('POST', `/api/v1/cycles/${notRun.cycleId}/sign-off`, users.finance.headers)).json()).toMatchObject({
      error: 'reconciliation_running',
    });
    // A statement line arrived after the run: refused, and a new run is asked for (the cycle's watch is started).
    const stale = await reconciledCycle({ breaks: false });
    watched.push(stale.cycleId);
    await web.db.statementEntry.create({
      data: {
        provider: 'bank-sim',
        entryRef: uid('NTRY'),
        account: stale.program.fundingAccount,
        endToEndId: uid('late'),
        amount: '1.00',
        currency: 'BRL',
        bookedAt: new Date(),
        evidenceSince: new Date(Date.now() + 1000),
      },
    });
    expect((await api('POST', `/api/v1/cycles/${stale.cycleId}/sign-off`, users.finance.headers)).json()).toMatchObject({
      error: 'reconciliation_stale',
    });
    const watch = await web.temporal.workflow.getHandle(reconciliationWatchWorkflowId(stale.cycleId)).describe();
    expect(watch.status.name).toBe('RUNNING');
    const unbalanced = await reconciledCycle({ balanced: false, breaks: false });
    expect((await api('POST', `/api/v1/cycles/${unbalanced.cycleId}/sign-off`, users.finance.headers)).json()).toMatchObject({
      error: 'not_balanced',
      message: expect.any(String) as string,
    });
    const clean = await reconciledCycle({ breaks: false });
    // Two proposals at once (two tabs): one waits for its second person, the other is refused.
    const proposals = await Promise.all([1, 2].map(() => api('POST', `/api/v1/cycles/${clean.cycleId}/sign-off`, users.finance.headers)));
    expect(proposals.map((r) => r.statusCode).sort()).toEqual([202, 409]);
    const decision = proposals.find((r) => r.statusCode === 202)!.json<{ decision: { id: string } }>().decision.id;
    // Two approvals at once: one signs, the other finds the decision taken.
    const approvals = await Promise.all([1, 2].map(() => api('POST', `/api/v1/decisions/${decision}/approve`, users.finance2.headers)));
    expect(approvals.map((r) => r.statusCode).sort()).toEqual([200, 409]);
    expect(await web.db.cycleSignOff.count({ where: { cycleId: clean.cycleId } })).toBe(1);
    expect((await api('GET', '/api/v1/cycles/00000000-0000-4000-8000-000000000000/report', users.finance.headers)).statusCode).toBe(404);
    expect((await web.app.inject({ method: 'GET', url: `/api/v1/cycles/${clean.cycleId}/report` })).statusCode).toBe(401);
    expect((await api('GET', `/api/v1/cycles/${clean.cycleId}/report`, users.approver.headers)).statusCode).toBe(403);
  });
});

describe('report pages', () => {
  it('finance proposes through the forms (a write-off without a reason is sent back), a second finance user approves; the page then shows who and the hash, no forms', async () => {
    const { cycleId } = await reconciledCycle();
    watched.push(cycleId);
    const finance = await signedIn('FINANCE');
    const second = await signedIn('FINANCE');
    const get = (url: string, who = finance) => web.app.inject({ method: 'GET', url, headers: { cookie: who.cookie } });
    const post = (url: string, fields: Record<string, string>, who = finance) =>
      web.app.inject({
        method: 'POST',
        url,
        payload: new URLSearchParams(fields).toString(),
        headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: who.cookie },
      });
    const csrfOf = (body: string) => /name="_csrf" value="([^"]+)"/.exec(body)![1]!;
    const report = await get(`/admin/cycles/${cycleId}/report`);
    expect(report.body).toMatch(/<svg[^>]+role="img"[^>]+aria-label="Amounts in BRL by outcome, per rail\./);
    expect(report.body).toContain('3 breaks are still open');
    const csrf = csrfOf(report.body);
    const [mismatch] = await openBreaks(cycleId);
    expect((await post(`/admin/breaks/${mismatch!.id}/resolution`, { resolution: 'WRITE_OFF', reason: 'x' })).statusCode).toBe(403); // no CSRF token
    const again = await post(`/admin/breaks/${mismatch!.id}/resolution`, {
      _csrf: csrf,
      resolution: 'WRITE_OFF',
      reason: '',
      class: 'AMOUNT_MISMATCH',
    });
    expect([
      again.statusCode,
      again.body.includes('Enter the reason for this resolution'),
      again.body.includes(`href="#reason-${mismatch!.id}"`),
    ]).toEqual([400, true, true]);
    for (const b of await openBreaks(cycleId)) {
      const res = await post(`/admin/breaks/${b.id}/resolution`, {
        _csrf: csrf,
        resolution: b.breakClass === 'RAIL_FAILED_OURS_PAID' ? 'REISSUE' : 'WRITE_OFF',
        reason: 'checked with the bank',
        class: b.breakClass,
      });
      expect([res.statusCode, res.headers.location]).toEqual([
        303,
        `/admin/cycles/${cycleId}/report/breaks?class=${b.breakClass}&done=proposed`,
      ]);
    }
    const decisions = await web.db.moneyDecision.findMany({ where: { cycleId, kind: 'BREAK_RESOLUTION', status: 'PROPOSED' } });
    expect(decisions).toHaveLength(3);
    // The proposer's page offers only to withdraw; approving anyway is refused with a sentence, and nothing moves.
    const own = await get(`/admin/cycles/${cycleId}/report/breaks`);
    expect(own.body).toContain('you proposed it, so you cannot');
    expect(own.body).not.toContain(`action="/admin/decisions/${decisions[0]!.id}/approve"`);
    const self = await post(`/admin/decisions/${decisions[0]!.id}/approve`, {
      _csrf: csrf,
      back: `/admin/cycles/${cycleId}/report/breaks`,
    });
    expect([self.statusCode, self.body.includes('another person must check and approve it')]).toEqual([403, true]);
    expect(await web.db.reconciliationBreak.count({ where: { cycleId, status: 'RESOLVED' } })).toBe(0);
    // The second finance user approves each from the page.
    const theirs = await get(`/admin/cycles/${cycleId}/report/breaks`, second);
    const secondCsrf = csrfOf(theirs.body);
    for (const d of decisions) {
      expect(theirs.body).toContain(`action="/admin/decisions/${d.id}/approve"`);
      const res = await post(
        `/admin/decisions/${d.id}/approve`,
        { _csrf: secondCsrf, back: `/admin/cycles/${cycleId}/report/breaks` },
        second,
      );
      expect([res.statusCode, res.headers.location]).toEqual([303, `/admin/cycles/${cycleId}/report/breaks?done=approved`]);
    }
    expect(await web.db.auditEvent.count({ where: { action: 'break.resolved', actor: second.id } })).toBe(3);
    expect((await post(`/admin/cycles/${cycleId}/sign-off`, { _csrf: csrf })).statusCode).toBe(400); // the box not ticked
    const proposed = await post(`/admin/cycles/${cycleId}/sign-off`, { _csrf: csrf, confirm: 'yes' });
    expect([proposed.statusCode, proposed.headers.location]).toEqual([303, `/admin/cycles/${cycleId}/report?done=sign-off-proposed`]);
    const signOff = await web.db.moneyDecision.findFirstOrThrow({ where: { cycleId, kind: 'SIGN_OFF', status: 'PROPOSED' } });
    const signed = await post(
      `/admin/decisions/${signOff.id}/approve`,
      { _csrf: secondCsrf, back: `/admin/cycles/${cycleId}/report` },
      second,
    );
    expect([signed.statusCode, signed.headers.location]).toEqual([303, `/admin/cycles/${cycleId}/report?done=approved`]);
    const after = await get(`/admin/cycles/${cycleId}/report?done=approved`);
    const { reportSha256: sha } = await web.db.cycleSignOff.findUniqueOrThrow({ where: { cycleId } });
    expect(after.body).toContain(`Signed off by <strong>${finance.username}</strong>, approved by <strong>${second.username}</strong>`);
    expect(after.body).toContain(sha);
    expect(after.body).not.toMatch(/<form method="post" action="\/admin\/(breaks|cycles|decisions)\//);
  });
});
