// Every request's input, checked once at the edge before any route sees it:
// - path parameters by name (PATH_PARAMETERS): a route's `:id` is always a UUID, `:code` a program code,
//   `:number` an application number, so no handler parses one again and no query casts a malformed one;
// - every string in the body, the query and the parameters is text PostgreSQL can store and a person can
//   read (lib/text.ts), normalised to NFC. One that is not is refused naming where it was (a dotted path,
//   as zod names fields). A form that shows its errors next to its fields (route config `inlineTextErrors`)
//   gets them in request.textErrors instead, with the offending characters removed from the values.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { normalizeText, withoutUnreadable } from '../../lib/text';
import { APPLICATION_NUMBER } from '../../schema/application';
import { addFieldError, type FieldErrors } from '../../schema/fields';
import { PROGRAM_CODE } from '../../schema/program';
import { Refusal } from '../services/refusal';

/** How each path parameter is read, by its name in the route pattern. */
const PATH_PARAMETERS: Record<string, z.ZodType<string, string>> = {
  id: z.uuid({ error: 'a UUID' }).transform((s) => s.toLowerCase()),
  code: z
    .string()
    .transform((s) => s.toUpperCase())
    .pipe(z.string().regex(PROGRAM_CODE, 'a program code: 2 to 40 letters, digits and dashes')),
  number: z
    .string()
    .transform((s) => s.trim().toUpperCase())
    .pipe(z.string().regex(APPLICATION_NUMBER, 'an application number such as BR-7K3M9Q2X')),
};

/** Deeper JSON than this is not a request anyone sends by hand or by program. */
const MAX_DEPTH = 32;

declare module 'fastify' {
  interface FastifyContextConfig {
    /** The route shows text errors next to its form's fields (request.textErrors) instead of refusing. */
    inlineTextErrors?: boolean;
  }
  interface FastifyRequest {
    textErrors?: FieldErrors;
  }
}

/** Normalises every string of a parsed body or query in place; the problems by dotted path. */
function normalizeTree(root: unknown, prefix: string | null, problems: FieldErrors, repair: boolean): unknown {
  const at = (path: string[]) => (path.length ? path.join('.') : (prefix ?? 'body'));
  const fix = (value: string, path: string[]): string => {
    const result = normalizeText(value);
    if (result.ok) return result.value;
    addFieldError(problems, at(path), result.problem);
    return repair ? withoutUnreadable(value).normalize('NFC') : value;
  };
  if (typeof root === 'string') return fix(root, prefix ? [prefix] : []);
  // Iterative, with a depth bound: a body nested ten thousand deep must not exhaust the stack.
  const stack: Array<{ node: unknown; path: string[] }> = [{ node: root, path: prefix ? [prefix] : [] }];
  while (stack.length) {
    const { node, path } = stack.pop()!;
    if (node === null || typeof node !== 'object') continue;
    if (path.length > MAX_DEPTH) {
      addFieldError(problems, at(path), `nested deeper than ${MAX_DEPTH} levels`);
      continue;
    }
    const record = node as Record<string, unknown>;
    for (const key of Object.keys(record)) {
      const keyProblem = normalizeText(key);
      const name = keyProblem.ok ? key : withoutUnreadable(key);
      if (!keyProblem.ok) addFieldError(problems, at([...path, name]), `the name of this field ${keyProblem.problem}`);
      const value = record[key];
      if (typeof value === 'string') record[key] = fix(value, [...path, name]);
      else if (value !== null && typeof value === 'object') stack.push({ node: value, path: [...path, name] });
    }
  }
  return root;
}

function checkParams(request: FastifyRequest): void {
  const params = request.params as Record<string, string> | undefined;
  if (!params) return;
  for (const [name, raw] of Object.entries(params)) {
    const parser = PATH_PARAMETERS[name];
    if (!parser) continue; // only '*' (checked at registration)
    const parsed = parser.safeParse(raw);
    if (!parsed.success) throw new Refusal('invalid_path_parameter', { [name]: parsed.error.issues[0]?.message ?? 'not valid' });
    params[name] = parsed.data;
  }
}

export function installInputChecks(app: FastifyInstance): void {
  app.addHook('onRoute', (route) => {
    for (const [, name] of route.url.matchAll(/:(\w+)/g)) {
      if (name && !PATH_PARAMETERS[name]) throw new Error(`route ${route.url}: path parameter :${name} has no parser in web/http/input.ts`);
    }
  });
  app.addHook('preValidation', (request, _reply, done) => {
    try {
      checkParams(request);
    } catch (err) {
      return done(err as Refusal);
    }
    const problems: FieldErrors = {};
    const inline = request.routeOptions.config.inlineTextErrors === true;
    normalizeTree(request.query, null, problems, inline);
    request.body = normalizeTree(request.body, null, problems, inline);
    if (Object.keys(problems).length === 0) return done();
    if (!inline) return done(new Refusal('invalid_request', problems));
    request.textErrors = problems;
    done();
  });
}
