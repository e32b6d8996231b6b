// A polling loop that never overlaps itself: runs `pass` every intervalMs, sooner when kicked,
// and again at once while a pass reports more work. Errors are logged, never fatal.
import type { Logger } from '../../lib/logger';

export class PollLoop {
  private interval: NodeJS.Timeout | undefined;
  private readonly kicks = new Set<NodeJS.Timeout>();
  private active: Promise<void> | undefined;
  private again = false;
  private stopped = true;

  constructor(
    private readonly name: string,
    private readonly intervalMs: number,
    /** One unit of work; resolves true when more is waiting. */
    private readonly pass: () => Promise<boolean>,
    private readonly log: Logger,
  ) {}

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.interval = setInterval(() => void this.trigger(), this.intervalMs);
    void this.trigger();
  }

  /** Runs a pass after delayMs (at once by default), without waiting for the interval. */
  kick(delayMs = 0): void {
    if (this.stopped) return;
    const t = setTimeout(() => {
      this.kicks.delete(t);
      void this.trigger();
    }, delayMs);
    this.kicks.add(t);
  }

  /** Runs passes until no work is left; for tests and one-shot use. */
  async drain(): Promise<void> {
    while (await this.pass());
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.interval);
    for (const t of this.kicks) clearTimeout(t);
    this.kicks.clear();
    await this.active;
  }

  private async trigger(): Promise<void> {
    if (this.stopped) return;
    if (this.active) {
      this.again = true;
      return;
    }
    this.active = this.run();
    await this.active;
    this.active = undefined;
  }

  private async run(): Promise<void> {
    let more: boolean;
    do {
      this.again = false;
      try {
        more = await this.pass();
      } catch (err) {
        more = false;
        this.log.warn(`${this.name} pass failed`, { error: err instanceof Error ? err.message : String(err) });
      }
    } while ((more || this.again) && !this.stopped);
  }
}
