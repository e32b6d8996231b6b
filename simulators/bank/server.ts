// The bank's HTTP API (JSON with ISO 20022 names and status codes). Thin: parsing and rendering
// only; the bank's rules live in the store and processor so other message formats can reuse them.
import Fastify, { type FastifyError, type FastifyInstance } from 'fastify';
import { z } from 'zod';
import { createLogger, type Logger } from '../../lib/logger';
import { fieldErrors, parseCreditTransfer, type FieldErrors } from './messages';
import type { BankStore } from './store';

export interface BankServerDeps {
  store: BankStore;
  /** Told after each new message is persisted (wire to BankProcessor.kick). */
  onReceived?: (messageId: string) => void;
  logger?: Logger;
}

const invalid = (fields: FieldErrors) => ({ error: 'invalid_request', fields });

const StatementQuery = z.object({
  debtorAccount: z.string().min(1).max(34),
  after: z.string().regex(/^\d{1,18}$/, 'must be a cursor returned by this endpoint').optional(),
  limit: z.coerce.number().int().min(1).max(5000).default(1000),
});

const SummaryQuery = z.object({ debtorAccount: z.string().min(1).max(34) });

export function buildBankServer(deps: BankServerDeps): FastifyInstance {
  const { store } = deps;
  const log = deps.logger ?? createLogger('bank-sim');
  // Fastify's own logger would print URLs, and statement URLs carry account numbers.
  const app = Fastify({ logger: false, bodyLimit: 16 * 1024 * 1024 });

  app.setErrorHandler((err: FastifyError, req, reply) => {
    const status = err.statusCode ?? 500;
    if (status === 400 || status === 415) return reply.code(400).send(invalid({ body: err.message }));
    if (status === 413) return reply.code(413).send({ error: 'payload_too_large' });
    if (status < 500) return reply.code(status).send({ error: err.code ?? 'request_error' });
    log.error('request failed', { method: req.method, route: req.routeOptions.url, error: err.message });
    return reply.code(500).send({ error: 'internal_error' });
  });

  app.get('/health', () => ({ status: 'ok' }));

  app.post('/v1/credit-transfers', async (req, reply) => {
    const parsed = parseCreditTransfer(req.body);
    if (!parsed.ok) return reply.code(400).send(invalid(parsed.fields));
    const result = await store.receive(parsed.value);
    const { messageId } = parsed.value;
    switch (result.kind) {
      case 'conflict':
        log.warn('messageId reused with a different body', { messageId });
        return reply.code(409).send({ error: 'message_id_conflict' });
      case 'replayed':
        log.info('message resent, original receipt returned', { messageId });
        return reply.code(200).send(result.receipt);
      case 'accepted':
        log.info('message received', { messageId, items: result.receipt.itemCount });
        deps.onReceived?.(messageId);
        return reply.code(202).send(result.receipt);
    }
  });

  app.get<{ Params: { endToEndId: string } }>('/v1/credit-transfers/items/:endToEndId', async (req, reply) => {
    const item = await store.item(req.params.endToEndId);
    return item ?? reply.code(404).send({ error: 'item_not_found' });
  });

  app.get<{ Params: { messageId: string } }>('/v1/credit-transfers/:messageId', async (req, reply) => {
    const report = await store.report(req.params.messageId);
    return report ?? reply.code(404).send({ error: 'message_not_found' });
  });

  app.get('/v1/statement', async (req, reply) => {
    const q = StatementQuery.safeParse(req.query);
    if (!q.success) return reply.code(400).send(invalid(fieldErrors(q.error)));
    return store.statement(q.data.debtorAccount, q.data.after, q.data.limit);
  });

  app.get('/v1/ledger/summary', async (req, reply) => {
    const q = SummaryQuery.safeParse(req.query);
    if (!q.success) return reply.code(400).send(invalid(fieldErrors(q.error)));
    return store.summary(q.data.debtorAccount);
  });

  return app;
}
