// The payment's one idempotency key, derived from (program, cycle, beneficiary, entitlement version).
// It is the ISO 20022 EndToEndId (Max35Text), the wallet X-CorrelationID and a unique database row,
// so a payment keeps the same identity through every retry, resend and callback.
import { createHash } from 'node:crypto';

export interface PaymentKeyParts {
  programId: string;
  cycleId: string;
  beneficiaryId: string;
  entitlementVersion: number;
}

/** 32 lowercase hex characters (128 bits of SHA-256): fits EndToEndId's 35 characters. */
export function paymentKey(p: PaymentKeyParts): string {
  if (!Number.isInteger(p.entitlementVersion) || p.entitlementVersion < 1) {
    throw new Error('entitlementVersion must be a positive integer');
  }
  // A JSON array is an unambiguous encoding: no choice of IDs makes two payments' inputs equal.
  return createHash('sha256')
    .update(JSON.stringify([p.programId, p.cycleId, p.beneficiaryId, p.entitlementVersion]))
    .digest('hex')
    .slice(0, 32);
}
