// A tiny HTML template helper and the applicant pages' shared layout. No template engine: every
// interpolated value is escaped unless it is already Html, so a name or a typed value can never
// become markup. No JavaScript at all: the pages must work on phones that have it off or lack it.
import { createHash } from 'node:crypto';

export class Html {
  constructor(readonly value: string) {}
  toString(): string {
    return this.value;
  }
}

type Value = string | number | Html | null | undefined | false | readonly Value[];

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export const escapeHtml = (text: string): string => text.replace(/[&<>"']/g, (c) => ESCAPES[c]!);

function render(value: Value): string {
  if (value === null || value === undefined || value === false) return '';
  if (value instanceof Html) return value.value;
  if (Array.isArray(value)) return value.map(render).join('');
  return escapeHtml(String(value));
}

/** Tagged template: html`<p>${text}</p>` escapes text; nested html`` fragments and arrays pass through. */
export function html(strings: TemplateStringsArray, ...values: Value[]): Html {
  let out = strings[0]!;
  values.forEach((value, i) => (out += render(value) + strings[i + 1]!));
  return new Html(out);
}

/** An attribute present or absent (checked, aria-invalid="true"); its value is escaped. */
export const attr = (on: boolean, name: string, value?: string | number): Html | false =>
  on && new Html(value === undefined ? ` ${name}` : ` ${name}="${escapeHtml(String(value))}"`);

// Mobile first: one column, 18 px text, 48 px tap targets, a focus ring that cannot be missed,
// colours with at least 4.5:1 contrast. Kept small: each page must stay far under 30 KB.
export const CSS = [
  '*{box-sizing:border-box}',
  'html{-webkit-text-size-adjust:100%}',
  'body{margin:0;font:1.125rem/1.5 system-ui,-apple-system,"Segoe UI",Roboto,Arial,sans-serif;color:#0b0c0c;background:#fff}',
  'header{background:#0b0c0c;color:#fff;padding:.5rem 1rem;display:flex;flex-wrap:wrap;gap:.5rem 1rem;align-items:center;justify-content:space-between}',
  'header a{color:#fff}',
  '.brand{font-weight:700;text-decoration:none}',
  'nav ul{list-style:none;margin:0;padding:0;display:flex;gap:.25rem}',
  'nav a{display:inline-block;padding:.6rem .5rem;min-height:48px}',
  'nav a[aria-current]{font-weight:700;text-decoration:none}',
  'main{display:block;max-width:40rem;margin:0 auto;padding:1rem}',
  'h1{font-size:1.6rem;line-height:1.2;margin:.5rem 0 1rem}',
  'h2{font-size:1.3rem;margin:1.5rem 0 .5rem}',
  'a{color:#1a4fc4;text-underline-offset:.15em}',
  'a:visited{color:#4c2c92}',
  ':focus{outline:3px solid #fd0;outline-offset:0;box-shadow:0 0 0 6px #0b0c0c}',
  'main:focus{outline:0;box-shadow:none}',
  '.skip{position:absolute;left:-999px;top:0;background:#fd0;color:#0b0c0c;padding:.75rem}',
  '.skip:focus{left:0;z-index:1}',
  'fieldset{border:0;margin:0 0 1.25rem;padding:0;min-width:0}',
  'legend{font-weight:700;padding:0;margin-bottom:.25rem}',
  '.f{margin:0 0 1.25rem}',
  'label{display:block;font-weight:700}',
  '.hint{display:block;color:#484949;margin:.1rem 0 .35rem}',
  'input,textarea{font:inherit;width:100%;min-height:48px;padding:.4rem .5rem;border:2px solid #0b0c0c;border-radius:0;background:#fff;color:#0b0c0c}',
  'textarea{min-height:8rem}',
  'input.short{max-width:10em}',
  '.dob{display:flex;gap:.75rem}',
  '.dob div{flex:0 0 4.5rem}',
  '.dob div.y{flex:0 0 6rem}',
  '.dob label{font-weight:400}',
  '.opt{position:relative;margin:.5rem 0}',
  '.opt>input,.check>input{position:absolute;left:0;top:0;width:44px;height:44px;min-height:0;margin:0;accent-color:#0b0c0c}',
  '.opt>label,.check>label{padding:.55rem 0 .55rem 3.5rem;min-height:48px;font-weight:400}',
  '.reveal{margin:.5rem 0 1rem 1.3rem;padding-left:1.5rem;border-left:4px solid #b1b4b6}',
  // Without JavaScript, CSS alone shows only the chosen payment method's fields.
  '.opt>input:not(:checked)~.reveal{display:none}',
  '.check{position:relative;margin:1rem 0}',
  '.vh{position:absolute!important;width:1px;height:1px;margin:0;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}',
  '.err{border-color:#b00020}',
  '.msg{display:block;color:#b00020;font-weight:700;margin:.25rem 0}',
  '.summary{border:4px solid #b00020;padding:1rem;margin:0 0 1.5rem}',
  '.summary h2{margin-top:0}',
  '.summary a{color:#b00020;font-weight:700}',
  '.box{border:2px solid #0b0c0c;padding:1rem;margin:1rem 0}',
  '.privacy{background:#f3f2f1;padding:.75rem 1rem;font-size:1rem}',
  '.number{font:700 1.6rem/1.3 ui-monospace,Menlo,Consolas,monospace;letter-spacing:.05em;overflow-wrap:anywhere}',
  '.panel{background:#00703c;color:#fff;padding:1rem;margin:0 0 1rem}',
  'button{font:inherit;font-weight:700;min-height:48px;padding:.6rem 1.2rem;border:0;border-bottom:3px solid #002d18;background:#00703c;color:#fff;cursor:pointer;width:100%}',
  '@media (min-width:30rem){button{width:auto}}',
  'dl{margin:0}dt{font-weight:700}dd{margin:0 0 .75rem}',
  'footer{max-width:40rem;margin:2rem auto 0;padding:1rem;border-top:1px solid #b1b4b6;font-size:1rem}',
].join('');

/** The CSP allows exactly this stylesheet (by hash), nothing else: no script, no inline style attributes. */
export const CSS_HASH = `sha256-${createHash('sha256').update(CSS).digest('base64')}`;

export interface LayoutOptions {
  lang: string;
  title: string;
  skipLabel: string;
  siteName: string;
  /** The visible language switch: links to this page in each language. */
  languages: { code: string; name: string; href: string }[];
  languagesLabel: string;
  body: Html;
  footer?: Html;
}

export function layout(o: LayoutOptions): string {
  const switcher = o.languages.map(
    (l) =>
      html`<li><a href="${l.href}" hreflang="${l.code}" lang="${l.code}"${attr(l.code === o.lang, 'aria-current', 'true')}>${l.name}</a></li>`,
  );
  return (
    '<!doctype html>' +
    html`<html lang="${o.lang}"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width,initial-scale=1">
<title>${o.title} - ${o.siteName}</title>
<style>${new Html(CSS)}</style></head><body>
<a class="skip" href="#main">${o.skipLabel}</a>
<header><a class="brand" href="/apply">${o.siteName}</a><nav aria-label="${o.languagesLabel}"><ul>${switcher}</ul></nav></header>
<main id="main" tabindex="-1">${o.body}</main>
${o.footer ? html`<footer>${o.footer}</footer>` : ''}
</body></html>`.value
  );
}
