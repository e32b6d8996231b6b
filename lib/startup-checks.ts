// What a process checks before it starts. In production it fails closed: a development key or secret (the
// hash key that protects national IDs, the rails' callback secrets, the master key of personal fields, the key of Temporal's payloads),
// Temporal without TLS, or a public address that is not https (staff cookies are Secure) stops it, naming
// every problem at once. On a developer's machine the same findings are warnings.
import { createSecretKey, type KeyObject } from 'node:crypto';
import {
  DEV_BANK_CALLBACK_SECRET,
  DEV_PII_HASH_KEY,
  DEV_PII_MASTER_KEYS,
  DEV_TEMPORAL_PAYLOAD_KEYS,
  DEV_WALLET_CALLBACK_SECRET,
  type Config,
  type NamedKey,
} from './config';
import type { Logger } from './logger';

type Checked = Pick<
  Config,
  | 'AMPARO_ENV'
  | 'PII_HASH_KEYS'
  | 'PII_MASTER_KEYS'
  | 'BANK_CALLBACK_SECRET'
  | 'WALLET_CALLBACK_SECRET'
  | 'TEMPORAL_PAYLOAD_KEYS'
  | 'TEMPORAL_TLS'
  | 'PUBLIC_URL'
>;

/** A development key list's key (one key: "id:<base64>"). */
const devKey = (setting: string) => createSecretKey(Buffer.from(setting.split(':')[1] ?? '', 'base64'));
const [DEV_PAYLOAD_KEY, DEV_MASTER_KEY] = [devKey(DEV_TEMPORAL_PAYLOAD_KEYS), devKey(DEV_PII_MASTER_KEYS)];
const DEV_HASH_KEY = createSecretKey(Buffer.from(DEV_PII_HASH_KEY, 'utf8'));
/** The development key among them, under any id: it is published, so what it seals anyone can read. */
const holds = (keys: readonly NamedKey[], dev: KeyObject) => keys.some((k) => k.key.equals(dev));

/** Every setting not fit for production, as sentences naming the setting (whatever AMPARO_ENV says). */
export function unsafeSettings(config: Checked): string[] {
  const problems: string[] = [];
  // Listed at all, even after a new key: the hashes it made (and will find) are anyone's to compute.
  if (holds(config.PII_HASH_KEYS, DEV_HASH_KEY))
    problems.push(
      'PII_HASH_KEY is the development default (hash key hk1): set a secret one, or PII_HASH_KEYS (and no PII_HASH_KEY once nothing is under hk1)',
    );
  // Every personal field is sealed under data keys this one wraps.
  if (holds(config.PII_MASTER_KEYS, DEV_MASTER_KEY))
    problems.push('PII_MASTER_KEYS holds the development key: set secret master keys (id:<base64 of 32 bytes>)');
  // With a published key anyone can sign a callback: it still marks nothing paid, but it gets past the door.
  if (config.BANK_CALLBACK_SECRET === DEV_BANK_CALLBACK_SECRET)
    problems.push("BANK_CALLBACK_SECRET is the development default: set the bank's secret key");
  if (config.WALLET_CALLBACK_SECRET === DEV_WALLET_CALLBACK_SECRET)
    problems.push("WALLET_CALLBACK_SECRET is the development default: set the wallet provider's secret key");
  if (holds(config.TEMPORAL_PAYLOAD_KEYS, DEV_PAYLOAD_KEY))
    problems.push('TEMPORAL_PAYLOAD_KEYS holds the development key: set secret keys (id:<base64 of 32 bytes>)');
  if (config.TEMPORAL_TLS !== 'on')
    problems.push('TEMPORAL_TLS is off: reach Temporal over TLS (TEMPORAL_TLS=on; a client certificate and key for mutual TLS)');
  if (!config.PUBLIC_URL.startsWith('https://'))
    problems.push('PUBLIC_URL is not https: staff sign in with Secure cookies, which browsers send over HTTPS only');
  return problems;
}

/** Throws (production) or warns (development) about the settings unfit for production. */
export function checkStartup(config: Checked, log: Logger): void {
  const problems = unsafeSettings(config);
  if (problems.length === 0) return;
  if (config.AMPARO_ENV === 'production') throw new Error(`Refusing to start in production: ${problems.join('; ')}`);
  // Plain HTTP and a local Temporal are what a developer's machine has: only the keys are worth a warning.
  for (const p of problems.filter((p) => !p.startsWith('TEMPORAL_TLS') && !p.startsWith('PUBLIC_URL')))
    log.warn(`${p} outside development`);
}
