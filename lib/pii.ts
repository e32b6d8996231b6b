// Personal data handling: national IDs, birth dates, phones and accounts are compared by keyed hashes
// (HMAC-SHA256), so lookups and uniqueness never need the values in clear; and shown masked. Each stored hash
// names its key ("<key id>.<hex>", HashKeys below), so the hash key can be rotated: the first key hashes what is
// written, look-ups try every key listed (lib/hash-rotation.ts moves stored hashes to the first).
import { createHmac, timingSafeEqual, type KeyObject } from 'node:crypto';
import type { Config, NamedKey } from './config';

/** An HMAC key: a configured key, or (tests, rate limits) a secret as text. */
export type HashKey = KeyObject | string;

const hmac = (key: HashKey, input: string) => createHmac('sha256', key).update(input).digest('hex');

/** One kind of keyed hash (below): its hex digest of the arguments under a key. */
export type Hasher<A extends unknown[]> = (key: HashKey, ...args: A) => string;

/**
 * The hash keys of PII_HASH_KEYS, the one place a stored hash's key id is written and read. `current` is what
 * to store (under the first key); `all` is what to look up while hashes under older keys remain, the first
 * key's first: `where: { nationalIdHash: { in: hashes.all(nationalIdHash, country, id) } }`.
 */
export class HashKeys {
  private readonly byId: ReadonlyMap<string, NamedKey>;

  constructor(private readonly keys: readonly NamedKey[]) {
    if (keys.length === 0) throw new Error('no hash key configured (PII_HASH_KEYS)');
    this.byId = new Map(keys.map((k) => [k.id, k]));
  }

  /** The id of the key that hashes what is written. */
  get currentId(): string {
    return this.keys[0]!.id;
  }

  /** Every key id, the current first. */
  get ids(): string[] {
    return this.keys.map((k) => k.id);
  }

  /** The hash to store: under the first key, named by it. */
  current<A extends unknown[]>(hash: Hasher<A>, ...args: A): string {
    return HashKeys.named(this.keys[0]!, hash, args);
  }

  /** The hash under every key listed, the current first: what a look-up searches. */
  all<A extends unknown[]>(hash: Hasher<A>, ...args: A): string[] {
    return this.keys.map((k) => HashKeys.named(k, hash, args));
  }

  /** Whether a stored hash is of these arguments, under the key it names (compared in constant time). */
  matches<A extends unknown[]>(stored: string, hash: Hasher<A>, ...args: A): boolean {
    const key = this.byId.get(HashKeys.keyId(stored) ?? '');
    if (!key) return false;
    const [expected, given] = [Buffer.from(stored), Buffer.from(HashKeys.named(key, hash, args))];
    return expected.length === given.length && timingSafeEqual(expected, given);
  }

  /** Whether a stored hash is under the first key (nothing to re-hash). */
  isCurrent(stored: string): boolean {
    return HashKeys.keyId(stored) === this.currentId;
  }

  /** Whether a stored hash is under one of these keys (one that is not can be compared with nothing). */
  holds(stored: string): boolean {
    return this.byId.has(HashKeys.keyId(stored) ?? '');
  }

  /** The key id a stored hash names; null for a value that is no versioned hash. */
  static keyId(stored: string): string | null {
    return /^([\w.-]{1,40})\.[0-9a-f]{64}$/.exec(stored)?.[1] ?? null;
  }

  private static named<A extends unknown[]>(key: NamedKey, hash: Hasher<A>, args: A): string {
    return `${key.id}.${hash(key.key, ...args)}`;
  }
}

const loadedHashKeys = new WeakMap<readonly NamedKey[], HashKeys>();

/** The process's hash keys (PII_HASH_KEYS, with PII_HASH_KEY as hk1: lib/config.ts), built once per configuration. */
export function hashKeys(config: Pick<Config, 'PII_HASH_KEYS'>): HashKeys {
  let keys = loadedHashKeys.get(config.PII_HASH_KEYS);
  if (!keys) loadedHashKeys.set(config.PII_HASH_KEYS, (keys = new HashKeys(config.PII_HASH_KEYS)));
  return keys;
}

export function nationalIdHash(key: HashKey, country: string, nationalId: string): string {
  return hmac(key, `${country}:${nationalId}`);
}

/** A date of birth (YYYY-MM-DD): proves an applicant at the status page and blocks probable duplicates. */
export function birthDateHash(key: HashKey, isoDate: string): string {
  return hmac(key, `birth:${isoDate.slice(0, 10)}`);
}

export function phoneHash(key: HashKey, e164: string): string {
  return hmac(key, `phone:${e164}`);
}

export type AccountDetails = { rail: 'BANK'; bankCode: string; accountNumber: string } | { rail: 'WALLET'; msisdn: string };

/** One key per real account: finds a bank account or wallet that two households both give. */
export function accountKey(key: HashKey, account: AccountDetails): string {
  return hmac(
    key,
    account.rail === 'BANK'
      ? `account:BANK:${account.bankCode}:${account.accountNumber.replace(/^0+/, '')}`
      : `account:WALLET:${account.msisdn}`,
  );
}

/**
 * A request's fingerprint, for an Idempotency-Key: the same validated input gives the same hash, whatever
 * the order of its keys; keyed, because the input is personal data.
 */
export function requestHash(key: HashKey, input: unknown): string {
  return hmac(key, `request:${canonicalJson(input)}`);
}

function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined);
    return `{${entries
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`)
      .join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/** "52998224725" → "*******4725": enough for a person to recognise their own number. */
export function mask(value: string, visible = 4): string {
  if (value.length <= visible) return '*'.repeat(value.length);
  return '*'.repeat(value.length - visible) + value.slice(-visible);
}

/** An account as staff see it: the bank code and the last four digits, or the wallet's last four. */
export interface MaskedAccount {
  rail: 'BANK' | 'WALLET';
  bankCode: string | null;
  lastFour: string;
  /** "Bank 001, account ****4321" or "Wallet ****0042". */
  label: string;
}

export function maskedAccount(a: {
  rail: 'BANK' | 'WALLET';
  bankCode: string | null;
  accountNumber: string | null;
  msisdn: string | null;
}): MaskedAccount {
  const number = (a.rail === 'BANK' ? a.accountNumber : a.msisdn) ?? '';
  // The last four of a number of four digits or fewer would be all of it: then none is shown.
  const lastFour = number.length > 4 ? number.slice(-4) : '';
  return a.rail === 'BANK'
    ? { rail: 'BANK', bankCode: a.bankCode, lastFour, label: `Bank ${a.bankCode ?? '?'}, account ****${lastFour}` }
    : { rail: 'WALLET', bankCode: null, lastFour, label: `Wallet ****${lastFour}` };
}
