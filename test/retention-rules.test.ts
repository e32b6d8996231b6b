// The retention rules as pure functions (domain/retention.ts): when an application's personal fields are due
// for erasure, and what keeps them (a decision still to make, a household still enrolled, money that may
// still move to it).
import { describe, expect, it } from 'vitest';
import { erasureBlock, moneyMayMove, retentionCutoffs, retentionEnd, type RetentionSubject } from '../domain/retention';

const DAY = 24 * 3600_000;
const at = (iso: string) => new Date(iso);
const periods = { rejectedRetentionDays: 90, leftRetentionDays: 365 };
const rejected: RetentionSubject = {
  status: 'REJECTED',
  appealDeadline: at('2026-01-31T12:00:00Z'),
  decidedAt: at('2026-01-01T12:00:00Z'),
  createdAt: at('2025-12-30T08:00:00Z'),
  household: null,
};

describe('retentionEnd', () => {
  it('keeps a rejected application for the program’s days after its appeal window closed', () => {
    expect(retentionEnd(rejected, periods)).toEqual({ rule: 'REJECTED', at: new Date(at('2026-01-31T12:00:00Z').getTime() + 90 * DAY) });
  });

  it('counts from the decision, then the receipt, when a rejection has no appeal window (lapsed, closed by hand)', () => {
    expect(retentionEnd({ ...rejected, appealDeadline: null }, periods)?.at).toEqual(
      new Date(at('2026-01-01T12:00:00Z').getTime() + 90 * DAY),
    );
    expect(retentionEnd({ ...rejected, appealDeadline: null, decidedAt: null }, periods)?.at).toEqual(
      new Date(at('2025-12-30T08:00:00Z').getTime() + 90 * DAY),
    );
  });

  it('keeps an enrolled household’s data until it has left the program for the program’s days', () => {
    const enrolled: RetentionSubject = {
      ...rejected,
      status: 'ENROLLED',
      appealDeadline: null,
      household: { status: 'ACTIVE', leftAt: null },
    };
    expect(retentionEnd(enrolled, periods)).toBeNull();
    expect(retentionEnd({ ...enrolled, household: { status: 'SUSPENDED', leftAt: null } }, periods)).toBeNull();
    const left = { ...enrolled, household: { status: 'REMOVED' as const, leftAt: at('2026-03-01T00:00:00Z') } };
    expect(retentionEnd(left, periods)).toEqual({ rule: 'LEFT', at: new Date(at('2026-03-01T00:00:00Z').getTime() + 365 * DAY) });
  });

  it('has no end while the application is being decided', () => {
    for (const status of ['RECEIVED', 'VERIFYING', 'NEEDS_REVIEW', 'APPEALED'] as const)
      expect(retentionEnd({ ...rejected, status }, periods), status).toBeNull();
  });

  it('agrees with the cutoffs the daily run compares with: due exactly when the end has passed', () => {
    const end = retentionEnd(rejected, periods)!.at;
    for (const now of [new Date(end.getTime() - 1), end, new Date(end.getTime() + 1)]) {
      const due = rejected.appealDeadline! <= retentionCutoffs(periods, now).rejectedBefore;
      expect(due, now.toISOString()).toBe(end <= now);
    }
    const left = at('2026-03-01T00:00:00Z');
    expect(retentionCutoffs(periods, new Date(left.getTime() + 365 * DAY)).leftBefore).toEqual(left);
  });
});

describe('erasureBlock', () => {
  const free = { status: 'REJECTED' as const, household: null, paymentsInFlight: 0 };

  it('lets a decided application without a household or money in flight be erased', () => {
    expect(erasureBlock(free)).toBeNull();
    expect(erasureBlock({ ...free, status: 'ENROLLED', household: { status: 'REMOVED', leftAt: new Date() } })).toBeNull();
  });

  it('refuses while the application is being decided, its household is enrolled, or money may still move to it', () => {
    expect(erasureBlock({ ...free, status: 'APPEALED' })).toBe('being_decided');
    expect(erasureBlock({ ...free, status: 'ENROLLED', household: { status: 'ACTIVE', leftAt: null } })).toBe('household_enrolled');
    expect(erasureBlock({ ...free, status: 'ENROLLED', household: { status: 'SUSPENDED', leftAt: null } })).toBe('household_enrolled');
    expect(erasureBlock({ ...free, status: 'ENROLLED', household: { status: 'REMOVED', leftAt: new Date() }, paymentsInFlight: 1 })).toBe(
      'money_in_flight',
    );
  });
});

describe('moneyMayMove', () => {
  it('is true of a payment not yet settled, and of a failed or held one until its re-issue has run', () => {
    for (const status of ['CREATED', 'SUBMITTED', 'NEEDS_ATTENTION'] as const)
      expect(moneyMayMove({ status, reissueCycleStatus: null }), status).toBe(true);
    for (const status of ['FAILED', 'HELD'] as const) {
      expect(moneyMayMove({ status, reissueCycleStatus: null }), status).toBe(true);
      expect(moneyMayMove({ status, reissueCycleStatus: 'APPROVED' }), status).toBe(true);
      expect(moneyMayMove({ status, reissueCycleStatus: 'COMPLETED' }), status).toBe(false);
    }
    for (const status of ['PAID', 'CANCELLED'] as const) expect(moneyMayMove({ status, reissueCycleStatus: null }), status).toBe(false);
  });
});
