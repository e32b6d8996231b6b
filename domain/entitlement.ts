// What a household is owed in a cycle: the program's base amount plus an amount per dependant,
// capped per household, rounded to the currency's minor units (half up, as banks display amounts).
import Decimal from 'decimal.js';
import { formatAmount, money, type Money } from './money';

export interface EntitlementRules {
  currency: string;
  baseAmount: Decimal.Value;
  amountPerDependant: Decimal.Value;
  capPerHousehold: Decimal.Value | null;
}

export function entitlement(rules: EntitlementRules, dependants: number): Money {
  if (!Number.isInteger(dependants) || dependants < 0) throw new Error('dependants must be a non-negative integer');
  const uncapped = new Decimal(rules.baseAmount).plus(new Decimal(rules.amountPerDependant).times(dependants));
  const capped = rules.capPerHousehold === null ? uncapped : Decimal.min(uncapped, rules.capPerHousehold);
  return money(capped, rules.currency);
}

/** The entitlement as the exact decimal string that instructions and rails carry. */
export const entitlementAmount = (rules: EntitlementRules, dependants: number): string => formatAmount(entitlement(rules, dependants));
