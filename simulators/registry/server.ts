// HTTP face of the synthetic registry: look a person and their household up by national ID, one at a
// time or many in one request, or page through who exists. Responses carry personal data (that is a
// registry's job); logs never do.
//
// /v1/persons* is the registry proper: records as the registry holds them, dirt included.
// /v1/harness/persons is for test harnesses and demos only: the same records with the ground truth
// (true name, what is wrong with the record, which person a duplicate copies). The rail reads only
// GET /v1/persons/:nationalId and POST /v1/persons/search, which never carry ground truth.
//
// POST /v1/persons/search is a batch in the spirit of G2P Connect's search: many queries in one
// message, each with the caller's own reference ID, answered in order. The IDs travel in the body,
// so they stay out of URLs and access logs.
import Fastify, { type FastifyInstance } from 'fastify';
import { z } from 'zod';
import { normalizeNationalId } from '../../domain/national-id';
import type { Logger } from '../../lib/logger';
import { groundTruth, indexByNationalId, type Household, type Person, type PersonTruth, type Population } from './population';

export interface RegistryServerOptions {
  /** Access log of method, route pattern, status and duration: never the URL, which holds the ID. */
  logger?: Logger;
  /** A prebuilt index of the same population, to skip rebuilding it. */
  index?: Map<string, Person>;
}

export const MAX_PAGE_SIZE = 1000;
/** Most searches one POST /v1/persons/search may carry. */
export const MAX_SEARCH_BATCH = 2000;
/** 2000 searches with 64-character reference IDs and punctuated national IDs are about 250 KB. */
const SEARCH_BODY_LIMIT = 1_048_576;

const ListQuery = z.object({
  offset: z.coerce.number().int().min(0).default(0),
  limit: z.coerce.number().int().min(1).max(MAX_PAGE_SIZE).default(100),
});

export interface HouseholdMemberView {
  nationalId: string;
  fullName: string;
  dateOfBirth: string;
  sex: Person['sex'];
  formallyEmployed: boolean;
  monthlyIncome: string;
  isHead: boolean;
}

export interface HouseholdView {
  id: string;
  municipality: Household['municipality'];
  monthlyIncome: string;
  /** Every benefit any member receives, each once, in member order. */
  otherBenefits: string[];
  vulnerabilityScore: number;
  size: number;
  members: HouseholdMemberView[];
}

/** A listing item of the harness endpoint: the registry's record and the ground truth about it. */
export type HarnessPersonView = Person & PersonTruth;

/** What GET /v1/persons/:nationalId answers for a known person, and a found search's record. */
export interface PersonRecordView {
  person: Person;
  household: HouseholdView;
}

/** One lookup: the record, or why there is none ('invalid': not 11 digits once punctuation is stripped). */
export type LookupResult = { status: 'found'; record: PersonRecordView } | { status: 'not_found' } | { status: 'invalid' };

export interface SearchResultView {
  referenceId: string;
  status: LookupResult['status'];
  /** Present only when status is 'found'. */
  record?: PersonRecordView;
}

const SearchBody = z.object({
  searches: z
    .array(
      z.object({
        referenceId: z.string().min(1).max(64),
        // Any string: one that is not a national ID is answered 'invalid', not refused.
        nationalId: z.string(),
      }),
    )
    .min(1)
    .max(MAX_SEARCH_BATCH)
    .superRefine((searches, ctx) => {
      const seen = new Set<string>();
      searches.forEach(({ referenceId }, i) => {
        // The message never echoes the reference ID: the caller may have built it from personal data.
        if (seen.has(referenceId)) {
          ctx.addIssue({ code: 'custom', path: [i, 'referenceId'], message: 'duplicated: each search needs its own' });
        }
        seen.add(referenceId);
      });
    }),
});

function householdView(household: Household, index: Map<string, Person>): HouseholdView {
  const benefits = new Set<string>();
  const members = household.memberNationalIds.map((id): HouseholdMemberView => {
    const m = index.get(id)!;
    for (const b of m.otherBenefits) benefits.add(b);
    return {
      nationalId: m.nationalId,
      fullName: m.fullName,
      dateOfBirth: m.dateOfBirth,
      sex: m.sex,
      formallyEmployed: m.formallyEmployed,
      monthlyIncome: m.monthlyIncome,
      isHead: id === household.headNationalId,
    };
  });
  const { id, municipality, monthlyIncome, vulnerabilityScore } = household;
  return { id, municipality, monthlyIncome, otherBenefits: [...benefits], vulnerabilityScore, size: members.length, members };
}

