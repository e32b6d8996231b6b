// The bank's back office: settles received messages after a delay, one transaction each, and
// delivers the resulting callbacks from the outbox with bounded, backed-off retries. All state
// is in PostgreSQL, so a restarted processor resumes whatever was pending. Settlement delay, closed
// accounts and callback faults are read from the FaultInjector at each use, so they change at run time.
import { createLogger, type Logger } from '../../lib/logger';
import { FaultInjector } from './faults';
import { PollLoop } from './loop';
import type { Callback } from './outbox';
import type { BankStore } from './store';

export interface DeliveryOptions {
  /** Attempts per callback before giving up (the status stays queryable). */
  maxAttempts?: number;
  /** Delay after the first failure; doubles each time up to maxDelayMs. */
  baseDelayMs?: number;
  maxDelayMs?: number;
  timeoutMs?: number;
}

export interface ProcessorOptions {
  pollIntervalMs?: number;
  /** Shared with the HTTP server so PUT /v1/admin/faults reaches both; none injected by default. */
  faults?: FaultInjector;
  delivery?: DeliveryOptions;
  logger?: Logger;
}

const SETTLE_BATCH = 50;
const DELIVERY_BATCH = 20;

export class BankProcessor {
  readonly faults: FaultInjector;
  private readonly delivery: Required<DeliveryOptions>;
  private readonly log: Logger;
  private readonly settleLoop: PollLoop;
  private readonly deliveryLoop: PollLoop;

  constructor(
    private readonly store: BankStore,
    options: ProcessorOptions = {},
  ) {
    this.faults = options.faults ?? new FaultInjector();
    // 10 attempts at 0.5, 1, 2, 4, 8, 10, 10, 10, 10 s apart: about a minute.
    this.delivery = { maxAttempts: 10, baseDelayMs: 500, maxDelayMs: 10_000, timeoutMs: 5_000, ...options.delivery };
    this.log = options.logger ?? createLogger('bank-processor');
    const interval = options.pollIntervalMs ?? 100;
    this.settleLoop = new PollLoop('settlement', interval, () => this.settlePass(), this.log);
    this.deliveryLoop = new PollLoop('callback delivery', interval, () => this.deliveryPass(), this.log);
  }

  start(): void {
    this.settleLoop.start();
    this.deliveryLoop.start();
  }

  /** Called right after a receipt: settle it as soon as it is due instead of at the next poll. */
  kick(): void {
    this.settleLoop.kick(this.faults.config.settleDelayMs + 5);
    this.deliveryLoop.kick(); // a rejection at acceptance may have written a notification
  }

  async stop(): Promise<void> {
    await Promise.all([this.settleLoop.stop(), this.deliveryLoop.stop()]);
  }

  /** Settles every due message once, without the loop (tests, scripts). */
  settleDue(): Promise<void> {
    return this.settleLoop.drain();
  }

  /** Delivers every due callback once, without the loop (tests, scripts). */
  deliverDue(): Promise<void> {
    return this.deliveryLoop.drain();
  }

  private async settlePass(): Promise<boolean> {
    const due = await this.store.dueMessages(this.faults.config.settleDelayMs, SETTLE_BATCH);
    let settled = 0;
    let callbacks = 0;
    for (const messageId of due) {
      const outcome = await this.store.settle(messageId, this.faults);
      if (outcome.kind !== 'settled') continue;
      settled++;
      if (outcome.eventId) callbacks++;
      this.log.info('message settled', { messageId, status: outcome.status, items: outcome.items });
    }
    if (callbacks > 0) this.deliveryLoop.kick();
    // Only loop at once when a full batch made progress; messages 'waiting' on others retry at the next poll.
    return due.length === SETTLE_BATCH && settled > 0;
  }

  private async deliveryPass(): Promise<boolean> {
    const leaseMs = this.delivery.timeoutMs + 5_000;
    const batch = await this.store.claimCallbacks(DELIVERY_BATCH, leaseMs);
    await Promise.all(batch.map((cb) => this.deliver(cb)));
    return batch.length === DELIVERY_BATCH;
  }

  private async deliver(cb: Callback): Promise<void> {
    if (cb.payload === null) {
      await this.store.callbackFailed(cb.id, 'no pain.002 payload (written by the JSON version)', null);
      return;
    }
    const error = await this.post(cb, cb.payload);
    if (error === null) {
      await this.store.callbackDelivered(cb.id);
      this.log.info('callback delivered', { eventId: cb.eventId, messageId: cb.messageId, attempts: cb.attempts });
      // Fault: the same notification again, same X-Event-Id, as a bank that missed our 2xx would resend it.
      if (this.faults.duplicatesCallback()) {
        const again = await this.post(cb, cb.payload);
        this.log.info('callback duplicated', { eventId: cb.eventId, messageId: cb.messageId, error: again });
      }
      return;
    }
    const { maxAttempts, baseDelayMs, maxDelayMs } = this.delivery;
    const retryInMs = cb.attempts >= maxAttempts ? null : Math.min(baseDelayMs * 2 ** (cb.attempts - 1), maxDelayMs);
    await this.store.callbackFailed(cb.id, error, retryInMs);
    // The retry is picked up by the poll once next_attempt_at has passed.
    const level = retryInMs === null ? 'warn' : 'debug';
    this.log[level](retryInMs === null ? 'callback abandoned' : 'callback failed', {
      eventId: cb.eventId,
      messageId: cb.messageId,
      attempts: cb.attempts,
      error,
    });
  }

  /** POSTs the pain.002; returns null on a 2xx, else what went wrong. */
  private async post(cb: Callback, payload: string): Promise<string | null> {
    try {
      const res = await fetch(cb.callbackUrl, {
        method: 'POST',
        headers: { 'Content-Type': 'application/xml', 'X-Event-Id': cb.eventId },
        body: payload,
        signal: AbortSignal.timeout(this.delivery.timeoutMs),
      });
      await res.arrayBuffer(); // drain so the connection is reused
      return res.ok ? null : `HTTP ${res.status}`;
    } catch (err) {
      return err instanceof Error ? err.message : String(err);
    }
  }
}
