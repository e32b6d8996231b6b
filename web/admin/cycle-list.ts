// The payment-cycle pages before a cycle exists: the programs with their latest cycles, and the
// preparation page, which shows the control totals (web/cycles.ts previewRegular) before anyone
// commits to them. Rendering only: the routes (cycle-routes.ts) read the data and check roles.
import type { CycleStatus, Role } from '../../generated/prisma/client';
import type { RailTotals } from '../services/cycles';
import { html, type Html } from '../http/html';
import { hiddenCsrf } from './layout';

export const STATUS_NAMES: Record<string, string> = {
  DRAFT: 'Waiting for approval',
  APPROVED: 'Approved, not launched',
  RUNNING: 'Running',
  PAUSED: 'Paused',
  COMPLETED: 'Completed',
  CANCELLED: 'Cancelled',
  FAILED: 'Failed',
};
export const RAIL_NAMES: Record<string, string> = { BANK: 'Bank transfer', WALLET: 'Mobile wallet' };
/** Statuses in which a program already has its one open regular cycle (as web/cycles.ts prepareCycle checks). */
export const OPEN_STATUSES: CycleStatus[] = ['DRAFT', 'APPROVED', 'RUNNING', 'PAUSED'];

export interface ProgramRow {
  code: string;
  name: string;
  currency: string;
  households: number;
  cycles: Array<{ id: string; number: number; kind: string; status: string }>;
}

const cycleLink = (c: ProgramRow['cycles'][number]) =>
  html`<a href="/admin/cycles/${c.id}">Cycle ${c.number}${c.kind === 'REISSUE' ? ' (re-issue)' : ''}</a>: ${STATUS_NAMES[c.status] ?? c.status}`;

export function cycleListPage(programs: ProgramRow[], query: string, role: Role, shown: number): Html {
  const mayPrepare = role === 'ADMIN';
  const prepareCell = (p: ProgramRow) => {
    if (!mayPrepare) return '';
    const open = p.cycles.find((c) => c.kind === 'REGULAR' && (OPEN_STATUSES as string[]).includes(c.status));
    return html`<td>${
      open
        ? html`Cycle ${open.number} is open`
        : html`<a href="/admin/cycles/new?${new URLSearchParams({ program: p.code }).toString()}">Prepare a cycle<span class="vh"> for ${p.code}</span></a>`
    }</td>`;
  };
  const rows = programs.map(
    (p) => html`<tr><th scope="row">${p.code}<br><span class="hint">${p.name}</span></th>
<td class="n">${p.households}</td><td>${p.cycles.length ? html`<ul>${p.cycles.map((c) => html`<li>${cycleLink(c)}</li>`)}</ul>` : 'None yet'}</td>${prepareCell(p)}</tr>`,
  );
  return html`<h1>Payment cycles</h1>
<p>One person prepares a cycle and its control totals; another approves them; then it is launched and paid in batches.</p>
${mayPrepare ? html`<p><a href="/admin/programs/new">Create a program</a></p>` : ''}
<form method="get" action="/admin/cycles" class="narrow f" role="search"><div class="f"><label for="program-search">Find a program by code or name</label>
<input id="program-search" name="q" type="search" value="${query}" maxlength="60" autocomplete="off"></div><button type="submit">Search</button></form>
${
  programs.length
    ? html`<div class="scroll" role="region" aria-labelledby="programs-caption" tabindex="0"><table><caption id="programs-caption">${query ? `Programs matching "${query}"` : 'Programs, newest first'}${programs.length >= shown ? `; the first ${shown} shown` : ''}</caption>
<thead><tr><th scope="col">Program</th><th scope="col" class="n">Active households</th><th scope="col">Latest cycles</th>${mayPrepare ? html`<th scope="col">Prepare</th>` : ''}</tr></thead>
<tbody>${rows}</tbody></table></div>`
    : html`<p>No programs${query ? ' match this search' : ' yet'}.</p>`
}`;
}

/** The per-rail control totals and their sum, as one table (preparation page and cycle page alike). */
export function railTable(caption: string, rails: RailTotals[], total: { count: number; amount: string }, currency: string): Html {
  return html`<table><caption>${caption}</caption>
<thead><tr><th scope="col">Rail</th><th scope="col" class="n">Payments (households)</th><th scope="col" class="n">Amount (${currency})</th></tr></thead>
<tbody>${rails.map((r) => html`<tr><th scope="row">${RAIL_NAMES[r.rail] ?? r.rail}</th><td class="n">${r.count}</td><td class="n">${r.amount}</td></tr>`)}</tbody>
<tfoot><tr><th scope="row">Total</th><td class="n">${total.count}</td><td class="n">${total.amount}</td></tr></tfoot></table>`;
}

export interface PreparePage {
  program: {
    code: string;
    name: string;
    currency: string;
    baseAmount: string;
    amountPerDependant: string;
    capPerHousehold: string | null;
    budgetPerCycle: string | null;
  };
  rails: RailTotals[];
  total: { count: number; amount: string };
  overBudget: boolean;
  open: { id: string; number: number } | null;
  csrfToken: string;
}

export function preparePage(p: PreparePage): Html {
  const pr = p.program;
  const entitlement = `${pr.baseAmount} ${pr.currency} per household, plus ${pr.amountPerDependant} per dependant${pr.capPerHousehold ? `, at most ${pr.capPerHousehold}` : ''}`;
  const form = p.open
    ? html`<div class="summary" role="alert"><p>This program already has an open cycle: <a href="/admin/cycles/${p.open.id}">cycle ${p.open.number}</a>. It must complete or be cancelled before another is prepared.</p></div>`
    : p.total.count === 0
      ? html`<p>No household is enrolled and active, so there is nothing to pay.</p>`
      : html`<form method="post" action="/admin/cycles/new" class="narrow">${hiddenCsrf(p.csrfToken)}<input type="hidden" name="program" value="${pr.code}">
<p>The totals are counted again when you press the button: the approver confirms the totals stored with the cycle.</p>
<button type="submit">Prepare the cycle</button></form>`;
  return html`<h1>Prepare a payment cycle: ${pr.code}</h1>
<p>${pr.name}. Entitlement: ${entitlement}.${pr.budgetPerCycle ? ` Budget per cycle: ${pr.budgetPerCycle} ${pr.currency}.` : ''}</p>
${railTable('Control totals if the cycle is prepared now', p.rails, p.total, pr.currency)}
${p.overBudget ? html`<div class="summary" role="alert"><p>The total is above the program's budget per cycle, so an approver will not be able to approve it.</p></div>` : ''}
${form}
<p><a href="/admin/cycles">Back to payment cycles</a></p>`;
}
