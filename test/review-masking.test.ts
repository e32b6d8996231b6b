// The JSON API masks as the pages do: a review task gives national IDs and account numbers to their last
// digits, with whether each candidate's is the applicant's decided on the real values. The unmasked record
// is an administrator's read for a stated purpose, audited; no other role has it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUser } from '../lib/users';
import { probableDuplicateReview } from './support/fixtures';
import { signInUsers, startTestWeb, type TestWeb } from './support/web';
import { uid } from './support/util';

let web: TestWeb;
let users: Awaited<ReturnType<typeof signInUsers>>;
let reviewer: { authorization: string };
beforeAll(async () => {
  web = await startTestWeb();
  users = await signInUsers(web.db);
  reviewer = { authorization: `Bearer ${(await createUser(web.db, uid('reviewer'), 'REVIEWER')).token}` };
});
afterAll(async () => {
  await web?.close();
});

describe('personal data in the JSON API', () => {
  it('masks national IDs and accounts in a review task, and says which are the same', async () => {
    const f = await probableDuplicateReview(web.db);
    const res = await web.app.inject({ method: 'GET', url: `/api/v1/reviews/${f.taskId}`, headers: reviewer });
    expect(res.statusCode).toBe(200);
    for (const secret of [f.applicant.nationalId, f.candidate.nationalId, '12345678', '+5511987654321'])
      expect(res.body).not.toContain(secret);
    const body = res.json<{
      application: {
        nationalId: string;
        paymentAccount: { label: string };
        duplicateCandidates: Array<{
          sameNationalId: boolean;
          sameAccount: boolean;
          candidateApplication: { nationalId: string; fullName: string };
        }>;
      };
    }>();
    expect(body.application.nationalId).toBe(`*******${f.applicant.nationalId!.slice(-4)}`);
    expect(body.application.paymentAccount.label).toBe('Wallet ****4321');
    expect(body.application.duplicateCandidates[0]).toMatchObject({
      sameNationalId: false,
      sameAccount: false,
      candidateApplication: { fullName: 'Maria Aparecida Souza', nationalId: `*******${f.candidate.nationalId!.slice(-4)}` },
    });
  });

  it('gives the unmasked record to an administrator for a stated purpose, audited, and to no one else', async () => {
    const f = await probableDuplicateReview(web.db);
    const url = `/api/v1/applications/${f.applicant.id}/personal-data`;
    const read = (headers: Record<string, string>, payload: object) => web.app.inject({ method: 'POST', url, headers, payload });
    expect((await read(reviewer, { purpose: 'FRAUD_INVESTIGATION' })).statusCode).toBe(403);
    expect((await read(users.finance.headers, { purpose: 'FRAUD_INVESTIGATION' })).statusCode).toBe(403);
    const noPurpose = await read(users.admin.headers, {});
    expect([noPurpose.statusCode, Object.keys(noPurpose.json<{ fields: object }>().fields)]).toEqual([400, ['purpose']]);
    const res = await read(users.admin.headers, { purpose: 'FRAUD_INVESTIGATION' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ nationalId: f.applicant.nationalId, paymentAccount: { msisdn: '+5511987654321' } });
    const audits = await web.db.auditEvent.findMany({ where: { entityId: f.applicant.id, action: 'application.personal_data_read' } });
    expect(audits.map((a) => [a.actor, a.details])).toEqual([[users.admin.id, { purpose: 'FRAUD_INVESTIGATION' }]]);
  });
});
