// Personal data handling: national IDs are looked up by a keyed hash, and shown masked.
import { createHmac } from 'node:crypto';

export function nationalIdHash(key: string, country: string, nationalId: string): string {
  return createHmac('sha256', key).update(`${country}:${nationalId}`).digest('hex');
}

/** "52998224725" → "*******4725": enough for a person to recognise their own number. */
export function mask(value: string, visible = 4): string {
  if (value.length <= visible) return '*'.repeat(value.length);
  return '*'.repeat(value.length - visible) + value.slice(-visible);
}
