// The applicant's side in a real browser (Debian's Chromium via playwright-core) against the whole
// stack: with JavaScript off, a registry person fills the form on a 320 px screen, gets field errors
// in Spanish, fixes them, applies, confirms their phone with the code the SMS gateway received (a wrong
// code first), and later reads the rail's decision on the status page. The code step is also read in
// Portuguese and English.
// A separate JavaScript-enabled context runs axe-core on the same pages (JS only for the audit).
// Needs /usr/bin/chromium: scripts/ensure-chromium.sh installs it.
import { type Browser, type BrowserContext, type Page } from 'playwright-core';
import { expectNoAxeViolations, launchChromium } from './support/browser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ageOn, type RuleResult } from '../domain/eligibility';
import { isReasonCode } from '../domain/reason-codes';
import { reasonSentence } from '../domain/reason-messages';
import { loadConfig } from '../lib/config';
import { createDb } from '../lib/db';
import { createUser } from '../lib/users';
import { AmparoApi, smsCode } from '../scripts/api-client';
import { fetchRegistryPersons, type RegistryPersonSummary } from '../scripts/applicants';
import { removeQueues } from '../scripts/queues-cleanup';
import { stackEnv, startStack, type Stack } from '../scripts/stack';
import { uid } from './support/util';

const SMALL_PHONE = { width: 320, height: 640 };

const db = createDb(loadConfig().DATABASE_URL, 2);
const queuePrefix = uid('amparo-test-browser');
let stack: Stack;
let browser: Browser;
let programCode: string;
let person: RegistryPersonSummary & { trueName?: string };
const applied = { number: '', day: '', month: '', year: '', phone: '' };

beforeAll(async () => {
  stack = await startStack(
    await stackEnv(process.env, { REGISTRY_POPULATION: '200', TEMPORAL_TASK_QUEUE: uid('browser'), QUEUE_PREFIX: queuePrefix }),
  );
  const admin = await createUser(db, uid('browser-admin'), 'ADMIN');
  programCode = uid('WEB').toUpperCase().slice(0, 24);
  await new AmparoApi(stack.urls.web).as(admin.token).createProgram({
    code: programCode,
    name: `Bolsa Apoio ${programCode.slice(-6)}`,
    country: 'BR',
    currency: 'BRL',
    baseAmount: '600.00',
    batchSize: 50,
    fundingAccount: `FUND-${programCode}`,
    rules: [
      { type: 'max_income_per_capita', amount: '759.00' },
      { type: 'min_applicant_age', years: 18 },
    ],
  });
  const today = new Date().toISOString().slice(0, 10);
  const persons = await fetchRegistryPersons(stack.urls.registry, 200);
  person = persons.find((p) => ageOn(p.dateOfBirth, today) >= 25)!;
  browser = await launchChromium();
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await stack?.stop();
  await db.$disconnect();
  await removeQueues(loadConfig().REDIS_URL, queuePrefix);
});

/** Every CSP complaint the browser logs: the pages must render fully under their own policy. */
function cspErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('console', (m) => m.text().includes('Content Security Policy') && errors.push(m.text()));
  return errors;
}

async function lookUp(page: Page) {
  await page.goto(`${stack.urls.web}/status?n=${applied.number}`);
  await page.fill('#dobDay', applied.day);
  await page.fill('#dobMonth', applied.month);
  await page.fill('#dobYear', applied.year);
  await page.click('button[type=submit]');
}

