import Decimal from 'decimal.js';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRegistryClient } from '../activities/clients/registry-client';
import { formatNationalId } from '../domain/national-id';
import type { Logger } from '../lib/logger';
import { generatePopulation, groundTruth, type Person } from '../simulators/registry/population';
import {
  buildRegistryServer,
  MAX_SEARCH_BATCH,
  type HarnessPersonView,
  type HouseholdView,
  type SearchResultView,
} from '../simulators/registry/server';

// A generous dirty share, so every kind of dirt is there to look up.
const population = generatePopulation({ seed: 7, size: 2500, country: 'BR', dirtyShare: 0.2 });
const logLines: string[] = [];
const captureLogger: Logger = {
  debug: (msg, fields) => logLines.push(JSON.stringify({ msg, ...fields })),
  info: (msg, fields) => logLines.push(JSON.stringify({ msg, ...fields })),
  warn: (msg, fields) => logLines.push(JSON.stringify({ msg, ...fields })),
  error: (msg, fields) => logLines.push(JSON.stringify({ msg, ...fields })),
};
let app: FastifyInstance;

beforeAll(async () => {
  app = buildRegistryServer(population, { logger: captureLogger });
  await app.ready();
});
afterAll(async () => {
  await app.close();
});

async function get(url: string): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await app.inject({ method: 'GET', url });
  return { status: res.statusCode, body: res.json<Record<string, unknown>>() };
}

async function search(payload: unknown): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await app.inject({ method: 'POST', url: '/v1/persons/search', payload: payload as object });
  return { status: res.statusCode, body: res.json<Record<string, unknown>>() };
}

/** A valid CPF that no person of this population holds (checked in the tests that use it). */
const UNKNOWN_CPF = '52998224725';

// A household with several members makes the household assertions meaningful.
const household = population.households.find((h) => h.memberNationalIds.length >= 3)!;
const person = population.persons.find((p) => p.nationalId === household.memberNationalIds[1])!;

