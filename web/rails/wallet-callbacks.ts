// Wallet provider notifications. Like the bank's, they carry no payment data that we trust: the
// X-CorrelationID names our batch (its messageId), and the notification only makes the batch workflow
// pull the provider's completions and rejections. A forged, repeated or stale one cannot mark anything
// paid, and only the provider's signed ones get in at all (signed-bodies.ts).
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { WALLET_PROVIDER } from '../../rails/wallet/client';
import { WalletCallbackInput, walletCallbackInput } from '../../schema/wallet-callback';
import type { WebContext } from '../http/context';
import { validInput } from '../services/refusal';
import { receiveNotification } from './notifications';
import { acceptSignedBodies, CALLBACK_MAX_BYTES } from './signed-bodies';

export function walletCallbackRoutes(app: FastifyInstance, ctx: WebContext): void {
  // Own scope: the provider's signed JSON bodies apply to this route only.
  void app.register((scope, _opts, done) => {
    acceptSignedBodies(scope, ctx, {
      provider: WALLET_PROVIDER,
      secret: ctx.config.WALLET_CALLBACK_SECRET,
      contentTypes: ['application/json'],
      decode: jsonReader(scope),
    });

    // GSMA providers PUT the batch object; POST is taken too, for providers that post notifications.
    scope.route({
      method: ['PUT', 'POST'],
      url: '/callbacks/wallet',
      bodyLimit: CALLBACK_MAX_BYTES,
      handler: async (request, reply) => {
        const input = validInput(WalletCallbackInput, walletCallbackInput(request.headers, request.body));
        const { 'X-Event-Id': eventId, 'X-CorrelationID': messageId, batchId, batchStatus, completedCount, rejectionCount } = input;
        const { duplicate } = await receiveNotification(ctx, {
          provider: WALLET_PROVIDER,
          eventId,
          kind: 'batch-notification',
          messageId,
          payload: { batchId, batchStatus, completedCount, rejectionCount },
        });
        return reply.code(200).send({ received: true, duplicate });
      },
    });
    done();
  });
}

type DoneParser = (request: FastifyRequest, body: string, done: (err: Error | null, value?: unknown) => void) => void;

/** Fastify's own JSON reading (refuses __proto__ and constructor.prototype, 400 for what is not JSON), as a promise. */
function jsonReader(scope: FastifyInstance): (request: FastifyRequest, text: string) => Promise<unknown> {
  // Typed as either style; Fastify's default JSON parser answers through `done`, never with a promise.
  const parse = scope.getDefaultJsonParser('error', 'error') as DoneParser;
  return (request, text) => new Promise((resolve, reject) => parse(request, text, (err, value) => (err ? reject(err) : resolve(value))));
}
