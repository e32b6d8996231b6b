// Least privilege in PostgreSQL (issue 14, part 3): who may do what in Amparo's databases.
//
//   owner (DATABASE_OWNER_URL, default amparo_owner)  owns Amparo's databases and every object in them;
//                                                     migrations run as it, and nothing else does.
//   app   (DATABASE_URL, default amparo_app)          web, workers and scripts: reads and writes rows. It
//                                                     cannot alter, drop, truncate or create a table, nor
//                                                     disable a trigger (that takes ownership), nor set
//                                                     session_replication_role (a superuser's), so the
//                                                     ledger's and the sign-off's triggers hold for it.
//   one role per simulator (*_SIM_DATABASE_URL)       owns its own databases only (the simulators create
//                                                     their tables at start), and connects to nothing else.
//
// Roles, passwords and the ownership of existing objects are the administrator's job (prepare-services,
// as DATABASE_ADMIN_URL); the app's grants are applied again after every migration (scripts/migrate.ts,
// as the owner), because a migration may add a table. The roles' names and passwords are those of the URLs.
import pg from 'pg';

/**
 * Tables the app only ever appends to: it may insert and read, never change or delete a row. The ledger
 * and the sign-off are append-only by their triggers (which the app cannot disable, and whose errors the
 * tests assert); the audit trail has no trigger, so the privilege is its guard.
 */
export const APPEND_ONLY_TABLES = ['audit_event'];
/** Tables the app has no business with at all. */
export const OWNER_ONLY_TABLES = ['_prisma_migrations'];

export interface Login {
  role: string;
  password: string;
}

export function loginOf(url: string): Login {
  const u = new URL(url);
  const role = decodeURIComponent(u.username);
  if (!role) throw new Error(`database URL names no user: ${u.host}${u.pathname}`);
  return { role, password: decodeURIComponent(u.password) };
}

export function databaseOf(url: string): string {
  const name = decodeURIComponent(new URL(url).pathname.slice(1));
  if (!name) throw new Error(`database URL has no database name: ${new URL(url).host}`);
  return name;
}

