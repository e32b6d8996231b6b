// A proposal waiting for a second person, as a page shows it: who proposed what and when, and the forms
// the viewer may use. Someone else with a deciding role approves or declines it; its proposer may only
// withdraw it (the server refuses their approval anyway, with a sentence: web/services/four-eyes.ts).
import type { PendingDecision } from '../services/decisions';
import { html, type Html } from '../http/html';
import { hiddenCsrf } from './layout';

const at = (d: Date) => d.toISOString().slice(0, 16).replace('T', ' ');

export interface DecisionBox {
  decision: PendingDecision;
  /** What is proposed, in words ("Confirm: it reached the beneficiary once"). */
  what: string | Html;
  viewer: { id: string; mayDecide: boolean };
  csrfToken: string;
  /** The page to come back to after deciding (an /admin path). */
  back: string;
}

export function decisionBox(b: DecisionBox): Html {
  const d = b.decision;
  const form = (action: 'approve' | 'decline', label: string, reason: boolean) =>
    html`<form method="post" action="/admin/decisions/${d.id}/${action}" class="actions">${hiddenCsrf(b.csrfToken)}<input type="hidden" name="back" value="${b.back}">${
      reason
        ? html`<div class="f"><label for="${action}-${d.id}">Why</label><input id="${action}-${d.id}" name="reason" type="text" maxlength="500" required></div>`
        : ''
    }<button type="submit">${label}</button></form>`;
  const own = d.proposedBy === b.viewer.id;
  return html`<div class="notice" id="decision-${d.id}"><p><strong>Proposed</strong> by ${d.proposer} at ${at(d.proposedAt)}: ${b.what}</p>${
    own
      ? html`<p>A second person must check and approve it: you proposed it, so you cannot.</p>${form('decline', 'Withdraw the proposal', true)}`
      : b.viewer.mayDecide
        ? html`${form('approve', 'Approve', false)}${form('decline', 'Decline', true)}`
        : html`<p>Waiting for a second person with the role to approve it.</p>`
  }</div>`;
}
