// HTTP errors with a stable machine-readable code and, for bad input, the fields that were wrong.
import type { FastifyError, FastifyInstance } from 'fastify';
import type { Logger } from '../lib/logger';
import type { FieldErrors } from '../schema/fields';

export class HttpError extends Error {
  constructor(
    readonly statusCode: number,
    readonly code: string,
    readonly fields?: FieldErrors,
  ) {
    super(code);
    this.name = 'HttpError';
  }
}

export const badRequest = (fields: FieldErrors) => new HttpError(400, 'invalid_request', fields);
export const notFound = (what: string) => new HttpError(404, `${what}_not_found`);

export function installErrorHandler(app: FastifyInstance, log: Logger): void {
  app.setErrorHandler((err: FastifyError | HttpError, request, reply) => {
    if (err instanceof HttpError) {
      return reply.code(err.statusCode).send({ error: err.code, ...(err.fields ? { fields: err.fields } : {}) });
    }
    if (err.statusCode && err.statusCode < 500) {
      // Fastify's own 4xx: unparsable JSON, body too large, wrong content type.
      return reply
        .code(err.statusCode)
        .send({
          error: err.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE' ? 'unsupported_media_type' : 'invalid_request',
          fields: { _: err.message },
        });
    }
    // Names and codes only: database errors can echo the values they were given.
    log.error('request failed', {
      method: request.method,
      route: request.routeOptions.url,
      error: err.name,
      code: (err as { code?: string }).code,
    });
    return reply.code(500).send({ error: 'internal_error' });
  });
}
