// The back office of a rail simulator: settles received work once it is due, and delivers the
// resulting notifications from the outbox with bounded, backed-off retries. All state is in
// PostgreSQL, so a restarted processor resumes whatever was pending. Subclasses say what is due,
// what settling one piece of work is, and how a notification goes on the wire; every request is signed
// with the rail's callback secret when it is sent (lib/callback-signature.ts), so a retry carries a fresh
// timestamp and signature, as a real rail's would.
import { signCallback } from '../../lib/callback-signature';
import type { Logger } from '../../lib/logger';
import type { Outbox } from './outbox-table';
import { PollLoop } from './poll-loop';

export interface DeliveryOptions {
  /** Attempts per notification before giving up (what it reports stays queryable). */
  maxAttempts?: number;
  /** Delay after the first failure; doubles each time up to maxDelayMs. */
  baseDelayMs?: number;
  maxDelayMs?: number;
  timeoutMs?: number;
}

export interface OutboxProcessorOptions<F> {
  /** Shared with the HTTP server, so PUT /v1/admin/faults reaches both. */
  faults: F;
  pollIntervalMs?: number;
  delivery?: DeliveryOptions;
  logger: Logger;
  /** The key the rail signs its callbacks with, shared with the client (BANK_CALLBACK_SECRET, WALLET_CALLBACK_SECRET). */
  callbackSecret: string;
}

/** A claimed outbox row. */
export interface OutboxItem {
  id: string;
  eventId: string;
  /** Attempts including the one this claim starts. */
  attempts: number;
}

export interface OutboxNames {
  /** Names of the two loops, in their "pass failed" warnings. */
  settleLoop: string;
  deliveryLoop: string;
  /** What a notification is called in logs: "<item> delivered", "<item> failed", "<item> abandoned". */
  item: string;
}

const SETTLE_BATCH = 50;
const DELIVERY_BATCH = 20;

export abstract class OutboxProcessor<T extends OutboxItem, F> {
  readonly faults: F;
  protected readonly delivery: Required<DeliveryOptions>;
  protected readonly log: Logger;
  protected readonly settleLoop: PollLoop;
  protected readonly deliveryLoop: PollLoop;
  private readonly callbackSecret: string;
  /** The last signing time: never repeated, so two deliveries of one notification never share a signature. */
  private lastSignedAt = 0;

  constructor(
    private readonly names: OutboxNames,
    protected readonly outbox: Outbox<T>,
    options: OutboxProcessorOptions<F>,
  ) {
    this.faults = options.faults;
    // 10 attempts at 0.5, 1, 2, 4, 8, 10, 10, 10, 10 s apart: about a minute.
    this.delivery = { maxAttempts: 10, baseDelayMs: 500, maxDelayMs: 10_000, timeoutMs: 5_000, ...options.delivery };
    this.log = options.logger;
    this.callbackSecret = options.callbackSecret;
    const interval = options.pollIntervalMs ?? 100;
    this.settleLoop = new PollLoop(names.settleLoop, interval, () => this.settlePass(), this.log);
    this.deliveryLoop = new PollLoop(names.deliveryLoop, interval, () => this.deliveryPass(), this.log);
  }

  start(): void {
    this.settleLoop.start();
    this.deliveryLoop.start();
  }

  async stop(): Promise<void> {
    await Promise.all([this.settleLoop.stop(), this.deliveryLoop.stop()]);
  }

  /** Settles every due piece of work once, without the loop (tests, scripts). */
  settleDue(): Promise<void> {
    return this.settleLoop.drain();
  }

  /** Delivers every due notification once, without the loop (tests, scripts). */
  deliverDue(): Promise<void> {
    return this.deliveryLoop.drain();
  }

  /** Ids of the work due for settlement, oldest first, at most `limit`. */
  protected abstract due(limit: number): Promise<string[]>;
  /** Settles one piece of work in its own transaction: the notifications it wrote, or null if it did not progress. */
  protected abstract settleOne(id: string): Promise<number | null>;
  /** Puts the notification on the wire (see request); null on a 2xx, else what went wrong. */
  protected abstract send(item: T): Promise<string | null>;
  /** Ids that name the notification in logs; never personal data. */
  protected abstract logFields(item: T): Record<string, unknown>;
  /** Called after a notification is marked delivered and logged. */
  protected afterDelivery(_item: T): Promise<void> {
    return Promise.resolve();
  }

  private async settlePass(): Promise<boolean> {
    const due = await this.due(SETTLE_BATCH);
    let progressed = 0;
    let notifications = 0;
    for (const id of due) {
      const written = await this.settleOne(id);
      if (written === null) continue;
      progressed++;
      notifications += written;
    }
    if (notifications > 0) this.deliveryLoop.kick();
    // Only loop at once when a full batch made progress; work waiting on other work retries at the next poll.
    return due.length === SETTLE_BATCH && progressed > 0;
  }

  private async deliveryPass(): Promise<boolean> {
    const leaseMs = this.delivery.timeoutMs + 5_000;
    const batch = await this.outbox.claim(DELIVERY_BATCH, leaseMs);
    await Promise.all(batch.map((item) => this.deliver(item)));
    return batch.length === DELIVERY_BATCH;
  }

  protected async deliver(item: T): Promise<void> {
    const error = await this.send(item);
    if (error === null) {
      await this.outbox.delivered(item.id);
      this.log.info(`${this.names.item} delivered`, { ...this.logFields(item), attempts: item.attempts });
      await this.afterDelivery(item);
      return;
    }
    const { maxAttempts, baseDelayMs, maxDelayMs } = this.delivery;
    const retryInMs = item.attempts >= maxAttempts ? null : Math.min(baseDelayMs * 2 ** (item.attempts - 1), maxDelayMs);
    await this.outbox.failed(item.id, error, retryInMs);
    // The retry is picked up by the poll once next_attempt_at has passed.
    const level = retryInMs === null ? 'warn' : 'debug';
    this.log[level](`${this.names.item} ${retryInMs === null ? 'abandoned' : 'failed'}`, {
      ...this.logFields(item),
      attempts: item.attempts,
      error,
    });
  }

  /** One signed HTTP request to the client's callback URL; null on a 2xx, else what went wrong. */
  protected async request(url: string, init: { method: string; headers: Record<string, string>; body: string }): Promise<string | null> {
    this.lastSignedAt = Math.max(Date.now(), this.lastSignedAt + 1);
    const headers = { ...init.headers, ...signCallback(this.callbackSecret, init.body, this.lastSignedAt) };
    try {
      const res = await fetch(url, { ...init, headers, signal: AbortSignal.timeout(this.delivery.timeoutMs) });
      await res.arrayBuffer(); // drain so the connection is reused
      return res.ok ? null : `HTTP ${res.status}`;
    } catch (err) {
      return err instanceof Error ? err.message : String(err);
    }
  }
}
