// Faults at the HTTP edge of the bank: latency and 503s per endpoint (a route opts in with
// `config: { endpoint }`), and the answer withheld after a commit (the classic double-payment trap).
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Endpoint, FaultInjector } from './faults';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Which fault settings (latencyMs, errorRate) apply to this route. */
    endpoint?: Endpoint;
  }
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export interface FaultHooks {
  holdAfterCommit(req: FastifyRequest, reply: FastifyReply): void;
}

/** Install before the routes are declared. */
export function installFaultHooks(app: FastifyInstance, faults: FaultInjector): FaultHooks {
  app.addHook('onRequest', async (req, reply) => {
    const endpoint = req.routeOptions.config.endpoint;
    if (!endpoint) return;
    const ms = faults.latencyMs(endpoint);
    if (ms > 0) await sleep(ms);
    // Before doing anything: a 503 never leaves a trace in the ledger.
    if (faults.unavailable(endpoint)) return reply.code(503).header('retry-after', '1').send({ error: 'service_unavailable' });
  });

  // Held answers: destroyed when their time is up, or at shutdown so close() does not wait for them.
  const held = new Map<NodeJS.Timeout, FastifyRequest>();
  app.addHook('preClose', (done) => {
    for (const [timer, req] of held) {
      clearTimeout(timer);
      req.raw.socket?.destroy();
    }
    held.clear();
    done();
  });

  return {
    /**
     * The message is committed; the client never gets the answer: the socket stays silent for
     * timeoutHoldMs (longer than any sane client timeout), then is destroyed without a response.
     * Needs a real socket (app.listen); under app.inject the request simply never completes.
     */
    holdAfterCommit(req, reply) {
      reply.hijack();
      const timer = setTimeout(() => {
        held.delete(timer);
        req.raw.socket?.destroy();
      }, faults.config.timeoutHoldMs);
      held.set(timer, req);
    },
  };
}
