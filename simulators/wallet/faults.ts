// Fault injection, in the same shape as the bank simulator's so a drill configures both rails alike,
// plus the wallet's own per-account permanent failures. Set at start (WALLET_SIM_FAULTS, JSON) and at
// run time (PUT /v1/admin/faults); a missing field means "behave well".
import { z } from 'zod';
import { keyedFraction, mulberry32 } from '../shared/prng';
import { Amount, E164 } from './messages';

const Rate = z.number().min(0).max(1);
const Range = z
  .strictObject({ min: z.number().int().min(0).max(600_000), max: z.number().int().min(0).max(600_000) })
  .refine((r) => r.min <= r.max, { message: 'min must not exceed max', path: ['max'] });
const NoDelay = { min: 0, max: 0 };

export const WalletFaultsSchema = z.strictObject({
  /**
   * Delay before an answer, per kind of request: submit, status (request state, batch, lists), statement,
   * accounts (account name and status look-ups).
   */
  latencyMs: z
    .strictObject({
      submit: Range.default(NoDelay),
      status: Range.default(NoDelay),
      statement: Range.default(NoDelay),
      accounts: Range.default(NoDelay),
    })
    .prefault({}),
  /** Share of requests answered 503 before anything is done, per kind as above. */
  errorRate: z
    .strictObject({ submit: Rate.default(0), status: Rate.default(0), statement: Rate.default(0), accounts: Rate.default(0) })
    .prefault({}),
  /** Share of submits committed and then never answered: the socket is destroyed or the answer hangs. */
  timeoutAfterCommitRate: Rate.default(0),
  /** Share of notifications delivered twice (same X-Event-Id: at-least-once delivery). */
  duplicateCallbackRate: Rate.default(0),
  /** Each batch also sends a stale 'approved' notification, held until its final one was delivered. */
  outOfOrderCallbacks: z.boolean().default(false),
  /** Share of notifications never sent (kept in the outbox as lost, for inspection). */
  lostCallbackRate: Rate.default(0),
  /** Share of transaction references refused at acceptance, decided by hashing (seed, reference). */
  partialAcceptanceRate: Rate.default(0),
  /** Age a batch must reach before it is processed. */
  settleDelayMs: z.number().int().min(0).max(3_600_000).default(200),
  seed: z.number().int().default(1),
  /** Wallet-specific permanent failures, checked when a transaction is processed and by account look-ups. */
  unknownWallets: z.array(E164).max(100_000).default([]),
  closedWallets: z.array(E164).max(100_000).default([]),
  /** Amount of one transaction above which the wallet's KYC tier refuses it. */
  kycLimit: z.strictObject({ default: Amount, perWallet: z.record(E164, Amount).default({}) }).prefault({ default: '5000.00' }),
});

export type WalletFaults = z.output<typeof WalletFaultsSchema>;
export type WalletFaultsInput = z.input<typeof WalletFaultsSchema>;
export type FaultRange = WalletFaults['latencyMs']['submit'];

/** The live fault configuration of one simulator process, shared by its server and processor. */
export class FaultState {
  private config!: WalletFaults;
  private draw!: () => number;

  constructor(input: WalletFaultsInput = {}) {
    this.set(input);
  }

  get current(): WalletFaults {
    return this.config;
  }

  /** Replaces the whole configuration (validated; throws a ZodError) and reseeds the draws. */
  set(input: unknown): WalletFaults {
    this.config = WalletFaultsSchema.parse(input);
    this.draw = mulberry32(this.config.seed);
    return this.config;
  }

  chance(rate: number): boolean {
    return rate > 0 && this.draw() < rate;
  }

  delayMs(range: FaultRange): number {
    return range.max === 0 ? 0 : range.min + Math.floor(this.draw() * (range.max - range.min + 1));
  }

  /** Deterministic per reference, so a resend of a refused transaction is refused again. */
  refusedAtAcceptance(reference: string): boolean {
    const rate = this.config.partialAcceptanceRate;
    if (rate <= 0) return false;
    return keyedFraction(this.config.seed, reference) < rate;
  }
}

/** WALLET_SIM_FAULTS → a FaultState; an invalid value stops the process with the fields named. */
export function faultsFromEnv(json: string | undefined): FaultState {
  let raw: unknown = {};
  if (json && json.trim()) {
    try {
      raw = JSON.parse(json);
    } catch {
      throw new Error('WALLET_SIM_FAULTS is not valid JSON');
    }
  }
  const parsed = WalletFaultsSchema.safeParse(raw);
  if (!parsed.success) {
    throw new Error(`WALLET_SIM_FAULTS: ${parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ')}`);
  }
  return new FaultState(parsed.data);
}
