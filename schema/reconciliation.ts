// Inputs of reconciliation: a finance user's resolution of a break, and statement files uploaded by hand
// (real banks send camt.053 files; wallet providers a settlement report).
import { z } from 'zod';
import { BREAK_RESOLUTIONS } from '../domain/reconciliation-classes';

export const BreakResolutionInput = z
  .object({
    resolution: z.enum(BREAK_RESOLUTIONS, { error: `one of ${BREAK_RESOLUTIONS.join(', ')}` }),
    reason: z.string().max(500, 'at most 500 characters').optional(),
  })
  .strict();
export type BreakResolutionInput = z.infer<typeof BreakResolutionInput>;

export const StatementUploadQuery = z
  // Which rails exist is the registry's to say (rails/index.ts, checked by web/services/statement-upload.ts):
  // a new rail is a folder and a line there, not an edit here.
  .object({ provider: z.string().regex(/^[a-z0-9][a-z0-9-]{0,39}$/, 'the provider a rail is registered under, e.g. bank-sim') })
  .strict();

const currency = z.string().regex(/^[A-Z]{3}$/, 'an ISO 4217 code such as BRL');
/** Digits, and decimals after a point: up to 18 digits, as ISO 20022 amounts. */
const unsignedDecimal = /^(?=(?:\D*\d){1,18}\D*$)\d+(\.\d+)?$/;

/** The wallet provider's settlement report, as its API serves it (GET /v1/settlement). */
export const SettlementReportFile = z.object({
  account: z.string().min(1, 'the debit account'),
  entries: z
    .array(
      z.object({
        transactionReference: z.string().min(1).max(100),
        requestingOrganisationTransactionReference: z.string().min(1).max(64),
        type: z.enum(['transfer', 'reversal']).default('transfer'),
        // The shape only: whether the currency can hold it (its minor units, more than zero) is the rule of
        // every statement line, camt.053 or settlement report (activities/statement-line-rules.ts).
        amount: z.string().regex(unsignedDecimal, 'an unsigned decimal amount such as 600.00'),
        currency,
        completedAt: z.iso.datetime({ offset: true, error: 'an ISO 8601 date-time' }),
      }),
    )
    .max(200_000),
});
