// One applicant's submission as the intake API takes it, for tests that vary a field or two of it.
import { randomInt } from 'node:crypto';
import { generateCpf } from '../../domain/national-id';
import { SAMPLE_APPLICATION } from '../../scripts/applicants';

export const VALID_APPLICATION = SAMPLE_APPLICATION;

export const application = (overrides: Record<string, unknown> = {}): Record<string, unknown> => ({ ...VALID_APPLICATION, ...overrides });

/** A valid CPF no other test uses (random, not seeded). */
export const randomCpf = (): string => generateCpf((max) => randomInt(max));
