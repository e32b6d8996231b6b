// The codec endpoint of the Temporal UI and CLI (Temporal's codec server protocol): POST /codec/decode and
// /codec/encode take {payloads: [...]} in proto JSON (metadata values and data in base64) and answer the same
// shape, decoded or encoded by the processes' codec (lib/payload-codec.ts). Point the UI's Data Encoder, or
// `temporal workflow show --codec-endpoint <PUBLIC_URL>/codec --codec-auth "Bearer <token>"`, at it.
// Decoded payloads hold personal data: an administrator's token only, as for the personal-data read, and
// every decode is audited with counts only. A browser may call it from TEMPORAL_UI_ORIGIN alone (CORS).
import type { Payload } from '@temporalio/common';
import type { FastifyInstance, onRequestHookHandler } from 'fastify';
import { z } from 'zod';
import { audit } from '../../lib/audit';
import { isEncrypted, PayloadEncryption } from '../../lib/payload-codec';
import { requireRole, signedIn } from '../http/auth';
import type { WebContext } from '../http/context';
import { invalid, validInput } from '../services/refusal';

/** A page of the UI's history asks for a few dozen at a time; more is not a person reading. */
const MAX_PAYLOADS = 1000;
/** Temporal refuses a payload above 2 MB: a request of that size is one large payload, or many small. */
const BODY_LIMIT = 4 * 1024 * 1024;

const base64 = z.base64({ error: 'base64' });
const JsonPayload = z.object({ metadata: z.record(z.string(), base64).nullish(), data: base64.nullish() });
export const CodecInput = z.object({
  payloads: z.array(JsonPayload, { error: 'a list of payloads' }).max(MAX_PAYLOADS, `at most ${MAX_PAYLOADS} payloads at a time`),
});
type JsonPayload = z.infer<typeof JsonPayload>;

const fromJson = (p: JsonPayload): Payload => ({
  metadata: Object.fromEntries(Object.entries(p.metadata ?? {}).map(([k, v]) => [k, Buffer.from(v, 'base64')])),
  data: Buffer.from(p.data ?? '', 'base64'),
});
const toJson = (p: Payload) => ({
  metadata: Object.fromEntries(Object.entries(p.metadata ?? {}).map(([k, v]) => [k, Buffer.from(v).toString('base64')])),
  data: Buffer.from(p.data ?? []).toString('base64'),
});

export function temporalCodecRoutes(app: FastifyInstance, ctx: WebContext): void {
  // Built on first use: the routes are registered before any request, and some servers never get one.
  let codec: PayloadEncryption | undefined;
  const payloadCodec = () => (codec ??= new PayloadEncryption(ctx.config.TEMPORAL_PAYLOAD_KEYS));

  /** The UI's origin may read the answers, refusals included (so the UI can say why); no other origin may. */
  const cors: onRequestHookHandler = (request, reply, done) => {
    void reply.header('vary', 'origin');
    if (request.headers.origin === ctx.config.TEMPORAL_UI_ORIGIN.replace(/\/$/, '')) {
      void reply.header('access-control-allow-origin', request.headers.origin);
      // The UI may send cookies ("include credentials"): harmless, as only the Authorization header counts here.
      void reply.header('access-control-allow-credentials', 'true');
    }
    done();
  };
  /** A namespace other than ours is a UI pointed at the wrong Amparo: its payloads are not under our keys. */
  const ourNamespace: onRequestHookHandler = (request, _reply, done) => {
    const namespace = request.headers['x-namespace'];
    if (namespace === undefined || namespace === ctx.config.TEMPORAL_NAMESPACE) return done();
    done(invalid({ 'X-Namespace': `not the namespace of this Amparo (${ctx.config.TEMPORAL_NAMESPACE})` }));
  };
  // Authenticated before the body is read: nobody else gets a large body parsed.
  const guarded = { bodyLimit: BODY_LIMIT, onRequest: [cors, requireRole(ctx.db, 'ADMIN'), ourNamespace] };

  /** Each payload alone, so a refusal names the one at fault (a key id not configured, altered bytes). */
  const decodeEach = (payloads: Payload[]) =>
    Promise.all(
      payloads.map(async (p, i) => {
        try {
          return (await payloadCodec().decode([p]))[0]!;
        } catch (err) {
          throw invalid({ [`payloads.${i}`]: (err as Error).message });
        }
      }),
    );

  app.post('/codec/decode', guarded, async (request, reply) => {
    const payloads = validInput(CodecInput, request.body).payloads.map(fromJson);
    const decoded = await decodeEach(payloads);
    await audit(ctx.db, {
      actor: signedIn(request).id,
      action: 'temporal.payloads_decoded',
      entityType: 'temporal_namespace',
      entityId: ctx.config.TEMPORAL_NAMESPACE,
      details: { payloads: payloads.length, decrypted: payloads.filter(isEncrypted).length },
    });
    void reply.header('cache-control', 'no-store');
    return { payloads: decoded.map(toJson) };
  });

  app.post('/codec/encode', guarded, async (request) => {
    const payloads = validInput(CodecInput, request.body).payloads.map(fromJson);
    return { payloads: (await payloadCodec().encode(payloads)).map(toJson) };
  });

  // Preflight: a browser asks before it sends the Authorization header, so this answers without a token.
  for (const url of ['/codec/decode', '/codec/encode'])
    app.options(url, { onRequest: cors }, async (_request, reply) =>
      reply
        .code(204)
        .header('access-control-allow-methods', 'POST, OPTIONS')
        .header('access-control-allow-headers', 'authorization, content-type, x-namespace')
        .header('access-control-max-age', '600')
        .send(),
    );
}
