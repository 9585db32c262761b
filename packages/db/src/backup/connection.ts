import { CloudsyncDbError } from "../errors.ts";

/** A backup or restore that cannot go on; the message says what to do instead. */
export class BackupError extends CloudsyncDbError {}

const PGLITE_HINT =
  "the embedded PGlite database (.data/pglite, or CLOUDSYNC_DATA_DIR) cannot be dumped with pg_dump: " +
  "stop every process that uses it and copy the whole .data/ directory instead (e.g. `tar -czf cloudsync-data.tgz .data`)";

/**
 * Checks that `raw` names a database on a PostgreSQL server. `name` is how the user passed it
 * (`DATABASE_URL`, `--target-url`), so the error points at the right place. A password in the
 * URL is never repeated.
 */
export function requireServerUrl(raw: string | undefined, name: string): URL {
  if (!raw) {
    throw new BackupError(
      name === "DATABASE_URL"
        ? `DATABASE_URL is not set. Set it to the PostgreSQL server to back up (postgres://user@host:5432/db); ${PGLITE_HINT}`
        : `${name} is missing: pass the PostgreSQL database to restore into, e.g. ${name} postgres://postgres@127.0.0.1:5432/cloudsync_restored`,
    );
  }
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new BackupError(`${name} is not a URL; expected postgres://user:password@host:5432/database`);
  }
  if (url.protocol !== "postgres:" && url.protocol !== "postgresql:") {
    throw new BackupError(
      `${name} must be a PostgreSQL URL like postgres://user:password@host:5432/database (got a ${url.protocol.replace(/:$/, "")}: URL)` +
        (name === "DATABASE_URL" ? `; ${PGLITE_HINT}` : ""),
    );
  }
  if (databaseName(url) === "") throw new BackupError(`${name} names no database: add it after the host, e.g. postgres://user@host:5432/cloudsync`);
  return url;
}

export function databaseName(url: URL): string {
  return decodeURIComponent(url.pathname.replace(/^\//, ""));
}

/** The URL with another database name (for the maintenance database when creating one). */
export function withDatabaseName(url: URL, database: string): URL {
  const copy = new URL(url.toString());
  copy.pathname = `/${encodeURIComponent(database)}`;
  return copy;
}

/** The URL as it may be printed: password replaced. */
export function redactUrl(url: URL): string {
  const copy = new URL(url.toString());
  if (copy.password) copy.password = "***";
  return copy.toString();
}

/**
 * How to hand a URL to pg_dump / pg_restore without the password on their command line (where
 * `ps` shows it to every local user): the URL without it, and the password in PGPASSWORD.
 */
export function libpqConnection(url: URL): { dbname: string; env: Record<string, string> } {
  const copy = new URL(url.toString());
  const password = decodeURIComponent(copy.password);
  copy.password = "";
  return { dbname: copy.toString(), env: password ? { PGPASSWORD: password } : {} };
}

/** Identifier quoting for the few statements built from catalog names. */
export function quoteIdent(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}
