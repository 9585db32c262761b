import { type Database, migrationsFolder, queryRows } from "@cloudsync/db";
import { sql } from "drizzle-orm";
import { readMigrationFiles } from "drizzle-orm/migrator";
import { CommandFailedError } from "./errors.ts";

export class DatabaseUnavailableError extends CommandFailedError {
  override name = "DatabaseUnavailableError";
}

export class DatabaseNotMigratedError extends CommandFailedError {
  override name = "DatabaseNotMigratedError";
}

/** Host, port, database and user of a URL, for messages: never the password. */
export function describeDatabaseUrl(url: string): { host: string; port: string; database: string; user: string; where: string } {
  try {
    const u = new URL(url);
    const host = u.hostname || "localhost";
    const port = u.port || "5432";
    const database = decodeURIComponent(u.pathname.replace(/^\//, "")) || decodeURIComponent(u.username) || "postgres";
    return { host, port, database, user: decodeURIComponent(u.username) || "(default user)", where: `${host}:${port} (database "${database}")` };
  } catch {
    return { host: "?", port: "?", database: "?", user: "?", where: "the server in DATABASE_URL (the URL does not parse)" };
  }
}

interface ErrorFields {
  code?: string;
  message?: string;
}

/** drizzle wraps driver errors as "Failed query: …" with the real one as `cause`: find that one. */
function rootCause(error: unknown): ErrorFields {
  let current = error as (ErrorFields & { cause?: unknown }) | undefined;
  for (let i = 0; i < 5 && current && typeof current === "object"; i++) {
    if (typeof current.code === "string") return current;
    if (!current.cause) break;
    current = current.cause as ErrorFields & { cause?: unknown };
  }
  return { message: error instanceof Error ? error.message : String(error) };
}

/**
 * Says why a connection failed and what to do, naming host and port: refused, unknown host,
 * authentication, missing database, missing role, or timeout. The URL's password never appears.
 */
export function explainConnectionFailure(error: unknown, url: string, role?: string): DatabaseUnavailableError {
  const { host, database, user, where } = describeDatabaseUrl(url);
  const cause = rootCause(error);
  const prefix = `cannot connect to PostgreSQL at ${where}`;
  let text: string;
  switch (cause.code) {
    case "ECONNREFUSED":
      text = `${prefix}: connection refused, nothing listens there. Start PostgreSQL, or fix the host and port in DATABASE_URL.`;
      break;
    case "ENOTFOUND":
    case "EAI_AGAIN":
      text = `${prefix}: unknown host "${host}" (the name does not resolve). Fix the host in DATABASE_URL.`;
      break;
    case "CONNECT_TIMEOUT":
    case "ETIMEDOUT":
    case "EHOSTUNREACH":
    case "ENETUNREACH":
      text = `${prefix}: no answer (${cause.code}). Check that the server runs and that a firewall lets this machine reach that port.`;
      break;
    case "28P01":
    case "28000":
      text = `${prefix}: authentication failed for user "${user}". Check the user and password in DATABASE_URL, and the server's pg_hba.conf.`;
      break;
    case "3D000":
      text = `${prefix}: the database "${database}" does not exist. Create it (\`createdb ${database}\`) or fix its name in DATABASE_URL, then run \`cloudsync migrate\`.`;
      break;
    case "22023":
    case "42704":
    case "42501":
      if (role && /role/i.test(cause.message ?? "")) {
        text = `${prefix}: cannot act as role "${role}" (CLOUDSYNC_DB_ROLE): ${cause.message}. Create the role, grant it to user "${user}", or unset CLOUDSYNC_DB_ROLE.`;
        break;
      }
      text = `${prefix}: ${cause.message ?? cause.code}.`;
      break;
    default:
      text = `${prefix}: ${cause.message ?? "unknown error"}${cause.code ? ` (${cause.code})` : ""}. Check DATABASE_URL.`;
  }
  return new DatabaseUnavailableError(text, { cause: error });
}

/** One round trip; a failure becomes a message that names the server and the cause. */
export async function checkConnection(db: Database, url: string, role?: string): Promise<void> {
  try {
    await db.execute(sql`select 1`);
  } catch (error) {
    throw explainConnectionFailure(error, url, role);
  }
}

/**
 * Refuses a server database whose schema is older than this build: no cloudsync tables at all,
 * or migrations of this build that the journal has not recorded. The journal is read only when
 * the role may (the worker role may not); without it, the tables' presence is what is checked.
 */
export async function checkMigrated(db: Database, url: string): Promise<void> {
  const { where } = describeDatabaseUrl(url);
  const [state] = await queryRows<{ has_tables: boolean; journal_readable: boolean }>(
    db,
    sql`select to_regclass('public.cloud_providers') is not null as has_tables,
               case when to_regnamespace('drizzle') is null then false
                    when not has_schema_privilege('drizzle', 'usage') then false
                    when to_regclass('drizzle.__drizzle_migrations') is null then false
                    else has_table_privilege('drizzle.__drizzle_migrations', 'select') end as journal_readable`,
  );
  if (!state?.has_tables) {
    throw new DatabaseNotMigratedError(
      `the database at ${where} is not migrated (it has no cloudsync tables). Run \`cloudsync migrate\` with DATABASE_URL of the database owner, then run this command again.`,
    );
  }
  if (!state.journal_readable) return;
  const [applied] = await queryRows<{ last: string | null }>(db, sql`select max(created_at)::text as last from drizzle.__drizzle_migrations`);
  const last = applied?.last ? Number(applied.last) : 0;
  const pending = readMigrationFiles({ migrationsFolder }).filter((m) => m.folderMillis > last);
  if (pending.length > 0) {
    throw new DatabaseNotMigratedError(
      `the database at ${where} is ${pending.length} migration${pending.length === 1 ? "" : "s"} behind this version of cloudsync. Run \`cloudsync migrate\` with DATABASE_URL of the database owner, then run this command again.`,
    );
  }
}
