// Dates and date-times as rails and files write them (ISO 8601), read only when they exist. A pattern
// lets 2026-02-30 and 25:00 through, and JavaScript's Date turns them into other days without a word
// (2026-02-30 becomes 2026-03-02): a statement line booked on a day that does not exist is nonsense.
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(Z|([+-])(\d{2}):(\d{2}))?$/;

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
const leap = (year: number) => (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;

function dayExists(year: number, month: number, day: number): boolean {
  if (month < 1 || month > 12 || day < 1) return false;
  return day <= (month === 2 && leap(year) ? 29 : DAYS_IN_MONTH[month - 1]!);
}

/** Midnight UTC of a date (YYYY-MM-DD) that exists, or null. */
export function existingDate(text: string): Date | null {
  const m = DATE.exec(text);
  if (!m || !dayExists(Number(m[1]), Number(m[2]), Number(m[3]))) return null;
  return new Date(`${text}T00:00:00Z`);
}

/**
 * The instant of a date-time that exists (hours to 23, minutes and seconds to 59, an offset within the
 * world's, ±14:00), or null. Without an offset it is read as UTC, so the server's own zone never matters.
 */
export function existingDateTime(text: string): Date | null {
  const m = DATE_TIME.exec(text);
  if (!m) return null;
  const [, y, mo, d, h, mi, s, fraction, zone, , oh, om] = m;
  if (!dayExists(Number(y), Number(mo), Number(d)) || Number(h) > 23 || Number(mi) > 59 || Number(s) > 59) return null;
  if (oh !== undefined && (Number(oh) > 14 || Number(om) > 59 || (Number(oh) === 14 && Number(om) > 0))) return null;
  const ms = fraction ? `.${fraction.slice(0, 3).padEnd(3, '0')}` : '';
  return new Date(`${y}-${mo}-${d}T${h}:${mi}:${s}${ms}${zone ?? 'Z'}`);
}

/** A date or a date-time that exists, as its instant (a date: its midnight UTC), or null. */
export const existingInstant = (text: string): Date | null => (text.includes('T') ? existingDateTime(text) : existingDate(text));
