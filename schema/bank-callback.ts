// The bank's status notification: a pain.002 (XML) with the event id in the X-Event-Id header. Only the
// original MsgId is read from it, as a stream: the rail fetches the report itself, so nothing else in it
// is trusted.
import { z } from 'zod';
import { readPain002Notification } from '../lib/iso20022/pain002-notification';
import { Iso20022Error, XmlSyntaxError } from '../lib/iso20022/xml';
import type { FieldErrors } from './fields';

export const BankCallbackEventId = z.string().min(1).max(100);

export interface BankCallbackInput {
  eventId: string;
  messageId: string;
  /** GrpSts as the notification claims it, kept for the record only. */
  status: string | null;
}

export function parseBankCallback(
  eventIdHeader: unknown,
  body: unknown,
): { ok: true; value: BankCallbackInput } | { ok: false; fields: FieldErrors } {
  const eventId = BankCallbackEventId.safeParse(eventIdHeader);
  if (!eventId.success) return { ok: false, fields: { 'X-Event-Id': 'required: the notification id, 1 to 100 characters' } };
  if (typeof body !== 'string') return { ok: false, fields: { body: 'expected a pain.002 document (Content-Type: application/xml)' } };
  try {
    const { originalMessageId, groupStatus } = readPain002Notification(body);
    return { ok: true, value: { eventId: eventId.data, messageId: originalMessageId, status: groupStatus ?? null } };
  } catch (err) {
    if (err instanceof Iso20022Error) return { ok: false, fields: { [err.element]: err.problem } };
    if (err instanceof XmlSyntaxError) return { ok: false, fields: { body: err.message } };
    throw err;
  }
}
