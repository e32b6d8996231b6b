// Stands in for the web edge + BullMQ in workflow tests: each rail notification is parsed as the web
// routes parse it (pain.002 XML for the bank, the GSMA batch object for the wallet) and goes through the
// real callback processor to a signal. Answers 400 to what the web edge would refuse.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Client } from '@temporalio/client';
import type { Job } from 'bullmq';
import type { Db } from '../../lib/db';
import { parseBankCallback } from '../../schema/bank-callback';
import { WalletCallbackInput, walletCallbackInput } from '../../schema/wallet-callback';
import { createBankCallbackProcessor } from '../../workers/callback-processor';
import type { BankCallbackJob } from '../../lib/queues';

/** The job the web edge would enqueue for a notification, or null if it would refuse it. */
export function callbackJob(url: string, headers: http.IncomingHttpHeaders, body: string): BankCallbackJob | null {
  if (url.endsWith('/callbacks/bank')) {
    const parsed = parseBankCallback(headers['x-event-id'], body);
    return parsed.ok ? { eventId: parsed.value.eventId, messageId: parsed.value.messageId } : null;
  }
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    return null;
  }
  const parsed = WalletCallbackInput.safeParse(walletCallbackInput(headers, json));
  return parsed.success ? { eventId: parsed.data['X-Event-Id'], messageId: parsed.data['X-CorrelationID'] } : null;
}

/** Listens on a free port; `publicUrl` is what the activities' PUBLIC_URL should be. */
export async function railCallbackServer(deps: {
  db: Db;
  temporal: () => Client;
}): Promise<{ publicUrl: string; received: () => number; close(): Promise<void> }> {
  let received = 0;
  let process: ReturnType<typeof createBankCallbackProcessor> | undefined;
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      const job = callbackJob(req.url ?? '', req.headers, body);
      if (!job) return void res.writeHead(400).end();
      received += 1;
      process ??= createBankCallbackProcessor({ temporal: deps.temporal(), db: deps.db });
      void process({ data: job } as Job<BankCallbackJob>).finally(() => res.writeHead(200).end());
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    publicUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    received: () => received,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}
