// Bank notifications (pain.002 XML). They carry no payment data that we trust: a notification only makes
// the batch workflow pull the bank's status report. So a forged or repeated callback cannot mark anything paid.
import type { FastifyInstance } from 'fastify';
import { BANK_PROVIDER } from '../../activities/clients/bank-client';
import { parseBankCallback } from '../../schema/bank-callback';
import type { WebContext } from '../http/context';
import { invalid } from '../services/refusal';

/** A status report of a 5000-item message is about 2 MB; anything far beyond is not a notification. */
const MAX_NOTIFICATION_BYTES = 4 * 1024 * 1024;

export function callbackRoutes(app: FastifyInstance, ctx: WebContext): void {
  // Own scope: the XML parser (raw text for the codec) applies to this route only.
  void app.register((scope, _opts, done) => {
    scope.addContentTypeParser(
      ['application/xml', 'text/xml'],
      { parseAs: 'string', bodyLimit: MAX_NOTIFICATION_BYTES },
      (_req, body, next) => next(null, body),
    );

    scope.post('/callbacks/bank', { bodyLimit: MAX_NOTIFICATION_BYTES }, async (request, reply) => {
      const parsed = parseBankCallback(request.headers['x-event-id'], request.body);
      if (!parsed.ok) throw invalid(parsed.fields);
      const { eventId, messageId, status } = parsed.value;
      const stored = await ctx.db.providerEvent.createMany({
        data: [{ provider: BANK_PROVIDER, eventId, kind: 'status-notification', messageId, payload: { status } }],
        skipDuplicates: true,
      });
      // Enqueued even when the event was already stored: a crash between the two steps must not lose it,
      // and the job ID makes a repeat a no-op while the first job is still known to BullMQ.
      await ctx.queues.bankCallbacks.add('notify', { eventId, messageId }, { jobId: `${BANK_PROVIDER}-${eventId}` });
      return reply.code(200).send({ received: true, duplicate: stored.count === 0 });
    });
    done();
  });
}
