// A finance user works a cycle's report in a real browser (Debian's Chromium, JavaScript off): a small
// cycle is paid through both rail simulators by the real workflows, the bank then reverses one payment
// (a real break: REVERSED_AFTER_PAYMENT, found by the cycle's reconciliation watch), and the finance user
// reads the totals and the chart, downloads the CSV with the session's cookie, proposes the break's
// resolution through its form, which a second finance user approves in another browser (asking for a new
// run); then the sign-off, proposed and approved the same way. axe-core audits the pages, forms and all,
// in a separate JavaScript-enabled context. Needs /usr/bin/chromium: scripts/ensure-chromium.sh installs it.
import type { FastifyInstance } from 'fastify';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import Decimal from 'decimal.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../lib/config';
import { createDb } from '../lib/db';
import { createLogger } from '../lib/logger';
import { createUser } from '../lib/users';
import { buildServer } from '../web/http/server';
import { PaymentCycleWorkflow } from '../workflows';
import { paymentCycleWorkflowId, reconciliationWatchWorkflowId } from '../workflows/ids';
import { testQueues } from './support/activities';
import { testLimits, testSeenSignatures } from './support/web';
import { expectNoAxeViolations, launchChromium } from './support/browser';
import { approvedCycle, createProgram } from './support/fixtures';
import { enrolPopulationHouseholds } from './support/population-households';
import { startRails, type RailsHarness } from './support/rails-harness';
import { uid, waitFor } from './support/util';

const PASSWORD = 'a long enough test password';
const VIEWPORT = { width: 1280, height: 900 };
const db = createDb(loadConfig().DATABASE_URL, 5);
const finance = { username: uid('finance'), id: '' };
/** The second finance user: every money decision takes two people. */
const checker = { username: uid('checker'), id: '' };

let browser: Browser;
let rails: RailsHarness;
let queues: ReturnType<typeof testQueues>;
let web: FastifyInstance;
let base: string;
let cycleId = '';
let reversedKey = '';

beforeAll(async () => {
  // The browser first: when Chromium is missing, nothing else is left running.
  browser = await launchChromium();
  rails = await startRails(db);
  queues = testQueues();
  // The web server asks the rails' worker for runs (a resolution asks for one), as web/main.ts does in production.
  web = buildServer({
    db,
    queues: queues.queues,
    temporal: rails.temporal.client,
    config: { ...loadConfig(), TEMPORAL_TASK_QUEUE: rails.temporal.taskQueue },
    log: createLogger('finance-browser', 'error'),
    limits: testLimits(queues.redis),
    seenSignatures: testSeenSignatures(queues.redis),
  });
  base = await web.listen({ host: '127.0.0.1', port: 0 });
  finance.id = (await createUser(db, finance.username, 'FINANCE', PASSWORD)).id;
  checker.id = (await createUser(db, checker.username, 'FINANCE', PASSWORD)).id;

  // Six households at 99.99 BRL, half by bank and half by wallet, paid and reconciled by the workflows.
  const program = await createProgram(db, { batchSize: 3, baseAmount: '99.99' });
  await enrolPopulationHouseholds(db, program.id, 6, { wallet: (i) => i % 2 === 0 });
  cycleId = (await approvedCycle(db, program.id)).id;
  const result = await rails.temporal.client.workflow.execute(PaymentCycleWorkflow, {
    workflowId: paymentCycleWorkflowId(cycleId),
    taskQueue: rails.temporal.taskQueue,
    args: [{ cycleId, batch: { pollIntervalMs: 500 }, watchPollIntervalMs: 500 }],
  });
  expect(result.reconciliation).toMatchObject({ matched: { count: 6 }, breaks: { count: 0 }, balanced: true });
  // The bank brings one credit back: the watch sees the reversal on the statement and reconciles again.
  const paid = await db.paymentInstruction.findFirstOrThrow({ where: { cycleId, status: 'PAID', batch: { provider: 'bank-sim' } } });
  reversedKey = paid.paymentKey;
  expect(
    (await rails.bank.app.inject({ method: 'POST', url: '/v1/admin/reversals', payload: { endToEndId: reversedKey } })).statusCode,
  ).toBe(201);
  await waitFor(
    () => db.reconciliationBreak.findFirst({ where: { cycleId, paymentKey: reversedKey, breakClass: 'REVERSED_AFTER_PAYMENT' } }),
    60_000,
  );
  // Two days on: a re-issue needs the settlement deadline past (domain/payment-transitions.ts).
  await db.paymentBatch.updateMany({ where: { cycleId }, data: { submittedAt: new Date(Date.now() - 48 * 3600_000) } });
}, 240_000);

