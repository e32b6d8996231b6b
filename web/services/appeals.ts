// The applicant's side of a decision: look an application up by number and date of birth, and appeal a
// rejection within the program's window (a date on the application). The database decides (a conditional
// update), then the appeal's review workflow is started by signal-with-start; if that is lost, the
// reviewer's decision starts it (web/services/reviews.ts).
import { audit } from '../../lib/audit';
import { personalData } from '../../lib/personal-data';
import { birthDateHash, hashKeys } from '../../lib/pii';
import type { ReasonCode } from '../../domain/reason-codes';
import type { RuleResult } from '../../domain/eligibility';
import { appealFiledSignal } from '../../workflows/definitions';
import type { ServiceContext } from './context';
import { signalReview } from './review-signal';
import { checkCode, sendCode, type CodeCheck } from './one-time-codes';
import { waitsForAccount } from './account-replacement';

export interface ApplicationStatusView {
  applicationNumber: string;
  programName: string;
  status: 'RECEIVED' | 'VERIFYING' | 'ENROLLED' | 'REJECTED' | 'NEEDS_REVIEW' | 'APPEALED';
  reasonCodes: ReasonCode[];
  /** Facts per rule, to explain a rejection in numbers (no personal data beyond the applicant's own). */
  ruleResults: RuleResult[];
  submittedAt: Date;
  decidedAt: Date | null;
  appealDeadline: Date | null;
  canAppeal: boolean;
  /** Its rail did not confirm the account given: the applicant may give another (web/services/account-replacement.ts). */
  canGiveAccount: boolean;
  language: string;
}

type Ctx = Pick<ServiceContext, 'db' | 'temporal' | 'log' | 'config' | 'queues'>;

/** The application of this number, if the date of birth is its applicant's (also for web/services/account-replacement.ts). */
export async function findByNumberAndBirthDate(ctx: Pick<Ctx, 'db' | 'config'>, applicationNumber: string, dateOfBirth: string) {
  const number = applicationNumber.trim().toUpperCase();
  const app = await ctx.db.application.findUnique({
    where: { number },
    include: { program: { select: { name: true } } },
  });
  // The same answer for "no such number" and "wrong date of birth": numbers cannot be probed.
  // Compared by keyed hash, under the key it names: the stored date is never opened for a stranger's guess.
  return app?.birthDateHash && hashKeys(ctx.config).matches(app.birthDateHash, birthDateHash, dateOfBirth) ? app : null;
}

export async function lookupApplication(
  ctx: Ctx,
  applicationNumber: string,
  dateOfBirth: string,
  now = new Date(),
): Promise<ApplicationStatusView | null> {
  const app = await findByNumberAndBirthDate(ctx, applicationNumber, dateOfBirth);
  if (!app) return null;
  return {
    applicationNumber: app.number,
    programName: app.program.name,
    status: app.status,
    reasonCodes: app.reasonCodes as ReasonCode[],
    ruleResults: (app.ruleResults ?? []) as unknown as RuleResult[],
    submittedAt: app.createdAt,
    decidedAt: app.decidedAt,
    appealDeadline: app.appealDeadline,
    canAppeal: app.status === 'REJECTED' && app.appealDeadline !== null && app.appealDeadline > now,
    canGiveAccount: app.status === 'NEEDS_REVIEW' && (await waitsForAccount(ctx, app.id)),
    language: app.language,
  };
}

export type AppealResult =
  | { kind: 'filed' | 'already_appealed' }
  | { kind: 'not_found' }
  | { kind: 'not_appealable'; reason: 'not_rejected' | 'window_closed' }
  /** The one-time code was not given back right (or is spent): nothing filed. */
  | { kind: 'code_refused'; reason: Exclude<CodeCheck, 'ok'> };

/** Why an application cannot be appealed now, if it cannot. */
function notAppealable(app: { status: string; appealDeadline: Date | null }): AppealResult | null {
  if (app.status === 'APPEALED') return { kind: 'already_appealed' };
  if (app.status !== 'REJECTED') return { kind: 'not_appealable', reason: 'not_rejected' };
  if (!app.appealDeadline || app.appealDeadline <= new Date()) return { kind: 'not_appealable', reason: 'window_closed' };
  return null;
}

/**
 * The first step of an appeal: a one-time code to the application's phone, so that a leaked number and
 * birth date are not enough to appeal in someone's name. Returns the phone's last four digits.
 */
export async function requestAppealCode(
  ctx: Ctx,
  applicationNumber: string,
  dateOfBirth: string,
  /** The edge's limit on codes sent, counted only once a code would go (it throws to refuse). */
  beforeSending: () => Promise<void> = () => Promise.resolve(),
): Promise<AppealResult | { kind: 'code_sent'; phoneEnding: string }> {
  const app = await findByNumberAndBirthDate(ctx, applicationNumber, dateOfBirth);
  if (!app) return { kind: 'not_found' };
  const refused = notAppealable(app);
  if (refused) return refused;
  await beforeSending();
  return { kind: 'code_sent', phoneEnding: await sendCode(ctx, app.id, 'APPEAL') };
}

export async function fileAppeal(
  ctx: Ctx,
  applicationNumber: string,
  dateOfBirth: string,
  statement: string,
  code: string,
): Promise<AppealResult> {
  const app = await findByNumberAndBirthDate(ctx, applicationNumber, dateOfBirth);
  if (!app) return { kind: 'not_found' };
  if (app.status === 'APPEALED') return { kind: 'already_appealed' };
  const checked = await checkCode(ctx, app.id, 'APPEAL', code);
  if (checked !== 'ok') return { kind: 'code_refused', reason: checked };
  const words = statement.trim().slice(0, 2000);
  const sealed = words ? (await personalData(ctx)).seal('review_task.statement', words) : null;
  const filed = await ctx.db.$transaction(async (tx) => {
    // Only a rejection inside its window moves.
    const moved = await tx.application.updateMany({
      where: { id: app.id, status: 'REJECTED', appealDeadline: { gt: new Date() } },
      data: { status: 'APPEALED' },
    });
    if (moved.count === 0) return false;
    await tx.reviewTask.create({ data: { applicationId: app.id, kind: 'APPEAL', statement: sealed } });
    await audit(tx, { actor: 'applicant', action: 'application.appealed', entityType: 'application', entityId: app.id });
    return true;
  });
  if (!filed) return { kind: 'not_appealable', reason: app.status === 'REJECTED' ? 'window_closed' : 'not_rejected' };
  await signalReview(ctx, app.id, 'APPEAL', appealFiledSignal, "appeal's review not started; the reviewer's decision will start it");
  return { kind: 'filed' };
}
