// A stacked bar per rail (paid / failed / pending / in break, by amount), drawn on the server as SVG: no
// script, no library, allowed by the admin CSP (presentation attributes, not style). One chart per
// currency, since amounts in two currencies share no scale. For people who cannot see it, the svg is an
// image with a sentence as its label, each bar has a <title>, the legend is text, and the same numbers
// follow in a table. Heights are scaled with decimal.js; only the pixel values are rounded (to 0.01 px).
import Decimal from 'decimal.js';
import { html, type Html } from '../http/html';
import type { Count, RailTotals } from '../services/finance-report';

export const SERIES = [
  { key: 'paid', label: 'Paid', fill: '#00703c' },
  { key: 'failed', label: 'Failed', fill: '#b00020' },
  { key: 'pending', label: 'Pending', fill: '#1d70b8' },
  { key: 'breaks', label: 'In break', fill: '#0b0c0c' },
] as const satisfies ReadonlyArray<{ key: keyof RailTotals; label: string; fill: string }>;

const PLOT = { top: 30, base: 230, left: 90, bar: 64, gap: 86 };
const px = (d: Decimal) => d.toFixed(2);

function bar(rail: RailTotals, i: number, max: Decimal, currency: string): Html {
  const x = PLOT.left + PLOT.gap / 2 + i * (PLOT.bar + PLOT.gap);
  const height = new Decimal(PLOT.base - PLOT.top);
  let stacked = new Decimal(0);
  const rects = SERIES.map((s) => {
    const t: Count = rail[s.key];
    const h = max.isZero() ? new Decimal(0) : new Decimal(t.amount).div(max).times(height);
    stacked = stacked.plus(h);
    // Bottom-up: paid first, so the failed, pending and break parts sit on top where they show.
    return html`<rect x="${x}" y="${px(new Decimal(PLOT.base).minus(stacked))}" width="${PLOT.bar}" height="${px(h)}" fill="${s.fill}" stroke="#fff" stroke-width="1" data-series="${s.key}" data-amount="${t.amount}"><title>${rail.provider}: ${s.label.toLowerCase()}, ${t.count} payments, ${t.amount} ${currency}</title></rect>`;
  });
  return html`<g>${rects}<text x="${x + PLOT.bar / 2}" y="${PLOT.base + 20}" text-anchor="middle" font-size="14">${rail.provider}</text></g>`;
}

const describe = (rails: RailTotals[], currency: string) =>
  `Amounts in ${currency} by outcome, per rail. ` +
  rails.map((r) => `${r.provider}: ${SERIES.map((s) => `${s.label.toLowerCase()} ${r[s.key].amount}`).join(', ')}`).join('; ') +
  '.';

/** The chart of one currency's rails, followed by its numbers as a table. */
export function outcomeChart(currency: string, rails: RailTotals[]): Html {
  const totals = rails.map((r) => SERIES.reduce((sum, s) => sum.plus(r[s.key].amount), new Decimal(0)));
  const max = Decimal.max(0, ...totals);
  const width = Math.max(PLOT.left + rails.length * (PLOT.bar + PLOT.gap) + 20, 560);
  const legend = SERIES.map(
    (s, i) =>
      html`<rect x="${PLOT.left + i * 120}" y="${PLOT.base + 40}" width="14" height="14" fill="${s.fill}"></rect><text x="${PLOT.left + i * 120 + 20}" y="${PLOT.base + 52}" font-size="14">${s.label}</text>`,
  );
  const svg = html`<svg xmlns="http://www.w3.org/2000/svg" id="chart-${currency}" role="img" aria-label="${describe(rails, currency)}" width="${width}" height="${PLOT.base + 70}" viewBox="0 0 ${width} ${PLOT.base + 70}" data-max="${max.toFixed()}" data-plot-height="${PLOT.base - PLOT.top}">
<title>Payments by outcome, ${currency}</title>
<line x1="${PLOT.left}" y1="${PLOT.base}" x2="${width - 10}" y2="${PLOT.base}" stroke="#0b0c0c"></line>
<text x="${PLOT.left - 8}" y="${PLOT.top + 5}" text-anchor="end" font-size="13">${max.toFixed(2)}</text>
<text x="${PLOT.left - 8}" y="${PLOT.base + 5}" text-anchor="end" font-size="13">0</text>
${rails.map((r, i) => bar(r, i, max, currency))}${legend}</svg>`;
  const rows = rails.map(
    (r, i) =>
      html`<tr><th scope="row">${r.provider}</th>${SERIES.map((s) => html`<td class="n">${r[s.key].amount}</td>`)}<td class="n">${totals[i]!.toFixed(2)}</td></tr>`,
  );
  return html`<figure><div class="scroll">${svg}</div>
<figcaption>Paid, failed, pending and in-break amounts per rail, in ${currency}; the table below has the same numbers.</figcaption></figure>
<table id="chart-data-${currency}"><caption>Chart data (${currency})</caption>
<thead><tr><th scope="col">Rail</th>${SERIES.map((s) => html`<th scope="col" class="n">${s.label}</th>`)}<th scope="col" class="n">Total</th></tr></thead>
<tbody>${rows}</tbody></table>`;
}
