// Least privilege in the database (issue 14, part 3). Every process connects as it does in production,
// with DATABASE_URL: a role that reads and writes Amparo's tables and nothing more. It cannot change the
// tables, nor switch off the triggers that keep the ledger append-only and a signed-off report final, so a
// bug or an attacker in a process cannot either. Migrations run as the tables' owner (DATABASE_OWNER_URL),
// and each simulator has a role of its own that cannot reach Amparo's database.
// Every statement that must fail runs in a transaction that is rolled back: should the role ever be
// allowed, the test fails without having dropped or altered anything.
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../lib/config';
import { createDb } from '../lib/db';
import { createProgram } from './support/fixtures';
import { uid } from './support/util';

const config = loadConfig();
const PERMISSION_DENIED = '42501';

/** The triggers the database relies on; the app's role must not be able to switch any of them off. */
const GUARDED_TRIGGERS = [
  { table: 'journal_line', trigger: 'journal_line_append_only' },
  { table: 'journal_entry', trigger: 'journal_entry_append_only' },
  { table: 'journal_line', trigger: 'journal_line_balanced' },
  { table: 'cycle_sign_off', trigger: 'cycle_sign_off_immutable' },
  { table: 'money_decision', trigger: 'money_decision_final' },
];

let app: pg.Client;
beforeAll(async () => {
  app = new pg.Client({ connectionString: config.DATABASE_URL });
  await app.connect();
});
afterAll(() => app.end());

/** Runs `sql` in a transaction that is always rolled back; resolves to the error, or undefined if it succeeded. */
async function attempt(sql: string): Promise<{ code?: string; message: string } | undefined> {
  await app.query('BEGIN');
  try {
    // Today's failure mode is a lock wait, not a hang: a role that may run DDL would queue behind other tests.
    await app.query(`SET LOCAL lock_timeout = '5s'`);
    await app.query(sql);
    return undefined;
  } catch (err) {
    return err as { code?: string; message: string };
  } finally {
    await app.query('ROLLBACK');
  }
}

async function expectDenied(sql: string): Promise<void> {
  const error = await attempt(sql);
  expect(error, `${sql} succeeded as ${new URL(config.DATABASE_URL).username}`).toBeDefined();
  expect({ sql, code: error?.code, message: error?.message }).toMatchObject({ sql, code: PERMISSION_DENIED });
}

