// The table of how a payment may change (domain/payment-transitions.ts) and the classification rules
// (domain/reconciliation-classes.ts): the SQL the matching runs is generated from the rules, and this file
// holds the two to the same answer for every combination of facts; then a property test plays random
// sequences of rail outcomes, statement lines, resolutions and re-issues against the table, with a rail that
// keeps its own ledger, and checks that every change posts a balanced movement and no entitlement is ever
// credited twice.
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../lib/config';
import { createDb } from '../lib/db';
import {
  HELD_IN,
  INSTRUCTION_STATUSES,
  movement,
  RESOLUTIONS,
  resolutionsFor,
  TRANSITIONS,
  type Evidence,
  type InstructionStatus,
  type RailStatus,
} from '../domain/payment-transitions';
import { classificationSql, classify, isBreakClass, type MatchFacts } from '../domain/reconciliation-classes';

const db = createDb(loadConfig().DATABASE_URL, 2);
afterAll(() => db.$disconnect());

describe('the classification rules and their SQL', () => {
  const OURS: InstructionStatus[] = ['SUBMITTED', 'PAID', 'FAILED', 'NEEDS_ATTENTION'];
  const RAIL: Array<RailStatus | null> = [null, 'PAID', 'FAILED', 'PENDING', 'UNKNOWN'];
  const rows: Array<MatchFacts & { i: number }> = [];
  for (const ourStatus of OURS)
    for (const railStatus of RAIL)
      for (const payments of [0, 1, 2])
        for (const reversals of [0, 1])
          for (const amountDiffers of payments + reversals > 0 ? [false, true] : [false])
            for (const pastDeadline of [false, true])
              rows.push({ i: rows.length, ourStatus, railStatus, payments, reversals, amountDiffers, pastDeadline });

  it('give the same class to every combination of facts', async () => {
    // Each row as the matching query sees it: o (ours), rr (the rail's report) and l (the key's statement lines).
    const values = rows
      .map(
        (r) =>
          `(${r.i}, '${r.ourStatus}', 100.00, ${r.pastDeadline ? "now() - interval '2 days'" : 'now()'}, ${r.railStatus ? `'${r.railStatus}'` : 'NULL'}, ` +
          `${r.payments + r.reversals > 0 ? r.payments : 'NULL'}, ${r.payments + r.reversals > 0 ? r.reversals : 'NULL'}, ` +
          `${r.payments + r.reversals > 0 ? (r.amountDiffers ? '99.00' : '100.00') : 'NULL'}, ${r.payments + r.reversals > 0 ? 'false' : 'NULL'})`,
      )
      .join(',\n');
    const sql = `
      WITH facts (i, our_status, amount, submitted_at, rail_status, payments, reversals, net, other_currency) AS (VALUES ${values})
      SELECT i, ${classificationSql("now() - interval '1 day'")} AS class
        FROM (SELECT i, our_status, amount::numeric AS amount, submitted_at FROM facts) o
        JOIN (SELECT i AS ri, rail_status AS status FROM facts) rr ON rr.ri = o.i
        LEFT JOIN (SELECT i AS li, payments, reversals, net::numeric AS net, other_currency FROM facts WHERE payments IS NOT NULL) l ON l.li = o.i
       ORDER BY i`;
    const bySql = await db.$queryRawUnsafe<Array<{ i: number; class: string }>>(sql);
    const disagreements = bySql.filter((s) => classify(rows[s.i]!) !== s.class);
    expect(bySql).toHaveLength(rows.length);
    expect(disagreements.map((d) => ({ ...rows[d.i], sql: d.class }))).toEqual([]);
  });

  it('leave a payment the statement shows, or the rail may still pay, out of UNKNOWN_TO_RAIL', () => {
    for (const r of rows) {
      if (classify(r) !== 'UNKNOWN_TO_RAIL') continue;
      expect([r.payments, r.pastDeadline, r.railStatus]).toEqual([0, true, 'UNKNOWN']);
    }
  });
});

