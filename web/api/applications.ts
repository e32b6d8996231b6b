// The intake JSON API (the web form in web/applicant/apply-routes.ts shares web/services/intake.ts), and
// the phone's confirmation: the code sent by SMS typed back, or a new code (web/services/phone-verification.ts).
import type { FastifyInstance } from 'fastify';
import type { WebContext } from '../http/context';
import { invalid, notFound, refuse, validInput } from '../services/refusal';
import { lookupApplication } from '../services/appeals';
import { guardedByBirthDate } from '../http/birth-date-guard';
import {
  AccountCodeInput,
  AccountReplacementInput,
  PhoneCodeResendInput,
  PhoneVerificationInput,
  StatusLookupInput,
} from '../../schema/application';
import { giveAnotherAccount, requestAccountCode } from '../services/account-replacement';
import { submitApplication } from '../services/intake';
import { confirmPhone, phoneConfirmation, resendPhoneCode, type CodeRefusal } from '../services/phone-verification';
import { decoyCodes } from '../http/decoy-codes';
import { limitIntake } from '../http/rate-limits';

/** Why a code was refused, for the field `code` (the pages say the same in the applicant's language). */
export const CODE_REFUSED: Record<CodeRefusal, string> = {
  wrong: 'not the code sent: check the SMS and type it again',
  expired: 'expired or already used: ask for a new code',
  too_many: 'typed wrong too many times: ask for a new code',
};

export function applicationRoutes(app: FastifyInstance, ctx: WebContext): void {
  const decoys = decoyCodes(ctx.limits);

  app.post<{ Params: { code: string } }>('/api/v1/programs/:code/applications', async (request, reply) => {
    const key = request.headers['idempotency-key'];
    await limitIntake(ctx.limits, request.ip, (request.body as { phone?: unknown } | null)?.phone);
    const result = await submitApplication(ctx, decoys, request.params.code, request.body, Array.isArray(key) ? key.join(',') : key);
    switch (result.kind) {
      case 'program_not_found':
        throw notFound('program_not_found', 'code');
      case 'invalid':
        throw invalid(result.fields);
      case 'key_reused':
        throw refuse('idempotency_key_reused', { 'Idempotency-Key': 'already used with a different application' });
      case 'existing':
        return reply.code(200).send(result.ack);
      case 'created':
        return reply.code(201).send(result.ack);
    }
  });

  // The phone's code, typed back. Counted per address (as intake) and per number (every number alike: one
  // without a live code would otherwise take guesses without end). The answers are those of a real number
  // for any number, so they tell no one which numbers exist.
  app.post('/api/v1/applications/phone-verification', async (request) => {
    const { applicationNumber, code } = validInput(PhoneVerificationInput, request.body);
    await ctx.limits.consume('intakePerIp', request.ip);
    await ctx.limits.consume('phoneVerifyPerNumber', applicationNumber);
    const result = await confirmPhone(ctx, decoys, applicationNumber, code);
    if (result.kind === 'refused') throw invalid({ code: CODE_REFUSED[result.reason] });
    return { applicationNumber, phoneVerification: 'verified' };
  });

  // A new code to the application's phone, replacing the last: a few an hour per number.
  app.post('/api/v1/applications/phone-verification/resend', async (request, reply) => {
    const { applicationNumber } = validInput(PhoneCodeResendInput, request.body);
    await ctx.limits.consume('intakePerIp', request.ip);
    await resendPhoneCode(ctx, decoys, applicationNumber, () => ctx.limits.consume('phoneCodePerNumber', applicationNumber));
    return reply.code(202).send({ applicationNumber });
  });

  // Another account for one its rail did not confirm: a code to the application's phone first, then the code
  // with the account. Proven and counted as an appeal is (birth date with its lock-out, per address and number).
  app.post('/api/v1/applications/account-code', async (request, reply) => {
    const { applicationNumber, dateOfBirth } = validInput(AccountCodeInput, request.body);
    const result = await guardedByBirthDate(ctx.limits, request.ip, applicationNumber, 'account', async () => {
      const r = await requestAccountCode(ctx, applicationNumber, dateOfBirth, () =>
        ctx.limits.consume('accountCodePerNumber', applicationNumber.toUpperCase()),
      );
      return r.kind === 'not_found' ? null : r;
    });
    if (!result) throw notFound('application_not_found', 'applicationNumber');
    if (result.kind !== 'code_sent') throw refuse('account_not_waiting', { applicationNumber: 'not waiting for another account' });
    return reply.code(202).send({ applicationNumber, phoneEnding: result.phoneEnding });
  });

  app.post('/api/v1/applications/account', async (request, reply) => {
    const { applicationNumber, dateOfBirth, code, payment } = validInput(AccountReplacementInput, request.body);
    const result = await guardedByBirthDate(ctx.limits, request.ip, applicationNumber, 'account', async () => {
      const r = await giveAnotherAccount(ctx, applicationNumber, dateOfBirth, code, payment);
      return r.kind === 'not_found' ? null : r;
    });
    if (!result) throw notFound('application_not_found', 'applicationNumber');
    if (result.kind === 'not_waiting') throw refuse('account_not_waiting', { applicationNumber: 'not waiting for another account' });
    if (result.kind === 'code_refused') throw invalid({ code: CODE_REFUSED[result.reason] });
    return reply.code(202).send({ applicationNumber, account: 'checking' });
  });

  // Status by application number and date of birth, in the body (never in a URL), counted as the status
  // page counts (the same limits and birth-date lock-out). No personal data in the answer.
  app.post('/api/v1/applications/status', async (request) => {
    const { applicationNumber, dateOfBirth } = validInput(StatusLookupInput, request.body);
    const found = await guardedByBirthDate(ctx.limits, request.ip, applicationNumber, 'statusLookup', () =>
      lookupApplication(ctx, applicationNumber, dateOfBirth),
    );
    if (!found) throw notFound('application_not_found', 'applicationNumber');
    const { status, reasonCodes, decidedAt, appealDeadline, canAppeal } = found;
    // A lost 201 must not strand an application: its owner learns here that the phone still waits for its code.
    const phoneVerification = (await phoneConfirmation(ctx, found.applicationNumber))?.verified ? 'verified' : 'required';
    return { applicationNumber: found.applicationNumber, status, phoneVerification, reasonCodes, decidedAt, appealDeadline, canAppeal };
  });
}
