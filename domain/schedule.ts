// Staggered payment schedules: households are paid in waves by the last digit of their national ID,
// each wave on its own date, as Bolsa Família and Argentina's IFE did to spread the crowds at pay points.
import { z } from 'zod';

const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'a date as YYYY-MM-DD');

export const ScheduleSchema = z
  .object({
    waves: z
      .array(z.object({ lastDigits: z.array(z.number().int().min(0).max(9)).min(1), payOn: isoDate }).strict())
      .min(1)
      .max(10),
  })
  .strict()
  .superRefine((s, ctx) => {
    const digits = s.waves.flatMap((w) => w.lastDigits);
    if (new Set(digits).size !== digits.length)
      ctx.addIssue({ code: 'custom', path: ['waves'], message: 'a digit may belong to one wave only' });
    if (new Set(digits).size !== 10) ctx.addIssue({ code: 'custom', path: ['waves'], message: 'every digit 0-9 must belong to a wave' });
    const dates = s.waves.map((w) => w.payOn);
    if (dates.some((d, i) => i > 0 && d < dates[i - 1]!))
      ctx.addIssue({ code: 'custom', path: ['waves'], message: 'waves must be in date order' });
  });
export type Schedule = z.infer<typeof ScheduleSchema>;

export interface Wave {
  wave: number;
  lastDigits: number[];
  /** null: pay as soon as the cycle is launched. */
  payOn: string | null;
}

/** The cycle's waves: the schedule's, or a single wave of every digit paid at launch. */
export function waves(schedule: Schedule | null): Wave[] {
  if (!schedule) return [{ wave: 1, lastDigits: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9], payOn: null }];
  return schedule.waves.map((w, i) => ({ wave: i + 1, lastDigits: [...w.lastDigits].sort(), payOn: w.payOn }));
}

/** The last digit of a national ID (its check digit for CPF and CUIL alike). */
export function lastDigit(nationalId: string): number {
  const digit = Number(nationalId.replace(/\D/g, '').slice(-1));
  if (!Number.isInteger(digit)) throw new Error('national ID has no digits');
  return digit;
}