/** Zod issues as { field: message }, first message per field; `whole` names the input itself. */
function fieldErrors(error: z.ZodError, whole = 'query'): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const issue of error.issues) fields[issue.path.map(String).join('.') || whole] ??= issue.message;
  return fields;
}

export function buildRegistryServer(population: Population, opts: RegistryServerOptions = {}): FastifyInstance {
  const index = opts.index ?? indexByNationalId(population);
  const households = new Map(population.households.map((h) => [h.id, h]));

  /** The one code path behind both the single lookup and the batch search. */
  function lookup(raw: string): LookupResult {
    const nationalId = normalizeNationalId(raw);
    if (!/^\d{11}$/.test(nationalId)) return { status: 'invalid' };
    const person = index.get(nationalId);
    const household = person && households.get(person.householdId);
    if (!person || !household) return { status: 'not_found' };
    return { status: 'found', record: { person, household: householdView(household, index) } };
  }

  // Fastify's own logger would print request URLs, and with them national IDs: keep it off.
  const app = Fastify({ logger: false });

  const log = opts.logger;
  if (log) {
    app.addHook('onResponse', (req, reply, done) => {
      const route = req.routeOptions.url ?? 'unmatched';
      log.info('request', { method: req.method, route, status: reply.statusCode, ms: Math.round(reply.elapsedTime) });
      done();
    });
  }
  // Fastify's default 404 and error bodies echo the URL; these do not.
  app.setNotFoundHandler((_req, reply) => reply.code(404).send({ error: 'not_found' }));
  app.setErrorHandler((err: { statusCode?: number }, _req, reply) => {
    const status = err.statusCode !== undefined && err.statusCode >= 400 ? err.statusCode : 500;
    if (status >= 500) log?.error('request failed', { status });
    return reply.code(status).send({ error: status >= 500 ? 'internal_error' : 'invalid_request' });
  });

  app.get('/health', () => ({
    status: 'ok',
    persons: population.persons.length,
    households: population.households.length,
  }));

  app.get<{ Params: { nationalId: string } }>('/v1/persons/:nationalId', (req, reply) => {
    const found = lookup(req.params.nationalId);
    if (found.status === 'invalid') {
      return reply.code(400).send({ error: 'invalid_request', fields: { nationalId: 'must be 11 digits, punctuation allowed' } });
    }
    if (found.status === 'not_found') return reply.code(404).send({ error: 'person_not_found' });
    return reply.send(found.record);
  });

  // Many lookups in one request: results in the order of the searches, each under its reference ID.
  app.post('/v1/persons/search', { bodyLimit: SEARCH_BODY_LIMIT }, (req, reply) => {
    const parsed = SearchBody.safeParse(req.body);
    if (!parsed.success) return reply.code(400).send({ error: 'invalid_request', fields: fieldErrors(parsed.error, 'body') });
    const results = parsed.data.searches.map(({ referenceId, nationalId }): SearchResultView => {
      const found = lookup(nationalId);
      return found.status === 'found' ? { referenceId, status: 'found', record: found.record } : { referenceId, status: found.status };
    });
    return reply.send({ results });
  });

  app.get('/v1/persons', (req, reply) => {
    const parsed = ListQuery.safeParse(req.query);
    if (!parsed.success) return reply.code(400).send({ error: 'invalid_request', fields: fieldErrors(parsed.error) });
    const { offset, limit } = parsed.data;
    const persons = population.persons.slice(offset, offset + limit);
    return reply.send({ total: population.persons.length, offset, limit, persons });
  });

  // Ground truth, in the same order and pages as /v1/persons.
  app.get('/v1/harness/persons', (req, reply) => {
    const parsed = ListQuery.safeParse(req.query);
    if (!parsed.success) return reply.code(400).send({ error: 'invalid_request', fields: fieldErrors(parsed.error) });
    const { offset, limit } = parsed.data;
    const persons = population.persons
      .slice(offset, offset + limit)
      .map((p): HarnessPersonView => ({ ...p, ...groundTruth(population, p) }));
    return reply.send({ total: population.persons.length, offset, limit, dirtyShare: population.dirtyShare, persons });
  });

  return app;
}
