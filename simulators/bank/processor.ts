// The bank's back office (shared/outbox-processor.ts): settles received messages after a delay, one
// transaction each, and POSTs the resulting pain.002 notifications (group-level, signed) from the outbox. Settlement delay, closed
// accounts and callback faults are read from the FaultInjector at each use, so they change at run time.
import { createLogger } from '../../lib/logger';
import { OutboxProcessor, type OutboxProcessorOptions } from '../shared/outbox-processor';
import { FaultInjector } from './faults';
import type { Callback } from './outbox';
import type { BankStore } from './store';

/** Faults default to none injected; the logger to the processor's own; the callback key is the bank's to give. */
export type ProcessorOptions = Partial<OutboxProcessorOptions<FaultInjector>> & { callbackSecret: string };

export class BankProcessor extends OutboxProcessor<Callback, FaultInjector> {
  constructor(
    private readonly store: BankStore,
    options: ProcessorOptions,
  ) {
    const names = { settleLoop: 'settlement', deliveryLoop: 'callback delivery', item: 'callback' };
    super(names, store.outbox, {
      ...options,
      faults: options.faults ?? new FaultInjector(),
      logger: options.logger ?? createLogger('bank-processor'),
    });
  }

  /** Called right after a receipt: settle it as soon as it is due instead of at the next poll. */
  kick(): void {
    this.settleLoop.kick(this.faults.config.settleDelayMs + 5);
    this.deliveryLoop.kick(); // a rejection at acceptance may have written a notification
  }

  protected override due(limit: number): Promise<string[]> {
    return this.store.dueMessages(this.faults.config.settleDelayMs, limit);
  }

  protected override async settleOne(messageId: string): Promise<number | null> {
    const outcome = await this.store.settle(messageId, this.faults);
    if (outcome.kind !== 'settled') return null;
    this.log.info('message settled', { messageId, status: outcome.status, items: outcome.items });
    return outcome.eventId ? 1 : 0;
  }

  protected override logFields(cb: Callback): Record<string, unknown> {
    return { eventId: cb.eventId, messageId: cb.messageId };
  }

  protected override async deliver(cb: Callback): Promise<void> {
    // Rows of the earlier JSON version have nothing to POST: given up at once, not retried.
    if (cb.payload === null) return this.outbox.failed(cb.id, 'no pain.002 payload (written by the JSON version)', null);
    await super.deliver(cb);
  }

  /** POSTs the pain.002. */
  protected override send(cb: Callback): Promise<string | null> {
    const headers = { 'Content-Type': 'application/xml', 'X-Event-Id': cb.eventId };
    return this.request(cb.callbackUrl, { method: 'POST', headers, body: cb.payload ?? '' });
  }

  /** Fault: the same notification again, same X-Event-Id, as a bank that missed our 2xx would resend it. */
  protected override async afterDelivery(cb: Callback): Promise<void> {
    if (!this.faults.duplicatesCallback()) return;
    const again = await this.send(cb);
    this.log.info('callback duplicated', { eventId: cb.eventId, messageId: cb.messageId, error: again });
  }
}
