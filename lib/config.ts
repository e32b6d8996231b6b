// Every setting Amparo reads from the environment, with its default, in one place.
// Defaults target a developer machine: services on localhost, the `amparo` databases.
import { createSecretKey, type KeyObject } from 'node:crypto';
import { z } from 'zod';
// With its extension: vitest.config.ts loads this file natively, outside tsx.
import { parseTrustProxy } from './trust-proxy.ts';

const port = z.coerce.number().int().min(1).max(65535);

/** The development default of PII_HASH_KEY (hash key hk1): published here, so production refuses it. */
export const DEV_PII_HASH_KEY = 'amparo-dev-only-pii-hash-key';
/**
 * The id of the hash key PII_HASH_KEY holds: the key of every hash stored before hashes named their key
 * (schema/migrations/20261215100000_versioned_hashes).
 */
export const LEGACY_HASH_KEY_ID = 'hk1';
/** The development master key of personal fields (lib/field-encryption.ts): published here, so production refuses it. */
export const DEV_PII_MASTER_KEYS = 'dev1:e1YPzqjrslkJ5dMzbLW5y+5sphz4zKse3twIZmefyXE=';
/** Development defaults of the rails' callback secrets, shared by the simulators and the web server. */
export const DEV_BANK_CALLBACK_SECRET = 'amparo-dev-only-bank-callback-secret';
export const DEV_WALLET_CALLBACK_SECRET = 'amparo-dev-only-wallet-callback-secret';
/** The development key of what Temporal stores (lib/payload-codec.ts): published here, so production refuses it. */
export const DEV_TEMPORAL_PAYLOAD_KEYS = 'dev1:YW1wYXJvLWRldi10ZW1wb3JhbC1wYXlsb2Fkcy0zMmI=';

/**
 * A key under its id (Temporal's payload keys, personal fields' master keys): the id travels with what it
 * sealed; the key is a KeyObject, which never prints its bytes.
 */
export interface NamedKey {
  id: string;
  key: KeyObject;
}

/** "id:<base64 of 32 bytes>[,id:...]" as keys, or the problem (naming key ids, never a key). */
function parseNamedKeys(text: string): NamedKey[] | string {
  const keys: NamedKey[] = [];
  for (const entry of text.split(',')) {
    const [id = '', encoded = '', ...rest] = entry.trim().split(':');
    // Without its colon, what looks like an id may be a key pasted alone: then nothing of it is repeated.
    if (!/^[\w.-]{1,40}$/.test(id) || !encoded || rest.length) return 'each key is "id:<base64 of 32 bytes>", comma-separated';
    const bytes = /^[A-Za-z0-9+/]+={0,2}$/.test(encoded) ? Buffer.from(encoded, 'base64') : Buffer.alloc(0);
    if (bytes.length !== 32) return `key ${id} is not the base64 of 32 bytes (AES-256)`;
    if (keys.some((k) => k.id === id)) return `key id ${id} is given twice`;
    keys.push({ id, key: createSecretKey(bytes) });
  }
  return keys;
}

/** A key list setting as keys, or a refusal naming the problem and never a key. */
function namedKeys(text: string, ctx: z.RefinementCtx): NamedKey[] {
  const parsed = parseNamedKeys(text);
  if (typeof parsed !== 'string') return parsed;
  ctx.issues.push({ code: 'custom', message: parsed, input: '(hidden)' });
  return z.NEVER;
}

