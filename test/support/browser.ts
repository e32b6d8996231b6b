// Debian's Chromium through playwright-core, for the browser tests; and axe-core audits of pages.
// Needs /usr/bin/chromium: scripts/ensure-chromium.sh installs it (the test command runs it).
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { chromium, type Browser, type Page } from 'playwright-core';
import { expect } from 'vitest';

const CHROMIUM = '/usr/bin/chromium';
// Without the background-networking flags Chromium keeps calling home, and this network refuses it.
const ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--no-first-run',
  '--disable-sync',
];
const AXE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

export function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: run scripts/ensure-chromium.sh (as root) first`);
  return chromium.launch({ executablePath: CHROMIUM, args: ARGS });
}

/**
 * Runs axe-core on the page and expects no violations. The page's context must allow scripts and
 * bypass the CSP (the pages themselves forbid every script, axe included).
 */
export async function expectNoAxeViolations(page: Page, name: string): Promise<void> {
  await page.addScriptTag({ content: AXE });
  const result = await page.evaluate<{ violations: Array<{ id: string; nodes: Array<{ target: string[] }> }> }>('axe.run()');
  expect(result.violations.map((v) => `${name}: ${v.id} at ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)).toEqual([]);
}
