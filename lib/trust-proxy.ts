// Which proxies in front of the web server are believed about the client (TRUST_PROXY). Behind a proxy
// that terminates TLS, every request reaches us over plain http from the proxy's address: only when the
// proxy is trusted do request.protocol (X-Forwarded-Proto) and request.ip (X-Forwarded-For) say what the
// client used, so that session cookies get Secure, HSTS is sent and rate limits count clients, not the
// proxy. Trusting a proxy that is not there lets anyone claim any address, hence off by default.
import { isIP } from 'node:net';

/** Fastify's trustProxy: off, every hop, a number of hops, or the proxies' addresses and ranges. */
export type TrustProxy = boolean | number | string[];

/** Names proxy-addr (Fastify's) knows for the private ranges. */
const RANGE_NAMES = new Set(['loopback', 'linklocal', 'uniquelocal']);

function addressProblem(entry: string): string | undefined {
  if (RANGE_NAMES.has(entry)) return undefined;
  const [address = '', prefix, ...rest] = entry.split('/');
  const family = isIP(address);
  if (!family || rest.length) return `'${entry}' is not an IP address, a range (address/bits) or one of ${[...RANGE_NAMES].join(', ')}`;
  if (prefix !== undefined && !(/^\d{1,3}$/.test(prefix) && Number(prefix) <= (family === 4 ? 32 : 128)))
    return `'${entry}' has a range size outside 0 to ${family === 4 ? 32 : 128}`;
  return undefined;
}

/** "" or "false": off. "true": every hop. "2": two hops. "10.0.0.1, 10.1.0.0/16": those proxies only. */
export function parseTrustProxy(text: string): { ok: true; value: TrustProxy } | { ok: false; problem: string } {
  const t = text.trim();
  if (t === '' || t === 'false') return { ok: true, value: false };
  if (t === 'true') return { ok: true, value: true };
  if (/^\d+$/.test(t)) return { ok: true, value: Number(t) };
  const entries = t
    .split(',')
    .map((e) => e.trim())
    .filter(Boolean);
  const problem = entries.map(addressProblem).find(Boolean);
  return problem ? { ok: false, problem } : { ok: true, value: entries };
}

/** Whether the proxy at `hop` (0: the one that connected to us) is believed. */
export type TrustFunction = (address: string, hop: number) => boolean;

/**
 * The option for Fastify. A hop count becomes a function trusting the `n` nearest hops, whoever they are
 * (Express's meaning): Fastify 5 takes a bare number as "trust nothing", since a client that reaches the
 * server directly is then hop 0 and believed. That is safe only when nothing but the proxy can reach the
 * server (web/main.ts listens on 127.0.0.1), so prefer the proxies' addresses where they are known.
 */
export function trustProxyOption(trust: TrustProxy): boolean | string[] | TrustFunction {
  if (typeof trust !== 'number') return trust;
  const hops = trust;
  return (_address, hop) => hop < hops;
}
