// What a statement line must be before it is evidence of money, the same for a camt.053 and a wallet
// settlement report, uploaded by finance or fetched from the rail: an amount the currency can hold
// (more than zero, no more decimals than its minor units, no more digits than the ledger stores), a
// booking date that exists and is not in the future, an ISO 4217 currency that is the program's, and
// the funding account of a program. Storing anything else would round it, move it to another day or
// book it to nobody, and reconciliation would raise breaks about money that never moved.
import Decimal from 'decimal.js';
import { minorUnits } from '../domain/money';
import { existingInstant } from '../lib/calendar';
import { isIso4217 } from '../lib/iso4217';
import type { LineParts, ReceivedLine, StatementLine } from '../rails/statement-lines';

/** The accounts lines may be of, each with the currencies of the programs that pay from it. */
export type FundingAccounts = ReadonlyMap<string, ReadonlySet<string>>;

export interface RefusedLine {
  line: ReceivedLine;
  /** `<where>.<part>`, e.g. `Stmt[0].Ntry[3].Amt` or `entries.3.amount`. */
  field: string;
  problem: string;
}

/** numeric(18,2): sixteen digits before the decimal point. */
const MAX_WHOLE_DIGITS = 16;
const UNSIGNED_DECIMAL = /^\d+(\.\d+)?$/;
/** Time zones ahead of UTC book tomorrow's date today; later than that has not happened. */
const FUTURE_SLACK_MS = 86_400_000;

function amountProblem(amount: string, currency: string): string | null {
  if (!UNSIGNED_DECIMAL.test(amount)) return `'${amount.slice(0, 40)}' is not an unsigned decimal amount`;
  const value = new Decimal(amount);
  if (value.isZero()) return 'an amount of zero is not a payment: it must be more than zero';
  if (value.trunc().toFixed().length > MAX_WHOLE_DIGITS)
    return `${amount} is too large: at most ${MAX_WHOLE_DIGITS} digits before the decimal point`;
  let units: number;
  try {
    units = minorUnits(currency);
  } catch {
    return null; // the currency's own problem is reported; its minor units are unknown
  }
  // By value: 600.10 is two decimals' worth, 600.001 three; 600.00 CLP is a whole peso as some banks write it.
  if (value.decimalPlaces() > units)
    return `${amount} has more decimals than ${currency} has (${units === 0 ? 'none' : units}): it cannot be stored without rounding`;
  return null;
}

/** The problems of one line, by part; empty when it may be stored. */
function lineProblems(line: ReceivedLine, accounts: FundingAccounts, now: Date): Array<[keyof LineParts, string]> {
  const problems: Array<[keyof LineParts, string]> = [];
  const currencies = accounts.get(line.account);
  if (!currencies) problems.push(['account', `no program pays from account ${line.account}`]);
  if (!isIso4217(line.currency)) problems.push(['currency', `'${line.currency.slice(0, 10)}' is not an ISO 4217 currency`]);
  else if (currencies && !currencies.has(line.currency))
    problems.push([
      'currency',
      `${line.currency} is not the currency of the program paying from this account (${[...currencies].join(', ')})`,
    ]);
  const amount = amountProblem(line.amount, line.currency);
  if (amount) problems.push(['amount', amount]);
  const booked = existingInstant(line.booked);
  if (!booked)
    problems.push(['booked', `'${line.booked.slice(0, 40)}' is not a ${line.booked.includes('T') ? 'date-time' : 'date'} that exists`]);
  else if (booked.getTime() > now.getTime() + FUTURE_SLACK_MS)
    problems.push(['booked', `${line.booked} is in the future: a booked line is one that has happened`]);
  return problems;
}

/** Splits lines into those that may be stored (as stored) and those refused, each with every problem it has. */
export function checkStatementLines(
  lines: ReceivedLine[],
  accounts: FundingAccounts,
  now = new Date(),
): { accepted: StatementLine[]; refused: RefusedLine[] } {
  const accepted: StatementLine[] = [];
  const refused: RefusedLine[] = [];
  for (const line of lines) {
    const problems = lineProblems(line, accounts, now);
    if (problems.length) {
      for (const [part, problem] of problems) refused.push({ line, field: `${line.at}.${line.parts[part]}`, problem });
      continue;
    }
    const { at: _at, parts: _parts, booked, ...stored } = line;
    accepted.push({ ...stored, bookedAt: existingInstant(booked)! });
  }
  return { accepted, refused };
}
