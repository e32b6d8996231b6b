// Production fails closed: every process refuses to start on development keys and secrets, without TLS to
// Temporal, or with a public address that is not https, naming each problem; staff cookies are Secure in
// production whatever the request's protocol. On a developer's machine the same findings only warn.
import { spawn } from 'node:child_process';
import { afterAll, describe, expect, it } from 'vitest';
import { DEV_PII_HASH_KEY, DEV_TEMPORAL_PAYLOAD_KEYS, loadConfig } from '../lib/config';
import { unsafeSettings } from '../lib/startup-checks';
import { temporalTls } from '../lib/temporal';
import { startTestWeb, type TestWeb } from './support/web';

const SAFE = {
  AMPARO_ENV: 'production',
  PII_HASH_KEY: 'a-secret-key-nobody-has-seen-0001',
  PII_MASTER_KEYS: `prod1:${Buffer.alloc(32, 9).toString('base64')}`,
  BANK_CALLBACK_SECRET: 'a-secret-the-bank-and-we-share-01',
  WALLET_CALLBACK_SECRET: 'a-secret-the-wallet-and-we-share-1',
  TEMPORAL_PAYLOAD_KEYS: `prod1:${Buffer.alloc(32, 7).toString('base64')}`,
  TEMPORAL_TLS: 'on',
  PUBLIC_URL: 'https://amparo.example.gov',
};

/** Runs a process's entry point with the environment given; its exit code and what it wrote (null: still running after the wait). */
function run(entry: string, env: Record<string, string>, waitMs = 20_000): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', entry], {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      resolve({ code: null, output });
    }, waitMs);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    });
  });
}

describe('production mode', () => {
  it('names every setting unfit for production, and none once they are set', () => {
    const problems = unsafeSettings(loadConfig({ AMPARO_ENV: 'production' }));
    expect(problems.map((p) => p.split(' ')[0])).toEqual([
      'PII_HASH_KEY',
      'PII_MASTER_KEYS',
      'BANK_CALLBACK_SECRET',
      'WALLET_CALLBACK_SECRET',
      'TEMPORAL_PAYLOAD_KEYS',
      'TEMPORAL_TLS',
      'PUBLIC_URL',
    ]);
    expect(unsafeSettings(loadConfig(SAFE))).toEqual([]);
  });

  it('refuses the development hash key while it is listed, even after a new one', () => {
    const newHashKey = `hk2:${Buffer.alloc(32, 5).toString('base64')}`;
    const rotating = unsafeSettings(loadConfig({ ...SAFE, PII_HASH_KEYS: newHashKey, PII_HASH_KEY: DEV_PII_HASH_KEY }));
    expect(rotating.map((p) => p.split(' ')[0])).toEqual(['PII_HASH_KEY']);
    const { PII_HASH_KEY: _legacy, ...withoutLegacy } = SAFE;
    expect(unsafeSettings(loadConfig({ ...withoutLegacy, PII_HASH_KEYS: newHashKey }))).toEqual([]);
  });

  it.each(['web/main.ts', 'workers/temporal-worker.ts', 'workers/queue-worker.ts'])(
    '%s refuses to start in production on development defaults, naming them',
    async (entry) => {
      // A port nobody uses: should the web start after all, it must not take another's.
      const { code, output } = await run(entry, { AMPARO_ENV: 'production', WEB_PORT: '39123', QUEUE_PREFIX: 'amparo-prod-check' });
      expect(code).not.toBe(0);
      expect(code).not.toBeNull();
      for (const name of ['PII_HASH_KEY', 'PII_MASTER_KEYS', 'BANK_CALLBACK_SECRET', 'TEMPORAL_PAYLOAD_KEYS', 'TEMPORAL_TLS', 'PUBLIC_URL'])
        expect(output).toContain(name);
      // The keys' values are never printed.
      expect(output).not.toContain('amparo-dev-only');
      expect(output).not.toContain(DEV_TEMPORAL_PAYLOAD_KEYS.split(':')[1]);
    },
    30_000,
  );

  it('reads the TLS files it is given, and refuses a certificate without its key', () => {
    expect(temporalTls({ TEMPORAL_TLS: 'off' })).toBeUndefined();
    expect(temporalTls({ TEMPORAL_TLS: 'on' })).toEqual({});
    expect(() => temporalTls({ TEMPORAL_TLS: 'on', TEMPORAL_TLS_CERT_FILE: '/nonexistent.crt' })).toThrow(/go together/);
  });

  describe('staff cookies', () => {
    const webs: TestWeb[] = [];
    afterAll(async () => {
      for (const w of webs) await w.close();
    });
    const signInCookie = async (env: Record<string, string>) => {
      const w = await startTestWeb({ env });
      webs.push(w);
      const res = await w.app.inject({ method: 'GET', url: '/admin/sign-in' });
      return String(res.headers['set-cookie']);
    };

    it('are Secure in production even on a request that came over plain HTTP, and not on a developer machine', async () => {
      expect(await signInCookie({ AMPARO_ENV: 'production' })).toMatch(/;\s*Secure/i);
      expect(await signInCookie({})).not.toMatch(/;\s*Secure/i);
    });
  });
});