const EnvSchema = z.object({
  /**
   * Amparo's database, as the role every process uses (web, workers, scripts): it reads and writes rows and
   * cannot alter a table or disable a trigger (scripts/database-roles.ts). Tests use the same name + `_test`.
   */
  DATABASE_URL: z.string().default('postgresql://amparo_app:amparo_app@127.0.0.1:5432/amparo'),
  /** The same database as its owner, for migrations only. Default: DATABASE_URL's server and database as amparo_owner. */
  DATABASE_OWNER_URL: z.string().optional(),
  /**
   * A superuser of DATABASE_URL's server, used by `scripts/services.sh up` alone, to create the roles and the
   * databases. Default: postgres:postgres on DATABASE_URL's server, database `postgres`.
   */
  DATABASE_ADMIN_URL: z.string().optional(),
  REDIS_URL: z.string().default('redis://127.0.0.1:6379'),
  /** BullMQ key prefix: lets dev and test runs share one Redis without seeing each other's jobs. */
  QUEUE_PREFIX: z.string().default('amparo'),
  TEMPORAL_ADDRESS: z.string().default('127.0.0.1:7233'),
  TEMPORAL_NAMESPACE: z.string().default('default'),
  TEMPORAL_TASK_QUEUE: z.string().default('amparo'),
  /**
   * TLS to Temporal (required in production: lib/startup-checks.ts). 'on' with the system's CAs, or the CA
   * given; a client certificate and key (both, or neither) for mutual TLS. Files, read at start.
   */
  TEMPORAL_TLS: z.enum(['on', 'off']).default('off'),
  TEMPORAL_TLS_CA_FILE: z.string().optional(),
  TEMPORAL_TLS_CERT_FILE: z.string().optional(),
  TEMPORAL_TLS_KEY_FILE: z.string().optional(),
  /**
   * Keys that encrypt every payload Amparo gives Temporal (inputs, results, failure messages: lib/payload-codec.ts),
   * "id:<base64 of 32 bytes>", comma-separated: the first encrypts, every one decrypts. To rotate, put a new key
   * first and keep the old ones while histories encrypted under them are kept. Set secret ones in production.
   */
  TEMPORAL_PAYLOAD_KEYS: z.string().default(DEV_TEMPORAL_PAYLOAD_KEYS).transform(namedKeys),
  /** The Temporal UI allowed to call the codec endpoint from the browser (CORS, web/api/temporal-codec.ts). */
  TEMPORAL_UI_ORIGIN: z.string().default('http://127.0.0.1:8233'),
  WEB_PORT: port.default(3000),
  /** Base URL the rails call back to (bank callbacks land on the web server). */
  PUBLIC_URL: z.string().default('http://127.0.0.1:3000'),
  REGISTRY_SIM_PORT: port.default(4001),
  REGISTRY_SIM_URL: z.string().default('http://127.0.0.1:4001'),
  BANK_SIM_PORT: port.default(4002),
  BANK_SIM_URL: z.string().default('http://127.0.0.1:4002'),
  BANK_SIM_DATABASE_URL: z.string().default('postgresql://amparo_bank_sim:amparo_bank_sim@127.0.0.1:5432/amparo_bank'),
  SMS_SIM_PORT: port.default(4003),
  SMS_SIM_URL: z.string().default('http://127.0.0.1:4003'),
  /** The SMS gateway simulator's own message log. */
  SMS_SIM_DATABASE_URL: z.string().default('postgresql://amparo_sms_sim:amparo_sms_sim@127.0.0.1:5432/amparo_sms'),
  WALLET_SIM_PORT: port.default(4004),
  WALLET_SIM_URL: z.string().default('http://127.0.0.1:4004'),
  /** The mobile-wallet provider simulator's own ledger. */
  WALLET_SIM_DATABASE_URL: z.string().default('postgresql://amparo_wallet_sim:amparo_wallet_sim@127.0.0.1:5432/amparo_wallet'),
  /** Per request to a rail; a send that times out may still have been committed (the rail is asked before a resend). */
  RAIL_TIMEOUT_MS: z.coerce.number().int().min(100).default(30_000),
  /**
   * Check every account with its rail right before its batch leaves, holding back what it does not confirm
   * (activities/pre-payment-check.ts). "off" leaves only the check at enrolment (the cycle benchmark compares).
   */
  PRE_PAYMENT_ACCOUNT_CHECK: z.enum(['on', 'off']).default('on'),
  /**
   * Keys of the HMACs that turn national IDs, birth dates, phones, accounts, requests and one-time codes
   * into look-up hashes (lib/pii.ts HashKeys), "id:<base64 of 32 bytes>", comma-separated: the first hashes
   * what is written, every one is tried by look-ups; each stored hash names its key ("<id>.<hex>"). To
   * rotate, put a new key first and run `npm run keys:rotate -- --rehash`. Unset: PII_HASH_KEY alone.
   */
  PII_HASH_KEYS: z
    .string()
    .optional()
    .transform((text, ctx) => (text === undefined ? [] : namedKeys(text, ctx))),
  /**
   * The secret of hash key hk1, the one key before PII_HASH_KEYS: listed after PII_HASH_KEYS when set, and
   * alone (the development default if unset) when PII_HASH_KEYS is not. Set a secret one in production.
   */
  PII_HASH_KEY: z.string().min(16).optional(),
  /**
   * Master keys that wrap the data keys of personal fields (lib/field-encryption.ts): "id:<base64 of 32
   * bytes>", comma-separated, the first wraps and all unwrap. To rotate, put a new key first and run
   * `npm run keys:rotate` (it re-wraps every data key); then the old one can go.
   */
  PII_MASTER_KEYS: z.string().default(DEV_PII_MASTER_KEYS).transform(namedKeys),
  /**
   * Keys the rails sign their callbacks with (HMAC-SHA256, lib/callback-signature.ts): one per rail, known
   * to the rail and to the web server. Set secret ones in production.
   */
  BANK_CALLBACK_SECRET: z.string().min(16).default(DEV_BANK_CALLBACK_SECRET),
  WALLET_CALLBACK_SECRET: z.string().min(16).default(DEV_WALLET_CALLBACK_SECRET),
  /** Applications a decision batch takes at most, if not workflows/settings.ts's DECISION_BATCH_SIZE (the registry search takes 2,000). */
  DECISION_BATCH_SIZE: z.coerce.number().int().min(1).max(2000).optional(),
  /** Rate limits changed from web/http/rate-limits.ts's, e.g. 'intakePerIp=5000/60' for a load test. */
  RATE_LIMITS: z.string().default(''),
  LOG_LEVEL: z.enum(['debug', 'info', 'warn', 'error']).default('info'),
  /**
   * 'production' makes what is optional on a developer's machine required: a TOTP second factor for the
   * staff who move money (ADMIN, APPROVER, FINANCE) when they sign in to the admin pages, and secret keys,
   * TLS to Temporal and an https PUBLIC_URL (Secure cookies) before any process starts (lib/startup-checks.ts).
   */
  AMPARO_ENV: z.enum(['development', 'production']).default('development'),
  /**
   * The proxies believed about the client's protocol and address (X-Forwarded-Proto, X-Forwarded-For):
   * off (default), 'true' (every hop), a hop count, or addresses and ranges. See lib/trust-proxy.ts.
   */
  TRUST_PROXY: z
    .string()
    .default('')
    .transform((text, ctx) => {
      const parsed = parseTrustProxy(text);
      if (parsed.ok) return parsed.value;
      ctx.issues.push({ code: 'custom', message: parsed.problem, input: text });
      return z.NEVER;
    }),
});

