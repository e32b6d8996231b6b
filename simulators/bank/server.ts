// The bank's HTTP API: ISO 20022 XML for payments (iso-routes.ts), JSON for the harness (ledger summary,
// item lookup, fault settings, reversals). Thin: parsing and rendering only; the bank's rules live in the
// store and processor.
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { createLogger, type Logger } from '../../lib/logger';
import { FaultInjector, loggableFaults, parseFaultConfig } from './faults';
import { AccountHolderBook } from './holders';
import { installFaultHooks } from './http-faults';
import { isoRoutes } from './iso-routes';
import type { BankStore } from './store';
import { jsonErrors, simulatorApp } from '../shared/http-app';

export interface BankServerDeps {
  store: BankStore;
  /** Shared with the processor; PUT /v1/admin/faults replaces its configuration. */
  faults?: FaultInjector;
  /** Who holds the bank's accounts; default: the REGISTRY_* population, generated on first use (holders.ts). */
  holders?: AccountHolderBook;
  /** Told after each new message is persisted (wire to BankProcessor.kick). */
  onReceived?: (messageId: string) => void;
  logger?: Logger;
}

type FieldErrors = Record<string, string>;
const invalid = (fields: FieldErrors) => ({ error: 'invalid_request', fields });

/** Field path → problem; `whole` names a problem of the query or body as a whole (an unknown field). */
function fieldErrors(error: z.ZodError, whole = 'query'): FieldErrors {
  const fields: FieldErrors = {};
  for (const issue of error.issues) fields[issue.path.map(String).join('.') || whole] ??= issue.message;
  return fields;
}

const SummaryQuery = z.object({ debtorAccount: z.string().min(1).max(34) });
const ReversalBody = z.strictObject({ endToEndId: z.string().min(1).max(35) });

export function buildBankServer(deps: BankServerDeps): FastifyInstance {
  const { store } = deps;
  const faults = deps.faults ?? new FaultInjector();
  const log = deps.logger ?? createLogger('bank-sim');
  const errors = { ...jsonErrors, tooLarge: { error: 'payload_too_large' } };
  const app = simulatorApp({ log, errors, bodyLimit: 16 * 1024 * 1024 });
  // pain.001 arrives as text; parsing it is the codec's job, which names what is wrong.
  app.addContentTypeParser(['application/xml', 'text/xml'], { parseAs: 'string' }, (_req, body, done) => done(null, body));

  const holders = deps.holders ?? AccountHolderBook.fromEnv(process.env, log);
  const hooks = installFaultHooks(app, faults);
  isoRoutes(app, { store, faults, hooks, holders, log, ...(deps.onReceived ? { onReceived: deps.onReceived } : {}) });

  app.get<{ Params: { endToEndId: string } }>('/v1/items/:endToEndId', { config: { endpoint: 'status' } }, async (req, reply) => {
    const item = await store.item(req.params.endToEndId);
    return item ?? reply.code(404).send({ error: 'item_not_found' });
  });

  // The harness's view of the ledger (tests and the demo compare it): never faulted.
  app.get('/v1/ledger/summary', async (req, reply) => {
    const q = SummaryQuery.safeParse(req.query);
    if (!q.success) return reply.code(400).send(invalid(fieldErrors(q.error)));
    return store.summary(q.data.debtorAccount);
  });

  app.get('/v1/admin/faults', () => faults.config);
  // Replaces the whole configuration (fields left out go back to "no fault"); for tests and drills.
  app.put('/v1/admin/faults', async (req, reply) => {
    const parsed = parseFaultConfig(req.body ?? {});
    if (!parsed.ok) return reply.code(400).send(invalid(parsed.fields));
    faults.set(parsed.value);
    log.warn('faults changed', { faults: loggableFaults(parsed.value) });
    return parsed.value;
  });

  // Drills: a credit returned after it was paid, booked back to the debtor account (reversal.ts).
  // 201 when booked now, 200 with the same reversal when it was booked before; never faulted.
  app.post('/v1/admin/reversals', async (req, reply) => {
    const body = ReversalBody.safeParse(req.body ?? {});
    if (!body.success) return reply.code(400).send(invalid(fieldErrors(body.error, 'body')));
    const { endToEndId } = body.data;
    const result = await store.reverse(endToEndId);
    if (result.kind === 'notFound') {
      return reply
        .code(404)
        .send({ error: 'credit_not_found', fields: { endToEndId: `no credit was booked with endToEndId ${endToEndId}` } });
    }
    if (result.kind === 'booked') log.warn('credit reversed', { endToEndId, entryReference: result.reversal.entryReference });
    return reply.code(result.kind === 'booked' ? 201 : 200).send(result.reversal);
  });

  return app;
}
