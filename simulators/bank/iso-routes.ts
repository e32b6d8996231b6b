// The bank's ISO 20022 endpoints: pain.001 in, pain.002 out (acknowledgement and on request),
// camt.053 statements, acmt.023 identification verification answered with acmt.024. The bank's rules
// live in messages.ts, identification.ts and the store; this file is the wire.
import type { FastifyInstance, FastifyReply } from 'fastify';
import { z } from 'zod';
import type { Logger } from '../../lib/logger';
import { randomUUID } from 'node:crypto';
import { parseAcmt023 } from '../../lib/iso20022/acmt023';
import { buildAcmt024 } from '../../lib/iso20022/acmt024';
import { buildCamt053 } from '../../lib/iso20022/camt053';
import { parsePain001 } from '../../lib/iso20022/pain001';
import { Iso20022Error, XmlSyntaxError } from '../../lib/iso20022/xml';
import { checkCreditors } from './creditor-identity';
import type { FaultInjector } from './faults';
import type { AccountHolderBook } from './holders';
import type { FaultHooks } from './http-faults';
import { requestProblems, verifyAll } from './identification';
import { toRequest } from './messages';
import { HOLDER_BANK_CODE } from '../shared/account-holders';
import { rejectionXml } from './reports';
import type { BankStore } from './store';

export interface IsoRouteDeps {
  store: BankStore;
  faults: FaultInjector;
  hooks: FaultHooks;
  /** Who holds the bank's accounts: for acmt.023 and for payments that name their creditor. */
  holders: AccountHolderBook;
  onReceived?: (messageId: string) => void;
  log: Logger;
}

const CallbackUrl = z.url({ protocol: /^https?$/ }).max(2000);
const Camt053Query = z.object({
  account: z.string().min(1).max(34),
  date: z.iso.date(),
  /** GrpHdr/MsgPgntn/PgNb: a busy day's statement comes in pages. */
  page: z.coerce.number().int().min(1).max(99_999).default(1),
});

const invalid = (fields: Record<string, string>) => ({ error: 'invalid_request', fields });
const xml = (reply: FastifyReply, status: number, body: string) => reply.code(status).type('application/xml; charset=utf-8').send(body);

/** The MsgId of a message that failed validation, if it can be read at all, for OrgnlMsgId. */
function readMessageId(body: string): string {
  const id = /<(?:\w+:)?MsgId>\s*([^<]{1,35}?)\s*<\/(?:\w+:)?MsgId>/.exec(body)?.[1];
  return id ?? 'NOTPROVIDED';
}

export function isoRoutes(app: FastifyInstance, deps: IsoRouteDeps): void {
  const { store, faults, log } = deps;

  app.post('/v1/pain001', { config: { endpoint: 'submit' } }, async (req, reply) => {
    if (typeof req.body !== 'string')
      return reply.code(400).send(invalid({ body: 'expected a pain.001 document (Content-Type: application/xml)' }));
    const header = req.headers['x-callback-url'];
    const callbackUrl = header === undefined ? undefined : CallbackUrl.safeParse(header);
    if (callbackUrl && !callbackUrl.success) return reply.code(400).send(invalid({ 'X-Callback-URL': 'must be one http(s) URL' }));

    let request;
    try {
      const parsed = toRequest(parsePain001(req.body), callbackUrl?.data);
      // Control totals, in-message duplicates, unbookable amounts: refused whole, nothing written.
      if (!parsed.ok) {
        log.warn('message rejected', { messageId: readMessageId(req.body), reason: parsed.rejection.code });
        return xml(reply, 422, rejectionXml(readMessageId(req.body), parsed.rejection));
      }
      // A creditor named in Cdtr/Id must hold the account; such items are refused at acceptance if not.
      request = await checkCreditors(parsed.value, deps.holders);
    } catch (err) {
      if (err instanceof XmlSyntaxError) return reply.code(400).send(invalid({ body: err.message }));
      if (!(err instanceof Iso20022Error)) throw err;
      return xml(reply, 422, rejectionXml(readMessageId(req.body), { code: 'FF01', info: err.message }));
    }

    const result = await store.receive(request, faults);
    const { messageId } = request;
    switch (result.kind) {
      case 'conflict':
        log.warn('MsgId reused with different content', { messageId });
        return xml(reply, 409, rejectionXml(messageId, { code: 'DU01', info: 'MsgId already used for a different message' }));
      case 'replayed':
        log.info('message resent, original acknowledgement returned', { messageId });
        return xml(reply, 200, result.ack);
      case 'accepted':
        log.info('message received', { messageId, items: request.items.length, status: result.groupStatus });
        deps.onReceived?.(messageId);
        if (faults.timesOutAfterCommit()) {
          log.info('fault: answer withheld after commit', { messageId });
          return deps.hooks.holdAfterCommit(req, reply);
        }
        return xml(reply, 202, result.ack);
    }
  });

  // Identification verification: read-only, so a resend is simply answered again. Every verification
  // is answered (Vrfctn true or false with its reason); a document the bank cannot read is 400 naming where.
  app.post('/v1/acmt023', { config: { endpoint: 'verify' } }, async (req, reply) => {
    if (typeof req.body !== 'string')
      return reply.code(400).send(invalid({ body: 'expected an acmt.023 document (Content-Type: application/xml)' }));
    let request;
    try {
      request = parseAcmt023(req.body);
    } catch (err) {
      if (err instanceof XmlSyntaxError) return reply.code(400).send(invalid({ body: err.message }));
      if (err instanceof Iso20022Error) return reply.code(400).send(invalid({ [err.element]: err.problem }));
      throw err;
    }
    const problems = requestProblems(request);
    if (problems) return reply.code(400).send(invalid(problems));
    const reports = verifyAll(await deps.holders.get(), request);
    // Counts only: who was asked about is personal data.
    const verified = reports.filter((r) => r.verified).length;
    log.info('identification verified', { messageId: request.messageId, verifications: reports.length, verified });
    const answer = buildAcmt024({
      messageId: `IVR${randomUUID().replaceAll('-', '')}`,
      createdAt: new Date().toISOString(),
      assigner: { agent: HOLDER_BANK_CODE },
      assignee: request.assigner,
      originalMessageId: request.messageId,
      originalCreatedAt: request.createdAt,
      reports,
    });
    return xml(reply, 200, answer);
  });

  app.get<{ Params: { msgId: string } }>('/v1/pain002/:msgId', { config: { endpoint: 'status' } }, async (req, reply) => {
    const report = await store.pain002(req.params.msgId);
    return report === null ? reply.code(404).send({ error: 'message_not_found' }) : xml(reply, 200, report);
  });

  app.get('/v1/camt053', { config: { endpoint: 'statement' } }, async (req, reply) => {
    const q = Camt053Query.safeParse(req.query);
    if (!q.success) {
      const fields: Record<string, string> = {};
      for (const issue of q.error.issues) fields[issue.path.join('.') || 'query'] ??= issue.message;
      return reply.code(400).send(invalid(fields));
    }
    return xml(reply, 200, buildCamt053(await store.camt053(q.data.account, q.data.date, q.data.page)));
  });
}
