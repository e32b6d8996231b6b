// The wallet provider's back office: processes received batches once they are settleDelayMs old, and
// delivers batch notifications (PUT to X-Callback-URL) from the outbox with bounded, backed-off
// retries. All state is in PostgreSQL, so a restarted processor resumes whatever was pending.
import { createLogger, type Logger } from '../../lib/logger';
import { PollLoop } from '../bank/loop';
import { FaultState } from './faults';
import type { Notification } from './outbox';
import type { WalletStore } from './store';

export interface DeliveryOptions {
  /** Attempts per notification before giving up (the batch stays queryable). */
  maxAttempts?: number;
  /** Delay after the first failure; doubles each time up to maxDelayMs. */
  baseDelayMs?: number;
  maxDelayMs?: number;
  timeoutMs?: number;
}

export interface WalletProcessorOptions {
  /** Shared with the server, so PUT /v1/admin/faults reaches both. */
  faults?: FaultState;
  pollIntervalMs?: number;
  delivery?: DeliveryOptions;
  logger?: Logger;
}

const SETTLE_BATCH = 50;
const DELIVERY_BATCH = 20;

export class WalletProcessor {
  readonly faults: FaultState;
  private readonly delivery: Required<DeliveryOptions>;
  private readonly log: Logger;
  private readonly settleLoop: PollLoop;
  private readonly deliveryLoop: PollLoop;

  constructor(
    private readonly store: WalletStore,
    options: WalletProcessorOptions = {},
  ) {
    this.faults = options.faults ?? new FaultState();
    // 10 attempts at 0.5, 1, 2, 4, 8, 10, 10, 10, 10 s apart: about a minute, like the bank's.
    this.delivery = { maxAttempts: 10, baseDelayMs: 500, maxDelayMs: 10_000, timeoutMs: 5_000, ...options.delivery };
    this.log = options.logger ?? createLogger('wallet-processor');
    const interval = options.pollIntervalMs ?? 100;
    this.settleLoop = new PollLoop('wallet settlement', interval, () => this.settlePass(), this.log);
    this.deliveryLoop = new PollLoop('wallet notification delivery', interval, () => this.deliveryPass(), this.log);
  }

  start(): void {
    this.settleLoop.start();
    this.deliveryLoop.start();
  }

  /** Called right after a receipt: process it as soon as it is due instead of at the next poll. */
  kick(): void {
    this.settleLoop.kick(this.faults.current.settleDelayMs + 5);
  }

  async stop(): Promise<void> {
    await Promise.all([this.settleLoop.stop(), this.deliveryLoop.stop()]);
  }

  /** Processes every due batch once, without the loop (tests, scripts). */
  settleDue(): Promise<void> {
    return this.settleLoop.drain();
  }

  /** Delivers every due notification once, without the loop (tests, scripts). */
  deliverDue(): Promise<void> {
    return this.deliveryLoop.drain();
  }

  private async settlePass(): Promise<boolean> {
    const due = await this.store.dueBatches(this.faults.current.settleDelayMs, SETTLE_BATCH);
    let progressed = 0;
    let notifications = 0;
    for (const batchId of due) {
      const outcome = await this.store.settle(batchId, { faults: this.faults.current, chance: (rate) => this.faults.chance(rate) });
      if (outcome.kind !== 'progressed') continue;
      progressed++;
      notifications += outcome.notifications;
      const { status, total, completed, rejected } = outcome;
      this.log.info('batch processed', { batchId, status, total, completed, rejected });
    }
    if (notifications > 0) this.deliveryLoop.kick();
    // Only loop at once when a full page made progress; batches waiting on others retry at the next poll.
    return due.length === SETTLE_BATCH && progressed > 0;
  }

  private async deliveryPass(): Promise<boolean> {
    const leaseMs = this.delivery.timeoutMs + 5_000;
    const batch = await this.store.claimNotifications(DELIVERY_BATCH, leaseMs);
    await Promise.all(batch.map((n) => this.deliver(n)));
    return batch.length === DELIVERY_BATCH;
  }

  private async deliver(n: Notification): Promise<void> {
    const error = await this.put(n);
    if (error === null) {
      await this.store.notificationDelivered(n.id);
      this.log.info('notification delivered', { eventId: n.eventId, batchId: n.batchId, batchStatus: n.body.batchStatus, attempts: n.attempts });
      // A held (stale) notification of this batch may be claimable now.
      this.deliveryLoop.kick();
      return;
    }
    const { maxAttempts, baseDelayMs, maxDelayMs } = this.delivery;
    const retryInMs = n.attempts >= maxAttempts ? null : Math.min(baseDelayMs * 2 ** (n.attempts - 1), maxDelayMs);
    await this.store.notificationFailed(n.id, error, retryInMs);
    const level = retryInMs === null ? 'warn' : 'debug';
    this.log[level](retryInMs === null ? 'notification abandoned' : 'notification failed', { eventId: n.eventId, batchId: n.batchId, attempts: n.attempts, error });
  }

  /** PUTs the batch object (GSMA callback); returns null on a 2xx, else what went wrong. */
  private async put(n: Notification): Promise<string | null> {
    try {
      const res = await fetch(n.callbackUrl, {
        method: 'PUT',
        headers: { 'Content-Type': 'application/json', 'X-CorrelationID': n.correlationId, 'X-Event-Id': n.eventId, 'X-Date': new Date().toUTCString() },
        body: JSON.stringify(n.body),
        signal: AbortSignal.timeout(this.delivery.timeoutMs),
      });
      await res.arrayBuffer(); // drain so the connection is reused
      return res.ok ? null : `HTTP ${res.status}`;
    } catch (err) {
      return err instanceof Error ? err.message : String(err);
    }
  }
}
