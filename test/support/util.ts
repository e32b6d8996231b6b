// Small helpers shared by tests: unique ids (tests never collide, so nothing is truncated) and polling.
import { randomBytes } from 'node:crypto';

export const uid = (prefix: string): string => `${prefix}-${randomBytes(8).toString('hex')}`;

export async function waitFor<T>(
  probe: () => Promise<T | undefined | null | false> | T | undefined | null | false,
  timeoutMs = 10_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error('waitFor: timed out');
    await new Promise((r) => setTimeout(r, 20));
  }
}
