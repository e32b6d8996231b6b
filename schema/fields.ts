// Field-level validation errors: every 4xx names the fields that were wrong.
import type { z } from 'zod';

export type FieldErrors = Record<string, string>;

/** Each issue under the dotted path of its field; unknown keys each by name; the input as a whole as `root`. */
export function fieldErrors(error: z.ZodError, root = 'body'): FieldErrors {
  const out: FieldErrors = {};
  for (const issue of error.issues) {
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) out[[...issue.path, key].join('.')] ??= 'not a field of this request';
      continue;
    }
    const key = issue.path.length ? issue.path.join('.') : root;
    out[key] ??= issue.message;
  }
  return out;
}

/** Parses or returns the field errors; never throws on bad input. */
export function parseInput<T extends z.ZodType>(
  schema: T,
  input: unknown,
): { ok: true; value: z.infer<T> } | { ok: false; fields: FieldErrors } {
  const parsed = schema.safeParse(input);
  return parsed.success ? { ok: true, value: parsed.data } : { ok: false, fields: fieldErrors(parsed.error) };
}

export const decimalAmount = /^\d{1,16}(\.\d{1,2})?$/;
