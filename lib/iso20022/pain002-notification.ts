// A bank's status notification (pain.002) read as a stream: the SAX parser (saxes) reports elements as it
// meets them, and only the original MsgId and the group status are picked, on their path; no tree of the
// document is built, so its size and shape cost a linear pass and nothing more. A callback needs no more:
// the batch workflow pulls the bank's own report, so nothing else in a notification is trusted or read.
import { SaxesParser } from 'saxes';
import { textProblem } from '../text';
import { PAIN002_NAMESPACE } from './pain002';
import { Iso20022Error, XmlSyntaxError } from './xml';

const TYPE = 'pain.002';
/** ISO 20022 messages nest about ten deep; far deeper is an attack on the reader, not a message. */
const MAX_DEPTH = 64;
/** ISO 20022 element names are letters and digits: `__proto__` is not one (the same rule as xml.ts). */
const ELEMENT_NAME = /^[A-Za-z][A-Za-z0-9]*$/;

const REPORT = 'Document/CstmrPmtStsRpt';
const GROUP = `${REPORT}/OrgnlGrpInfAndSts`;
/** The elements picked, by path, with their longest text (Max35Text, the 4-letter status code). */
const PICKED = new Map([
  [`${GROUP}/OrgnlMsgId`, 35],
  [`${GROUP}/GrpSts`, 4],
]);

export interface Pain002Notification {
  originalMessageId: string;
  /** GrpSts as the bank claims it (kept for the record, never trusted). */
  groupStatus?: string;
}

/** Throws XmlSyntaxError for what is not well-formed XML (or carries a DTD), Iso20022Error naming the element otherwise. */
export function readPain002Notification(xml: string): Pain002Notification {
  const parser = new SaxesParser({ xmlns: true });
  const path: string[] = [];
  const seen = new Set<string>();
  const picked = new Map<string, string>();
  let text: string | null = null;
  const fail = (element: string, problem: string): never => {
    throw new Iso20022Error(TYPE, element, problem);
  };

  // Entities declared in a DTD are how XML bombs and external reads start; ISO messages never carry one.
  parser.on('doctype', () => {
    throw new XmlSyntaxError('a DOCTYPE is not allowed');
  });
  parser.on('opentag', (tag) => {
    if (!ELEMENT_NAME.test(tag.local))
      throw new XmlSyntaxError(`'${tag.local.slice(0, 40)}' is not an element name of an ISO 20022 message`);
    path.push(tag.local);
    if (path.length > MAX_DEPTH) throw new XmlSyntaxError(`elements nested deeper than ${MAX_DEPTH} levels`);
    const at = path.join('/');
    if (path.length === 1) {
      if (tag.local !== 'Document') fail('Document', 'missing element');
      if (tag.uri !== PAIN002_NAMESPACE) fail('Document', `namespace is '${tag.uri.slice(0, 80)}', expected '${PAIN002_NAMESPACE}'`);
    }
    // One notification names one message: a second group or id would leave which batch to doubt.
    if ((at === REPORT || at === GROUP || PICKED.has(at)) && seen.has(at)) fail(at, 'element appears more than once, expected once');
    seen.add(at);
    if (PICKED.has(at)) text = '';
  });
  const collect = (chunk: string) => {
    if (text !== null) text += chunk;
  };
  parser.on('text', collect);
  parser.on('cdata', collect);
  parser.on('closetag', () => {
    const at = path.join('/');
    if (PICKED.has(at) && text !== null) picked.set(at, text.trim());
    text = null;
    path.pop();
  });

  try {
    // The whole (size-capped) body, so that only a well-formed document is taken as a notification.
    parser.write(xml).close();
  } catch (err) {
    if (err instanceof Iso20022Error || err instanceof XmlSyntaxError) throw err;
    // saxes' own errors name the line and column, never more of the document than that.
    throw new XmlSyntaxError(err instanceof Error ? err.message.slice(0, 200) : 'not well-formed XML');
  }

  for (const required of [REPORT, GROUP]) if (!seen.has(required)) fail(required, 'missing element');
  const value = (at: string): string | undefined => {
    if (!seen.has(at)) return undefined;
    const v = picked.get(at) ?? '';
    if (v === '') fail(at, 'missing text of element');
    // Numeric references (&#0;) decode to characters the raw document could not carry.
    const problem = textProblem(v);
    if (problem) fail(at, problem);
    const max = PICKED.get(at) ?? 0;
    if (v.length > max) fail(at, `longer than ${max} characters`);
    return v;
  };
  const originalMessageId = value(`${GROUP}/OrgnlMsgId`) ?? fail(`${GROUP}/OrgnlMsgId`, 'missing element');
  const groupStatus = value(`${GROUP}/GrpSts`);
  return { originalMessageId, ...(groupStatus ? { groupStatus } : {}) };
}
