// Eligibility rules are data (a program's versioned rule set), evaluated here by pure functions.
// Each result keeps the facts it used, so a decision can be explained to the applicant and re-checked.
import Decimal from 'decimal.js';
import { z } from 'zod';
import type { ReasonCode } from './reason-codes';

const DecimalString = z.string().regex(/^\d+(\.\d{1,2})?$/, 'a decimal amount such as 218.00');
const years = z.number().int().min(0).max(120);

export const RuleSchema = z.discriminatedUnion('type', [
  /** Household income divided by household size must not exceed the threshold (per month). */
  z.object({ type: z.literal('max_income_per_capita'), amount: DecimalString }).strict(),
  /** The applicant must be at least this old on the decision date. */
  z.object({ type: z.literal('min_applicant_age'), years }).strict(),
  /** The applicant must not be older than this on the decision date. */
  z.object({ type: z.literal('max_applicant_age'), years }).strict(),
  /** Household size (registry) within bounds. */
  z
    .object({ type: z.literal('household_size'), min: z.number().int().min(1).optional(), max: z.number().int().min(1).optional() })
    .strict()
    .refine((r) => r.min !== undefined || r.max !== undefined, 'min or max'),
  /** At least `count` household members younger than `underAge` (e.g. a transfer for families with children). */
  z.object({ type: z.literal('min_children'), count: z.number().int().min(1), underAge: years }).strict(),
  /** Excluded when the applicant (or anyone in the household) has formal employment. */
  z.object({ type: z.literal('exclude_formally_employed'), scope: z.enum(['applicant', 'household']) }).strict(),
  /** Excluded when the household already receives one of these benefits. */
  z.object({ type: z.literal('exclude_benefits'), benefits: z.array(z.string().min(1)).min(1) }).strict(),
  /** Geographic targeting: the household's municipality (registry code) must be one of these. */
  z.object({ type: z.literal('municipalities'), codes: z.array(z.string().min(1)).min(1) }).strict(),
  /** The household's vulnerability score (registry) must be at least this. */
  z.object({ type: z.literal('min_vulnerability_score'), score: z.number().int().min(0).max(100) }).strict(),
]);
export type Rule = z.infer<typeof RuleSchema>;

export const RuleSetSchema = z.array(RuleSchema).min(1);

/** What the registry says about the applicant's household, as the rules need it. */
export interface EligibilityFacts {
  dateOfBirth: string; // the applicant's, YYYY-MM-DD
  householdSize: number;
  householdMonthlyIncome: string; // exact decimal
  members: Array<{ dateOfBirth: string; formallyEmployed: boolean; isApplicant: boolean }>;
  otherBenefits: string[];
  vulnerabilityScore: number;
  municipalityCode: string;
}

export interface RuleResult {
  rule: Rule['type'];
  passed: boolean;
  /** Reason code when the rule fails; names the rule so it can be rendered in plain language. */
  reasonCode?: ReasonCode;
  facts: Record<string, string | number>;
}

export interface EligibilityOutcome {
  eligible: boolean;
  results: RuleResult[];
  reasonCodes: ReasonCode[];
}

/** Whole years between a birth date and a decision date (both YYYY-MM-DD), as civil registries count. */
export function ageOn(dateOfBirth: string, onDate: string): number {
  const [by, bm, bd] = dateOfBirth.split('-').map(Number) as [number, number, number];
  const [y, m, d] = onDate.split('-').map(Number) as [number, number, number];
  return y - by - (m < bm || (m === bm && d < bd) ? 1 : 0);
}

const result = (rule: Rule['type'], passed: boolean, code: ReasonCode, facts: RuleResult['facts']): RuleResult =>
  passed ? { rule, passed, facts } : { rule, passed, reasonCode: code, facts };

function evaluateRule(rule: Rule, f: EligibilityFacts, onDate: string): RuleResult {
  switch (rule.type) {
    case 'max_income_per_capita': {
      const perCapita = new Decimal(f.householdMonthlyIncome).dividedBy(f.householdSize);
      return result(rule.type, perCapita.lessThanOrEqualTo(rule.amount), 'INCOME_ABOVE_THRESHOLD', {
        householdMonthlyIncome: f.householdMonthlyIncome,
        householdSize: f.householdSize,
        perCapita: perCapita.toDecimalPlaces(2, Decimal.ROUND_HALF_UP).toString(),
        threshold: rule.amount,
      });
    }
    case 'min_applicant_age': {
      const age = ageOn(f.dateOfBirth, onDate);
      return result(rule.type, age >= rule.years, 'APPLICANT_TOO_YOUNG', { age, minimum: rule.years });
    }
    case 'max_applicant_age': {
      const age = ageOn(f.dateOfBirth, onDate);
      return result(rule.type, age <= rule.years, 'APPLICANT_TOO_OLD', { age, maximum: rule.years });
    }
    case 'household_size': {
      const passed = (rule.min === undefined || f.householdSize >= rule.min) && (rule.max === undefined || f.householdSize <= rule.max);
      return result(rule.type, passed, 'HOUSEHOLD_SIZE_OUT_OF_RANGE', {
        householdSize: f.householdSize,
        ...(rule.min ? { min: rule.min } : {}),
        ...(rule.max ? { max: rule.max } : {}),
      });
    }
    case 'min_children': {
      const children = f.members.filter((m) => ageOn(m.dateOfBirth, onDate) < rule.underAge).length;
      return result(rule.type, children >= rule.count, 'NOT_ENOUGH_CHILDREN', { children, required: rule.count, underAge: rule.underAge });
    }
    case 'exclude_formally_employed': {
      const employed = f.members.filter((m) => m.formallyEmployed && (rule.scope === 'household' || m.isApplicant)).length;
      return result(rule.type, employed === 0, 'FORMALLY_EMPLOYED', { scope: rule.scope, employed });
    }
    case 'exclude_benefits': {
      const conflicting = f.otherBenefits.filter((b) => rule.benefits.includes(b));
      return result(rule.type, conflicting.length === 0, 'CONFLICTING_BENEFIT', { benefits: conflicting.join(', ') });
    }
    case 'municipalities':
      return result(rule.type, rule.codes.includes(f.municipalityCode), 'OUTSIDE_TARGET_AREA', { municipality: f.municipalityCode });
    case 'min_vulnerability_score':
      return result(rule.type, f.vulnerabilityScore >= rule.score, 'VULNERABILITY_TOO_LOW', {
        score: f.vulnerabilityScore,
        minimum: rule.score,
      });
  }
}

export function evaluateEligibility(rules: Rule[], facts: EligibilityFacts, onDate: string): EligibilityOutcome {
  const results = rules.map((rule) => evaluateRule(rule, facts, onDate));
  const reasonCodes = results.flatMap((r) => (r.reasonCode ? [r.reasonCode] : []));
  return { eligible: reasonCodes.length === 0, results, reasonCodes };
}
