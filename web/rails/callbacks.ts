// The rails' notifications, one route per registered rail (rails/index.ts) at /callbacks/<its path>. They
// carry no payment data that we trust: a notification only makes the batch workflow pull the rail's own
// report, so a forged or repeated one cannot mark anything paid, and only the rail's signed ones get in at
// all (signed-bodies.ts). How a notification reads is the rail's (rails/<rail>/index.ts).
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { RAILS } from '../../rails';
import type { RailPlugin } from '../../rails/rail';
import type { WebContext } from '../http/context';
import { invalid } from '../services/refusal';
import { receiveNotification } from './notifications';
import { acceptSignedBodies, CALLBACK_MAX_BYTES } from './signed-bodies';

export function callbackRoutes(app: FastifyInstance, ctx: WebContext): void {
  for (const rail of RAILS) railCallbacks(app, ctx, rail);
}

function railCallbacks(app: FastifyInstance, ctx: WebContext, rail: RailPlugin): void {
  const { callback } = rail;
  // Own scope: the rail's signed bodies apply to its route only.
  void app.register((scope, _opts, done) => {
    acceptSignedBodies(scope, ctx, {
      provider: rail.provider,
      secret: ctx.config[callback.secret],
      contentTypes: callback.contentTypes,
      decode: callback.body === 'json' ? jsonReader(scope) : (_request, text) => text,
    });
    scope.route({
      method: [...callback.methods],
      url: `/callbacks/${rail.callbackPath}`,
      bodyLimit: CALLBACK_MAX_BYTES,
      handler: async (request, reply) => {
        const read = callback.read(request.headers, request.body);
        if (!read.ok) throw invalid(read.fields);
        const { eventId, kind, messageId, payload } = read.notification;
        const kept = Object.fromEntries(Object.entries(payload).filter(([, v]) => v !== undefined));
        const { duplicate } = await receiveNotification(ctx, { provider: rail.provider, eventId, kind, messageId, payload: kept });
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