describe('registry simulator HTTP API', () => {
  it('reports health with counts', async () => {
    const { status, body } = await get('/health');
    expect(status).toBe(200);
    expect(body).toEqual({ status: 'ok', persons: 2500, households: population.households.length });
  });

  it('returns a person with their household', async () => {
    const { status, body } = await get(`/v1/persons/${person.nationalId}`);
    expect(status).toBe(200);
    expect(body.person).toEqual(JSON.parse(JSON.stringify(person)) as Person);
    const hh = body.household as HouseholdView;
    expect(hh.id).toBe(household.id);
    expect(hh.municipality).toEqual(household.municipality);
    expect(hh.monthlyIncome).toBe(household.monthlyIncome);
    expect(hh.size).toBe(household.memberNationalIds.length);
    expect(hh.members.map((m) => m.nationalId)).toEqual(household.memberNationalIds);
    expect(hh.members.filter((m) => m.isHead).map((m) => m.nationalId)).toEqual([household.headNationalId]);
    const sum = hh.members.reduce((acc, m) => acc.plus(m.monthlyIncome), new Decimal(0));
    expect(sum.toFixed(2)).toBe(hh.monthlyIncome);
    expect(Object.keys(hh.members[0]!).sort()).toEqual([
      'dateOfBirth',
      'formallyEmployed',
      'fullName',
      'isHead',
      'monthlyIncome',
      'nationalId',
      'sex',
    ]);
    expect(hh.vulnerabilityScore).toBe(person.vulnerabilityScore);
    expect(hh.vulnerabilityScore).toBe(household.vulnerabilityScore);
  });

  it("gives the household the union of its members' benefits, each once", async () => {
    const byId = new Map(population.persons.map((p) => [p.nationalId, p]));
    const withBenefits = population.households.filter((h) => h.memberNationalIds.some((id) => byId.get(id)!.otherBenefits.length > 0));
    expect(withBenefits.length).toBeGreaterThan(10);
    for (const h of withBenefits.slice(0, 20)) {
      const { body } = await get(`/v1/persons/${h.headNationalId}`);
      const expected = [...new Set(h.memberNationalIds.flatMap((id) => byId.get(id)!.otherBenefits))];
      expect((body.household as HouseholdView).otherBenefits).toEqual(expected);
    }
    const none = population.households.find((h) => h.memberNationalIds.every((id) => byId.get(id)!.otherBenefits.length === 0))!;
    expect(((await get(`/v1/persons/${none.headNationalId}`)).body.household as HouseholdView).otherBenefits).toEqual([]);
  });

  it('serves dirty records as the registry holds them, with no ground truth', async () => {
    const PERSON_KEYS = [
      'dateOfBirth',
      'formallyEmployed',
      'fullName',
      'householdId',
      'monthlyIncome',
      'municipality',
      'nationalId',
      'otherBenefits',
      'relationshipToHead',
      'sex',
      'vulnerabilityScore',
    ];
    const kinds = new Set<string>();
    for (const p of population.persons.filter((x) => population.truth.has(x.nationalId)).slice(0, 60)) {
      const truth = groundTruth(population, p);
      truth.dirt.forEach((k) => kinds.add(k));
      const res = await app.inject({ method: 'GET', url: `/v1/persons/${p.nationalId}` });
      expect(res.statusCode).toBe(200);
      const body = res.json<{ person: Person; household: HouseholdView }>();
      expect(Object.keys(body).sort()).toEqual(['household', 'person']);
      expect(Object.keys(body.person).sort()).toEqual(PERSON_KEYS);
      expect(body.person.fullName).toBe(p.fullName);
      for (const word of ['trueName', 'dirt', 'duplicateOf', 'truth', 'typo', 'swapped_order', 'missing_accents']) {
        expect(res.body).not.toContain(word);
      }
      if (truth.duplicateOf) expect(res.body).not.toContain(truth.duplicateOf);
      if (p.fullName !== truth.trueName) expect(res.body).not.toContain(`"${truth.trueName}"`);
    }
    expect([...kinds].sort()).toEqual(['duplicate', 'missing_accents', 'swapped_order', 'typo']);
  });

  it('accepts the ID with punctuation', async () => {
    const formatted = formatNationalId('BR', person.nationalId);
    expect(formatted).toMatch(/^\d{3}\.\d{3}\.\d{3}-\d{2}$/);
    const { status, body } = await get(`/v1/persons/${formatted}`);
    expect(status).toBe(200);
    expect((body.person as Person).nationalId).toBe(person.nationalId);
    const spaced = await get(`/v1/persons/${encodeURIComponent(` ${formatted.replace('.', ' ')} `)}`);
    expect(spaced.status).toBe(200);
  });

  it('answers 404 person_not_found for an unknown ID', async () => {
    // 529.982.247-25 is a valid CPF; make sure this seed did not happen to issue it.
    expect(population.persons.some((p) => p.nationalId === '52998224725')).toBe(false);
    expect(await get('/v1/persons/529.982.247-25')).toEqual({ status: 404, body: { error: 'person_not_found' } });
  });

  it('answers 400 naming the field for a malformed ID', async () => {
    const { status, body } = await get('/v1/persons/not-an-id');
    expect(status).toBe(400);
    expect(body).toMatchObject({ error: 'invalid_request', fields: { nationalId: expect.any(String) as string } });
  });

  it('lists persons with defaults and pages through them without gaps', async () => {
    const first = await get('/v1/persons');
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ total: 2500, offset: 0, limit: 100 });
    expect(first.body.persons).toHaveLength(100);

    const seen: string[] = [];
    for (let offset = 0; offset < 2500; offset += 1000) {
      const page = await get(`/v1/persons?offset=${offset}&limit=1000`);
      expect(page.status).toBe(200);
      seen.push(...(page.body.persons as Person[]).map((p) => p.nationalId));
    }
    expect(seen).toEqual(population.persons.map((p) => p.nationalId));

    const tail = await get('/v1/persons?offset=2490&limit=50');
    expect(tail.body).toMatchObject({ total: 2500, offset: 2490, limit: 50 });
    expect(tail.body.persons).toHaveLength(10);
    expect((await get('/v1/persons?offset=9999')).body.persons).toEqual([]);
  });

  it('lists the ground truth on the harness endpoint, in the same order and pages', async () => {
    const seen: HarnessPersonView[] = [];
    for (let offset = 0; offset < 2500; offset += 1000) {
      const page = await get(`/v1/harness/persons?offset=${offset}&limit=1000`);
      expect(page.status).toBe(200);
      expect(page.body).toMatchObject({ total: 2500, offset, limit: 1000, dirtyShare: 0.2 });
      seen.push(...(page.body.persons as HarnessPersonView[]));
    }
    expect(seen.map((p) => p.nationalId)).toEqual(population.persons.map((p) => p.nationalId));
    seen.forEach((item, i) => {
      const p = population.persons[i]!;
      expect(item).toEqual(JSON.parse(JSON.stringify({ ...p, ...groundTruth(population, p) })) as HarnessPersonView);
    });
    const clean = seen.find((p) => p.dirt.length === 0)!;
    expect(clean).toMatchObject({ trueName: clean.fullName, duplicateOf: null });
    const typo = seen.find((p) => p.dirt.includes('typo'))!;
    expect(typo.trueName).not.toBe(typo.fullName);
    const duplicate = seen.find((p) => p.duplicateOf !== null)!;
    expect(duplicate.dirt).toContain('duplicate');
    expect(seen.find((p) => p.nationalId === duplicate.duplicateOf)!.trueName).toBe(duplicate.trueName);

    expect((await get('/v1/harness/persons')).body).toMatchObject({ total: 2500, offset: 0, limit: 100 });
    expect((await get('/v1/harness/persons?offset=9999')).body.persons).toEqual([]);
    expect((await get('/v1/harness/persons?limit=1001')).status).toBe(400);
  });

  it.each([
    ['limit=1001', 'limit'],
    ['limit=0', 'limit'],
    ['limit=ten', 'limit'],
    ['limit=2.5', 'limit'],
    ['offset=-1', 'offset'],
    ['offset=abc&limit=5', 'offset'],
  ])('answers 400 naming the field for %s', async (query, field) => {
    const { status, body } = await get(`/v1/persons?${query}`);
    expect(status).toBe(400);
    expect(body.error).toBe('invalid_request');
    expect(Object.keys(body.fields as object)).toEqual([field]);
    expect((body.fields as Record<string, unknown>)[field]).toEqual(expect.any(String));
  });

  it('searches many persons in one request: found, not found and invalid, in order, under their reference IDs', async () => {
    expect(population.persons.some((p) => p.nationalId === UNKNOWN_CPF)).toBe(false);
    const picked = population.persons.filter((_, i) => i % 97 === 0).slice(0, 20);
    const searches = [
      ...picked.map((p, i) => ({ referenceId: `app-${i}`, nationalId: i % 2 === 0 ? p.nationalId : formatNationalId('BR', p.nationalId) })),
      { referenceId: 'unknown', nationalId: '529.982.247-25' },
      { referenceId: 'letters', nationalId: 'not-an-id' },
      { referenceId: 'short', nationalId: '123.456' },
      { referenceId: 'again-0', nationalId: picked[0]!.nationalId },
    ];
    const res = await app.inject({ method: 'POST', url: '/v1/persons/search', payload: { searches } });
    expect(res.statusCode).toBe(200);
    const body = res.json<{ results: SearchResultView[] }>();
    expect(Object.keys(body)).toEqual(['results']);
    expect(body.results.map((r) => r.referenceId)).toEqual(searches.map((s) => s.referenceId));
    expect(body.results.map((r) => r.status)).toEqual([...picked.map(() => 'found'), 'not_found', 'invalid', 'invalid', 'found']);
    for (const [i, p] of picked.entries()) {
      const single = await app.inject({ method: 'GET', url: `/v1/persons/${p.nationalId}` });
      expect(body.results[i]!.record).toEqual(single.json());
    }
    expect(body.results.at(-1)!.record).toEqual(body.results[0]!.record);
    for (const r of body.results.filter((x) => x.status !== 'found')) expect(Object.keys(r).sort()).toEqual(['referenceId', 'status']);
    for (const word of ['trueName', 'dirt', 'duplicateOf', 'truth']) expect(res.body).not.toContain(word);
  });

  it(`takes ${MAX_SEARCH_BATCH} searches with long reference IDs and punctuated IDs in one request`, async () => {
    const searches = Array.from({ length: MAX_SEARCH_BATCH }, (_, i) => {
      const p = population.persons[i % population.persons.length]!;
      return { referenceId: `${String(i).padStart(6, '0')}-${'r'.repeat(57)}`, nationalId: ` ${formatNationalId('BR', p.nationalId)} ` };
    });
    expect(searches[0]!.referenceId).toHaveLength(64);
    const { status, body } = await search({ searches });
    expect(status).toBe(200);
    const results = body.results as SearchResultView[];
    expect(results).toHaveLength(MAX_SEARCH_BATCH);
    expect(results.every((r, i) => r.status === 'found' && r.referenceId === searches[i]!.referenceId)).toBe(true);
    expect(results.map((r) => r.record!.person.nationalId)).toEqual(
      searches.map((_, i) => population.persons[i % population.persons.length]!.nationalId),
    );
  });

  it.each([
    ['an empty list', { searches: [] }, 'searches'],
    ['no list', {}, 'searches'],
    ['a list that is not one', { searches: 'all' }, 'searches'],
    [
      `more than ${MAX_SEARCH_BATCH} searches`,
      { searches: Array.from({ length: MAX_SEARCH_BATCH + 1 }, (_, i) => ({ referenceId: `r${i}`, nationalId: UNKNOWN_CPF })) },
      'searches',
    ],
    [
      'a duplicated reference ID',
      {
        searches: [
          { referenceId: 'a', nationalId: UNKNOWN_CPF },
          { referenceId: 'b', nationalId: UNKNOWN_CPF },
          { referenceId: 'a', nationalId: '111.444.777-35' },
        ],
      },
      'searches.2.referenceId',
    ],
    ['a missing reference ID', { searches: [{ nationalId: UNKNOWN_CPF }] }, 'searches.0.referenceId'],
    ['an empty reference ID', { searches: [{ referenceId: '', nationalId: UNKNOWN_CPF }] }, 'searches.0.referenceId'],
    [
      'a reference ID over 64 characters',
      { searches: [{ referenceId: 'x'.repeat(65), nationalId: UNKNOWN_CPF }] },
      'searches.0.referenceId',
    ],
    ['a missing national ID', { searches: [{ referenceId: 'a' }] }, 'searches.0.nationalId'],
    ['a body that is not an object', [{ referenceId: 'a', nationalId: UNKNOWN_CPF }], 'body'],
  ])('answers a search with %s 400 naming the field', async (_what, payload, field) => {
    const { status, body } = await search(payload);
    expect(status).toBe(400);
    expect(body.error).toBe('invalid_request');
    expect(Object.keys(body.fields as object)).toEqual([field]);
    expect((body.fields as Record<string, unknown>)[field]).toEqual(expect.any(String));
    expect(JSON.stringify(body)).not.toContain(UNKNOWN_CPF);
    expect(JSON.stringify(body)).not.toContain('111.444.777-35');
  });

  it('answers a search with no body, or one that is not JSON, 400 without echoing it', async () => {
    const none = await app.inject({ method: 'POST', url: '/v1/persons/search' });
    expect(none.statusCode).toBe(400);
    expect(none.json()).toMatchObject({ error: 'invalid_request', fields: { body: expect.any(String) as string } });
    const broken = await app.inject({
      method: 'POST',
      url: '/v1/persons/search',
      headers: { 'content-type': 'application/json' },
      payload: `{"searches":[{"referenceId":"a","nationalId":"${UNKNOWN_CPF}"}`,
    });
    expect(broken.statusCode).toBe(400);
    expect(broken.json()).toEqual({ error: 'invalid_request' });
  });

  it('answers unknown routes with a body that does not echo the URL', async () => {
    expect(await get(`/v2/persons/${person.nationalId}`)).toEqual({ status: 404, body: { error: 'not_found' } });
  });

  it('logs requests by route pattern, never names or national IDs', () => {
    expect(logLines.length).toBeGreaterThan(5);
    expect(logLines.some((l) => l.includes('/v1/persons/:nationalId'))).toBe(true);
    const all = logLines.join('\n');
    for (const p of population.persons.slice(0, 200)) {
      expect(all).not.toContain(p.nationalId);
      expect(all).not.toContain(p.fullName);
      expect(all).not.toContain(groundTruth(population, p).trueName);
    }
    expect(logLines.some((l) => l.includes('/v1/harness/persons'))).toBe(true);
    expect(all).not.toContain(person.nationalId);
    expect(all).not.toContain(person.fullName);
    expect(all).not.toContain('529.982.247-25');
  });

  it('logs a search as its route, without the national IDs or reference IDs it carried', async () => {
    logLines.length = 0;
    const searched = population.persons.slice(300, 310);
    const { status } = await search({
      searches: [
        ...searched.map((p) => ({ referenceId: `ref-${p.nationalId}`, nationalId: formatNationalId('BR', p.nationalId) })),
        { referenceId: 'ref-unknown', nationalId: '529.982.247-25' },
      ],
    });
    expect(status).toBe(200);
    expect(await search({ searches: [{ referenceId: 'ref-bad', nationalId: UNKNOWN_CPF }, { nationalId: UNKNOWN_CPF }] })).toMatchObject({
      status: 400,
    });
    expect(logLines).toHaveLength(2);
    for (const line of logLines) {
      expect(JSON.parse(line)).toEqual({
        msg: 'request',
        method: 'POST',
        route: '/v1/persons/search',
        status: expect.any(Number) as number,
        ms: expect.any(Number) as number,
      });
    }
    const all = logLines.join('\n');
    for (const p of searched) {
      expect(all).not.toContain(p.nationalId);
      expect(all).not.toContain(formatNationalId('BR', p.nationalId));
      expect(all).not.toContain(p.fullName);
    }
    for (const s of [UNKNOWN_CPF, '529.982.247-25', 'ref-']) expect(all).not.toContain(s);
  });
});