describe('the table of payment transitions', () => {
  it('derives every ledger movement from where a status keeps the money, so each one balances', () => {
    for (const [name, t] of Object.entries(TRANSITIONS)) {
      for (const from of t.from) {
        if (t.to === null) continue;
        const m = movement(from, t.to);
        if (HELD_IN[from] === HELD_IN[t.to]) expect(m, `${name} from ${from}`).toBeNull();
        else expect(m, `${name} from ${from}`).toEqual({ from: HELD_IN[from], to: HELD_IN[t.to] });
      }
    }
  });

  /** One entitlement: its instructions (the original, then re-issues), the rail's own ledger and ours. */
  interface World {
    instructions: Array<{
      status: InstructionStatus;
      rail: RailStatus | null;
      payments: number;
      reversals: number;
      closed: boolean;
      late: boolean;
    }>;
    /** Credits the rail booked for each instruction: what the beneficiary received. */
    credited: number[];
    ledger: Record<string, number>;
  }

  const evidenceOf = (w: World, i: number): Evidence => {
    const x = w.instructions[i]!;
    return {
      ourStatus: x.status,
      railStatus: x.rail,
      statementPayments: x.payments,
      statementReversals: x.reversals,
      batchClosed: x.closed,
      pastDeadline: x.late,
      paidAgain: w.instructions.some((o, j) => j !== i && o.status !== 'FAILED' && o.status !== 'CANCELLED'),
    };
  };
  const move = (w: World, from: InstructionStatus, to: InstructionStatus) => {
    const m = movement(from, to);
    if (!m) return;
    w.ledger[m.from] = (w.ledger[m.from] ?? 0) - 1;
    w.ledger[m.to] = (w.ledger[m.to] ?? 0) + 1;
  };

  /** What can happen to one entitlement: the rail acting (truthfully), time passing, finance resolving, a re-issue. */
  const step = fc.oneof(
    fc.record({ kind: fc.constant('railPays' as const), reportLost: fc.boolean(), lineLate: fc.boolean() }),
    fc.record({ kind: fc.constant('railFails' as const) }),
    fc.record({ kind: fc.constant('railForgets' as const) }),
    fc.record({ kind: fc.constant('railReverses' as const) }),
    fc.record({ kind: fc.constant('batchCloses' as const) }),
    fc.record({ kind: fc.constant('deadlinePasses' as const) }),
    fc.record({ kind: fc.constant('resolve' as const), resolution: fc.constantFrom('CONFIRM', 'REISSUE') }),
    fc.record({ kind: fc.constant('reissue' as const) }),
  );

  it('never lets a person credit an entitlement twice, whatever the rail does and in any order (seed printed)', () => {
    fc.assert(
      fc.property(fc.array(step, { minLength: 4, maxLength: 30, size: 'max' }), (steps) => {
        const w: World = { instructions: [], credited: [], ledger: {} };
        const send = () => {
          w.instructions.push({ status: 'SUBMITTED', rail: null, payments: 0, reversals: 0, closed: false, late: false });
          w.credited.push(0);
          move(w, 'CREATED', 'SUBMITTED');
        };
        send();
        for (const s of steps) {
          const i = w.instructions.length - 1;
          const x = w.instructions[i]!;
          switch (s.kind) {
            case 'railPays':
              // The rail pays what it was sent and has not settled yet (its own key refuses to pay one twice).
              if (w.credited[i] === 0 && x.reversals === 0 && x.rail !== 'FAILED' && x.rail !== 'UNKNOWN') {
                w.credited[i] += 1;
                if (!s.reportLost) x.rail = 'PAID';
                if (!s.lineLate) x.payments += 1;
                if (!s.reportLost && (x.status === 'SUBMITTED' || x.status === 'NEEDS_ATTENTION')) {
                  move(w, x.status, 'PAID');
                  x.status = 'PAID';
                }
              }
              break;
            case 'railFails':
              if (x.rail === null && w.credited[i] === 0) {
                x.rail = 'FAILED';
                if (x.status === 'SUBMITTED' || x.status === 'NEEDS_ATTENTION') {
                  move(w, x.status, 'FAILED');
                  x.status = 'FAILED';
                }
              }
              break;
            case 'railForgets':
              // The rail no longer remembers the batch (it never got it, or lost it): it says UNKNOWN.
              if (x.rail === null && w.credited[i] === 0) x.rail = 'UNKNOWN';
              break;
            case 'railReverses':
              if (w.credited[i]! > 0 && x.payments > x.reversals) {
                w.credited[i]! -= 1;
                x.reversals += 1;
              }
              break;
            case 'batchCloses':
              x.closed = true;
              if (x.status === 'SUBMITTED') {
                move(w, 'SUBMITTED', 'NEEDS_ATTENTION');
                x.status = 'NEEDS_ATTENTION';
              }
              break;
            case 'deadlinePasses':
              x.late = true;
              break;
            case 'resolve': {
              // What the table allows on this evidence, for any class the payment could be in.
              const e = evidenceOf(w, i);
              const classes = RESOLUTIONS[s.resolution].classes;
              if (!classes.some((c) => isBreakClass(c) && resolutionsFor(c, e).includes(s.resolution))) break;
              const to = s.resolution === 'CONFIRM' ? 'PAID' : 'FAILED';
              move(w, x.status, to);
              x.status = to;
              break;
            }
            case 'reissue': {
              // A re-issue cycle pays a FAILED payment again, on the table's evidence.
              const e = evidenceOf(w, i);
              if (!(TRANSITIONS.reissue.from as readonly InstructionStatus[]).includes(e.ourStatus)) break;
              if (TRANSITIONS.reissue.requires.some((r) => r(e) !== null)) break;
              send();
              break;
            }
          }
          // Invariants after every step: the beneficiary holds at most one credit, our ledger balances.
          expect(w.credited.reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(1);
          expect(Object.values(w.ledger).reduce((a, b) => a + b, 0)).toBe(0);
        }
      }),
      { numRuns: 2000, seed: process.env.PROPERTY_SEED === undefined ? undefined : Number(process.env.PROPERTY_SEED) },
    );
  });

  it("moves the same statuses on the rail's word whether it paid or failed (the report is applied as one)", () => {
    expect(TRANSITIONS.railFailed.from).toEqual(TRANSITIONS.railPaid.from);
  });

  it('knows every status an instruction can have', () => {
    for (const status of INSTRUCTION_STATUSES) expect(HELD_IN[status]).toBeDefined();
  });
});
