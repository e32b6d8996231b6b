// How a rail proves a callback is its own: HMAC-SHA256, with a secret per rail, over the delivery's
// timestamp and the exact body ("<timestamp>.<body>"). The rails sign (the simulators, on every delivery
// attempt); the web edge verifies before it reads anything the body says. The timestamp bounds how long a
// captured callback stays usable (the clock-skew window); within the window the receiver remembers each
// signature it accepted, so the same signed request is not taken twice.
import { createHmac, timingSafeEqual } from 'node:crypto';

export const TIMESTAMP_HEADER = 'X-Callback-Timestamp';
export const SIGNATURE_HEADER = 'X-Callback-Signature';

/**
 * How far a callback's timestamp may be from our clock, either way: rails' clocks drift and deliveries
 * queue, but a signature older than this is a replay, not a late delivery (the rail signs every attempt anew).
 */
export const CLOCK_SKEW_MS = 5 * 60_000;

const SCHEME = 'sha256=';
const HEX_DIGEST = /^[0-9a-f]{64}$/;
/** Milliseconds since the epoch: two deliveries a moment apart get different signatures. */
const TIMESTAMP = /^\d{1,15}$/;

function digest(secret: string, timestamp: string, body: string | Buffer): Buffer {
  // The body's bytes as received (or, from a signer, as UTF-8): never a re-encoding of parsed text.
  return createHmac('sha256', secret).update(`${timestamp}.`).update(body).digest();
}

/** The headers that sign `body` now; a delivery attempt calls this each time it sends. */
export function signCallback(secret: string, body: string, now = Date.now()): Record<string, string> {
  const timestamp = String(now);
  return { [TIMESTAMP_HEADER]: timestamp, [SIGNATURE_HEADER]: `${SCHEME}${digest(secret, timestamp, body).toString('hex')}` };
}

export type VerifiedCallback =
  | { ok: true; /** The hex digest: what a receiver remembers to refuse a replay. */ signature: string }
  | {
      ok: false;
      /** The header at fault, as the rail names it. */
      header: string;
      problem: string;
      /** unsigned: not signed with this rail's secret (or not signed at all); stale: signed, outside the window. */
      reason: 'unsigned' | 'stale';
    };

/** Headers as Node gives them (lower-case names, a repeated header as an array). */
type Headers = Record<string, string | string[] | undefined>;

/** Checks the signature of a received callback against the rail's secret, then its timestamp against our clock. */
export function verifyCallback(secret: string, headers: Headers, body: string | Buffer, now = Date.now()): VerifiedCallback {
  const unsigned = (header: string, problem: string): VerifiedCallback => ({ ok: false, header, problem, reason: 'unsigned' });
  const signature = headers[SIGNATURE_HEADER.toLowerCase()];
  const timestamp = headers[TIMESTAMP_HEADER.toLowerCase()];
  if (typeof signature !== 'string' || signature === '') return unsigned(SIGNATURE_HEADER, `required: ${SCHEME}<HMAC-SHA256 in hex>`);
  if (typeof timestamp !== 'string' || timestamp === '') return unsigned(TIMESTAMP_HEADER, 'required: the signing time in milliseconds');
  if (!TIMESTAMP.test(timestamp)) return unsigned(TIMESTAMP_HEADER, 'not a time in milliseconds since 1970');
  const given = signature.startsWith(SCHEME) ? signature.slice(SCHEME.length).toLowerCase() : '';
  if (!HEX_DIGEST.test(given)) return unsigned(SIGNATURE_HEADER, `not ${SCHEME} followed by 64 hexadecimal digits`);
  // Constant time: how much of a guess matched must not show in how long the answer takes.
  if (!timingSafeEqual(Buffer.from(given, 'hex'), digest(secret, timestamp, body)))
    return unsigned(SIGNATURE_HEADER, "does not match the body and timestamp signed with this rail's key");
  // Only an authentic callback is told its clock is off; checked after the signature, so the time is the rail's.
  if (Math.abs(now - Number(timestamp)) > CLOCK_SKEW_MS)
    return { ok: false, header: TIMESTAMP_HEADER, problem: `more than ${CLOCK_SKEW_MS / 60_000} minutes from our clock`, reason: 'stale' };
  return { ok: true, signature: given };
}
