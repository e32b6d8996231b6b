// HTTP face of the synthetic registry: look a person and their household up by national ID, or
// page through who exists. Responses carry personal data (that is a registry's job); logs never do.
//
// /v1/persons* is the registry proper: records as the registry holds them, dirt included.
// /v1/harness/persons is for test harnesses and demos only: the same records with the ground truth
// (true name, what is wrong with the record, which person a duplicate copies). The rail reads only
// GET /v1/persons/:nationalId, which never carries ground truth.
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

/** Zod issues as { field: message }, first message per field. */
function fieldErrors(error: z.ZodError): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const issue of error.issues) fields[issue.path.map(String).join('.') || 'query'] ??= issue.message;
  return fields;
}

export function buildRegistryServer(population: Population, opts: RegistryServerOptions = {}): FastifyInstance {
  const index = opts.index ?? indexByNationalId(population);
  const households = new Map(population.households.map((h) => [h.id, h]));
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
    const nationalId = normalizeNationalId(req.params.nationalId);
    if (!/^\d{11}$/.test(nationalId)) {
      return reply.code(400).send({ error: 'invalid_request', fields: { nationalId: 'must be 11 digits, punctuation allowed' } });
    }
    const person = index.get(nationalId);
    const household = person && households.get(person.householdId);
    if (!person || !household) return reply.code(404).send({ error: 'person_not_found' });
    return reply.send({ person, household: householdView(household, index) });
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