describe('registry client', () => {
  let served: FastifyInstance;
  let client: ReturnType<typeof createRegistryClient>;

  beforeAll(async () => {
    served = buildRegistryServer(population);
    const url = await served.listen({ host: '127.0.0.1', port: 0 });
    client = createRegistryClient(url);
  });
  afterAll(async () => {
    await served.close();
  });

  it('searchPersons returns each record by reference ID, null for the unknown and the invalid', async () => {
    const picked = population.persons.slice(40, 45);
    const found = await client.searchPersons([
      ...picked.map((p, i) => ({ referenceId: `a${i}`, nationalId: p.nationalId })),
      { referenceId: 'unknown', nationalId: UNKNOWN_CPF },
      { referenceId: 'invalid', nationalId: '12-34' },
    ]);
    expect([...found.keys()]).toEqual(['a0', 'a1', 'a2', 'a3', 'a4', 'unknown', 'invalid']);
    // Each record is the registry's own answer for that person (its single-person GET).
    for (const [i, p] of picked.entries())
      expect(found.get(`a${i}`)).toEqual((await served.inject({ url: `/v1/persons/${p.nationalId}` })).json());
    expect(found.get('a0')!.person.nationalId).toBe(picked[0]!.nationalId);
    expect(found.get('unknown')).toBeNull();
    expect(found.get('invalid')).toBeNull();
    expect(await client.searchPersons([])).toEqual(new Map());
  });

  it('searchPersons refuses without retry when the registry refuses the batch, naming no national ID', async () => {
    const p = population.persons[50]!;
    const refused = client.searchPersons([
      { referenceId: 'same', nationalId: p.nationalId },
      { referenceId: 'same', nationalId: UNKNOWN_CPF },
    ]);
    await expect(refused).rejects.toMatchObject({
      type: 'RegistryRefusedRequest',
      nonRetryable: true,
      message: 'registry answered HTTP 400',
    });
    const err = (await refused.catch((e: unknown) => e)) as Error;
    expect(`${err.message} ${err.stack ?? ''}`).not.toContain(p.nationalId);
  });
});
