import { describe, expect, it } from 'vitest';
import { ageOn, evaluateEligibility, RuleSetSchema, type EligibilityFacts, type Rule } from '../domain/eligibility';

const onDate = '2026-11-22';
const facts: EligibilityFacts = {
  dateOfBirth: '1990-06-15',
  householdSize: 4,
  householdMonthlyIncome: '2000.00',
  members: [
    { dateOfBirth: '1990-06-15', formallyEmployed: false, isApplicant: true },
    { dateOfBirth: '1988-01-02', formallyEmployed: true, isApplicant: false },
    { dateOfBirth: '2015-03-03', formallyEmployed: false, isApplicant: false },
    { dateOfBirth: '2020-09-09', formallyEmployed: false, isApplicant: false },
  ],
  otherBenefits: ['BPC'],
  vulnerabilityScore: 62,
  municipalityCode: '3550308',
};

const one = (rule: Rule, f: EligibilityFacts = facts) => evaluateEligibility([rule], f, onDate);

describe('eligibility rules', () => {
  it('counts age in whole years, birthday included', () => {
    expect(ageOn('2008-11-22', '2026-11-22')).toBe(18);
    expect(ageOn('2008-11-23', '2026-11-22')).toBe(17);
    expect(ageOn('2008-12-01', '2026-11-22')).toBe(17);
  });

  it('max_income_per_capita: passes at the threshold, fails a cent above, with the facts', () => {
    expect(one({ type: 'max_income_per_capita', amount: '500.00' }).eligible).toBe(true);
    const above = one({ type: 'max_income_per_capita', amount: '499.99' });
    expect(above).toMatchObject({ eligible: false, reasonCodes: ['INCOME_ABOVE_THRESHOLD'] });
    expect(above.results[0]!.facts).toMatchObject({ perCapita: '500', threshold: '499.99', householdSize: 4 });
  });

  it('min_applicant_age and max_applicant_age bound the applicant age', () => {
    expect(one({ type: 'min_applicant_age', years: 36 }).eligible).toBe(true);
    expect(one({ type: 'min_applicant_age', years: 37 })).toMatchObject({
      reasonCodes: ['APPLICANT_TOO_YOUNG'],
      results: [{ facts: { age: 36, minimum: 37 } }],
    });
    expect(one({ type: 'max_applicant_age', years: 36 }).eligible).toBe(true);
    expect(one({ type: 'max_applicant_age', years: 35 })).toMatchObject({
      reasonCodes: ['APPLICANT_TOO_OLD'],
      results: [{ facts: { age: 36, maximum: 35 } }],
    });
  });

  it('household_size checks the registry household against its bounds', () => {
    expect(one({ type: 'household_size', min: 2, max: 4 }).eligible).toBe(true);
    expect(one({ type: 'household_size', max: 3 })).toMatchObject({
      reasonCodes: ['HOUSEHOLD_SIZE_OUT_OF_RANGE'],
      results: [{ facts: { householdSize: 4, max: 3 } }],
    });
    expect(one({ type: 'household_size', min: 5 }).eligible).toBe(false);
  });

  it('min_children counts members under the age', () => {
    expect(one({ type: 'min_children', count: 2, underAge: 18 }).eligible).toBe(true);
    expect(one({ type: 'min_children', count: 2, underAge: 7 })).toMatchObject({
      reasonCodes: ['NOT_ENOUGH_CHILDREN'],
      results: [{ facts: { children: 1, required: 2, underAge: 7 } }],
    });
  });

  it('exclude_formally_employed looks at the applicant or the whole household', () => {
    expect(one({ type: 'exclude_formally_employed', scope: 'applicant' }).eligible).toBe(true);
    expect(one({ type: 'exclude_formally_employed', scope: 'household' })).toMatchObject({
      reasonCodes: ['FORMALLY_EMPLOYED'],
      results: [{ facts: { scope: 'household', employed: 1 } }],
    });
    const employedApplicant = { ...facts, members: facts.members.map((m) => (m.isApplicant ? { ...m, formallyEmployed: true } : m)) };
    expect(one({ type: 'exclude_formally_employed', scope: 'applicant' }, employedApplicant).eligible).toBe(false);
  });

  it('exclude_benefits names the conflicting benefit', () => {
    expect(one({ type: 'exclude_benefits', benefits: ['Tarjeta Alimentar'] }).eligible).toBe(true);
    expect(one({ type: 'exclude_benefits', benefits: ['BPC', 'Auxílio Gás'] })).toMatchObject({
      reasonCodes: ['CONFLICTING_BENEFIT'],
      results: [{ facts: { benefits: 'BPC' } }],
    });
  });

  it('municipalities targets by the registry municipality code', () => {
    expect(one({ type: 'municipalities', codes: ['3550308', '3304557'] }).eligible).toBe(true);
    expect(one({ type: 'municipalities', codes: ['2304400'] })).toMatchObject({
      reasonCodes: ['OUTSIDE_TARGET_AREA'],
      results: [{ facts: { municipality: '3550308' } }],
    });
  });

  it('min_vulnerability_score compares the registry score', () => {
    expect(one({ type: 'min_vulnerability_score', score: 62 }).eligible).toBe(true);
    expect(one({ type: 'min_vulnerability_score', score: 63 })).toMatchObject({
      reasonCodes: ['VULNERABILITY_TOO_LOW'],
      results: [{ facts: { score: 62, minimum: 63 } }],
    });
  });

  it('reports every failed rule, not only the first', () => {
    const outcome = evaluateEligibility(
      [
        { type: 'min_applicant_age', years: 40 },
        { type: 'max_income_per_capita', amount: '100.00' },
        { type: 'municipalities', codes: ['1'] },
      ],
      facts,
      onDate,
    );
    expect(outcome.reasonCodes).toEqual(['APPLICANT_TOO_YOUNG', 'INCOME_ABOVE_THRESHOLD', 'OUTSIDE_TARGET_AREA']);
  });

  it('validates rule sets as data', () => {
    expect(RuleSetSchema.safeParse([{ type: 'max_income_per_capita', amount: '218.00' }]).success).toBe(true);
    expect(RuleSetSchema.safeParse([{ type: 'max_income_per_capita', amount: 218 }]).success).toBe(false);
    expect(RuleSetSchema.safeParse([{ type: 'household_size' }]).success).toBe(false);
    expect(RuleSetSchema.safeParse([{ type: 'exclude_formally_employed', scope: 'city' }]).success).toBe(false);
    expect(RuleSetSchema.safeParse([{ type: 'unknown_rule' }]).success).toBe(false);
    expect(RuleSetSchema.safeParse([]).success).toBe(false);
  });
});
