// A payment cycle driven through the admin pages in a real browser (Debian's Chromium, JavaScript off)
// against the whole rail as separate processes (scripts/stack.ts: web, Temporal worker, queue worker,
// simulators), on the test databases: a maker prepares, an approver approves and launches, and the page,
// refreshing itself, is watched until every payment is settled; the numbers it shows must be the
// database's. axe-core then audits the same pages in a separate JavaScript-enabled context.
// Needs /usr/bin/chromium: scripts/ensure-chromium.sh installs it.
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../lib/config';
import { createDb } from '../lib/db';
import { createUser } from '../lib/users';
import { removeQueues } from '../scripts/queues-cleanup';
import { stackEnv, startStack, type Stack } from '../scripts/stack';
import { populationOptionsFromEnv } from '../simulators/shared/population-env';
import { expectNoAxeViolations, launchChromium } from './support/browser';
import { createProgram, enrollBeneficiaries } from './support/fixtures';
import { enrolPopulationHouseholds } from './support/population-households';
import { uid } from './support/util';

const PASSWORD = 'a long enough test password';
const HOUSEHOLDS = 30;
/** The stack's registry population, whose persons the households are (the rails know who holds what). */
const POPULATION = 50;
const VIEWPORT = { width: 1280, height: 900 };
// The stack's processes read the same environment: vitest points DATABASE_URL at the test database.
const db = createDb(loadConfig().DATABASE_URL, 2);
const queuePrefix = uid('amparo-test-cycle-browser');

let stack: Stack;
let browser: Browser;
let base: string;
let program: { id: string; code: string };
const maker = { username: uid('maker'), id: '' };
const approver = { username: uid('approver'), id: '' };
let cycleId = '';

beforeAll(async () => {
  // The browser first: when Chromium is missing, no process of the stack is left running.
  browser = await launchChromium();
  stack = await startStack(
    await stackEnv(process.env, {
      REGISTRY_POPULATION: String(POPULATION),
      TEMPORAL_TASK_QUEUE: uid('cycle-browser'),
      QUEUE_PREFIX: queuePrefix,
    }),
  );
  base = stack.urls.web;
  // Three batches of 10: progress is watched per batch as well as overall.
  program = await createProgram(db, { batchSize: 10 });
  await enrolPopulationHouseholds(db, program.id, HOUSEHOLDS, {
    population: { ...populationOptionsFromEnv(process.env), size: POPULATION },
  });
  maker.id = (await createUser(db, maker.username, 'ADMIN', PASSWORD)).id;
  approver.id = (await createUser(db, approver.username, 'APPROVER', PASSWORD)).id;
}, 300_000);

afterAll(async () => {
  await browser?.close();
  await stack?.stop();
  await db.$disconnect();
  await removeQueues(loadConfig().REDIS_URL, queuePrefix);
});

async function signIn(page: Page, user: { username: string }, path: string): Promise<void> {
  await page.goto(`${base}${path}`);
  expect(page.url()).toContain('/admin/sign-in?next=');
  await page.fill('#username', user.username);
  await page.fill('#password', PASSWORD);
  await page.click('button:has-text("Sign in")');
  await page.waitForURL(`${base}${path}`);
}

async function signOut(page: Page): Promise<void> {
  await page.click('button:has-text("Sign out")');
  await page.waitForURL(/\/admin\/sign-in\?signedOut=1/);
}

/** Text of a selector once it matches; tolerant of the page reloading itself in between. */
async function textOf(page: Page, selector: string): Promise<string> {
  try {
    return (await page.locator(selector).first().innerText({ timeout: 2_000 })).trim();
  } catch {
    return '';
  }
}

