// The audit trail: who did what to which entity. Details carry IDs and codes, never personal data.
import type { Db, Prisma } from './db';

type Tx = Pick<Db, 'auditEvent'>;

export interface AuditEntry {
  actor: string;
  action: string;
  entityType: string;
  entityId: string;
  details?: Prisma.InputJsonObject;
}

export async function audit(db: Tx, entry: AuditEntry): Promise<void> {
  await db.auditEvent.create({ data: { ...entry, details: entry.details ?? {} } });
}
