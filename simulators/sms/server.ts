// The SMS gateway's HTTP API. A flaky gateway on demand: a share of POSTs answers 503 before anything
// is recorded, so senders must retry, and must reuse their reference so a retry is not a second SMS.
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { createLogger, type Logger } from '../../lib/logger';
import type { SmsStore } from './store';
import { jsonErrors, simulatorApp } from '../shared/http-app';

export interface SmsFaults {
  /** Share of POSTs (0..1) answered 503; read per request, so tests can change it while running. */
  failureRate: number;
}

export interface SmsServerDeps {
  store: SmsStore;
  faults?: SmsFaults;
  random?: () => number;
  logger?: Logger;
}

const E164 = z.string().regex(/^\+[1-9]\d{6,14}$/, 'must be an E.164 phone number such as +5511912345678');

const SendRequest = z.object({
  to: E164,
  body: z.string().min(1).max(1600),
  reference: z.string().min(1).max(100),
});

const ListQuery = z.object({
  to: E164.optional(),
  reference: z.string().min(1).max(100).optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
});

/** Field name → first problem found there. */
function fieldErrors(error: z.ZodError): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const issue of error.issues) fields[issue.path.map(String).join('.') || 'body'] ??= issue.message;
  return fields;
}

const invalid = (fields: Record<string, string>) => ({ error: 'invalid_request', fields });

export function buildSmsServer(deps: SmsServerDeps): FastifyInstance {
  const { store } = deps;
  const faults = deps.faults ?? { failureRate: 0 };
  const random = deps.random ?? Math.random;
  const log = deps.logger ?? createLogger('sms-sim');
  const app = simulatorApp({ log, errors: jsonErrors });

  app.post('/v1/messages', async (req, reply) => {
    if (faults.failureRate > 0 && random() < faults.failureRate) {
      return reply.code(503).header('retry-after', '1').send({ error: 'temporarily_unavailable' });
    }
    const parsed = SendRequest.safeParse(req.body);
    if (!parsed.success) return reply.code(400).send(invalid(fieldErrors(parsed.error)));
    const result = await store.record(parsed.data);
    switch (result.kind) {
      case 'conflict':
        log.warn('reference reused for another message', { messageId: result.messageId });
        return reply.code(409).send({ error: 'reference_conflict', messageId: result.messageId });
      case 'replayed':
        log.info('message resent, original returned', { messageId: result.message.messageId });
        return reply.code(200).send({ messageId: result.message.messageId, status: 'ACCEPTED' });
      case 'accepted':
        log.debug('message accepted', { messageId: result.message.messageId });
        return reply.code(202).send({ messageId: result.message.messageId, status: 'ACCEPTED' });
    }
  });

  app.get('/v1/messages', async (req, reply) => {
    const q = ListQuery.safeParse(req.query);
    if (!q.success) return reply.code(400).send(invalid(fieldErrors(q.error)));
    return { messages: await store.list(q.data) };
  });

  return app;
}
