// The wallet provider's HTTP API, shaped like the GSMA Mobile Money API's bulk disbursement. Thin:
// parsing, faults and rendering; the provider's rules live in the store and processor.
import type { FastifyInstance, FastifyReply } from 'fastify';
import { z } from 'zod';
import { createLogger, type Logger } from '../../lib/logger';
import { registerAccountLookups } from './account-lookup';
import { FaultState } from './faults';
import { errorParameters, formatError, parseBatchRequest, type GsmaError } from './messages';
import { populationOptionsFromEnv } from '../shared/population-env';
import { recipientRejection } from './recipient-check';
import type { WalletStore } from './store';
import { WalletAccounts } from './wallet-accounts';
import { simulatorApp, type ErrorBodies } from '../shared/http-app';

export interface WalletServerDeps {
  store: WalletStore;
  /** Shared with the processor, so PUT /v1/admin/faults reaches both. */
  faults?: FaultState;
  /** Told after each new batch is persisted (wire to WalletProcessor.kick). */
  onReceived?: (batchId: string) => void;
  /** Who holds which wallet (account look-ups, payments naming their recipient); default: the registry population of REGISTRY_*, built on first use. */
  accounts?: WalletAccounts;
  logger?: Logger;
}

type Kind = 'submit' | 'status' | 'statement' | 'accounts';

/** How long a "timed out after commit" answer is withheld when the socket is not destroyed at once. */
const HANG_MS = 120_000;

const notFound = (what: string): GsmaError => ({
  errorCategory: 'identification',
  errorCode: 'genericError',
  errorDescription: `${what} not found`,
});
const Id = z.object({ id: z.uuid() });
const ByCorrelation = z.object({ correlationId: z.string().min(1).max(64) });
const SettlementQuery = z.object({
  account: z.string().min(1).max(64),
  date: z.iso.date({ error: 'must be a date (YYYY-MM-DD)' }),
  currency: z
    .string()
    .regex(/^[A-Z]{3}$/, 'must be an ISO 4217 code (3 upper-case letters)')
    .optional(),
  page: z.coerce.number().int().min(1).max(99_999).default(1),
});
const SummaryQuery = z.object({ account: z.string().min(1).max(64) });
const ReversalBody = z.strictObject({ requestingOrganisationTransactionReference: z.string().min(1).max(64) });

/** Fastify's own errors (unparseable body, too large, ...) in the GSMA error object. */
const gsmaErrors: ErrorBodies = {
  invalid: (message) => formatError([{ key: 'body', value: message }]),
  tooLarge: { errorCategory: 'validation', errorCode: 'payloadTooLarge' },
  client: (err) => ({ errorCategory: 'validation', errorCode: 'genericError', errorDescription: err.message }),
  internal: { errorCategory: 'internal', errorCode: 'genericError' },
};

