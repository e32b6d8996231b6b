// Failed sign-ins per username, in memory: at most `limit` failures in a sliding `windowMs`, then the
// username is refused without checking the password until its oldest failure ages out.
// In memory because it is one map lookup and never a write an attacker can multiply in the database;
// the cost: each web process counts on its own (N processes allow N × limit) and a restart forgets.
// Keyed by the username as typed (lowercased), existing or not, so it says nothing about who exists.

export interface ThrottleOptions {
  limit: number;
  windowMs: number;
  /** Bound on remembered usernames: a flood of invented names cannot grow memory without end. */
  maxKeys?: number;
  now?: () => number;
}

export class SignInThrottle {
  private readonly failures = new Map<string, number[]>();
  private readonly now: () => number;
  private readonly maxKeys: number;

  constructor(private readonly o: ThrottleOptions) {
    this.now = o.now ?? Date.now;
    this.maxKeys = o.maxKeys ?? 10_000;
  }

  private recent(key: string): number[] {
    const since = this.now() - this.o.windowMs;
    const kept = (this.failures.get(key) ?? []).filter((at) => at > since);
    if (kept.length) this.failures.set(key, kept);
    else this.failures.delete(key);
    return kept;
  }

  /** Milliseconds until this username may try again; 0 when it may try now. */
  retryAfterMs(username: string): number {
    const recent = this.recent(username.toLowerCase());
    return recent.length < this.o.limit ? 0 : recent[0]! + this.o.windowMs - this.now();
  }

  fail(username: string): void {
    const key = username.toLowerCase();
    const recent = this.recent(key);
    if (!this.failures.has(key) && this.failures.size >= this.maxKeys) {
      // Full: drop the oldest-inserted key (Map keeps insertion order).
      const oldest = this.failures.keys().next().value;
      if (oldest !== undefined) this.failures.delete(oldest);
    }
    this.failures.set(key, [...recent, this.now()]);
  }

  /** A successful sign-in starts the count again. */
  succeed(username: string): void {
    this.failures.delete(username.toLowerCase());
  }
}
