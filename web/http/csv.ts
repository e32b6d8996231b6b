// Sending a CSV file (RFC 4180, UTF-8) as a download: the body is a string or a stream of rows.
import type { Readable } from 'node:stream';
import type { FastifyReply } from 'fastify';

/** The file as an attachment; the name keeps letters, digits, dots and dashes only. */
export function sendCsv(reply: FastifyReply, filename: string, body: string | Readable): FastifyReply {
  return reply
    .type('text/csv; charset=utf-8; header=present')
    .header('content-disposition', `attachment; filename="${filename.replace(/[^\w.-]/g, '_')}"`)
    .send(body);
}
