// Personal data handling: national IDs, phones and accounts are compared by keyed hashes (HMAC-SHA256),
// so lookups and uniqueness never need the values in clear; and shown masked.
import { createHmac } from 'node:crypto';

const hmac = (key: string, input: string) => createHmac('sha256', key).update(input).digest('hex');

export function nationalIdHash(key: string, country: string, nationalId: string): string {
  return hmac(key, `${country}:${nationalId}`);
}

/** A date of birth (YYYY-MM-DD): proves an applicant at the status page and blocks probable duplicates. */
export function birthDateHash(key: string, isoDate: string): string {
  return hmac(key, `birth:${isoDate.slice(0, 10)}`);
}

export function phoneHash(key: string, e164: string): string {
  return hmac(key, `phone:${e164}`);
}

export type AccountDetails = { rail: 'BANK'; bankCode: string; accountNumber: string } | { rail: 'WALLET'; msisdn: string };

/** One key per real account: finds a bank account or wallet that two households both give. */
export function accountKey(key: string, account: AccountDetails): string {
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
export function requestHash(key: string, input: unknown): string {
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
