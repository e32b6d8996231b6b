// The signature a rail puts on its callbacks (lib/callback-signature.ts): HMAC-SHA256 over the timestamp
// and the exact body, with the rail's secret. The wire format is computed here by hand, so the test pins
// what a rail must send rather than what the module happens to do.
import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { CLOCK_SKEW_MS, SIGNATURE_HEADER, TIMESTAMP_HEADER, signCallback, verifyCallback } from '../lib/callback-signature';

const SECRET = 'a-test-secret-of-the-rail';
const BODY = '{"batchId":"B-1","batchStatus":"completed"}';
const NOW = Date.UTC(2026, 11, 7, 12, 0, 0);

/** Headers as Node hands them to a server: lower-cased names. */
const lower = (headers: Record<string, string>) => Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]));

describe('signing', () => {
  it('signs the timestamp and the body with HMAC-SHA256 of the secret', () => {
    const headers = signCallback(SECRET, BODY, NOW);
    const expected = createHmac('sha256', SECRET).update(`${NOW}.${BODY}`).digest('hex');
    expect(headers).toEqual({ [TIMESTAMP_HEADER]: String(NOW), [SIGNATURE_HEADER]: `sha256=${expected}` });
  });

  it('signs each delivery afresh: another moment, another signature', () => {
    expect(signCallback(SECRET, BODY, NOW)[SIGNATURE_HEADER]).not.toBe(signCallback(SECRET, BODY, NOW + 1)[SIGNATURE_HEADER]);
  });
});

describe('verifying', () => {
  const verify = (headers: Record<string, string>, body = BODY, now = NOW) => verifyCallback(SECRET, lower(headers), body, now);

  it('accepts what the secret signed, as text or as the bytes received', () => {
    const headers = signCallback(SECRET, BODY, NOW);
    expect(verify(headers)).toMatchObject({ ok: true });
    expect(verifyCallback(SECRET, lower(headers), Buffer.from(BODY), NOW)).toMatchObject({ ok: true });
  });

  it('accepts a body with characters outside ASCII, signed as UTF-8', () => {
    const body = '{"batchStatus":"concluído"}';
    expect(verify(signCallback(SECRET, body, NOW), body)).toMatchObject({ ok: true });
    expect(verifyCallback(SECRET, lower(signCallback(SECRET, body, NOW)), Buffer.from(body, 'utf8'), NOW)).toMatchObject({ ok: true });
  });

  it('refuses a missing signature or timestamp, naming the header', () => {
    const headers = signCallback(SECRET, BODY, NOW);
    expect(verify({ [TIMESTAMP_HEADER]: headers[TIMESTAMP_HEADER]! })).toMatchObject({ ok: false, header: SIGNATURE_HEADER });
    expect(verify({ [SIGNATURE_HEADER]: headers[SIGNATURE_HEADER]! })).toMatchObject({ ok: false, header: TIMESTAMP_HEADER });
  });

  it.each([
    ['another secret', () => signCallback('another-secret-entirely', BODY, NOW)],
    ['a changed body', () => signCallback(SECRET, `${BODY} `, NOW)],
    ['a changed timestamp', () => ({ ...signCallback(SECRET, BODY, NOW), [TIMESTAMP_HEADER]: String(NOW + 1) })],
    ['not hex', () => ({ ...signCallback(SECRET, BODY, NOW), [SIGNATURE_HEADER]: 'sha256=zz' })],
    ['another scheme', () => ({ ...signCallback(SECRET, BODY, NOW), [SIGNATURE_HEADER]: 'md5=00' })],
    [
      'a truncated signature',
      () => ({ ...signCallback(SECRET, BODY, NOW), [SIGNATURE_HEADER]: signCallback(SECRET, BODY, NOW)[SIGNATURE_HEADER]!.slice(0, 40) }),
    ],
  ])('refuses %s, naming the signature header', (_what, headers) => {
    expect(verify(headers())).toMatchObject({ ok: false, header: SIGNATURE_HEADER, reason: 'unsigned' });
  });

  it('refuses a timestamp that is not a number of milliseconds, naming it', () => {
    const headers = { ...signCallback(SECRET, BODY, NOW), [TIMESTAMP_HEADER]: '2026-12-07T12:00:00Z' };
    expect(verify(headers)).toMatchObject({ ok: false, header: TIMESTAMP_HEADER, reason: 'unsigned' });
  });

  it('accepts a timestamp within the clock-skew window either way, refuses one outside it as stale', () => {
    const headers = signCallback(SECRET, BODY, NOW);
    expect(verify(headers, BODY, NOW + CLOCK_SKEW_MS)).toMatchObject({ ok: true });
    expect(verify(headers, BODY, NOW - CLOCK_SKEW_MS)).toMatchObject({ ok: true });
    expect(verify(headers, BODY, NOW + CLOCK_SKEW_MS + 1)).toMatchObject({ ok: false, header: TIMESTAMP_HEADER, reason: 'stale' });
    expect(verify(headers, BODY, NOW - CLOCK_SKEW_MS - 1)).toMatchObject({ ok: false, header: TIMESTAMP_HEADER, reason: 'stale' });
  });

  it('gives the signature it checked, the key a receiver remembers to refuse a replay', () => {
    const headers = signCallback(SECRET, BODY, NOW);
    const verified = verify(headers);
    expect(verified.ok && verified.signature).toBe(headers[SIGNATURE_HEADER]!.slice('sha256='.length));
  });
});
