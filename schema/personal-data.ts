// Reading an application's personal data unmasked: allowed for a stated purpose, which is audited.
import { z } from 'zod';

export const READ_PURPOSES = ['PAYMENT_INVESTIGATION', 'IDENTITY_DISPUTE', 'FRAUD_INVESTIGATION', 'DATA_SUBJECT_REQUEST'] as const;
export type ReadPurpose = (typeof READ_PURPOSES)[number];

export const PersonalDataReadInput = z.object({ purpose: z.enum(READ_PURPOSES, { error: READ_PURPOSES.join(', ') }) }).strict();
