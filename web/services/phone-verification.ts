// Confirming an application's phone (issue 13). A program pays and writes to the phone an applicant typed,
// so before an application counts its applicant types back a code sent there by SMS: only then is it
// claimed for a decision (workers/decision-dispatcher.ts) or told of attempts on its national ID. Codes
// are one-time codes (web/services/one-time-codes.ts: 10 minutes, 5 wrong tries, the newest only).
//
// The answers never tell which application numbers exist: the neutral number a repeated national ID gets
// (web/services/repeat-application.ts) and a number nobody was given must answer as a real one would, so
// wherever no application waits for a code, a decoy code (web/http/decoy-codes.ts) stands in for one.
import { audit } from '../../lib/audit';
import type { ServiceContext } from './context';
import { checkCode, isUsedCode, sendCode, type CodeCheck } from './one-time-codes';

type Ctx = Pick<ServiceContext, 'db' | 'queues' | 'config' | 'log'>;

/** Why a typed code was not taken. */
export type CodeRefusal = Exclude<CodeCheck, 'ok'>;

/**
 * A code that was never sent, for a number no application waits on: "sent" when a real code would be, it
 * answers as an unguessed real code does (wrong, then too many, expired after its time).
 */
export interface DecoyCodes {
  send(applicationNumber: string): Promise<void>;
  check(applicationNumber: string): Promise<CodeRefusal>;
}

export type PhoneConfirmation = { kind: 'verified' } | { kind: 'refused'; reason: CodeRefusal };

const normalized = (applicationNumber: string) => applicationNumber.trim().toUpperCase();

/** The application of this number that waits for its phone to be confirmed, if one does. */
async function waitingFor(ctx: Ctx, applicationNumber: string): Promise<{ id: string } | null> {
  return ctx.db.application.findFirst({
    where: { number: normalized(applicationNumber), status: 'RECEIVED', phoneVerifiedAt: null },
    select: { id: true },
  });
}

/**
 * Whether an application's phone is confirmed, and its program (where the form's code step is): only for
 * someone who proved the application is theirs (number and date of birth: the status page and API).
 */
export async function phoneConfirmation(
  ctx: Pick<Ctx, 'db'>,
  applicationNumber: string,
): Promise<{ verified: boolean; programCode: string } | null> {
  const app = await ctx.db.application.findUnique({
    where: { number: normalized(applicationNumber) },
    select: { phoneVerifiedAt: true, program: { select: { code: true } } },
  });
  return app && { verified: app.phoneVerifiedAt !== null, programCode: app.program.code };
}

/**
 * The first code of a new application, right after it is stored. Should it not go (the queue unreachable),
 * the application stays stored and the applicant asks for another: intake still answers.
 */
export async function startPhoneVerification(ctx: Ctx, applicationId: string): Promise<void> {
  try {
    await sendCode(ctx, applicationId, 'PHONE');
  } catch (err) {
    ctx.log.warn('phone code not sent; the applicant can ask for another', { applicationId, error: (err as Error).name });
  }
}

/**
 * The person waits on the page for this one: on a saturated machine its two statements get more time than
 * Prisma's 5 s default before the answer is "busy, send it again" (web/http/errors.ts).
 */
const CONFIRM_TRANSACTION = { maxWait: 10_000, timeout: 15_000 };

/** Marks the phone confirmed, once (audited once): true when it is, by this call or a concurrent one. */
async function markVerified(ctx: Ctx, applicationId: string): Promise<boolean> {
  return ctx.db.$transaction(async (tx) => {
    // Only while it waits: an application that gave its national ID way meanwhile stays as it is.
    const moved = await tx.application.updateMany({
      where: { id: applicationId, status: 'RECEIVED', phoneVerifiedAt: null },
      data: { phoneVerifiedAt: new Date() },
    });
    if (moved.count === 1) {
      await audit(tx, { actor: 'applicant', action: 'application.phone_verified', entityType: 'application', entityId: applicationId });
      return true;
    }
    const app = await tx.application.findUniqueOrThrow({ where: { id: applicationId }, select: { phoneVerifiedAt: true } });
    return app.phoneVerifiedAt !== null;
  }, CONFIRM_TRANSACTION);
}

/**
 * A code typed back: the phone is confirmed when it is this application's live code. The code that confirmed
 * it stays right while it lives (a double click, a retry: the sender gets the same answer twice).
 */
export async function confirmPhone(ctx: Ctx, decoys: DecoyCodes, applicationNumber: string, code: string): Promise<PhoneConfirmation> {
  const number = normalized(applicationNumber);
  const app = await ctx.db.application.findUnique({ where: { number }, select: { id: true, status: true, phoneVerifiedAt: true } });
  if (app && app.status === 'RECEIVED' && app.phoneVerifiedAt === null) {
    const checked = await checkCode(ctx, app.id, 'PHONE', code);
    // A refusal may be the same right code used a moment ago by a concurrent request (expired, or too many
    // when it was spent between the read and the count).
    const right = checked === 'ok' || (await isUsedCode(ctx, app.id, 'PHONE', code));
    if (!right) return { kind: 'refused', reason: checked };
    return (await markVerified(ctx, app.id)) ? { kind: 'verified' } : { kind: 'refused', reason: 'expired' };
  }
  if (app?.phoneVerifiedAt && (await isUsedCode(ctx, app.id, 'PHONE', code))) return { kind: 'verified' };
  // No code waits here (confirmed, decided, set aside, or no such application): a decoy answers.
  return { kind: 'refused', reason: await decoys.check(number) };
}

/**
 * A new code, replacing the last, for an application that waits for one; a decoy for any other number.
 * `beforeSending` is the edge's limit, counted for every number alike (it throws to refuse).
 */
export async function resendPhoneCode(
  ctx: Ctx,
  decoys: DecoyCodes,
  applicationNumber: string,
  beforeSending: () => Promise<void>,
): Promise<void> {
  await beforeSending();
  const app = await waitingFor(ctx, applicationNumber);
  if (!app) return decoys.send(normalized(applicationNumber));
  await sendCode(ctx, app.id, 'PHONE');
}
