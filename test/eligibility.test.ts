import { describe, expect, it } from 'vitest';
import { ageOn, evaluateEligibility, RuleSetSchema, type EligibilityFacts } from '../domain/eligibility';

const facts: EligibilityFacts = { dateOfBirth: '1990-06-15', householdSize: 4, householdMonthlyIncome: '2000.00' };
const onDate = '2026-11-22';

describe('eligibility rules', () => {
  it('counts age in whole years, birthday included', () => {
    expect(ageOn('2008-11-22', '2026-11-22')).toBe(18);
    expect(ageOn('2008-11-23', '2026-11-22')).toBe(17);
    expect(ageOn('2008-12-01', '2026-11-22')).toBe(17);
  });

  it('passes per-capita income at the threshold and fails just above it', () => {
    const atThreshold = evaluateEligibility([{ type: 'max_income_per_capita', amount: '500.00' }], facts, onDate);
    expect(atThreshold.eligible).toBe(true);
    const above = evaluateEligibility([{ type: 'max_income_per_capita', amount: '499.99' }], facts, onDate);
    expect(above).toMatchObject({ eligible: false, reasonCodes: ['INCOME_ABOVE_THRESHOLD'] });
    expect(above.results[0]!.facts).toMatchObject({ perCapita: '500', threshold: '499.99', householdSize: 4 });
  });

  it('fails applicants under the minimum age, with the facts used', () => {
    const outcome = evaluateEligibility([{ type: 'min_applicant_age', years: 40 }], facts, onDate);
    expect(outcome).toMatchObject({ eligible: false, reasonCodes: ['APPLICANT_TOO_YOUNG'] });
    expect(outcome.results[0]!.facts).toEqual({ age: 36, minimum: 40 });
  });

  it('reports every failed rule, not only the first', () => {
    const outcome = evaluateEligibility(
      [{ type: 'min_applicant_age', years: 40 }, { type: 'max_income_per_capita', amount: '100.00' }],
      facts,
      onDate,
    );
    expect(outcome.reasonCodes).toEqual(['APPLICANT_TOO_YOUNG', 'INCOME_ABOVE_THRESHOLD']);
    expect(outcome.results.map((r) => r.passed)).toEqual([false, false]);
  });

  it('validates rule sets as data', () => {
    expect(RuleSetSchema.safeParse([{ type: 'max_income_per_capita', amount: '218.00' }]).success).toBe(true);
    expect(RuleSetSchema.safeParse([{ type: 'max_income_per_capita', amount: 218 }]).success).toBe(false);
    expect(RuleSetSchema.safeParse([{ type: 'unknown_rule' }]).success).toBe(false);
    expect(RuleSetSchema.safeParse([]).success).toBe(false);
  });
});
