// HSTS: once a browser has reached us over https, it must never again try plain http (where a network
// in the middle could strip TLS and read a session cookie). Sent only on https answers, as RFC 6797
// requires (a browser ignores it over http). Behind a TLS-terminating proxy a request is https only when
// the proxy is trusted (TRUST_PROXY, lib/trust-proxy.ts), which is why this reads request.protocol.
// No includeSubDomains or preload: whether every subdomain is served over https is the operator's
// knowledge, not ours, and preload is hard to undo.
import type { FastifyInstance } from 'fastify';

/** One year, the common floor for HSTS preload lists and what most guidance recommends. */
export const HSTS = 'max-age=31536000';

export function installTransportSecurity(app: FastifyInstance): void {
  app.addHook('onSend', (request, reply, payload, done) => {
    if (request.protocol === 'https') void reply.header('strict-transport-security', HSTS);
    done(null, payload);
  });
}
