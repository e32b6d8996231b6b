// Wallet provider notifications. Like the bank's, they carry no payment data that we trust: the
// X-CorrelationID names our batch (its messageId), and the notification only makes the batch workflow
// pull the provider's completions and rejections. A forged, repeated or stale one cannot mark anything paid.
import type { FastifyInstance } from 'fastify';
import { WALLET_PROVIDER } from '../../activities/clients/wallet-client';
import { WalletCallbackInput, walletCallbackInput } from '../../schema/wallet-callback';
import type { WebContext } from '../http/context';
import { validInput } from '../services/refusal';

export function walletCallbackRoutes(app: FastifyInstance, ctx: WebContext): void {
  // GSMA providers PUT the batch object; POST is taken too, for providers that post notifications.
  app.route({
    method: ['PUT', 'POST'],
    url: '/callbacks/wallet',
    handler: async (request, reply) => {
      const input = validInput(WalletCallbackInput, walletCallbackInput(request.headers, request.body));
      const { 'X-Event-Id': eventId, 'X-CorrelationID': messageId, batchId, batchStatus, completedCount, rejectionCount } = input;
      const stored = await ctx.db.providerEvent.createMany({
        data: [
          {
            provider: WALLET_PROVIDER,
            eventId,
            kind: 'batch-notification',
            messageId,
            payload: { batchId, batchStatus, completedCount, rejectionCount },
          },
        ],
        skipDuplicates: true,
      });
      // One mechanism for every rail: the bank-callbacks queue maps messageId → batch workflow and signals it.
      // Enqueued even when already stored (a crash between the two steps must not lose it); the job ID
      // makes a repeat a no-op while the first job is still known to BullMQ.
      await ctx.queues.bankCallbacks.add('notify', { eventId, messageId }, { jobId: `${WALLET_PROVIDER}-${eventId}` });
      return reply.code(200).send({ received: true, duplicate: stored.count === 0 });
    },
  });
}