describe('the application form in Chromium', () => {
  let noJs: BrowserContext;
  beforeAll(async () => {
    noJs = await browser.newContext({ javaScriptEnabled: false, viewport: SMALL_PHONE, locale: 'es-AR' });
  });
  afterAll(() => noJs?.close());

  it('is filled with JavaScript off: errors in Spanish, corrected, submitted, and the decision shown later', async () => {
    const page = await noJs.newPage();
    const csp = cspErrors(page);
    const name = person.trueName ?? person.fullName;
    const [year, month, day] = person.dateOfBirth.split('-').map((n) => String(Number(n)));
    Object.assign(applied, { year, month, day });
    await page.goto(`${stack.urls.web}/apply/${programCode}`);
    expect(await page.getAttribute('html', 'lang')).toBe('es');

    // First attempt: a CPF with a wrong last digit, no name, no consent.
    const badCpf = person.nationalId.slice(0, 10) + ((Number(person.nationalId[10]) + 1) % 10);
    await page.fill('#nationalId', `${badCpf.slice(0, 3)}.${badCpf.slice(3, 6)}.${badCpf.slice(6, 9)}-${badCpf.slice(9)}`);
    await page.fill('#dobDay', applied.day);
    await page.fill('#dobMonth', applied.month);
    await page.fill('#dobYear', applied.year);
    applied.phone = `+55119${String(Date.now()).slice(-8)}`;
    await page.fill('#phone', `11 ${applied.phone.slice(5, 10)}-${applied.phone.slice(10)}`);
    await page.fill('#municipality', person.municipality.name);
    await page.fill('#householdSize', '1');
    await page.fill('#dependantsUnder18', '0');
    await page.fill('#declaredMonthlyIncome', person.monthlyIncome.replace('.', ','));
    expect(await page.isVisible('#bankCode')).toBe(false); // shown by CSS only once the bank is chosen
    await page.check('#rail-BANK');
    await page.fill('#bankCode', '001');
    await page.fill('#accountNumber', String(100_000_000 + Math.floor(Math.random() * 899_999_999)));
    await page.click('button[type=submit]');

    const summary = page.locator('[role=alert]');
    await expect.poll(() => summary.innerText()).toContain('Revise estos datos');
    expect(await summary.innerText()).toContain('Este CPF no es válido');
    expect(await page.innerText('#fullName-error')).toContain('Escriba su nombre completo');
    expect(await page.innerText('#consent-error')).toContain('acepta el aviso de privacidad');
    expect(await page.inputValue('#municipality')).toBe(person.municipality.name); // values kept
    expect(await page.getAttribute('#nationalId', 'aria-invalid')).toBe('true');

    // Corrected and sent.
    await summary.locator('a[href="#nationalId"]').click();
    await page.fill('#nationalId', person.nationalId);
    await page.fill('#fullName', name);
    await page.check('#consent');
    await page.click('button[type=submit]');
    await page.waitForURL(/\/done\?n=/);
    applied.number = (await page.innerText('.number')).trim();
    expect(applied.number).toMatch(/^BR-[0-9A-Z]{8}$/);
    expect(await page.innerText('main')).toContain('Qué pasa ahora');

    // The code step: nothing is checked until the phone is confirmed. A wrong code first, then the SMS's.
    expect(await page.innerText('#confirm-title')).toBe('Confirme su celular');
    const code = await smsCode(stack.urls.sms, applied.number, applied.phone, 60_000);
    await page.fill('#code', code === '000000' ? '111111' : '000000');
    await page.click('#confirm-title ~ form button[type=submit] >> nth=0');
    await expect.poll(() => page.locator('[role=alert]').innerText()).toContain('El código no es correcto.');
    expect(await page.getAttribute('#code', 'aria-invalid')).toBe('true');
    await page.fill('#code', code);
    // Navigation waits on the web server, which shares two cores with the whole suite: give it room. Any
    // answer but the redirect fails here with what the page said (a refused code names why).
    const [answer] = await Promise.all([
      page.waitForResponse((r) => r.request().method() === 'POST' && r.url().includes('/confirm'), { timeout: 90_000 }),
      page.click('#confirm-title ~ form button[type=submit] >> nth=0'),
    ]);
    const said = /role="alert"[^>]*>([\s\S]{0,300})|<main[^>]*>([\s\S]{0,300})/.exec(await answer.text().catch(() => ''));
    expect(answer.status(), `the code step answered ${answer.status()}: ${said?.[1] ?? said?.[2] ?? ''}`).toBe(303);
    await page.waitForURL(/\/done\?n=.*&v=1/, { timeout: 90_000 });
    expect(await page.innerText('main')).toContain('Su celular está confirmado.');
    expect(await page.locator('#code').count()).toBe(0);
    expect(page.url()).not.toContain(code);

    // Later: the status page, until the rail has decided (either way is fine).
    let text = '';
    await expect
      .poll(
        async () => {
          await lookUp(page);
          text = await page.innerText('main');
          return /\b(Aprobada|No aprobada)\b/.test(text);
        },
        { timeout: 150_000, interval: 1_000 },
      )
      .toBe(true);
    const app = await db.application.findUniqueOrThrow({ where: { number: applied.number } });
    expect(['ENROLLED', 'REJECTED']).toContain(app.status);
    expect(page.url()).not.toContain(applied.year); // the date of birth never goes in a URL
    if (app.status === 'REJECTED') {
      expect(text).toContain('No aprobada');
      const results = (app.ruleResults ?? []) as unknown as RuleResult[];
      for (const code of app.reasonCodes.filter(isReasonCode)) {
        expect(text).toContain(reasonSentence(code, 'es', results.find((r) => r.reasonCode === code)?.facts));
      }
    } else {
      expect(text).toContain('Aprobada');
    }
    expect(csp).toEqual([]);
  }, 240_000);

  it.each([
    ['pt', 'Confirme o seu celular', 'O código não está correto.', 'Mandamos um código novo por SMS.'],
    ['en', 'Confirm your mobile phone', 'The code is not right.', 'We sent a new code by SMS.'],
  ])(
    'shows the code step in %s with JavaScript off: a wrong code refused in words, a new code asked for',
    async (lang, title, wrong, resent) => {
      const page = await noJs.newPage();
      const csp = cspErrors(page);
      // A number whose code step was done (the flow above) answers like any other: the page is the same.
      await page.goto(`${stack.urls.web}/apply/${programCode}/done?n=${applied.number}&lang=${lang}`);
      expect(await page.getAttribute('html', 'lang')).toBe(lang);
      expect(await page.innerText('#confirm-title')).toBe(title);
      await page.fill('#code', '12345');
      await page.click('#confirm-title ~ form button[type=submit] >> nth=0');
      await expect
        .poll(() => page.locator('[role=alert]').innerText())
        .toContain(lang === 'pt' ? 'Digite os 6 números' : 'Type the 6 digits');
      await page.fill('#code', '000000');
      await page.click('#confirm-title ~ form button[type=submit] >> nth=0');
      await expect
        .poll(() => page.locator('[role=alert]').innerText())
        .toMatch(new RegExp(`${wrong}|${lang === 'pt' ? 'venceu' : 'expired'}`));
      await page.click('#confirm-title ~ form button[type=submit] >> nth=1');
      await expect.poll(() => page.innerText('main')).toContain(resent);
      expect(csp).toEqual([]);
    },
    60_000,
  );
});

