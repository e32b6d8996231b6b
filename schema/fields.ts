// Field-level validation errors: every 4xx names the fields that were wrong.
import type { z } from 'zod';

export type FieldErrors = Record<string, string>;

/**
 * Records a field's first problem, as an own property: a field sent as "constructor" or "__proto__" is named
 * like any other (`fields[key] ??= …` would see the inherited member, or set the prototype). Keys come from
 * what people send: every place that names fields goes through this.
 */
export function addFieldError(fields: FieldErrors, key: string, message: string): void {
  if (!Object.hasOwn(fields, key))
    Object.defineProperty(fields, key, { value: message, enumerable: true, writable: true, configurable: true });
}

/** Each issue under the dotted path of its field; unknown keys each by name; the input as a whole as `root`. */
export function fieldErrors(error: z.ZodError, root = 'body'): FieldErrors {
  const out: FieldErrors = {};
  for (const issue of error.issues) {
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) addFieldError(out, [...issue.path, key].join('.'), 'not a field of this request');
      continue;
    }
    addFieldError(out, issue.path.length ? issue.path.join('.') : root, issue.message);
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

/** An id the database stores as uuid: anything else would reach PostgreSQL as a malformed uuid (a 404, not a database error). */
export const isUuid = (id: string): boolean => /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(id);

export const decimalAmount = /^\d{1,16}(\.\d{1,2})?$/;
