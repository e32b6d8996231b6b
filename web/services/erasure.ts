// An administrator erases an application's personal data on request (lib/erasure.ts eraseOnRequest): at once,
// with a reason code, audited with who asked. Refused, with the reason, while the program still needs the data.
import type { ErasureBlock, ErasureRequestReason } from '../../domain/retention';
import { eraseOnRequest } from '../../lib/erasure';
import type { ServiceContext } from './context';
import { notFound, refuse, type RefusalCode } from './refusal';

const REFUSAL: Record<ErasureBlock, RefusalCode> = {
  being_decided: 'erasure_being_decided',
  household_enrolled: 'erasure_household_enrolled',
  money_in_flight: 'erasure_money_in_flight',
};

export interface ErasureDone {
  applicationId: string;
  erasedAt: string;
  /** True when it had been erased before (by retention or an earlier request): nothing changed. */
  alreadyErased: boolean;
}

export async function requestErasure(
  ctx: Pick<ServiceContext, 'db'>,
  applicationId: string,
  actor: string,
  reason: ErasureRequestReason,
): Promise<ErasureDone> {
  const result = await eraseOnRequest(ctx.db, { applicationId, actor, reason });
  if (result.kind === 'not_found') throw notFound('application_not_found', 'id');
  if (result.kind === 'blocked') throw refuse(REFUSAL[result.block]);
  return { applicationId, erasedAt: result.erasedAt.toISOString(), alreadyErased: result.kind === 'already_erased' };
}
