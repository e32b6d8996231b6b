// Generators of malformed and hostile input for the fuzz suite (fast-check), and the list of the web
// server's routes read from Fastify itself, so a route added later is fuzzed without anyone listing it.
import fc from 'fast-check';
import type { FastifyInstance } from 'fastify';

/** Characters that have broken text handling somewhere: NUL, controls, lone surrogates, bidi overrides, markup. */
const NASTY_CHARS = [
  '\u0000',
  '\u0007',
  '\u001b',
  '\u007f',
  '\u009b',
  '\ud800',
  '\udfff',
  '\u202e',
  '\ufeff',
  '<',
  '&',
  '"',
  "'",
  '%',
  '\\',
  '\n',
];

/** Strings no form expects: any code point, nasty characters, and values that broke parsers before. */
export const hostileString = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.string({ unit: fc.constantFrom(...NASTY_CHARS), maxLength: 12 }),
  fc.constantFrom(
    '',
    ' ',
    '__proto__',
    'constructor',
    '0000-01-01',
    '1899-12-31',
    '9999-12-31',
    '2026-02-30',
    '-1',
    '1e309',
    'NaN',
    '00000000-0000-0000-0000-000000000000',
    '../../etc/passwd',
    '%00',
    'a'.repeat(5000),
    '😀'.repeat(300),
  ),
);

/** Any JSON value a client could send where one value is expected. */
export const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
  hostileString,
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.array(hostileString, { maxLength: 3 }),
  fc.dictionary(hostileString, hostileString, { maxKeys: 3 }),
);

/** A valid object with up to four of its fields (dotted paths, or new keys) replaced, removed or added. */
export function mutated(valid: Record<string, unknown>, paths: string[]): fc.Arbitrary<Record<string, unknown>> {
  const edit = fc.tuple(fc.oneof(fc.constantFrom(...paths), hostileString), fc.option(hostileValue, { nil: undefined }));
  return fc.array(edit, { maxLength: 4 }).map((edits) => {
    const copy = structuredClone(valid);
    for (const [path, value] of edits) {
      const keys = path.split('.');
      let node = copy;
      for (const k of keys.slice(0, -1))
        node = (typeof node[k] === 'object' && node[k] !== null ? node[k] : (node[k] = {})) as Record<string, unknown>;
      const last = keys.at(-1)!;
      if (value === undefined) delete node[last];
      else Object.defineProperty(node, last, { value, enumerable: true, writable: true, configurable: true });
    }
    return copy;
  });
}

/** Text as it is, or with hostile strings put in at random places, cut short, or nested far too deep. */
export function mutatedText(valid: string): fc.Arbitrary<string> {
  return fc.oneof(
    fc.constant(valid),
    fc.tuple(fc.nat(valid.length), hostileString).map(([at, s]) => valid.slice(0, at) + s + valid.slice(at)),
    fc
      .tuple(fc.nat(valid.length), fc.nat(valid.length), hostileString)
      .map(([a, b, s]) => valid.slice(0, Math.min(a, b)) + s + valid.slice(Math.max(a, b))),
    fc.nat(valid.length).map((at) => valid.slice(0, at)),
    fc.constantFrom(1_000, 10_000).map((n) => valid.replace(/<Stmt>/, `<Stmt>${'<X>'.repeat(n)}${'</X>'.repeat(n)}`)),
    fc.string({ unit: 'binary', maxLength: 200 }),
  );
}

export interface Route {
  method: string;
  url: string;
}

/** Every route of the server, from Fastify's own route tree (printRoutes), HEAD left out. */
export function routesOf(app: FastifyInstance): Route[] {
  const routes: Route[] = [];
  const stack: string[] = [];
  for (const line of app.printRoutes({ commonPrefix: false }).split('\n')) {
    const m = /^([│ ]*)[├└]── (\S+)(?: \(([^)]*)\))?/.exec(line);
    if (!m) continue;
    const depth = m[1]!.length / 4;
    stack.length = depth;
    stack.push(m[2]!);
    const url = stack.join('');
    for (const method of (m[3] ?? '').split(',').map((s) => s.trim())) if (method && method !== 'HEAD') routes.push({ method, url });
  }
  return routes;
}

/**
 * Percent-encodes any string, as a hostile client can: a lone surrogate (which encodeURIComponent refuses)
 * goes out as the three bytes a careless UTF-8 encoder writes for it, which are not valid UTF-8.
 */
export function encodeAny(s: string): string {
  let out = '';
  for (const ch of s) {
    const cp = ch.codePointAt(0)!;
    if (cp < 0xd800 || cp > 0xdfff) out += encodeURIComponent(ch);
    else out += [0xe0 | (cp >> 12), 0x80 | ((cp >> 6) & 0x3f), 0x80 | (cp & 0x3f)].map((b) => `%${b.toString(16).toUpperCase()}`).join('');
  }
  return out;
}
