import { mkdirSync } from "node:fs";
import path from "node:path";
import { PGlite } from "@electric-sql/pglite";
import type { ExtractTablesWithRelations } from "drizzle-orm";
import type { PgDatabase, PgQueryResultHKT, PgTransaction } from "drizzle-orm/pg-core";
import { drizzle as drizzlePglite } from "drizzle-orm/pglite";
import { drizzle as drizzlePostgres } from "drizzle-orm/postgres-js";
import postgres, { type Sql } from "postgres";
import { InvalidInputError } from "./errors.ts";
import { type ListenFn, listenPglite, listenPostgres } from "./listen.ts";
import * as schema from "./schema/index.ts";

export type Schema = typeof schema;

/**
 * The database `createDb` opens, on either driver: a pool of connections (or the embedded
 * database) that can start transactions and close. Its `$client` is the driver's own client.
 */
export type Database = PgDatabase<PgQueryResultHKT, Schema> & { $client: Sql | PGlite };
/** A transaction of a {@link Database}: one connection, gone when its callback returns. */
export type Transaction = PgTransaction<PgQueryResultHKT, Schema, ExtractTablesWithRelations<Schema>>;
/**
 * What query helpers accept: the database or a transaction of it. A helper that takes this runs
 * its statements wherever the caller is, inside the caller's transaction when there is one.
 */
export type DbOrTx = Database | Transaction;

export interface DbHandle {
  db: Database;
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
  /** Where the embedded database keeps its files (default `.data/pglite` under the working directory). */
  dataDir?: string | undefined;
  /** Pool size for a server (default 10). */
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
 * `.data/`, so a newcomer runs everything with no server. Nothing is opened at import time.
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
  const client = postgres(url, {
    max: options.maxConnections ?? 10,
    onnotice: (notice) => options.onNotice?.(String(notice.message)),
    connection: { application_name: "cloudsync", ...(options.role ? { role: options.role } : {}) },
  });
  const db: Database = drizzlePostgres(client, { schema, casing: "snake_case" });
  return {
    db,
    driver: "postgres",
    listen: listenPostgres(client, db),
    close: () => client.end({ timeout: 5 }),
  };
}

async function openPglite(options: CreateDbOptions): Promise<DbHandle> {
  const dataDir = path.resolve(options.dataDir ?? path.join(".data", "pglite"));
  mkdirSync(dataDir, { recursive: true });
  const client = await PGlite.create(dataDir);
  const db: Database = drizzlePglite(client, { schema, casing: "snake_case" });
  return {
    db,
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
  if (client instanceof PGlite) {
    throw new InvalidInputError("db", "this needs a PostgreSQL server, but the database is the embedded PGlite one; open it with a URL (DATABASE_URL)");
  }
  return client;
}
