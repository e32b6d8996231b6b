// Stands in for the web edge + BullMQ in workflow tests: each rail notification is checked and parsed as
// the web routes do (the rail's signature over timestamp and body, a signature taken once, the size cap,
// then the pain.002 notification for the bank, the GSMA batch object for the wallet) and goes through the
// real callback processor to a signal. Answers 401, 413 or 400 to what the web edge would refuse. Unlike
// the edge it signals at once, without coalescing a batch's signals per window (that is BullMQ's part,
// tested in rail-callback-auth.test.ts), so workflow tests are not slowed by the window.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Client } from '@temporalio/client';
import type { Job } from 'bullmq';
import { verifyCallback } from '../../lib/callback-signature';
import { loadConfig } from '../../lib/config';
import type { Db } from '../../lib/db';
import { parseBankCallback } from '../../schema/bank-callback';
import { WalletCallbackInput, walletCallbackInput } from '../../schema/wallet-callback';
import { CALLBACK_MAX_BYTES } from '../../web/rails/signed-bodies';
import { createBankCallbackProcessor } from '../../workers/callback-processor';
import type { BankCallbackJob } from '../../lib/queues';

/** The job the web edge would enqueue for a verified notification, or null if it would refuse its content. */
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
}): Promise<{ publicUrl: string; received: () => number; refused: () => number; close(): Promise<void> }> {
  const config = loadConfig();
  const secrets: Record<string, string> = { bank: config.BANK_CALLBACK_SECRET, wallet: config.WALLET_CALLBACK_SECRET };
  // The edge remembers signatures in Redis for the clock-skew window; this edge lives shorter than that.
  const seen = new Set<string>();
  let received = 0;
  let refused = 0;
  let process: ReturnType<typeof createBankCallbackProcessor> | undefined;
  const refuse = (res: http.ServerResponse, status: number) => {
    refused += 1;
    res.writeHead(status).end();
  };
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size <= CALLBACK_MAX_BYTES) chunks.push(c);
    });
    req.on('end', () => {
      if (size > CALLBACK_MAX_BYTES) return refuse(res, 413);
      const body = Buffer.concat(chunks);
      const secret = secrets[/\/callbacks\/(\w+)$/.exec(req.url ?? '')?.[1] ?? ''];
      if (!secret) return refuse(res, 404);
      const verified = verifyCallback(secret, req.headers, body);
      if (!verified.ok || seen.has(verified.signature)) return refuse(res, 401);
      seen.add(verified.signature);
      const job = callbackJob(req.url ?? '', req.headers, body.toString('utf8'));
      if (!job) return refuse(res, 400);
      received += 1;
      process ??= createBankCallbackProcessor({ temporal: deps.temporal(), db: deps.db });
      void process({ data: job } as Job<BankCallbackJob>).finally(() => res.writeHead(200).end());
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    publicUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    received: () => received,
    refused: () => refused,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}
