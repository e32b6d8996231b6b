// Shared XML plumbing of the ISO 20022 codecs: one parser configuration (every value stays text, so
// amounts are never JS numbers), one builder, and a path-aware reader whose errors name the element.
import { XMLBuilder, XMLParser, XMLValidator } from 'fast-xml-parser';
import { textProblem } from '../text';

/** A message that is well-formed XML but not a valid message of its kind: `element` names where. */
export class Iso20022Error extends Error {
  constructor(
    readonly messageType: string,
    readonly element: string,
    readonly problem: string,
  ) {
    super(`${messageType}: ${problem}: ${element}`);
    this.name = 'Iso20022Error';
  }
}

/** Not XML at all (or XML we refuse outright, such as a DTD). */
export class XmlSyntaxError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'XmlSyntaxError';
  }
}

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@',
  parseTagValue: false, // '0.10' stays '0.10', '007' stays '007'
  parseAttributeValue: false,
  trimValues: true,
  removeNSPrefix: true, // banks use prefixed (ns2:Document) as well as default namespaces
  ignoreDeclaration: true,
  ignorePiTags: true,
});

const builder = new XMLBuilder({ ignoreAttributes: false, attributeNamePrefix: '@', format: true, suppressEmptyNode: false });

/** ISO 20022 messages nest about ten deep; far deeper is an attack on the parser's stack, not a message. */
const MAX_DEPTH = 64;
/** ISO 20022 element names are letters and digits (with a namespace prefix): `__proto__` is not one. */
const ELEMENT_NAME = /^(?:[A-Za-z_][\w.-]*:)?[A-Za-z][A-Za-z0-9]*$/;

/** One linear pass over the tags before any parser sees them: bounded depth, element names ISO could have. */
function checkShape(xml: string): void {
  let depth = 0;
  for (const m of xml.matchAll(/<(\/?)([^\s>/!?]+)[^>]*?(\/?)>/g)) {
    const [, closing, name = '', selfClosing] = m;
    if (!ELEMENT_NAME.test(name)) throw new XmlSyntaxError(`'${name.slice(0, 40)}' is not an element name of an ISO 20022 message`);
    if (closing) depth -= 1;
    else if (!selfClosing && ++depth > MAX_DEPTH) throw new XmlSyntaxError(`elements nested deeper than ${MAX_DEPTH} levels`);
  }
}

/** Parses well-formed XML and checks the root Document's namespace; the root's content is returned. */
export function parseDocument(messageType: string, xml: string, namespace: string): Node {
  // ISO 20022 messages never carry a DTD; refusing it also rules out entity-expansion attacks.
  if (/<!DOCTYPE/i.test(xml)) throw new XmlSyntaxError('a DOCTYPE is not allowed');
  checkShape(xml);
  const valid = XMLValidator.validate(xml);
  if (valid !== true) throw new XmlSyntaxError(`line ${valid.err.line}, column ${valid.err.col}: ${valid.err.msg}`);
  // removeNSPrefix drops xmlns attributes, so the namespace is read from the root start tag itself.
  const root = /<(?:([A-Za-z_][\w.-]*):)?Document\b([^>]*)>/.exec(xml);
  if (!root) throw new Iso20022Error(messageType, 'Document', 'missing element');
  const attr = root[1] ? `xmlns:${root[1]}` : 'xmlns';
  const ns = new RegExp(`\\s${attr.replace('.', '\\.')}\\s*=\\s*["']([^"']*)["']`).exec(root[2] ?? '')?.[1];
  if (ns !== namespace) throw new Iso20022Error(messageType, 'Document', `namespace is '${ns ?? ''}', expected '${namespace}'`);
  const parsed = parser.parse(xml) as Record<string, unknown>;
  return new Node(messageType, 'Document', parsed.Document);
}

/** `<?xml …?>` plus the Document with its namespace; undefined values are left out. */
export function buildDocument(namespace: string, body: Record<string, unknown>): string {
  return `<?xml version="1.0" encoding="UTF-8"?>\n${builder.build({ Document: { '@xmlns': namespace, ...body } })}`;
}

export interface TextRule {
  max?: number;
  pattern?: RegExp;
  /** Describes the pattern in the error ("a decimal amount"). */
  what?: string;
}

export const DATE = /^\d{4}-\d{2}-\d{2}$/;
export const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})?$/;
export const COUNT = /^\d{1,15}$/;
export const CURRENCY = /^[A-Z]{3}$/;
/** xs:decimal without sign or exponent, at most 18 digits (ISO amounts and control sums). */
const DECIMAL = /^(?=(?:\D*\d){1,18}\D*$)\d+(\.\d+)?$/;

