// The create-a-program page's routes: ADMIN only, CSRF-checked (requireAdminSession). The form's text
// becomes the very object the JSON API takes, parsed by the same ProgramInput and created by the same
// createProgram (web/programs.ts: one transaction, the same audit row), so the two cannot drift; zod's
// issue paths are mapped back to the form's fields. Success: 303 to the new program's preparation page.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { z } from 'zod';
import { ProgramInput } from '../../schema/program';
import type { WebContext } from '../http/context';
import { Refusal } from '../services/refusal';
import { field } from '../http/form';
import { createProgram } from '../services/programs';
import { sendAdminPage } from './http';
import { emptyProgramForm, PROGRAM_FIELDS, programFormPage, waveId, type ProgramField, type ProgramForm } from './program-form';
import { requireAdminSession, type AdminSession } from './session';

const MAX_RULES_JSON = 20_000;
// One sentence per field saying what to type; zod's own wording is kept only for rules given as JSON.
const FIELD_MESSAGES: Record<Exclude<ProgramField, 'moreRules'>, string> = {
  code: 'Enter a code of 2 to 40 upper-case letters, digits and dashes, for example BF-2025',
  name: 'Enter a name of 3 to 200 characters',
  country: 'Choose the country',
  currency: 'Choose the currency',
  fundingAccount: 'Enter the funding account: 4 to 34 upper-case letters, digits and dashes',
  baseAmount: 'Enter the base amount, more than zero, with a point before the cents, for example 600.00',
  amountPerDependant: 'Enter the amount per dependant with a point before the cents, for example 150.00, or 0.00',
  capPerHousehold: 'Enter the cap per household with a point before the cents, for example 1200.00, or leave it empty',
  budgetPerCycle: 'Enter the budget per cycle with a point before the cents, for example 1000000.00, or leave it empty',
  batchSize: 'Enter a batch size from 1 to 5000',
  appealWindowDays: 'Enter the appeal window as a number of days from 1 to 365',
  maxApplicationsPerPhone: 'Enter the applications per phone number as a number from 1 to 100',
  rejectedRetentionDays: "Enter how long a rejected application's personal data is kept, as a number of days from 0 to 3650",
  leftRetentionDays: "Enter how long a household's personal data is kept after it leaves, as a number of days from 0 to 3650",
  maxIncomePerCapita: 'Enter the highest income per person with a point before the cents, for example 218.00',
  minApplicantAge: 'Enter the youngest age as a number of years from 0 to 120',
};

/** What the form sent, as typed (every value comes back on an error). */
function readForm(body: unknown): ProgramForm {
  const form = emptyProgramForm();
  for (const name of PROGRAM_FIELDS) form.values[name] = name === 'moreRules' ? field(body, name) : field(body, name).slice(0, 200);
  form.waves = form.waves.map((_, i) => ({
    digits: field(body, waveId(i + 1, 'Digits')).slice(0, 30),
    payOn: field(body, waveId(i + 1, 'PayOn')).slice(0, 10),
  }));
  return form;
}

const text = (s: string) => s.trim() || undefined;
/** Digits become the number the schema wants; anything else is passed on as text, for the schema to refuse. */
const int = (s: string) => (/^\d{1,9}$/.test(s.trim()) ? Number(s.trim()) : text(s));

interface Built {
  input: Record<string, unknown>;
  /** The form row (1-based) of each wave given, since empty rows are left out. */
  rows: number[];
  /** The form field of each rule given by its own input, before those given as JSON. */
  ruleFields: ProgramField[];
  jsonError?: string;
}

