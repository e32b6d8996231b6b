// Bank notifications (pain.002 XML, group-level). They carry no payment data that we trust: a notification
// only makes the batch workflow pull the bank's status report. So a forged or repeated callback cannot mark
// anything paid, and only the bank's signed ones get in at all (signed-bodies.ts).
import type { FastifyInstance } from 'fastify';
import { BANK_PROVIDER } from '../../rails/bank/client';
import { parseBankCallback } from '../../schema/bank-callback';
import type { WebContext } from '../http/context';
import { invalid } from '../services/refusal';
import { receiveNotification } from './notifications';
import { acceptSignedBodies, CALLBACK_MAX_BYTES } from './signed-bodies';

export function callbackRoutes(app: FastifyInstance, ctx: WebContext): void {
  // Own scope: the bank's signed XML bodies apply to this route only.
  void app.register((scope, _opts, done) => {
    acceptSignedBodies(scope, ctx, {
      provider: BANK_PROVIDER,
      secret: ctx.config.BANK_CALLBACK_SECRET,
      contentTypes: ['application/xml', 'text/xml'],
      // Kept as text: the route reads the two elements it needs from it as a stream.
      decode: (_request, text) => text,
    });

    scope.post('/callbacks/bank', { bodyLimit: CALLBACK_MAX_BYTES }, async (request, reply) => {
      const parsed = parseBankCallback(request.headers['x-event-id'], request.body);
      if (!parsed.ok) throw invalid(parsed.fields);
      const { eventId, messageId, status } = parsed.value;
      const { duplicate } = await receiveNotification(ctx, {
        provider: BANK_PROVIDER,
        eventId,
        kind: 'status-notification',
        messageId,
        payload: { status },
      });
      return reply.code(200).send({ received: true, duplicate });
    });
    done();
  });
}
