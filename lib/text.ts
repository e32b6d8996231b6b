// What text Amparo accepts from outside: what PostgreSQL can store (no NUL, well-formed UTF-16, so no lone
// surrogates) and a person can read (no control characters but tab and line breaks), in one Unicode form
// (NFC), so "José" typed with a combining accent is the same name as "José" typed with a precomposed é.
// The web edge applies it to every request (web/http/input.ts), the XML codecs to every element's text.

// C0 controls but tab, LF and CR; DEL; C1 controls; lone surrogates (a high not followed by a low, a low not after a high).
const UNREADABLE =
  // eslint-disable-next-line no-control-regex -- this pattern exists to find control characters
  /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Why a text cannot be accepted, in words for a field error; null when it can. */
export function textProblem(s: string): string | null {
  const m = UNREADABLE.exec(s);
  if (!m) return null;
  const c = m[0].charCodeAt(0);
  if (c === 0) return 'contains a NUL character, which cannot be stored';
  if (c >= 0xd800 && c <= 0xdfff) return 'contains a broken character (a lone UTF-16 surrogate)';
  return 'contains a control character, which cannot be read';
}

/** The text in NFC, or why it is refused. */
export function normalizeText(s: string): { ok: true; value: string } | { ok: false; problem: string } {
  const problem = textProblem(s);
  return problem ? { ok: false, problem } : { ok: true, value: s.normalize('NFC') };
}

/** The text with every unacceptable character removed (to show a form back to the person who typed it). */
export const withoutUnreadable = (s: string) => s.replace(new RegExp(UNREADABLE.source, 'g'), '');
