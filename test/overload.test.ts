// A database too busy to finish a request's transaction in time is not a fault of ours nor of the request:
// the edge answers 503 with Retry-After, which a person or a client can act on ("send it again in a few
// seconds"), in JSON and on the pages. Real Prisma errors (P2028, the transaction's time ran out) from a
// real transaction waiting on a lock another connection holds, on the real database.
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../lib/config';
import { createDb } from '../lib/db';
import { createLogger } from '../lib/logger';
import { installErrorHandler } from '../web/http/errors';
import { htmlScope, pageStatus } from '../web/http/html-scope';

const LOCK = 8_140_014;
const db = createDb(loadConfig().DATABASE_URL, 2);
const other = createDb(loadConfig().DATABASE_URL, 1);
const log = createLogger('overload-test', 'error');
let app: FastifyInstance;

/** A request whose transaction needs the lock: it waits for it, within a short time of its own. */
const busyTransaction = () =>
  db.$transaction(async (tx) => tx.$executeRaw`SELECT pg_advisory_xact_lock(${LOCK})`, { timeout: 300 }).then(() => ({ ok: true }));

beforeAll(async () => {
  app = Fastify();
  installErrorHandler(app, log);
  app.post('/api/v1/busy', busyTransaction);
  htmlScope(
    app,
    log,
    {
      csp: "default-src 'none'",
      errorPage: (_request, reply, refusal) => {
        if (refusal?.retryAfterSeconds !== undefined) void reply.header('retry-after', String(refusal.retryAfterSeconds));
        return reply
          .code(pageStatus(refusal))
          .type('text/html')
          .send(`<p>${refusal?.code ?? 'fault'}</p>`);
      },
    },
    (scope) => scope.post('/busy-page', busyTransaction),
  );
  await app.ready();
});

afterAll(async () => {
  await app.close();
  await Promise.all([db.$disconnect(), other.$disconnect()]);
});

/** Runs `request` while another connection holds the lock for a while. */
async function whileSaturated<T>(request: () => Promise<T>): Promise<T> {
  let held!: () => void;
  const taken = new Promise<void>((r) => (held = r));
  const holding = other.$transaction(
    async (tx) => {
      await tx.$executeRaw`SELECT pg_advisory_xact_lock(${LOCK})`;
      held();
      await tx.$executeRaw`SELECT pg_sleep(1)`;
    },
    { timeout: 5_000 },
  );
  await taken;
  try {
    return await request();
  } finally {
    await holding;
  }
}

describe('an overloaded database', () => {
  it('is answered 503 busy with Retry-After in JSON, not 500, and the same request later succeeds', async () => {
    const res = await whileSaturated(() => app.inject({ method: 'POST', url: '/api/v1/busy' }));
    expect(res.statusCode).toBe(503);
    expect(res.headers['retry-after']).toMatch(/^\d+$/);
    const body = res.json<{ error: string; message: string }>();
    expect(body.error).toBe('busy');
    expect(body.message).toMatch(/again in a few seconds/);
    expect(res.body).not.toMatch(/P20\d\d|Transaction API|prisma/i); // nothing of the database's own words
    const later = await app.inject({ method: 'POST', url: '/api/v1/busy' });
    expect(later.statusCode).toBe(200);
  });

  it('is answered 503 with Retry-After on a page', async () => {
    const res = await whileSaturated(() => app.inject({ method: 'POST', url: '/busy-page' }));
    expect(res.statusCode).toBe(503);
    expect(res.headers['retry-after']).toMatch(/^\d+$/);
    expect(res.body).toContain('busy');
  });
});
