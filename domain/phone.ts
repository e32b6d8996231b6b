// Where a program's SMS and payments may go: the country calling codes (E.164) it accepts. SMS to any
// number in the world costs the program money and lets intake be used to spam; a wallet abroad is not a
// wallet the program's provider pays. A program accepts its own country's code unless it lists others.
import type { Country } from './national-id';

export const COUNTRY_CALLING_CODE: Record<Country, string> = { BR: '55', AR: '54' };

/** The calling codes a program accepts: its list, or its country's own when the list is empty. */
export const acceptedCallingCodes = (program: { country: Country; phoneCallingCodes: string[] }): string[] =>
  program.phoneCallingCodes.length ? program.phoneCallingCodes : [COUNTRY_CALLING_CODE[program.country]];

/** Whether an E.164 number (+5511987654321) has one of these calling codes. */
export const hasCallingCode = (e164: string, codes: readonly string[]): boolean => codes.some((cc) => e164.startsWith(`+${cc}`));
