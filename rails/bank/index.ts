// The bank as a rail: ISO 20022 (pain.001 out; pain.002, camt.053 and acmt.024 back), its notifications
// (pain.002, group level) at /callbacks/bank. Everything bank-specific is in this folder.
import { parseBankCallback } from '../../schema/bank-callback';
import type { RailPlugin } from '../rail';
import { camt053File } from './statement';
import { BANK_PROVIDER, createBankClient, type BankClient } from './client';

export const bankRail: RailPlugin<BankClient> = {
  rail: 'BANK',
  provider: BANK_PROVIDER,
  callbackPath: 'bank',
  readStatementFile: (body) => camt053File(BANK_PROVIDER, body),
  callback: {
    methods: ['POST'],
    contentTypes: ['application/xml', 'text/xml'],
    // Kept as text: only the two elements it needs are read from it, as a stream.
    body: 'text',
    secret: 'BANK_CALLBACK_SECRET',
    read(headers, body) {
      const parsed = parseBankCallback(headers['x-event-id'], body);
      if (!parsed.ok) return parsed;
      const { eventId, messageId, status } = parsed.value;
      return { ok: true, notification: { eventId, kind: 'status-notification', messageId, payload: { status } } };
    },
  },
  client: (config) => createBankClient(config.BANK_SIM_URL, { timeoutMs: config.RAIL_TIMEOUT_MS }),
};
