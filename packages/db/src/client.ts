import { mkdirSync } from "node:fs";
import type { ExtractTablesWithRelations } from "drizzle-orm";
import type { PgDatabase, PgQueryResultHKT, PgTransaction } from "drizzle-orm/pg-core";
import { drizzle as drizzlePostgres } from "drizzle-orm/postgres-js";
import postgres, { type Sql } from "postgres";
import { resolveDataDir } from "./data-dir.ts";
import { EmbeddedDatabaseUnavailableError, InvalidInputError } from "./errors.ts";
import { type ListenFn, listenPglite, listenPostgres } from "./listen.ts";
import * as schema from "./schema/index.ts";

export type Schema = typeof schema;

/**
 * The database `createDb` opens, on either driver: a pool of connections (or the embedded
 * database) that can start transactions and close. Its `$client` is the driver's own client.
 */
export type Database = PgDatabase<PgQueryResultHKT, Schema> & { $client: Sql | EmbeddedClient };
/**
 * The embedded database's client (PGlite), as far as this package uses it: typed here rather than
 * imported, so the published declarations do not name `@electric-sql/pglite`, an optional peer.
 */
export interface EmbeddedClient {
  listen(channel: string, callback: (payload: string) => void): Promise<() => Promise<void>>;
  close(): Promise<void>;
}
/** A transaction of a {@link Database}: one connection, gone when its callback returns. */
export type Transaction = PgTransaction<PgQueryResultHKT, Schema, ExtractTablesWithRelations<Schema>>;
/**
 * What query helpers accept: the database or a transaction of it. A helper that takes this runs
 * its statements wherever the caller is, inside the caller's transaction when there is one.
 */
export type DbOrTx = Database | Transaction;

export interface DbHandle {
  db: Database;
  /**
   * Where reads that may lag a little go: a pool on the read replica when `readUrl` was given
   * (the standby refuses writes), otherwise `db` itself. Dashboards and reports use it so the
   * primary keeps its connections for the writers.
   */
  read: Database;
  /** `postgres` for a server named by URL, `pglite` for the embedded default. */
  driver: "postgres" | "pglite";
  /** Follows a channel of the change feed (`realtime_events`, woken by NOTIFY); resolves to an unsubscribe function. */
  listen: ListenFn;
  /** Ends every connection (or closes the embedded database). */
  close(): Promise<void>;
}

export interface CreateDbOptions {
  /** A PostgreSQL URL. Without one, an embedded PGlite database is used. */
  url?: string | undefined;
  /**
   * Where the embedded database keeps its files: default `.data/pglite` in the project root (the
   * nearest folder up from the working directory holding pnpm-workspace.yaml, else the working
   * directory); a relative path is taken from that root too. See `resolveDataDir()`.
   */
  dataDir?: string | undefined;
  /**
   * A streaming replica of `url` for reads (`read` on the handle): same credentials and role; a
   * hot standby refuses every write. Ignored for the embedded database, which has no replicas.
   */
  readUrl?: string | undefined;
  /** Pool size for a server (default 10; the replica's pool has as many). */
  maxConnections?: number | undefined;
  /**
   * The role every connection acts as (`SET ROLE` at connect), e.g. `cloudsync_worker` for the
   * worker, so a login that is merely a member of that role gets exactly its privileges.
   */
  role?: string | undefined;
  /** Receives server notices (default: ignored, so tests and CLIs stay quiet). */
  onNotice?: ((message: string) => void) | undefined;
}

/**
 * Opens the database. With a URL, a `postgres` pool; without one, PGlite stored under
 * `.data/`, so a newcomer runs everything with no server. Nothing is opened at import time, and
 * PGlite (an optional peer dependency) is loaded only when the embedded database is asked for.
 */
export async function createDb(urlOrOptions?: string | CreateDbOptions): Promise<DbHandle> {
  const options: CreateDbOptions = typeof urlOrOptions === "string" ? { url: urlOrOptions } : (urlOrOptions ?? {});
  if (options.url) return openPostgres(options.url, options);
  return openPglite(options);
}

function openPostgres(url: string, options: CreateDbOptions): DbHandle {
  if (options.role !== undefined && !/^[a-z_][a-z0-9_]{0,62}$/.test(options.role)) {
    throw new InvalidInputError("role", `expected a lower-case PostgreSQL role name, got ${JSON.stringify(options.role)}`);
  }
  const pool = (target: string, readOnly: boolean) =>
    postgres(target, {
      max: options.maxConnections ?? 10,
      onnotice: (notice) => options.onNotice?.(String(notice.message)),
      connection: {
        application_name: readOnly ? "cloudsync-read" : "cloudsync",
        ...(options.role ? { role: options.role } : {}),
      },
    });
  const client = pool(url, false);
  const db: Database = drizzlePostgres(client, { schema, casing: "snake_case" });
  const readClient = options.readUrl ? pool(options.readUrl, true) : null;
  const read: Database = readClient ? drizzlePostgres(readClient, { schema, casing: "snake_case" }) : db;
  return {
    db,
    read,
    driver: "postgres",
    listen: listenPostgres(client, db),
    close: async () => {
      await Promise.all([client.end({ timeout: 5 }), readClient?.end({ timeout: 5 })]);
    },
  };
}

async function openPglite(options: CreateDbOptions): Promise<DbHandle> {
  const { PGlite, drizzlePglite } = await loadPglite();
  const dataDir = resolveDataDir({ dataDir: options.dataDir });
  mkdirSync(dataDir, { recursive: true });
  const client = await PGlite.create(dataDir);
  const db: Database = drizzlePglite(client, { schema, casing: "snake_case" });
  return {
    db,
    read: db,
    driver: "pglite",
    listen: listenPglite(client, db),
    close: () => client.close(),
  };
}

/**
 * The PostgreSQL server client behind a database, for what Drizzle does not offer (a reserved
 * connection, LISTEN on a connection of its own). Refuses the embedded database, which has none.
 */
export function serverClientOf(db: Database): Sql {
  const client = db.$client;
  // A postgres-js client is a tagged-template function; PGlite's is an object.
  if (typeof client !== "function") {
    throw new InvalidInputError("db", "this needs a PostgreSQL server, but the database is the embedded PGlite one; open it with a URL (DATABASE_URL)");
  }
  return client;
}

/**
 * PGlite and drizzle's PGlite driver, imported only here: applications that always pass a URL
 * need not install the embedded database (about 27 MB), and a missing one is named precisely.
 */
async function loadPglite() {
  try {
    const [{ PGlite }, { drizzle }] = await Promise.all([import("@electric-sql/pglite"), import("drizzle-orm/pglite")]);
    return { PGlite, drizzlePglite: drizzle };
  } catch (cause) {
    const missing = (cause as { code?: string }).code === "ERR_MODULE_NOT_FOUND" && String((cause as Error).message).includes("@electric-sql/pglite");
    if (!missing) throw cause;
    throw new EmbeddedDatabaseUnavailableError(
      "createDb() got no PostgreSQL URL, so it opens the embedded database, which needs the optional package " +
        "@electric-sql/pglite: install it next to @cloudsync/db (npm install @electric-sql/pglite), or pass a URL " +
        "(createDb(process.env.DATABASE_URL) with DATABASE_URL=postgres://user@host:5432/db).",
      { cause },
    );
  }
}