/** An element of a parsed message with its path, for errors like "missing element Document/…/EndToEndId". */
export class Node {
  constructor(
    readonly messageType: string,
    readonly path: string,
    readonly value: unknown,
  ) {}

  fail(problem: string, element = this.path): never {
    throw new Iso20022Error(this.messageType, element, problem);
  }

  opt(name: string): Node | undefined {
    if (typeof this.value !== 'object' || this.value === null) return undefined;
    const v = (this.value as Record<string, unknown>)[name];
    if (v === undefined) return undefined;
    if (Array.isArray(v)) this.fail(`element appears ${v.length} times, expected once`, `${this.path}/${name}`);
    return new Node(this.messageType, `${this.path}/${name}`, v);
  }

  child(name: string): Node {
    return this.opt(name) ?? this.fail('missing element', `${this.path}/${name}`);
  }

  /** Repeated elements (zero or more), indexed in the path from 1 as XPath does. */
  children(name: string): Node[] {
    const v = typeof this.value === 'object' ? (this.value as Record<string, unknown> | null)?.[name] : undefined;
    if (v === undefined) return [];
    const list = Array.isArray(v) ? v : [v];
    return list.map((item, i) => new Node(this.messageType, `${this.path}/${name}[${i + 1}]`, item));
  }

  /** This element's own text (an element with attributes keeps it under #text). */
  text(rule: TextRule = {}): string {
    const v = this.value;
    const raw = typeof v === 'string' ? v : typeof v === 'object' && v !== null ? (v as Record<string, unknown>)['#text'] : undefined;
    if (typeof raw !== 'string' || raw === '') this.fail('missing text of element');
    // Numeric references (&#0;) decode to characters the raw document could not carry.
    const problem = textProblem(raw);
    if (problem) this.fail(problem);
    if (rule.max !== undefined && raw.length > rule.max) this.fail(`longer than ${rule.max} characters`);
    if (rule.pattern && !rule.pattern.test(raw)) this.fail(`'${raw.slice(0, 40)}' is not ${rule.what ?? 'valid'}`);
    return raw;
  }

  attr(name: string, rule: TextRule = {}): string {
    const raw = typeof this.value === 'object' && this.value !== null ? (this.value as Record<string, unknown>)[`@${name}`] : undefined;
    const at = `${this.path}/@${name}`;
    if (typeof raw !== 'string' || raw === '') this.fail('missing attribute', at);
    const problem = textProblem(raw);
    if (problem) this.fail(problem, at);
    if (rule.pattern && !rule.pattern.test(raw)) this.fail(`'${raw.slice(0, 40)}' is not ${rule.what ?? 'valid'}`, at);
    return raw;
  }

  /** Text of a required descendant given as 'A/B/C'. */
  get(path: string, rule?: TextRule): string {
    return path
      .split('/')
      .reduce<Node>((n, name) => n.child(name), this)
      .text(rule);
  }

  getOpt(path: string, rule?: TextRule): string | undefined {
    const found = path.split('/').reduce<Node | undefined>((n, name) => n?.opt(name), this);
    return found?.text(rule);
  }

  count(path: string): number {
    return Number(this.get(path, { pattern: COUNT, what: 'a count (up to 15 digits)' }));
  }

  decimal(path: string): string {
    return this.get(path, { pattern: DECIMAL, what: 'a decimal number (up to 18 digits, no sign)' });
  }

  /** An ISO amount element (e.g. InstdAmt): exact decimal text and its @Ccy. */
  amount(path: string): { amount: string; currency: string } {
    const n = path.split('/').reduce<Node>((node, name) => node.child(name), this);
    const amount = n.text({ pattern: DECIMAL, what: 'a decimal amount (up to 18 digits, no sign)' });
    return { amount, currency: n.attr('Ccy', { pattern: CURRENCY, what: 'an ISO 4217 currency code' }) };
  }

  oneOf<T extends string>(path: string, allowed: readonly T[]): T {
    const v = this.get(path);
    if (!(allowed as readonly string[]).includes(v))
      this.fail(`'${v.slice(0, 40)}' is not one of ${allowed.join(', ')}`, `${this.path}/${path}`);
    return v as T;
  }
}

/** An amount element for the builder: currency attribute and the exact decimal text. */
export const amountElement = (amount: string, currency: string) => ({ '@Ccy': currency, '#text': amount });