describe("the application's role", () => {
  it('is neither a superuser nor the owner of any of the tables', async () => {
    const { rows } = await app.query<{ user: string; super: boolean; owned: number; tables: number }>(
      `SELECT current_user AS user, r.rolsuper AS super,
              (SELECT count(*)::int FROM pg_tables t WHERE t.schemaname = 'public' AND pg_has_role(current_user, t.tableowner, 'MEMBER')) AS owned,
              (SELECT count(*)::int FROM pg_tables t WHERE t.schemaname = 'public') AS tables
         FROM pg_roles r WHERE r.rolname = current_user`,
    );
    expect(rows[0]).toMatchObject({ user: new URL(config.DATABASE_URL).username, super: false, owned: 0 });
    expect(rows[0]!.tables).toBeGreaterThan(20);
  });

  it("cannot disable the ledger's, the sign-off's or a money decision's triggers, nor drop or replace them", async () => {
    const { rows } = await app.query<{ table: string; trigger: string; fn: string }>(
      `SELECT c.relname AS table, t.tgname AS trigger, p.proname AS fn
         FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid JOIN pg_proc p ON p.oid = t.tgfoid
        WHERE NOT t.tgisinternal AND c.relnamespace = 'public'::regnamespace AND t.tgenabled = 'O'`,
    );
    // The triggers exist and are enabled (origin mode): the test below means something.
    for (const guarded of GUARDED_TRIGGERS) expect(rows).toContainEqual(expect.objectContaining(guarded));
    for (const { table, trigger, fn } of rows) {
      await expectDenied(`ALTER TABLE "${table}" DISABLE TRIGGER ALL`);
      await expectDenied(`ALTER TABLE "${table}" DISABLE TRIGGER "${trigger}"`);
      await expectDenied(`DROP TRIGGER "${trigger}" ON "${table}"`);
      await expectDenied(`CREATE OR REPLACE FUNCTION "${fn}"() RETURNS trigger LANGUAGE plpgsql AS 'BEGIN RETURN NULL; END'`);
    }
  });

  it('cannot switch every trigger off for its session (session_replication_role)', async () => {
    await expectDenied(`SET session_replication_role = replica`);
    await expectDenied(`SET LOCAL session_replication_role = replica`);
  });

  it('cannot alter, drop, truncate or create a table', async () => {
    await expectDenied(`ALTER TABLE application ADD COLUMN x int`);
    await expectDenied(`ALTER TABLE journal_line DROP CONSTRAINT journal_line_pkey`);
    await expectDenied(`DROP TABLE journal_line`);
    await expectDenied(`DROP TABLE cycle_sign_off`);
    await expectDenied(`TRUNCATE journal_line`);
    await expectDenied(`TRUNCATE cycle_sign_off CASCADE`);
    await expectDenied(`CREATE TABLE public.not_amparos (x int)`);
    await expectDenied(`CREATE INDEX ON application (full_name)`);
  });

  it('neither changes nor deletes the audit trail, and leaves the migrations history alone', async () => {
    await expectDenied(`UPDATE audit_event SET actor = 'someone else' WHERE id = (SELECT max(id) FROM audit_event)`);
    await expectDenied(`DELETE FROM audit_event WHERE id = (SELECT max(id) FROM audit_event)`);
    await expectDenied(`SELECT count(*) FROM _prisma_migrations`);
  });

  it('reads and writes the tables as the processes do, and the triggers still hold', async () => {
    const db = createDb(config.DATABASE_URL, 1);
    try {
      const program = await createProgram(db);
      expect(await db.program.findUniqueOrThrow({ where: { id: program.id } })).toMatchObject({ code: program.code });
      const entity = uid('privileges');
      await app.query(`INSERT INTO audit_event (actor, action, entity_type, entity_id) VALUES ('test', 'test.privileges', 'test', $1)`, [
        entity,
      ]);
      expect((await app.query(`SELECT action FROM audit_event WHERE entity_id = $1`, [entity])).rows).toEqual([
        { action: 'test.privileges' },
      ]);
      // A temporary table of its own (reconciliation matches in one) it may create, index and analyze.
      expect(await attempt(`CREATE TEMP TABLE scratch ON COMMIT DROP AS SELECT 1 AS x; CREATE INDEX ON scratch (x); ANALYZE scratch`)).toBe(
        undefined,
      );
    } finally {
      await db.$disconnect();
    }
  });
});

describe("the simulators' roles", () => {
  const amparoDatabase = new URL(config.DATABASE_URL).pathname;
  const sims = [
    ['bank', config.BANK_SIM_DATABASE_URL],
    ['sms', config.SMS_SIM_DATABASE_URL],
    ['wallet', config.WALLET_SIM_DATABASE_URL],
  ] as const;

  it.each(sims)("the %s simulator's role is its own, not a superuser, and cannot connect to Amparo's database", async (_name, url) => {
    const own = new pg.Client({ connectionString: url });
    await own.connect();
    try {
      const { rows } = await own.query<{ user: string; super: boolean; owner: string }>(
        `SELECT current_user AS user, r.rolsuper AS super, pg_get_userbyid(d.datdba) AS owner
           FROM pg_roles r, pg_database d WHERE r.rolname = current_user AND d.datname = current_database()`,
      );
      const user = new URL(url).username;
      expect(rows[0]).toEqual({ user, super: false, owner: user });
      expect(user).not.toBe(new URL(config.DATABASE_URL).username);
    } finally {
      await own.end();
    }
    const intoAmparo = new URL(url);
    intoAmparo.pathname = amparoDatabase;
    const intruder = new pg.Client({ connectionString: intoAmparo.toString() });
    await expect(intruder.connect()).rejects.toMatchObject({ code: PERMISSION_DENIED });
    await intruder.end().catch(() => undefined);
  });

  it("the application's role cannot connect to a simulator's database", async () => {
    for (const [, url] of sims) {
      const intoSim = new URL(config.DATABASE_URL);
      intoSim.pathname = new URL(url).pathname;
      const intruder = new pg.Client({ connectionString: intoSim.toString() });
      await expect(intruder.connect()).rejects.toMatchObject({ code: PERMISSION_DENIED });
      await intruder.end().catch(() => undefined);
    }
  });
});