export function buildWalletServer(deps: WalletServerDeps): FastifyInstance {
  const { store } = deps;
  const faults = deps.faults ?? new FaultState();
  const log = deps.logger ?? createLogger('wallet-sim');
  const app = simulatorApp({ log, errors: gsmaErrors, bodyLimit: 16 * 1024 * 1024 });
  // Who holds which wallet: for the look-ups and for payments that name their recipient. Built on first use.
  const accounts = deps.accounts ?? WalletAccounts.fromPopulation(populationOptionsFromEnv(process.env), log);
  const withheld = new Set<{ destroy(): void }>();
  app.setNotFoundHandler((_req, reply) => reply.code(404).send(notFound('resource')));
  // A withheld answer must not keep the server from closing.
  app.addHook('preClose', (done) => {
    for (const s of withheld) s.destroy();
    done();
  });

  /** Latency, then maybe a 503 before anything is done. False when the request was answered. */
  async function gate(kind: Kind, reply: FastifyReply): Promise<boolean> {
    const { latencyMs, errorRate } = faults.current;
    const wait = faults.delayMs(latencyMs[kind]);
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    if (!faults.chance(errorRate[kind])) return true;
    await reply.code(503).header('retry-after', '1').send({ errorCategory: 'serviceUnavailable', errorCode: 'serviceUnavailable' });
    return false;
  }

  app.post('/v1/batchtransactions', async (req, reply) => {
    if (!(await gate('submit', reply))) return reply;
    const parsed = parseBatchRequest(req.headers, req.body);
    if (!parsed.ok) return reply.code(400).send(parsed.error);
    const { correlationId } = parsed.value;
    const result = await store.receive(
      parsed.value,
      (reference) => faults.refusedAtAcceptance(reference),
      (t) => recipientRejection(accounts, t),
    );
    if (result.kind === 'conflict') {
      log.warn('X-CorrelationID reused with a different body', { correlationId });
      return reply.code(409).send({
        errorCategory: 'businessRule',
        errorCode: 'duplicaterequest',
        errorDescription: 'X-CorrelationID already used for another request',
      });
    }
    const batchId = result.response.objectReference;
    log.info(result.kind === 'accepted' ? 'batch received' : 'batch resent, original response returned', {
      correlationId,
      batchId,
      transactions: parsed.value.transactions.length,
    });
    if (result.kind === 'accepted') deps.onReceived?.(batchId);
    if (faults.chance(faults.current.timeoutAfterCommitRate)) {
      // Committed, but the client never hears it: it must ask (request state by correlation id) before resending.
      reply.hijack();
      const socket = req.raw.socket;
      log.info('answer withheld after commit (fault)', { correlationId, batchId });
      if (faults.chance(0.5)) {
        socket.destroy();
      } else {
        withheld.add(socket);
        const timer = setTimeout(() => socket.destroy(), HANG_MS);
        socket.once('close', () => {
          clearTimeout(timer);
          withheld.delete(socket);
        });
      }
      return reply;
    }
    // An identical resend gets the original answer (200 instead of 202, as the bank does).
    return reply.code(result.kind === 'accepted' ? 202 : 200).send(result.response);
  });

  const lookup =
    <T>(kind: Kind, what: string, find: (id: string) => Promise<T | null>) =>
    async (req: { params: unknown }, reply: FastifyReply) => {
      if (!(await gate(kind, reply))) return reply;
      const p = Id.safeParse(req.params);
      const found = p.success ? await find(p.data.id) : null;
      return found ?? reply.code(404).send(notFound(what));
    };
  app.get(
    '/v1/requeststates/:id',
    lookup('status', 'request state', (id) => store.requestState(id)),
  );
  app.get(
    '/v1/batchtransactions/:id',
    lookup('status', 'batch', (id) => store.batch(id)),
  );
  app.get(
    '/v1/batchtransactions/:id/completions',
    lookup('status', 'batch', (id) => store.completions(id)),
  );
  app.get(
    '/v1/batchtransactions/:id/rejections',
    lookup('status', 'batch', (id) => store.rejections(id)),
  );

  // The lookup by the client's own X-CorrelationID: "did you get batch X?" after a lost answer.
  app.get('/v1/requeststates', async (req, reply) => {
    if (!(await gate('status', reply))) return reply;
    const q = ByCorrelation.safeParse(req.query);
    if (!q.success) return reply.code(400).send(formatError(errorParameters(q.error)));
    return (await store.requestStateByCorrelationId(q.data.correlationId)) ?? reply.code(404).send(notFound('request'));
  });

  app.get<{ Params: { ref: string } }>('/v1/transactions/:ref', async (req, reply) => {
    if (!(await gate('status', reply))) return reply;
    return (await store.transaction(req.params.ref)) ?? reply.code(404).send(notFound('transaction'));
  });

  app.get('/v1/settlement', async (req, reply) => {
    if (!(await gate('statement', reply))) return reply;
    const q = SettlementQuery.safeParse(req.query);
    if (!q.success) return reply.code(400).send(formatError(errorParameters(q.error)));
    const result = await store.settlement(q.data.account, q.data.date, q.data.currency, q.data.page);
    if (result.kind === 'report') return result.report;
    return reply.code(400).send(formatError([{ key: 'currency', value: `required: the account paid in ${result.currencies.join(', ')}` }]));
  });

  // Test harness, outside the fault injection: counts straight from the ledger.
  app.get('/v1/ledger/summary', async (req, reply) => {
    const q = SummaryQuery.safeParse(req.query);
    if (!q.success) return reply.code(400).send(formatError(errorParameters(q.error)));
    return store.summary(q.data.account);
  });

  // GSMA account name and status look-ups (account-lookup.ts), behind their own faults.
  registerAccountLookups(app, { accounts, faults, gate: (reply) => gate('accounts', reply) });

  app.get('/v1/admin/faults', () => faults.current);
  app.put('/v1/admin/faults', async (req, reply) => {
    try {
      const current = faults.set(req.body ?? {});
      log.info('faults changed', {
        faults: {
          ...current,
          unknownWallets: current.unknownWallets.length,
          closedWallets: current.closedWallets.length,
          kycLimit: current.kycLimit.default,
        },
      });
      return current;
    } catch (err) {
      if (err instanceof z.ZodError) return reply.code(400).send(formatError(errorParameters(err)));
      throw err;
    }
  });

  // Drills: a completed transfer taken back to the debit account (reversal.ts). 201 when booked now,
  // 200 with the same reversal when it was booked before; outside the fault injection.
  app.post('/v1/admin/reversals', async (req, reply) => {
    const body = ReversalBody.safeParse(req.body ?? {});
    if (!body.success) return reply.code(400).send(formatError(errorParameters(body.error)));
    const reference = body.data.requestingOrganisationTransactionReference;
    const result = await store.reverse(reference);
    if (result.kind === 'notFound') {
      return reply.code(404).send({
        ...notFound('transfer'),
        errorParameters: [
          { key: 'requestingOrganisationTransactionReference', value: `no completed transfer with reference ${reference}` },
        ],
      });
    }
    if (result.kind === 'booked') log.warn('transfer reversed', { reference, transactionReference: result.reversal.transactionReference });
    return reply.code(result.kind === 'booked' ? 201 : 200).send(result.reversal);
  });

  return app;
}
