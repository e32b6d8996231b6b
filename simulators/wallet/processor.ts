// The wallet provider's back office (shared/outbox-processor.ts): processes received batches once they
// are settleDelayMs old, and delivers batch notifications (PUT to X-Callback-URL) from the outbox.
import { createLogger } from '../../lib/logger';
import { OutboxProcessor, type OutboxProcessorOptions } from '../shared/outbox-processor';
import { FaultState } from './faults';
import type { Notification } from './outbox';
import type { WalletStore } from './store';

export class WalletProcessor extends OutboxProcessor<Notification, FaultState> {
  /** Faults default to the well-behaved provider; the logger to the processor's own; the callback key is the provider's to give. */
  constructor(
    private readonly store: WalletStore,
    options: Partial<OutboxProcessorOptions<FaultState>> & { callbackSecret: string },
  ) {
    const names = { settleLoop: 'wallet settlement', deliveryLoop: 'wallet notification delivery', item: 'notification' };
    super(names, store.outbox, {
      ...options,
      faults: options.faults ?? new FaultState(),
      logger: options.logger ?? createLogger('wallet-processor'),
    });
  }

  protected override logFields(n: Notification): Record<string, unknown> {
    return { eventId: n.eventId, batchId: n.batchId, batchStatus: n.body.batchStatus };
  }

  /** Called right after a receipt: process it as soon as it is due instead of at the next poll. */
  kick(): void {
    this.settleLoop.kick(this.faults.current.settleDelayMs + 5);
  }

  protected override due(limit: number): Promise<string[]> {
    return this.store.dueBatches(this.faults.current.settleDelayMs, limit);
  }

  protected override async settleOne(batchId: string): Promise<number | null> {
    const outcome = await this.store.settle(batchId, { faults: this.faults.current, chance: (rate) => this.faults.chance(rate) });
    if (outcome.kind !== 'progressed') return null;
    const { status, total, completed, rejected } = outcome;
    this.log.info('batch processed', { batchId, status, total, completed, rejected });
    return outcome.notifications;
  }

  /** PUTs the batch object (GSMA callback), signed by request(). */
  protected override send(n: Notification): Promise<string | null> {
    const headers = {
      'Content-Type': 'application/json',
      'X-CorrelationID': n.correlationId,
      'X-Event-Id': n.eventId,
      'X-Date': new Date().toUTCString(),
    };
    return this.request(n.callbackUrl, { method: 'PUT', headers, body: JSON.stringify(n.body) });
  }

  /** A held (stale) notification of this batch may be claimable now. */
  protected override afterDelivery(): Promise<void> {
    this.deliveryLoop.kick();
    return Promise.resolve();
  }
}
