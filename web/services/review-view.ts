// A review task as the JSON API gives it: masked as the pages mask it (national IDs and account numbers to
// their last digits: enough to compare, not to copy), with whether each candidate's value is the applicant's
// decided on the real values, which never leave. Names, birth dates and municipalities stay: reviewers
// compare people by them. The unmasked record is a separate, audited read (readPersonalData below).
import { audit } from '../../lib/audit';
import { openApplicant, personalData } from '../../lib/personal-data';
import { mask, maskedAccount } from '../../lib/pii';
import type { ServiceContext } from './context';
import type { reviewTask } from './reviews';
import type { ReadPurpose } from '../../schema/personal-data';

type Task = NonNullable<Awaited<ReturnType<typeof reviewTask>>>;
type Person = Task['application']['duplicateCandidates'][number]['candidateApplication'];

const accountOf = (p: Person) => (p.paymentAccount ? JSON.stringify(p.paymentAccount) : null);

function maskedPerson(p: Person) {
  const { nationalId, paymentAccount, ...rest } = p;
  return { ...rest, nationalId: nationalId && mask(nationalId), paymentAccount: paymentAccount && maskedAccount(paymentAccount) };
}

export function maskedReviewTask(task: Task) {
  const a = task.application;
  return {
    ...task,
    application: {
      ...maskedPerson(a),
      registryFacts: a.registryFacts,
      ruleResults: a.ruleResults,
      duplicateCandidates: a.duplicateCandidates.map((c) => ({
        kind: c.kind,
        similarity: c.similarity,
        sameNationalId: c.candidateApplication.nationalId === a.nationalId,
        sameAccount: accountOf(c.candidateApplication) !== null && accountOf(c.candidateApplication) === accountOf(a),
        candidateApplication: maskedPerson(c.candidateApplication),
      })),
    },
  };
}

/** An application's personal data unmasked, for the role that needs it; every read is audited (who, which, why). */
export async function readPersonalData(
  ctx: Pick<ServiceContext, 'db' | 'config'>,
  applicationId: string,
  actor: string,
  purpose: ReadPurpose,
) {
  const app = await ctx.db.application.findUnique({
    where: { id: applicationId },
    select: {
      id: true,
      number: true,
      fullName: true,
      nationalId: true,
      dateOfBirth: true,
      phone: true,
      paymentAccount: { select: { rail: true, bankCode: true, accountNumber: true, msisdn: true } },
    },
  });
  if (!app) return null;
  // The purpose is a code, not free text: the audit trail never holds personal data.
  await audit(ctx.db, {
    actor,
    action: 'application.personal_data_read',
    entityType: 'application',
    entityId: app.id,
    details: { purpose },
  });
  return openApplicant(await personalData(ctx), app);
}