afterAll(async () => {
  await browser?.close();
  if (cycleId)
    await rails?.temporal.client.workflow
      .getHandle(reconciliationWatchWorkflowId(cycleId))
      .terminate('test over')
      .catch(() => undefined);
  await web?.close();
  await rails?.close();
  await queues?.close();
  await db.$disconnect();
});

async function signIn(page: Page, path: string, who = finance): Promise<void> {
  await page.goto(`${base}${path}`);
  expect(page.url()).toContain('/admin/sign-in?next=');
  await page.fill('#username', who.username);
  await page.fill('#password', PASSWORD);
  await page.click('button:has-text("Sign in")');
  await page.waitForURL(`${base}${path}`);
}

/** axe-core on these pages, in a separate JavaScript-enabled context used only for the audit. */
async function auditPages(paths: string[]): Promise<void> {
  const audit = await browser.newContext({ javaScriptEnabled: true, bypassCSP: true, viewport: VIEWPORT });
  try {
    const page = await audit.newPage();
    await signIn(page, paths[0]!);
    for (const path of paths) {
      await page.goto(`${base}${path}`);
      await expectNoAxeViolations(page, path);
    }
  } finally {
    await audit.close();
  }
}

const text = async (page: Page, selector: string) => (await page.locator(selector).first().innerText()).trim();
/** A table's body as rows of cell texts (header cell first). */
async function tableRows(page: Page, selector: string): Promise<string[][]> {
  const rows = page.locator(`${selector} tbody tr`);
  const out: string[][] = [];
  for (let i = 0; i < (await rows.count()); i++) out.push((await rows.nth(i).locator('th,td').allInnerTexts()).map((t) => t.trim()));
  return out;
}
/** Each chart part: its series, amount, height and title. */
async function bars(page: Page, selector: string) {
  const rects = page.locator(`${selector} rect[data-series]`);
  const out: Array<{ series: string; amount: string; height: string; title: string }> = [];
  for (let i = 0; i < (await rects.count()); i++) {
    const r = rects.nth(i);
    const [series, amount, height, title] = await Promise.all([
      r.getAttribute('data-series'),
      r.getAttribute('data-amount'),
      r.getAttribute('height'),
      r.locator('title').textContent(),
    ]);
    out.push({ series: series!, amount: amount!, height: height!, title: title! });
  }
  return out;
}

