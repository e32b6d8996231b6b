// Bank notifications. They carry no payment data that we trust: a notification only makes the batch
// workflow pull the bank's status report. So a forged or repeated callback cannot mark anything paid.
import type { FastifyInstance } from 'fastify';
import { BANK_PROVIDER } from '../../activities/clients/bank-client';
import { BankCallbackInput } from '../../schema/bank-callback';
import { parseInput } from '../../schema/fields';
import type { WebContext } from '../context';
import { badRequest } from '../errors';

export function callbackRoutes(app: FastifyInstance, ctx: WebContext): void {
  app.post('/callbacks/bank', async (request, reply) => {
    const parsed = parseInput(BankCallbackInput, request.body);
    if (!parsed.ok) throw badRequest(parsed.fields);
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
}
