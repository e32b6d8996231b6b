import { describe, expect, it } from 'vitest';
import { paymentKey } from '../domain/payment-key';

const parts = { programId: 'p-1', cycleId: 'c-1', beneficiaryId: 'b-1', entitlementVersion: 1 };

describe('payment key', () => {
  it('is the same for the same payment, every time', () => {
    expect(paymentKey(parts)).toBe(paymentKey({ ...parts }));
  });

  it('fits an ISO 20022 EndToEndId (Max35Text) as lowercase hex', () => {
    expect(paymentKey(parts)).toMatch(/^[0-9a-f]{32}$/);
  });

  it('changes with each part of its identity', () => {
    const keys = new Set([
      paymentKey(parts),
      paymentKey({ ...parts, programId: 'p-2' }),
      paymentKey({ ...parts, cycleId: 'c-2' }),
      paymentKey({ ...parts, beneficiaryId: 'b-2' }),
      paymentKey({ ...parts, entitlementVersion: 2 }),
    ]);
    expect(keys.size).toBe(5);
  });

  it('cannot be confused by separators inside the parts', () => {
    expect(paymentKey({ ...parts, programId: 'a|b', cycleId: 'c' })).not.toBe(paymentKey({ ...parts, programId: 'a', cycleId: 'b|c' }));
  });

  it('rejects an entitlement version that is not a positive integer', () => {
    expect(() => paymentKey({ ...parts, entitlementVersion: 0 })).toThrow();
    expect(() => paymentKey({ ...parts, entitlementVersion: 1.5 })).toThrow();
  });
});
