// Accepted applications are inserted in micro-batches: requests arriving within a couple of milliseconds
// share one statement (the applications, their accounts and their audit entries), so a surge costs the
// database one transaction per batch, not three inserts per applicant. A request waits at most
// MAX_WAIT_MS for company. Repeats (the same person or Idempotency-Key in a program, also within one
// batch) are skipped by the unique constraints and reported as such; if a batch fails as a whole, each of
// its applications is tried alone, so one bad row never fails its neighbours.
import type { Db } from '../../lib/db';

/** Applications one statement inserts at most. */
const MAX_BATCH = 200;
/** How long the first request of a batch waits for others. */
const MAX_WAIT_MS = 2;

export interface NewApplication {
  id: string;
  number: string;
  program_id: string;
  national_id_hash: string;
  national_id: string;
  full_name: string;
  date_of_birth: string;
  birth_date_hash: string;
  phone: string;
  phone_hash: string;
  language: string;
  municipality: string;
  household_size: number;
  dependants_under_18: number;
  declared_monthly_income: string;
  idempotency_key: string | null;
  request_hash: string | null;
  decision_queue: string;
  rail: 'BANK' | 'WALLET';
  bank_code: string | null;
  account_number: string | null;
  msisdn: string | null;
  account_key: string;
}

interface Pending {
  row: NewApplication;
  resolve: (inserted: boolean) => void;
  reject: (err: unknown) => void;
}

/** One statement: rows in arrival order (clock_timestamp() keeps that order in created_at). Returns the inserted IDs. */
async function insertAll(db: Db, rows: NewApplication[]): Promise<Set<string>> {
  const inserted = await db.$queryRaw<Array<{ id: string }>>`
    WITH v AS (
      SELECT r.*, e.n FROM jsonb_array_elements(${JSON.stringify(rows)}::jsonb) WITH ORDINALITY AS e(value, n),
        jsonb_to_record(e.value) AS r(id uuid, number text, program_id uuid, national_id_hash text, national_id text, full_name text,
          date_of_birth text, birth_date_hash text, phone text, phone_hash text, language text, municipality text, household_size int, dependants_under_18 int,
          declared_monthly_income numeric, idempotency_key text, request_hash text, decision_queue text, rail text, bank_code text, account_number text,
          msisdn text, account_key text)
    ),
    app AS (
      INSERT INTO application (id, number, program_id, national_id_hash, national_id, full_name, date_of_birth, birth_date_hash, phone, phone_hash, language,
        municipality, household_size, dependants_under_18, declared_monthly_income, idempotency_key, request_hash, decision_queue, created_at)
      SELECT id, number, program_id, national_id_hash, national_id, full_name, date_of_birth, birth_date_hash, phone, phone_hash, language,
        municipality, household_size, dependants_under_18, declared_monthly_income, idempotency_key, request_hash, decision_queue,
        clock_timestamp() AT TIME ZONE 'UTC'
      FROM v ORDER BY n
      ON CONFLICT DO NOTHING
      RETURNING id
    ),
    account AS (
      INSERT INTO payment_account (id, application_id, rail, bank_code, account_number, msisdn, account_key, created_at)
      SELECT gen_random_uuid(), v.id, v.rail::"PaymentRail", v.bank_code, v.account_number, v.msisdn, v.account_key, now() AT TIME ZONE 'UTC'
      FROM v JOIN app USING (id)
    ),
    audited AS (
      INSERT INTO audit_event (at, actor, action, entity_type, entity_id, details)
      SELECT now() AT TIME ZONE 'UTC', 'applicant', 'application.received', 'application', v.id::text, '{}'::jsonb
      FROM v JOIN app USING (id)
    )
    SELECT id::text AS id FROM app`;
  return new Set(inserted.map((r) => r.id));
}

function createWriter(db: Db) {
  let pending: Pending[] = [];
  let timer: NodeJS.Timeout | undefined;

  async function flush(): Promise<void> {
    const batch = pending;
    pending = [];
    timer = undefined;
    try {
      const inserted = await insertAll(
        db,
        batch.map((p) => p.row),
      );
      for (const p of batch) p.resolve(inserted.has(p.row.id));
    } catch {
      // One row may be at fault (or the batch met a transient error): alone, each gets its own answer.
      for (const p of batch) insertAll(db, [p.row]).then((ids) => p.resolve(ids.has(p.row.id)), p.reject);
    }
  }

  return (row: NewApplication): Promise<boolean> =>
    new Promise<boolean>((resolve, reject) => {
      pending.push({ row, resolve, reject });
      if (pending.length >= MAX_BATCH) {
        clearTimeout(timer);
        void flush();
      } else {
        timer ??= setTimeout(() => void flush(), MAX_WAIT_MS);
      }
    });
}

const writers = new WeakMap<Db, ReturnType<typeof createWriter>>();

/** Inserts one accepted application (with its account and audit entry); false when it repeats an existing one. */
export function insertApplication(db: Db, row: NewApplication): Promise<boolean> {
  let write = writers.get(db);
  if (!write) writers.set(db, (write = createWriter(db)));
  return write(row);
}
