// Faults the bank can inject, so the rail is tested against a bank that is slow, fails, answers late
// or twice. Set from BANK_SIM_FAULTS at start and replaced at run time by PUT /v1/admin/faults.
// Every field absent = a well-behaved bank. With `seed`, random draws repeat from run to run.
import { z } from 'zod';
import { keyedFraction, mulberry32 } from '../shared/prng';

/** submit: pain.001; status: pain.002 and item lookups; statement: camt.053; verify: acmt.023. */
export type Endpoint = 'submit' | 'status' | 'statement' | 'verify';

const Rate = z.number().min(0).max(1);
const Range = z
  .strictObject({ min: z.number().int().min(0).max(600_000), max: z.number().int().min(0).max(600_000) })
  .refine((r) => r.max >= r.min, { message: 'max must be at least min', path: ['max'] });
const perEndpoint = <T extends z.ZodType>(t: T) =>
  z.strictObject({ submit: t.optional(), status: t.optional(), statement: t.optional(), verify: t.optional() });

export const FaultConfigSchema = z.strictObject({
  /** Seed of the PRNG behind every random draw; absent = Math.random. */
  seed: z.number().int().optional(),
  /** Uniform delay before an endpoint does anything. */
  latencyMs: perEndpoint(Range).default({}),
  /** Share of requests answered 503 (after the latency, before doing anything). */
  errorRate: perEndpoint(Rate).default({}),
  /** Share of accepted pain.001s committed, then held unanswered for timeoutHoldMs and the socket destroyed. */
  timeoutAfterCommitRate: Rate.default(0),
  timeoutHoldMs: z.number().int().min(0).max(600_000).default(60_000),
  /** Share of delivered notifications sent a second time, with the same X-Event-Id (an at-least-once resend). */
  duplicateCallbackRate: Rate.default(0),
  /** Delays each notification by a random 0..callbackJitterMs, so they arrive out of order. */
  outOfOrderCallbacks: z.boolean().default(false),
  callbackJitterMs: z.number().int().min(0).max(600_000).default(2_000),
  /** Share of notifications never written, hence never sent (the status stays queryable). */
  lostCallbackRate: Rate.default(0),
  /** Creditor accounts rejected at settlement with AC04 (ClosedAccountNumber). */
  closedAccounts: z.array(z.string().min(1).max(34)).max(10_000).default([]),
  /** Share of new items rejected at acceptance with AC01, chosen by a hash of the EndToEndId (and seed). */
  partialAcceptanceRate: Rate.default(0),
  /** Age a message must reach before it settles (a bank is not instant). */
  settleDelayMs: z.number().int().min(0).max(3_600_000).default(200),
});

export type FaultConfig = z.infer<typeof FaultConfigSchema>;
export type FaultConfigInput = z.input<typeof FaultConfigSchema>;

/** Field path → problem, for the admin endpoint's 400 and the start-up error. */
export function parseFaultConfig(input: unknown): { ok: true; value: FaultConfig } | { ok: false; fields: Record<string, string> } {
  const parsed = FaultConfigSchema.safeParse(input);
  if (parsed.success) return { ok: true, value: parsed.data };
  const fields: Record<string, string> = {};
  for (const issue of parsed.error.issues) fields[issue.path.map(String).join('.') || 'body'] ??= issue.message;
  return { ok: false, fields };
}

/** BANK_SIM_FAULTS (JSON) over the older single-purpose variables; throws naming every wrong field. */
export function faultConfigFromEnv(env: NodeJS.ProcessEnv): FaultConfig {
  let json: unknown = {};
  try {
    json = env.BANK_SIM_FAULTS ? JSON.parse(env.BANK_SIM_FAULTS) : {};
  } catch (err) {
    throw new Error(`BANK_SIM_FAULTS is not JSON: ${(err as Error).message}`);
  }
  const legacy: Record<string, unknown> = {};
  if (env.BANK_SIM_SETTLE_DELAY_MS) legacy.settleDelayMs = Number(env.BANK_SIM_SETTLE_DELAY_MS);
  const closed = (env.BANK_SIM_CLOSED_ACCOUNTS ?? '')
    .split(',')
    .map((a) => a.trim())
    .filter(Boolean);
  if (closed.length) legacy.closedAccounts = closed;
  const parsed = parseFaultConfig(typeof json === 'object' && json !== null ? { ...legacy, ...json } : json);
  if (!parsed.ok) throw new Error(`invalid bank faults: ${JSON.stringify(parsed.fields)}`);
  return parsed.value;
}

/** The configuration for logs: account numbers are personal data, so lists are logged as counts. */
export function loggableFaults(config: FaultConfig): Record<string, unknown> {
  return { ...config, closedAccounts: config.closedAccounts.length };
}

/** The current fault configuration and its random source; shared by the HTTP server and the processor. */
export class FaultInjector {
  private current!: FaultConfig;
  private random!: () => number;

  constructor(input: FaultConfigInput = {}) {
    this.set(FaultConfigSchema.parse(input));
  }

  get config(): FaultConfig {
    return this.current;
  }

  /** Replaces the whole configuration (and restarts the PRNG from its seed). */
  set(config: FaultConfig): void {
    this.current = config;
    this.random = config.seed === undefined ? Math.random : mulberry32(config.seed);
  }

  /** True with probability `rate` (never at 0, always at 1). */
  chance(rate: number): boolean {
    return rate > 0 && this.random() < rate;
  }

  latencyMs(endpoint: Endpoint): number {
    const r = this.current.latencyMs[endpoint];
    return r ? r.min + Math.floor(this.random() * (r.max - r.min + 1)) : 0;
  }

  unavailable(endpoint: Endpoint): boolean {
    return this.chance(this.current.errorRate[endpoint] ?? 0);
  }

  timesOutAfterCommit(): boolean {
    return this.chance(this.current.timeoutAfterCommitRate);
  }

  /** Extra delay before a notification's first delivery attempt. */
  callbackDelayMs(): number {
    return this.current.outOfOrderCallbacks ? Math.floor(this.random() * (this.current.callbackJitterMs + 1)) : 0;
  }

  losesCallback(): boolean {
    return this.chance(this.current.lostCallbackRate);
  }

  duplicatesCallback(): boolean {
    return this.chance(this.current.duplicateCallbackRate);
  }

  /** Deterministic per key: the same EndToEndId always gets the same answer, in any message or process. */
  rejectsAtAcceptance(endToEndId: string): boolean {
    const rate = this.current.partialAcceptanceRate;
    if (rate <= 0) return false;
    return keyedFraction(this.current.seed ?? 0, endToEndId) < rate;
  }
}
