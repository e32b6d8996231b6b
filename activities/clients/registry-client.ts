// Client of the social registry (the registry simulator's API).
import { ApplicationFailure } from '@temporalio/activity';
import { requestJson } from '../../lib/http-client';

export interface RegistryMember {
  nationalId: string;
  dateOfBirth: string;
  formallyEmployed: boolean;
  monthlyIncome: string;
  isHead: boolean;
}

export interface Municipality {
  code: string;
  name: string;
  state: string;
}

export interface RegistryRecord {
  person: {
    nationalId: string;
    fullName: string;
    dateOfBirth: string;
    householdId: string;
    municipality: Municipality;
    formallyEmployed: boolean;
    otherBenefits: string[];
    vulnerabilityScore: number;
  };
  household: {
    id: string;
    municipality: Municipality;
    monthlyIncome: string;
    size: number;
    members: RegistryMember[];
    /** Benefits anyone in the household receives (older registries list them per person only). */
    otherBenefits?: string[];
    vulnerabilityScore?: number;
  };
}

/** One query of a batch search: the caller's own reference ID (1 to 64 characters, unique in the batch). */
export interface RegistrySearch {
  referenceId: string;
  nationalId: string;
}

interface SearchAnswer {
  results: Array<{ referenceId: string; status: 'found' | 'not_found' | 'invalid'; record?: RegistryRecord }>;
}

/** A batch of thousands is one request, so it gets longer than the default 10 s. */
const SEARCH_TIMEOUT_MS = 30_000;

export function createRegistryClient(baseUrl: string) {
  return {
    /**
     * Many lookups in one request (the registry takes up to 2000): each search's record by its
     * reference ID, null when the registry does not know the national ID or it is not one.
     */
    async searchPersons(searches: RegistrySearch[]): Promise<Map<string, RegistryRecord | null>> {
      const found = new Map<string, RegistryRecord | null>();
      if (searches.length === 0) return found;
      const res = await requestJson<SearchAnswer>(`${baseUrl}/v1/persons/search`, {
        method: 'POST',
        body: { searches: searches.map(({ referenceId, nationalId }) => ({ referenceId, nationalId })) },
        timeoutMs: SEARCH_TIMEOUT_MS,
      });
      // The status only: a 400's body may name fields, and no message here may carry a national ID.
      if (res.status !== 200) throw ApplicationFailure.nonRetryable(`registry answered HTTP ${res.status}`, 'RegistryRefusedRequest');
      for (const r of res.body.results) found.set(r.referenceId, r.status === 'found' && r.record ? r.record : null);
      // A result missing would read as "not in the registry" and reject someone who is: refuse the answer instead.
      const missing = searches.filter((s) => !found.has(s.referenceId)).length;
      if (missing > 0 || found.size !== searches.length) {
        throw ApplicationFailure.nonRetryable(
          `registry answered ${res.body.results.length} results for ${searches.length} searches (${missing} missing)`,
          'RegistryBadAnswer',
        );
      }
      return found;
    },
  };
}
export type RegistryClient = ReturnType<typeof createRegistryClient>;