/**
 * The database roles' URLs default to DATABASE_URL's server (README: database roles). The hash keys are one
 * list: PII_HASH_KEYS, then hk1 (PII_HASH_KEY) if set or if nothing else is.
 */
const ConfigSchema = EnvSchema.transform((env, ctx) => {
  const { PII_HASH_KEY, ...c } = env;
  if (c.PII_HASH_KEYS.some((k) => k.id === LEGACY_HASH_KEY_ID)) {
    ctx.issues.push({
      code: 'custom',
      message: `key id ${LEGACY_HASH_KEY_ID} is PII_HASH_KEY's`,
      path: ['PII_HASH_KEYS'],
      input: '(hidden)',
    });
    return z.NEVER;
  }
  const legacy = PII_HASH_KEY ?? (c.PII_HASH_KEYS.length ? undefined : DEV_PII_HASH_KEY);
  const hashKeys: NamedKey[] = [
    ...c.PII_HASH_KEYS,
    ...(legacy === undefined ? [] : [{ id: LEGACY_HASH_KEY_ID, key: createSecretKey(Buffer.from(legacy, 'utf8')) }]),
  ];
  try {
    return {
      ...c,
      PII_HASH_KEYS: hashKeys,
      DATABASE_OWNER_URL: c.DATABASE_OWNER_URL ?? withLogin(c.DATABASE_URL, 'amparo_owner', 'amparo_owner'),
      DATABASE_ADMIN_URL: c.DATABASE_ADMIN_URL ?? withLogin(c.DATABASE_URL, 'postgres', 'postgres', 'postgres'),
    };
  } catch {
    ctx.issues.push({ code: 'custom', message: 'not a URL', path: ['DATABASE_URL'], input: '(hidden)' });
    return z.NEVER;
  }
});

/** `url` (a database URL) with another user and password, and database if given: the roles' URLs default to DATABASE_URL's server. */
function withLogin(url: string, user: string, password: string, database?: string): string {
  const u = new URL(url);
  u.username = user;
  u.password = password;
  if (database) u.pathname = `/${database}`;
  return u.toString();
}

export type Config = z.infer<typeof ConfigSchema>;

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = ConfigSchema.safeParse(env);
  if (!parsed.success) {
    const fields = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new Error(`Invalid configuration: ${fields}`);
  }
  return parsed.data;
}