describe('a payment cycle through the admin pages, in Chromium with JavaScript off', () => {
  let context: BrowserContext;
  beforeAll(async () => void (context = await browser.newContext({ javaScriptEnabled: false, viewport: VIEWPORT })));
  afterAll(() => context?.close());

  it("the maker prepares and signs out; the approver approves and launches; the page shows 100% and the database's numbers", async () => {
    const page = await context.newPage();
    await signIn(page, maker, '/admin/cycles');
    await page.fill('#program-search', program.code);
    await page.click('button:has-text("Search")');
    await page.click(`a[href="/admin/cycles/new?program=${program.code}"]`);
    expect(await textOf(page, 'tfoot')).toMatch(/Total\s+30\s+18000\.00/);
    await page.click('button:has-text("Prepare the cycle")');
    await page.waitForURL(/\/admin\/cycles\/[0-9a-f-]{36}\?done=prepared$/);
    cycleId = /\/admin\/cycles\/([0-9a-f-]{36})/.exec(page.url())![1]!;
    expect(await textOf(page, '[role=status]')).toContain('Cycle prepared');
    expect(await textOf(page, '#cycle-status')).toBe('Waiting for approval');
    expect(await textOf(page, 'main')).toContain('You prepared this cycle, so you cannot approve it');
    await signOut(page);

    const cyclePath = `/admin/cycles/${cycleId}`;
    await signIn(page, approver, cyclePath);
    // A wrong amount first: refused next to the field, nothing approved.
    await page.fill('#approvedCount', '30');
    await page.fill('#approvedAmount', '18000.01');
    await page.click('button:has-text("Approve the cycle")');
    expect(await textOf(page, '[role=alert]')).toContain('The total amount is not the one in the control totals');
    expect(await db.paymentCycle.findUniqueOrThrow({ where: { id: cycleId } })).toMatchObject({ status: 'DRAFT' });
    await page.fill('#approvedAmount', '18000.00');
    await page.click('button:has-text("Approve the cycle")');
    await page.waitForURL(`${base}${cyclePath}?done=approved`);
    expect(await textOf(page, 'main')).toContain(`Approved by ${approver.username}`);
    await page.click('button:has-text("Launch the cycle")');
    await page.waitForURL(`${base}${cyclePath}?done=launched`);

    // Watch: the page reloads itself (Refresh header) while the cycle runs; nothing here reloads it.
    const deadline = Date.now() + 180_000;
    let overall = '';
    let status = '';
    while (Date.now() < deadline) {
      [overall, status] = [await textOf(page, '#overall'), await textOf(page, '#cycle-status')];
      if (overall.includes('(100%)') && status === 'Completed') break;
      await page.waitForTimeout(1_000);
    }
    const instructions = await db.paymentInstruction.count({ where: { cycleId } });
    const batches = await db.paymentBatch.groupBy({ by: ['status'], where: { cycleId }, _count: true });
    const cycle = await db.paymentCycle.findUniqueOrThrow({ where: { id: cycleId }, select: { status: true, failureReason: true } });
    // On a timeout, this says where the rail stopped: the database's view next to the page's.
    expect({ overall, status, cycle, batches, instructions }).toMatchObject({
      overall: expect.stringContaining('(100%)') as unknown,
      status: 'Completed',
      instructions: HOUSEHOLDS,
    });
    expect(page.url()).toBe(`${base}${cyclePath}`); // the refresh dropped the one-time notice
    expect(overall).toContain(`${instructions} of ${instructions} payments settled (100%); 3 of 3 batches done.`);
    expect(await textOf(page, '#instruction-total')).toBe(String(instructions));
    const paid = await db.paymentInstruction.count({ where: { cycleId, status: 'PAID' } });
    expect(await textOf(page, '#instructions tbody')).toContain(`PAID\t${paid}\t`);
    const bars = page.locator('progress');
    expect(await bars.count()).toBe(4); // overall and one per batch
    for (let i = 0; i < 4; i++) {
      const [value, max] = [await bars.nth(i).getAttribute('value'), await bars.nth(i).getAttribute('max')];
      expect(value).toBe(max);
    }
    expect(await page.getAttribute('progress[aria-label="All payments"]', 'max')).toBe(String(instructions));
    // The people's actions, each audited once (the workflow audits its own steps as system).
    expect(
      await db.auditEvent.findMany({
        where: { entityId: cycleId, actor: { in: [maker.id, approver.id] } },
        orderBy: { id: 'asc' },
        select: { action: true, actor: true },
      }),
    ).toEqual([
      { action: 'cycle.prepared', actor: maker.id },
      { action: 'cycle.approval_refused', actor: approver.id },
      { action: 'cycle.approved', actor: approver.id },
      { action: 'cycle.launched', actor: approver.id },
    ]);
  }, 300_000);
});

describe('accessibility (axe-core, in a JavaScript-enabled context used only for the audit)', () => {
  it('reports no violations on the list, the preparation page, a cycle to approve (also with errors) and a paid cycle', async () => {
    const audit = await browser.newContext({ javaScriptEnabled: true, bypassCSP: true, viewport: VIEWPORT });
    try {
      const page = await audit.newPage();
      const other = await createProgram(db);
      await enrollBeneficiaries(db, other.id, 3);
      await signIn(page, maker, '/admin/cycles');
      await expectNoAxeViolations(page, 'cycle list');
      await page.goto(`${base}/admin/cycles/new?program=${other.code}`);
      await expectNoAxeViolations(page, 'prepare');
      await page.click('button:has-text("Prepare the cycle")');
      await page.waitForURL(/\?done=prepared$/);
      const draft = new URL(page.url()).pathname;
      await expectNoAxeViolations(page, 'cycle seen by its maker');
      await signOut(page);
      await signIn(page, approver, draft);
      await expectNoAxeViolations(page, 'cycle to approve');
      await page.click('button:has-text("Approve the cycle")');
      await page.waitForSelector('[role=alert]');
      await expectNoAxeViolations(page, 'approval with errors');
      expect(cycleId).not.toBe('');
      await page.goto(`${base}/admin/cycles/${cycleId}?refresh=off`);
      await expectNoAxeViolations(page, 'paid cycle with progress');
    } finally {
      await audit.close();
    }
  }, 60_000);
});