/** `url` with another database name: the administrator connects to each database to hand its objects over. */
export function onDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${encodeURIComponent(database)}`;
  return u.toString();
}

const ident = (name: string) => pg.escapeIdentifier(name);
const literal = (text: string) => pg.escapeLiteral(text);

/**
 * Creates a login role, or sets the password of an existing one to the URL's. A superuser (the
 * administrator itself, or a URL still naming one) is left alone and reported: it is not confined.
 */
export async function ensureLoginRole(admin: pg.Client, login: Login): Promise<'created' | 'updated' | 'superuser'> {
  const { rows } = await admin.query<{ super: boolean }>('SELECT rolsuper AS super FROM pg_roles WHERE rolname = $1', [login.role]);
  if (rows[0]?.super) return 'superuser';
  // The defaults of a new role, spelled out: they are also imposed on a role that exists already.
  const attributes = `LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS${login.password ? ` PASSWORD ${literal(login.password)}` : ''}`;
  if (rows.length === 0) {
    await admin.query(`CREATE ROLE ${ident(login.role)} ${attributes}`);
    return 'created';
  }
  await admin.query(`ALTER ROLE ${ident(login.role)} ${attributes}`);
  return 'updated';
}

/** Creates the database owned by `owner`, or gives an existing one (created by an earlier version, as the administrator) to `owner`. */
export async function ensureDatabase(admin: pg.Client, name: string, owner: string): Promise<'created' | 'existing'> {
  const found = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
  if (found.rowCount === 0) {
    await admin.query(`CREATE DATABASE ${ident(name)} OWNER ${ident(owner)}`);
    return 'created';
  }
  await admin.query(`ALTER DATABASE ${ident(name)} OWNER TO ${ident(owner)}`);
  return 'existing';
}

/**
 * Inside one database (the administrator connected to it): `owner` owns the public schema's tables,
 * views, sequences, types and functions, and no one else connects unless granted. Objects that belong to
 * an extension or follow their table (indexes, a serial's sequence, a table's row type) are left to follow.
 * Idempotent: only what another role owns is altered, so a second run issues no ALTER at all.
 * Returns how many objects changed hands.
 */
export async function takeOwnership(admin: pg.Client, owner: string): Promise<number> {
  const { rows } = await admin.query<{ statement: string }>(
    `WITH target AS (SELECT oid FROM pg_roles WHERE rolname = $1),
     -- Part of an extension ('e'), or following another object: a serial's sequence ('a'), an identity's ('i').
     member AS (SELECT d.classid, d.objid FROM pg_depend d WHERE d.deptype IN ('e', 'a', 'i'))
     SELECT statement FROM (
       SELECT 1 AS step, format('ALTER %s %s OWNER TO %I',
                CASE c.relkind WHEN 'S' THEN 'SEQUENCE' WHEN 'v' THEN 'VIEW' WHEN 'm' THEN 'MATERIALIZED VIEW'
                               WHEN 'f' THEN 'FOREIGN TABLE' ELSE 'TABLE' END, c.oid::regclass, $1) AS statement
         FROM pg_class c
        WHERE c.relnamespace = 'public'::regnamespace AND c.relkind IN ('r', 'p', 'v', 'm', 'f', 'S')
          AND c.relowner <> (SELECT oid FROM target) AND ('pg_class'::regclass, c.oid) NOT IN (SELECT classid, objid FROM member)
       UNION ALL
       SELECT 2, format('ALTER TYPE %s OWNER TO %I', t.oid::regtype, $1)
         FROM pg_type t
        WHERE t.typnamespace = 'public'::regnamespace AND t.typowner <> (SELECT oid FROM target)
          AND (t.typtype IN ('e', 'd', 'r') OR (t.typtype = 'c' AND (SELECT relkind FROM pg_class WHERE oid = t.typrelid) = 'c'))
          AND ('pg_type'::regclass, t.oid) NOT IN (SELECT classid, objid FROM member)
       UNION ALL
       SELECT 3, format('ALTER %s %s OWNER TO %I', CASE p.prokind WHEN 'p' THEN 'PROCEDURE' WHEN 'a' THEN 'AGGREGATE' ELSE 'FUNCTION' END,
                        p.oid::regprocedure, $1)
         FROM pg_proc p
        WHERE p.pronamespace = 'public'::regnamespace AND p.proowner <> (SELECT oid FROM target)
          AND ('pg_proc'::regclass, p.oid) NOT IN (SELECT classid, objid FROM member)
     ) s ORDER BY step, statement`,
    [owner],
  );
  await admin.query('BEGIN');
  try {
    await admin.query(`SELECT pg_advisory_xact_lock(hashtext('amparo_database_roles'))`);
    for (const { statement } of rows) await admin.query(statement);
    // The schema: PostgreSQL 15 gives it to pg_database_owner (the database's owner, so `owner`); earlier
    // versions to the bootstrap superuser, with CREATE for everyone, which nobody but the owner may have.
    await admin.query(`
      DO $$ BEGIN
        IF (SELECT pg_get_userbyid(nspowner) FROM pg_namespace WHERE nspname = 'public') NOT IN ('pg_database_owner', ${literal(owner)}) THEN
          EXECUTE ${literal(`ALTER SCHEMA public OWNER TO ${ident(owner)}`)};
        END IF;
      END $$`);
    await admin.query('REVOKE CREATE ON SCHEMA public FROM PUBLIC');
    // Every role may connect to every database and make temporary tables there unless told otherwise.
    const { rows: db } = await admin.query<{ name: string }>('SELECT current_database() AS name');
    await admin.query(`REVOKE ALL ON DATABASE ${ident(db[0]!.name)} FROM PUBLIC`);
    await admin.query('COMMIT');
  } catch (err) {
    await admin.query('ROLLBACK');
    throw err;
  }
  return rows.length;
}

/**
 * What the app may do in Amparo's database (connected as the owner, or the administrator): connect,
 * make temporary tables, read and write the rows of every table (those of later migrations too, through
 * default privileges), use the sequences; append only to APPEND_ONLY_TABLES; nothing on OWNER_ONLY_TABLES.
 * No TRUNCATE, REFERENCES or TRIGGER, no CREATE in the schema. Idempotent and quick.
 */
export async function grantApplicationAccess(client: pg.Client, owner: string, app: string): Promise<void> {
  const [o, a] = [ident(owner), ident(app)];
  const { rows } = await client.query<{ name: string; existing: string[] }>(
    `SELECT current_database() AS name,
            ARRAY(SELECT t FROM unnest($1::text[]) t WHERE to_regclass(format('public.%I', t)) IS NOT NULL) AS existing`,
    [[...APPEND_ONLY_TABLES, ...OWNER_ONLY_TABLES]],
  );
  const { name, existing } = rows[0]!;
  const present = (tables: string[]) => tables.filter((t) => existing.includes(t)).map((t) => `public.${ident(t)}`);
  await client.query('BEGIN');
  try {
    // Two runs at once (a migration and services up) would otherwise update the same catalog rows.
    await client.query(`SELECT pg_advisory_xact_lock(hashtext('amparo_database_roles'))`);
    await client.query(`GRANT CONNECT, TEMPORARY ON DATABASE ${ident(name)} TO ${a}`);
    await client.query(`GRANT USAGE ON SCHEMA public TO ${a}`);
    await client.query(`GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO ${a}`);
    await client.query(`GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO ${a}`);
    await client.query(`ALTER DEFAULT PRIVILEGES FOR ROLE ${o} IN SCHEMA public GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO ${a}`);
    await client.query(`ALTER DEFAULT PRIVILEGES FOR ROLE ${o} IN SCHEMA public GRANT USAGE, SELECT ON SEQUENCES TO ${a}`);
    const appendOnly = present(APPEND_ONLY_TABLES);
    if (appendOnly.length) await client.query(`REVOKE UPDATE, DELETE, TRUNCATE ON ${appendOnly.join(', ')} FROM ${a}`);
    const ownerOnly = present(OWNER_ONLY_TABLES);
    if (ownerOnly.length) await client.query(`REVOKE ALL ON ${ownerOnly.join(', ')} FROM ${a}`);
    await client.query('COMMIT');
  } catch (err) {
    await client.query('ROLLBACK');
    throw err;
  }
}
