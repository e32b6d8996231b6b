// The rules each program decides with: its latest rule set, read and parsed once per batch.
import type { Db, Prisma } from '../lib/db';
import { RuleSetSchema, type Rule } from '../domain/eligibility';

export type RuleSets = Map<string, { id: string; rules: Rule[] }>;

export async function latestRuleSets(db: Db | Prisma.TransactionClient, programIds: string[]): Promise<RuleSets> {
  const rows = await db.$queryRaw<Array<{ id: string; program_id: string; rules: unknown }>>`
    SELECT DISTINCT ON (program_id) id, program_id, rules FROM rule_set
    WHERE program_id = ANY(${programIds}::uuid[]) ORDER BY program_id, version DESC`;
  return new Map(rows.map((r) => [r.program_id, { id: r.id, rules: RuleSetSchema.parse(r.rules) }]));
}
