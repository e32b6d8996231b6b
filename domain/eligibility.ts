// Eligibility rules are data (a program's versioned rule set), evaluated here by pure functions.
// Each result keeps the facts it used, so a decision can be explained to the applicant and re-checked.
import Decimal from 'decimal.js';
import { z } from 'zod';

const DecimalString = z.string().regex(/^\d+(\.\d{1,2})?$/, 'a decimal amount such as 218.00');

export const RuleSchema = z.discriminatedUnion('type', [
  /** Household income divided by household size must not exceed the threshold (per month). */
  z.object({ type: z.literal('max_income_per_capita'), amount: DecimalString }),
  /** The applicant must be at least this old on the decision date. */
  z.object({ type: z.literal('min_applicant_age'), years: z.number().int().min(0).max(120) }),
]);
export type Rule = z.infer<typeof RuleSchema>;

export const RuleSetSchema = z.array(RuleSchema).min(1);

/** What the registry says about the applicant's household, as the rules need it. */
export interface EligibilityFacts {
  dateOfBirth: string; // YYYY-MM-DD
  householdSize: number;
  householdMonthlyIncome: string; // exact decimal
}

export interface RuleResult {
  rule: Rule['type'];
  passed: boolean;
  /** Reason code when the rule fails; names the rule so it can be rendered in plain language. */
  reasonCode?: string;
  facts: Record<string, string | number>;
}

export interface EligibilityOutcome {
  eligible: boolean;
  results: RuleResult[];
  reasonCodes: string[];
}

/** Whole years between a birth date and a decision date (both YYYY-MM-DD), as civil registries count. */
export function ageOn(dateOfBirth: string, onDate: string): number {
  const [by, bm, bd] = dateOfBirth.split('-').map(Number) as [number, number, number];
  const [y, m, d] = onDate.split('-').map(Number) as [number, number, number];
  return y - by - (m < bm || (m === bm && d < bd) ? 1 : 0);
}

function evaluateRule(rule: Rule, facts: EligibilityFacts, onDate: string): RuleResult {
  switch (rule.type) {
    case 'max_income_per_capita': {
      const perCapita = new Decimal(facts.householdMonthlyIncome).dividedBy(facts.householdSize);
      const passed = perCapita.lessThanOrEqualTo(rule.amount);
      return {
        rule: rule.type,
        passed,
        ...(passed ? {} : { reasonCode: 'INCOME_ABOVE_THRESHOLD' }),
        facts: { householdMonthlyIncome: facts.householdMonthlyIncome, householdSize: facts.householdSize, perCapita: perCapita.toDecimalPlaces(2, Decimal.ROUND_HALF_UP).toString(), threshold: rule.amount },
      };
    }
    case 'min_applicant_age': {
      const age = ageOn(facts.dateOfBirth, onDate);
      const passed = age >= rule.years;
      return { rule: rule.type, passed, ...(passed ? {} : { reasonCode: 'APPLICANT_TOO_YOUNG' }), facts: { age, minimum: rule.years } };
    }
  }
}

export function evaluateEligibility(rules: Rule[], facts: EligibilityFacts, onDate: string): EligibilityOutcome {
  const results = rules.map((rule) => evaluateRule(rule, facts, onDate));
  const reasonCodes = results.flatMap((r) => (r.reasonCode ? [r.reasonCode] : []));
  return { eligible: reasonCodes.length === 0, results, reasonCodes };
}