/** The JSON API's body, built from the form's text. */
function buildInput(form: ProgramForm): Built {
  const v = form.values;
  const given = form.waves.map((w, i) => ({ ...w, row: i + 1 })).filter((w) => w.digits.trim() || w.payOn.trim());
  const waves = given.map((w) => ({
    lastDigits: w.digits
      .split(/[\s,;]+/)
      .filter(Boolean)
      .map(int),
    payOn: text(w.payOn),
  }));
  const simple: Array<[ProgramField, object]> = [];
  if (v.maxIncomePerCapita.trim())
    simple.push(['maxIncomePerCapita', { type: 'max_income_per_capita', amount: v.maxIncomePerCapita.trim() }]);
  if (v.minApplicantAge.trim()) simple.push(['minApplicantAge', { type: 'min_applicant_age', years: int(v.minApplicantAge) }]);
  let more: unknown[] = [];
  let jsonError: string | undefined;
  if (v.moreRules.length > MAX_RULES_JSON) jsonError = `Shorten the rules given as JSON to at most ${MAX_RULES_JSON} characters`;
  else if (v.moreRules.trim()) {
    try {
      const parsed: unknown = JSON.parse(v.moreRules);
      if (Array.isArray(parsed)) more = parsed;
      else jsonError = 'Enter the rules as a JSON array of rule objects, between [ and ]';
    } catch (err) {
      jsonError = `The rules are not valid JSON (${(err as Error).message}): correct them or leave the box empty`;
    }
  }
  const input = {
    // Codes are upper-case: typing one in lower case is not worth an error.
    code: text(v.code)?.toUpperCase(),
    name: text(v.name),
    country: text(v.country),
    currency: text(v.currency),
    fundingAccount: text(v.fundingAccount)?.toUpperCase(),
    baseAmount: text(v.baseAmount),
    amountPerDependant: text(v.amountPerDependant),
    capPerHousehold: text(v.capPerHousehold),
    budgetPerCycle: text(v.budgetPerCycle),
    batchSize: int(v.batchSize),
    appealWindowDays: int(v.appealWindowDays),
    maxApplicationsPerPhone: int(v.maxApplicationsPerPhone),
    rejectedRetentionDays: int(v.rejectedRetentionDays),
    leftRetentionDays: int(v.leftRetentionDays),
    schedule: waves.length ? { waves } : undefined,
    rules: [...simple.map(([, rule]) => rule), ...more],
  };
  return { input, rows: given.map((w) => w.row), ruleFields: simple.map(([name]) => name), jsonError };
}

const sentence = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

/** Each zod issue as a message on the form field it is about (the first per field). */
function formErrors(issues: readonly z.core.$ZodIssue[], built: Built): Record<string, string> {
  const errors: Record<string, string> = built.jsonError ? { moreRules: built.jsonError } : {};
  for (const issue of issues) {
    const [head, ...rest] = issue.path;
    if (head === 'schedule') {
      const [, index, part] = rest;
      const row = typeof index === 'number' ? built.rows[index] : undefined;
      if (row === undefined) {
        // The schedule as a whole (digits missing or repeated, dates out of order): every such message.
        errors.schedule = errors.schedule ? `${errors.schedule}; ${issue.message}` : sentence(issue.message);
      } else if (part === 'payOn') {
        errors[waveId(row, 'PayOn')] ??= `Wave ${row}: enter the date to pay on as YYYY-MM-DD, for example 2026-03-17`;
      } else {
        errors[waveId(row, 'Digits')] ??= `Wave ${row}: enter last digits from 0 to 9 separated by commas, for example 0,1,2`;
      }
    } else if (head === 'rules') {
      const [index, ...inner] = rest;
      const own = typeof index === 'number' ? built.ruleFields[index] : undefined;
      if (typeof index !== 'number') {
        // No rule at all; when the JSON could not be read, its own message says what to fix.
        if (!built.jsonError) errors.rules = 'Give at least one eligibility rule';
      } else if (own) {
        errors[own] ??= FIELD_MESSAGES[own as Exclude<ProgramField, 'moreRules'>];
      } else {
        const where = inner.length ? ` (${inner.join('.')})` : '';
        errors.moreRules ??= `Rule ${index - built.ruleFields.length + 1} given as JSON${where}: ${issue.message}`;
      }
    } else {
      const name = String(head) as Exclude<ProgramField, 'moreRules'>;
      errors[name] ??= FIELD_MESSAGES[name] ?? sentence(issue.message);
    }
  }
  return errors;
}

export function adminProgramRoutes(scope: FastifyInstance, ctx: WebContext): void {
  const admins = { preHandler: requireAdminSession(ctx.db, 'ADMIN') };
  const show = (request: FastifyRequest, reply: FastifyReply, form: ProgramForm, status?: number) => {
    const s = request.adminSession as AdminSession;
    const title = `${Object.keys(form.errors).length ? 'Error: ' : ''}Create a program`;
    return sendAdminPage(reply, { status, title, session: s, current: '/admin/cycles', body: programFormPage(form, s.csrfToken) });
  };

  scope.get('/admin/programs/new', admins, (request, reply) => show(request, reply, emptyProgramForm()));

  scope.post('/admin/programs/new', admins, async (request, reply) => {
    const form = readForm(request.body);
    const built = buildInput(form);
    const parsed = ProgramInput.safeParse(built.input);
    if (!parsed.success || built.jsonError) {
      form.errors = formErrors(parsed.success ? [] : parsed.error.issues, built);
      return show(request, reply, form, 400);
    }
    try {
      const created = await createProgram(ctx, (request.adminSession as AdminSession).user.id, parsed.data);
      return reply.redirect(`/admin/cycles/new?${new URLSearchParams({ program: created.code }).toString()}`, 303);
    } catch (err) {
      if (!(err instanceof Refusal && err.code === 'program_code_taken')) throw err;
      form.errors = { code: 'A program with this code already exists: choose another code' };
      return show(request, reply, form, 409);
    }
  });
}
