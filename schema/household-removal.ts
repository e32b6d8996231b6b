// What an administrator sends to take a household out of its program (web/services/household-removal.ts).
import { z } from 'zod';

/**
 * Why a household leaves, as a code: the audit trail and the decision carry it, never a person's words.
 * NO_LONGER_ELIGIBLE (a review found it), ASKED_TO_LEAVE (the household asked), DECEASED (the applicant
 * died and no one in the household takes over), MOVED_AWAY (out of the program's area).
 */
export const HOUSEHOLD_REMOVAL_REASONS = ['NO_LONGER_ELIGIBLE', 'ASKED_TO_LEAVE', 'DECEASED', 'MOVED_AWAY'] as const;
export type HouseholdRemovalReason = (typeof HOUSEHOLD_REMOVAL_REASONS)[number];

export const HouseholdRemovalInput = z
  .object({ reason: z.enum(HOUSEHOLD_REMOVAL_REASONS, { error: `one of ${HOUSEHOLD_REMOVAL_REASONS.join(', ')}` }) })
  .strict();
