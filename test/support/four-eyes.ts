// Money decisions in tests that are about what a decision does, not about who takes it: proposed by one
// person and approved by another through the services (test/insider.test.ts holds the who).
import type { Db } from '../../lib/db';
import type { BreakResolution } from '../../domain/reconciliation-classes';
import { breakResolutionEffect, proposeResolution, type ResolvedBreak } from '../../web/services/break-resolutions';
import { approve } from '../../web/services/four-eyes';
import { statementUploadEffect, uploadStatement, type UploadResult } from '../../web/services/statement-upload';
import { testPersonalData } from './personal-data';

/** Proposes a resolution as `proposer` and approves it as `approver`, without waking a workflow. */
export async function resolveAsTwo(
  db: Db,
  input: { breakId: string; resolution: BreakResolution; reason?: string; proposer: string; approver: string },
): Promise<ResolvedBreak> {
  const decision = await proposeResolution(db, {
    breakId: input.breakId,
    resolution: input.resolution,
    reason: input.reason,
    actor: input.proposer,
  });
  const pd = await testPersonalData(db);
  const { result } = await db.$transaction((tx) =>
    approve(tx, decision.id, input.approver, (d) => breakResolutionEffect.apply(tx, d, input.approver, pd)),
  );
  return result as ResolvedBreak;
}

/** Uploads a statement file as `uploader` and has `confirmer` confirm it, so its lines are evidence. */
export async function uploadAsTwo(
  db: Db,
  input: { provider: string; contentType: string; body: unknown; uploader: string; confirmer: string },
): Promise<UploadResult> {
  const result = await uploadStatement(db, {
    provider: input.provider,
    contentType: input.contentType,
    body: input.body,
    actor: input.uploader,
  });
  const decision = result.decision;
  const pd = await testPersonalData(db);
  if (decision)
    await db.$transaction((tx) =>
      approve(tx, decision.id, input.confirmer, (d) => statementUploadEffect.apply(tx, d, input.confirmer, pd)),
    );
  return result;
}
