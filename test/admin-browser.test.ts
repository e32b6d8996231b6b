// The reviewer's side in a real browser (Debian's Chromium via playwright-core) against the web server
// on a real socket: with JavaScript off, a reviewer signs in, opens the queue, reads a probable
// duplicate side by side and decides it. A separate JavaScript-enabled context (for the audit only)
// runs axe-core on the sign-in page, the queue and the review page.
// Needs /usr/bin/chromium: scripts/ensure-chromium.sh installs it.
import { type Browser, type BrowserContext, type Page } from 'playwright-core';
import { expectNoAxeViolations, launchChromium } from './support/browser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUser } from '../lib/users';
import { probableDuplicateReview } from './support/fixtures';
import { uid } from './support/util';
import { startTestWeb, type TestWeb } from './support/web';

const PASSWORD = 'a long enough test password';
const VIEWPORT = { width: 1024, height: 768 };

let web: TestWeb;
let base: string;
let browser: Browser;
let username: string;
const tasks: string[] = [];

/** A probable-duplicate review task, remembered so afterAll closes it if the test did not. */
async function duplicateTask() {
  const f = await probableDuplicateReview(web.db);
  tasks.push(f.taskId);
  return { id: f.taskId, number: f.applicant.number, names: [f.applicant.fullName, f.candidate.fullName] };
}

beforeAll(async () => {
  web = await startTestWeb();
  base = await web.app.listen({ port: 0, host: '127.0.0.1' });
  username = uid('browser-reviewer');
  await createUser(web.db, username, 'REVIEWER', PASSWORD);
  browser = await launchChromium();
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await web?.db.reviewTask.updateMany({
    where: { id: { in: tasks }, status: 'OPEN' },
    data: { status: 'DECIDED', decision: 'REJECT', comment: null },
  });
  await web?.close();
});

async function signIn(page: Page, path: string): Promise<void> {
  await page.goto(`${base}${path}`);
  expect(page.url()).toContain('/admin/sign-in?next=');
  await page.fill('#username', username);
  await page.fill('#password', PASSWORD);
  await page.click('button[type=submit]');
  await page.waitForURL(`${base}${path}`);
}

describe('a reviewer in Chromium with JavaScript off', () => {
  let noJs: BrowserContext;
  beforeAll(async () => void (noJs = await browser.newContext({ javaScriptEnabled: false, viewport: VIEWPORT })));
  afterAll(() => noJs?.close());

  it('signs in, opens the queue, reads the candidates side by side and decides', async () => {
    const task = await duplicateTask();
    const page = await noJs.newPage();
    const csp: string[] = [];
    page.on('console', (m) => m.text().includes('Content Security Policy') && csp.push(m.text()));
    await signIn(page, '/admin/reviews');
    expect(await page.innerText('header')).toContain(username);
    await page.click(`a[href="/admin/reviews/${task.id}"]`);
    const table = await page.innerText('#compare-caption >> xpath=..');
    for (const name of task.names) expect(table).toContain(name);

    await page.check('#decision-ENROLL');
    await page.click('button:has-text("Record decision")'); // no comment: the form comes back
    expect(await page.innerText('[role=alert]')).toContain('Write a comment');
    expect(await page.isChecked('#decision-ENROLL')).toBe(true);
    await page.fill('#comment', 'Different fathers in the registry: two people.');
    await page.click('button:has-text("Record decision")');
    await page.waitForURL(/\/admin\/reviews\?decided=/);
    expect(await page.innerText('[role=status]')).toContain(task.number);
    expect(await page.locator(`a[href="/admin/reviews/${task.id}"]`).count()).toBe(0);
    expect(await web.db.reviewTask.findUniqueOrThrow({ where: { id: task.id } })).toMatchObject({ status: 'DECIDED', decision: 'ENROLL' });

    await page.click('button:has-text("Sign out")');
    await page.waitForURL(/\/admin\/sign-in\?signedOut=1/);
    expect(csp).toEqual([]);
  }, 60_000);
});

describe('accessibility (axe-core, in a JavaScript-enabled context used only for the audit)', () => {
  let audit: BrowserContext;
  // bypassCSP: the pages forbid every script, axe included.
  beforeAll(async () => void (audit = await browser.newContext({ javaScriptEnabled: true, bypassCSP: true, viewport: VIEWPORT })));
  afterAll(() => audit?.close());

  const axe = expectNoAxeViolations;

  it('reports no violations on the sign-in page, the queue, the review page and its error state', async () => {
    const task = await duplicateTask();
    const page = await audit.newPage();
    await page.goto(`${base}/admin/sign-in`);
    await axe(page, 'sign-in');
    await signIn(page, '/admin/reviews');
    await axe(page, 'queue');
    await page.goto(`${base}/admin/reviews/${task.id}`);
    await axe(page, 'review');
    await page.click('button:has-text("Record decision")');
    await page.waitForSelector('[role=alert]');
    await axe(page, 'review with errors');
  }, 60_000);
});
