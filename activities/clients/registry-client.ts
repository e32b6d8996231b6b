// Client of the social registry (the registry simulator's API).
import { ApplicationFailure } from '@temporalio/activity';
import { requestJson } from './http';

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

export function createRegistryClient(baseUrl: string) {
  return {
    /** The person and their household, or null when the registry does not know the national ID. */
    async findPerson(nationalId: string): Promise<RegistryRecord | null> {
      const res = await requestJson<RegistryRecord>(`${baseUrl}/v1/persons/${encodeURIComponent(nationalId)}`);
      if (res.status === 404) return null;
      // Any other 4xx means our request is wrong: asking again cannot help.
      if (res.status !== 200) throw ApplicationFailure.nonRetryable(`registry answered HTTP ${res.status}`, 'RegistryRefusedRequest');
      return res.body;
    },
  };
}
export type RegistryClient = ReturnType<typeof createRegistryClient>;
