// The admin pages' layout, on web/html.ts (the same escaping template and base stylesheet as the
// applicant pages) with a few rules of its own for wide tables. No JavaScript: forms and links only.
// Sections are listed once here; the header's nav and the home page both show those a role may open,
// so later pages (cycles, finance) are one entry each.
import { createHash } from 'node:crypto';
import type { Role } from '../../generated/prisma/client';
import { attr, CSS, html, Html } from '../http/html';

export interface AdminSection {
  href: string;
  label: string;
  roles: readonly Role[];
  description: string;
}

export const ADMIN_SECTIONS: readonly AdminSection[] = [
  {
    href: '/admin/reviews',
    label: 'Reviews',
    roles: ['REVIEWER'],
    description: "Probable duplicates and appeals waiting for a person's decision, oldest first.",
  },
  {
    href: '/admin/cycles',
    label: 'Payment cycles',
    roles: ['ADMIN', 'APPROVER', 'FINANCE'],
    description: 'Prepare, approve, launch and watch payment cycles, with their control totals and progress.',
  },
];

export const sectionsFor = (role: Role) => ADMIN_SECTIONS.filter((s) => s.roles.includes(role));

// Appended to the applicant CSS: later rules win, so main widens and header buttons stay compact.
const ADMIN_CSS =
  CSS +
  [
    'main{max-width:76rem}',
    'select{font:inherit;min-height:48px;padding:.4rem .5rem;border:2px solid #0b0c0c;background:#fff;color:#0b0c0c}',
    'header{gap:.5rem 1.25rem}',
    'header .who{margin:0;font-size:1rem}',
    'header form{margin:0}',
    'header button{width:auto;min-height:44px;padding:.35rem .9rem;background:#fff;color:#0b0c0c;border-bottom-color:#b1b4b6}',
    'table{border-collapse:collapse;width:100%;font-size:1rem;margin:0 0 1rem}',
    'caption{text-align:left;font-weight:700;padding:.25rem 0}',
    'th,td{border:1px solid #b1b4b6;padding:.4rem .5rem;text-align:left;vertical-align:top}',
    'thead th,tbody th{background:#f3f2f1}',
    'td ul{margin:0;padding-left:1.1rem}',
    '.scroll{overflow-x:auto;margin:0 0 1rem}',
    '.scroll table{margin:0}',
    '.pass{color:#00703c;font-weight:700}',
    '.fail{color:#b00020;font-weight:700}',
    'mark{background:#fd0;color:#0b0c0c;font-weight:700}',
    '.notice{border:4px solid #00703c;padding:.75rem 1rem;margin:0 0 1.5rem}',
    '.filters{display:flex;flex-wrap:wrap;gap:.25rem 1rem;list-style:none;padding:0}',
    '.filters a{display:inline-block;padding:.5rem 0}',
    '.filters a[aria-current]{font-weight:700;text-decoration:none}',
    'blockquote{margin:0 0 1rem;padding:.5rem 1rem;border-left:4px solid #b1b4b6;white-space:pre-wrap}',
    '.narrow{max-width:30rem}',
    // Payment cycles: progress bars with their numbers beside them, and rows of action buttons.
    'progress{width:100%;max-width:20rem;height:1.25rem;vertical-align:middle;accent-color:#00703c}',
    '.actions{display:flex;flex-wrap:wrap;gap:1rem 2rem;align-items:flex-start}',
    '.actions form{margin:0}',
    'button.danger{background:#b00020;border-bottom-color:#5a0010}',
    'td.n,th.n{text-align:right;font-variant-numeric:tabular-nums}',
  ].join('');

/** The admin CSP allows exactly this stylesheet, by hash (as the applicant pages do theirs). */
export const ADMIN_CSS_HASH = `sha256-${createHash('sha256').update(ADMIN_CSS).digest('base64')}`;
export const ADMIN_CSP = `default-src 'none'; style-src '${ADMIN_CSS_HASH}'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'`;

export const CSRF_FIELD = '_csrf';

/** Who is signed in, as the layout needs it (the header and the sign-out form's CSRF token). */
export interface LayoutSession {
  user: { username: string; role: Role };
  csrfToken: string;
}

export interface AdminPage {
  title: string;
  body: Html;
  session?: LayoutSession | null;
  /** The nav entry to mark as the current page. */
  current?: string;
}

export const hiddenCsrf = (token: string) => html`<input type="hidden" name="${CSRF_FIELD}" value="${token}">`;

const ROLE_NAMES: Record<Role, string> = { ADMIN: 'administrator', APPROVER: 'approver', REVIEWER: 'reviewer', FINANCE: 'finance' };

export function adminLayout(o: AdminPage): string {
  const s = o.session;
  const nav =
    s &&
    sectionsFor(s.user.role).map(
      (l) => html`<li><a href="${l.href}"${attr(o.current === l.href, 'aria-current', 'page')}>${l.label}</a></li>`,
    );
  const account = s
    ? html`<nav aria-label="Admin sections"><ul><li><a href="/admin"${attr(o.current === '/admin', 'aria-current', 'page')}>Home</a></li>${nav}</ul></nav>
<p class="who">Signed in as <strong>${s.user.username}</strong> (${ROLE_NAMES[s.user.role]})</p>
<form method="post" action="/admin/sign-out">${hiddenCsrf(s.csrfToken)}<button type="submit">Sign out</button></form>`
    : '';
  return (
    '<!doctype html>' +
    html`<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width,initial-scale=1">
<title>${o.title} - Amparo admin</title>
<style>${new Html(ADMIN_CSS)}</style></head><body>
<a class="skip" href="#main">Skip to main content</a>
<header><a class="brand" href="/admin">Amparo admin</a>${account}</header>
<main id="main" tabindex="-1">${o.body}</main>
</body></html>`.value
  );
}

/** "There is a problem" with a link to each wrong field, as on the applicant form. */
export function errorSummary(errors: { anchor: string; message: string }[]): Html | '' {
  if (!errors.length) return '';
  return html`<div class="summary" role="alert" tabindex="-1"><h2>There is a problem</h2><ul>${errors.map((e) => html`<li><a href="#${e.anchor}">${e.message}</a></li>`)}</ul></div>`;
}

/** ISO date (YYYY-MM-DD): unambiguous for staff in any country. */
export const isoDate = (d: Date) => d.toISOString().slice(0, 10);

/** How long something has waited, in the largest unit that reads well. */
export function waited(since: Date, now = new Date()): string {
  const minutes = Math.max(0, Math.floor((now.getTime() - since.getTime()) / 60_000));
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  return hours < 48 ? `${hours} h` : `${Math.floor(hours / 24)} days`;
}