describe('accessibility (axe-core, in a JavaScript-enabled context used only for the audit)', () => {
  let audit: BrowserContext;
  beforeAll(async () => {
    // bypassCSP: the pages forbid every script, axe included.
    audit = await browser.newContext({ javaScriptEnabled: true, bypassCSP: true, viewport: SMALL_PHONE, locale: 'es-AR' });
  });
  afterAll(() => audit?.close());

  async function axe(page: Page, name: string): Promise<void> {
    await expectNoAxeViolations(page, name);
    // Readable at 320 px: nothing wider than the screen.
    expect(await page.evaluate('document.documentElement.scrollWidth'), `${name} width`).toBeLessThanOrEqual(SMALL_PHONE.width);
  }

  it('reports no violations on the form, the form with errors, the code step (es, pt, en), the status lookup and the decision', async () => {
    expect(applied.number).not.toBe(''); // the browser flow above applied first
    const page = await audit.newPage();
    await page.goto(`${stack.urls.web}/apply/${programCode}`);
    await axe(page, 'form');
    await page.click('button[type=submit]');
    await page.waitForSelector('[role=alert]');
    await axe(page, 'form with errors');
    await page.goto(`${stack.urls.web}/apply/${programCode}/done?n=${applied.number}&v=1`);
    await axe(page, 'confirmation');
    // The code step, as asked for and with a refused code, in each language.
    for (const lang of ['es', 'pt', 'en']) {
      await page.goto(`${stack.urls.web}/apply/${programCode}/done?n=${applied.number}&lang=${lang}`);
      await axe(page, `code step (${lang})`);
      await page.fill('#code', '12');
      await page.click('#confirm-title ~ form button[type=submit] >> nth=0');
      await page.waitForSelector('[role=alert]');
      await axe(page, `code step with an error (${lang})`);
    }
    await page.goto(`${stack.urls.web}/status`);
    await axe(page, 'status lookup');
    await lookUp(page);
    await page.waitForSelector('dl');
    await axe(page, 'status with decision');
  }, 120_000);
});
