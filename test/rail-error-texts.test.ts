// A rail's refusal reaches Temporal (an activity failure's message, kept in the history and shown in its UI)
// as codes only: a rail may echo what it was sent (a name, an account, a phone) in its free text, which
// therefore never enters the message.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildPain002 } from '../lib/iso20022/pain002';
import { bankRail } from '../rails/bank';
import type { RailBatch } from '../rails/rail';
import { walletRail } from '../rails/wallet';

const NAME = 'Maria José da Silva';
const NATIONAL_ID = '52998224725';
const MSISDN = '+5511987654321';
const ACCOUNT = '752998224725';

/** A rail that refuses everything with `body` (status 400). */
let answer: { type: string; body: string } = { type: 'text/plain', body: '' };
let server: http.Server;
let url = '';
beforeAll(async () => {
  server = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => res.writeHead(400, { 'content-type': answer.type }).end(answer.body));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

const batch = (rail: 'BANK' | 'WALLET'): RailBatch => ({
  ref: 'MSG-1',
  debtorAccount: 'FUND-1',
  callbackUrl: 'http://127.0.0.1:1/callbacks',
  count: 1,
  controlSum: '1.00',
  currency: 'BRL',
  executionDate: '2026-12-07',
  items: [
    {
      key: 'K1',
      amount: '1.00',
      currency: 'BRL',
      account: rail === 'BANK' ? { rail: 'BANK', bankCode: '001', accountNumber: ACCOUNT } : { rail: 'WALLET', msisdn: MSISDN },
      holder: { nationalId: NATIONAL_ID, name: NAME },
    },
  ],
});
const refusal = async (submit: () => Promise<void>) => {
  const err = await submit().then(
    () => null,
    (e: unknown) => e as Error,
  );
  expect(err).not.toBeNull();
  return err!.message;
};
const personal = [NAME, NATIONAL_ID, MSISDN, ACCOUNT, 'Silva'];

describe("a rail's refusal as Temporal keeps it", () => {
  it('bank: the pain.002 status and reason code, not its free text', async () => {
    answer = {
      type: 'application/xml',
      body: buildPain002({
        messageId: 'R1',
        createdAt: new Date().toISOString(),
        originalMessageId: 'MSG-1',
        originalMessageNameId: 'pain.001.001.09',
        groupStatus: 'RJCT',
        groupReason: { code: 'FF01', additionalInfo: `${NAME} ${NATIONAL_ID} ${ACCOUNT}` },
        transactions: [],
      }),
    };
    const client = bankRail.client({ BANK_SIM_URL: url, WALLET_SIM_URL: url, RAIL_TIMEOUT_MS: 2000 });
    const message = await refusal(() => client.submitBatch(batch('BANK')));
    expect(message).toContain('RJCT FF01');
    for (const p of personal) expect(message).not.toContain(p);
  });

  it('bank: an answer that is not a pain.002 is not quoted', async () => {
    answer = { type: 'text/plain', body: `bad creditor ${NAME} ${ACCOUNT}` };
    const client = bankRail.client({ BANK_SIM_URL: url, WALLET_SIM_URL: url, RAIL_TIMEOUT_MS: 2000 });
    const message = await refusal(() => client.submitBatch(batch('BANK')));
    for (const p of personal) expect(message).not.toContain(p);
  });

  it("wallet: the GSMA error's category, code and parameter names, not their values", async () => {
    answer = {
      type: 'application/json',
      body: JSON.stringify({
        errorCategory: 'validation',
        errorCode: 'formatError',
        errorDescription: `bad recipient ${NAME}`,
        errorParameters: [{ key: 'transactions.0.creditParty.0.value', value: MSISDN }],
      }),
    };
    const client = walletRail.client({ BANK_SIM_URL: url, WALLET_SIM_URL: url, RAIL_TIMEOUT_MS: 2000 });
    const message = await refusal(() => client.submitBatch(batch('WALLET')));
    expect(message).toContain('validation/formatError');
    expect(message).toContain('transactions.0.creditParty.0.value');
    for (const p of personal) expect(message).not.toContain(p);
  });
});