describe("a cycle's finance report, in Chromium with JavaScript off", () => {
  let context: BrowserContext;
  beforeAll(async () => void (context = await browser.newContext({ javaScriptEnabled: false, viewport: VIEWPORT })));
  afterAll(() => context?.close());

  it('finance reads the totals and the chart, downloads the CSV, proposes a resolution and the sign-off, which a second finance user approves', async () => {
    const page = await context.newPage();
    const reportPath = `/admin/cycles/${cycleId}/report`;
    await signIn(page, reportPath);
    const run = await db.reconciliationRun.findFirstOrThrow({ where: { cycleId, status: 'COMPLETED' }, orderBy: { finishedAt: 'desc' } });
    const totals = run.totals as Array<{
      provider: string;
      currency: string;
      instructed: { count: number; amount: string };
      paid: { amount: string };
      breaks: { count: number; amount: string };
    }>;
    const bank = totals.find((t) => t.provider === 'bank-sim')!;
    expect([bank.instructed.count, bank.breaks.count, bank.breaks.amount]).toEqual([3, 1, '99.99']);

    // Control totals, per rail, with the check: the run's own numbers.
    expect(await text(page, '#run-balanced')).toBe('balanced');
    const bankRows = Object.fromEntries((await tableRows(page, '#totals-bank-sim-BRL')).map(([label, ...cells]) => [label!, cells]));
    expect([bankRows.Instructed, bankRows['Paid (matched)'], bankRows['In break']]).toEqual([
      ['3', '299.97'],
      ['2', '199.98'],
      ['1', '99.99'],
    ]);
    expect(await text(page, '#totals-bank-sim-BRL tfoot')).toContain('Balanced');
    expect(await text(page, '#break-status')).toContain('Open: 1');

    // The chart: an image with a label, a bar per rail, each part as high as its amount says.
    const svg = page.locator('svg#chart-BRL');
    expect(await svg.getAttribute('role')).toBe('img');
    expect(await svg.getAttribute('aria-label')).toContain('bank-sim: paid 199.98, failed 0.00, pending 0.00, in break 99.99');
    const [max, plot] = [new Decimal((await svg.getAttribute('data-max'))!), new Decimal((await svg.getAttribute('data-plot-height'))!)];
    expect(max.toFixed(2)).toBe('299.97'); // the taller stack: each rail instructed 299.97
    const rects = await bars(page, 'svg#chart-BRL');
    expect(rects).toHaveLength(8); // two rails × paid, failed, pending, in break
    for (const r of rects) expect(r.height, r.title).toBe(new Decimal(r.amount).div(max).times(plot).toFixed(2));
    expect(rects.filter((r) => r.title.startsWith('bank-sim')).map((r) => [r.series, r.amount])).toEqual([
      ['paid', '199.98'],
      ['failed', '0.00'],
      ['pending', '0.00'],
      ['breaks', '99.99'],
    ]);
    expect(await tableRows(page, '#chart-data-BRL')).toEqual([
      ['bank-sim', '199.98', '0.00', '0.00', '99.99', '299.97'],
      ['wallet-sim', '299.97', '0.00', '0.00', '0.00', '299.97'],
    ]);

    // The CSV, fetched with this browser's session cookie (it is HttpOnly: the page itself cannot read it).
    const href = (await page.getAttribute('#report-csv', 'href'))!;
    const cookie = (await context.cookies()).map((c) => `${c.name}=${c.value}`).join('; ');
    const csv = await fetch(`${base}${href}`, { headers: { cookie } });
    expect([csv.status, csv.headers.get('content-type')]).toEqual([200, 'text/csv; charset=utf-8; header=present']);
    const lines = (await csv.text()).split('\r\n');
    expect(lines[0]).toBe('cycle_id,run_id,provider,currency,category,break_class,count,amount,rail_balanced');
    expect(lines).toContain(`${cycleId},${run.id},bank-sim,BRL,in_break,,1,99.99,true`);
    expect(lines).toContain(`${cycleId},${run.id},bank-sim,BRL,break,REVERSED_AFTER_PAYMENT,1,99.99,true`);
    expect((await fetch(`${base}${href}`, { redirect: 'manual' })).status, 'no cookie, no file: sent to sign in').toBe(303);

    // The break, through its class's list: masked beneficiary, a form with only the resolutions its class allows.
    await page.click(`a[href="${reportPath}/breaks?class=REVERSED_AFTER_PAYMENT"]`);
    const row = page.locator('#breaks tbody tr', { hasText: reversedKey }).first(); // the break's row; its form follows
    expect(await row.innerText()).toMatch(/\p{Lu}\*\*\*( \p{L}\*\*\*)+\s+\*\*\*\*\d{4}/u);
    const b = await db.reconciliationBreak.findFirstOrThrow({ where: { cycleId, paymentKey: reversedKey } });
    const options = page.locator(`#resolution-${b.id} option`);
    expect(await Promise.all([0, 1].map((i) => options.nth(i).getAttribute('value')))).toEqual(['', 'REISSUE']);
    expect(await options.count()).toBe(2);
    await auditPages([reportPath, new URL(page.url()).pathname + new URL(page.url()).search]);
    await page.selectOption(`#resolution-${b.id}`, 'REISSUE');
    await page.fill(`#reason-${b.id}`, 'Reversed by the bank (AC04): pay again, to a corrected account');
    await page.click('button:has-text("Propose")');
    await page.waitForURL(`${base}${reportPath}/breaks?class=REVERSED_AFTER_PAYMENT&done=proposed`);
    expect(await text(page, '[role=status]')).toBe('Resolution proposed. It takes effect when a second finance user approves it.');
    const decision = await db.moneyDecision.findFirstOrThrow({ where: { subjectId: b.id, status: 'PROPOSED' } });
    expect(await text(page, `#decision-${decision.id}`)).toContain('you proposed it, so you cannot');
    expect(await db.paymentInstruction.findUniqueOrThrow({ where: { paymentKey: reversedKey } })).toMatchObject({ status: 'PAID' });

    // The second finance user, in a browser of their own, sees the proposal and approves it.
    const other = await browser.newContext({ javaScriptEnabled: false, viewport: VIEWPORT });
    const second = await other.newPage();
    const breaksPath = `${reportPath}/breaks?class=REVERSED_AFTER_PAYMENT`;
    await signIn(second, breaksPath, checker);
    await second.click(`#decision-${decision.id} button:has-text("Approve")`);
    await second.waitForURL(`${base}${breaksPath}&done=approved`);
    expect(await text(second, '[role=status]')).toBe('Approved: it has taken effect and is recorded.');
    expect(await second.locator('#breaks tbody tr', { hasText: reversedKey }).first().innerText()).toContain('Resolved: REISSUE');
    expect(await db.paymentInstruction.findUniqueOrThrow({ where: { paymentKey: reversedKey } })).toMatchObject({ status: 'FAILED' });
    // The resolution asked for a run; once it has finished, the cycle can be signed off on it.
    await waitFor(() => db.reconciliationRun.findFirst({ where: { cycleId, status: 'COMPLETED', trigger: 'resolution' } }), 60_000);

    await page.goto(`${base}${reportPath}`);
    await page.check('#confirm-sign-off');
    await page.click('button:has-text("Propose signing off the cycle")');
    await page.waitForURL(`${base}${reportPath}?done=sign-off-proposed`);
    expect(await db.cycleSignOff.count({ where: { cycleId } })).toBe(0);
    await auditPages([reportPath, breaksPath]);
    await second.goto(`${base}${reportPath}`);
    const signing = await db.moneyDecision.findFirstOrThrow({ where: { cycleId, kind: 'SIGN_OFF', status: 'PROPOSED' } });
    await second.click(`#decision-${signing.id} button:has-text("Approve")`);
    await second.waitForURL(`${base}${reportPath}?done=approved`);
    const signOff = await db.cycleSignOff.findUniqueOrThrow({ where: { cycleId } });
    expect(await text(second, '#signed-off')).toMatch(
      new RegExp(`^Signed off by ${finance.username}, approved by ${checker.username}, at \\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2} UTC\\.`),
    );
    expect(await text(second, '#report-sha256')).toBe(signOff.reportSha256);
    expect(await second.locator('main form').count()).toBe(0);
    await other.close();
    await auditPages([reportPath]);
    const actions = async (actor: string) =>
      (
        await db.auditEvent.findMany({
          where: { actor, action: { not: 'admin.signed_in' } },
          orderBy: { id: 'asc' },
          select: { action: true },
        })
      ).map((a) => a.action);
    expect(await actions(finance.id)).toEqual(['cycle.report_downloaded', 'break.resolution_proposed', 'cycle.sign_off_proposed']);
    expect(await actions(checker.id)).toEqual([
      'break.resolution_approved',
      'break.resolved',
      'cycle.sign_off_approved',
      'cycle.signed_off',
    ]);
  }, 180_000);
});
