import { type SQL, is } from "drizzle-orm";
import { PgDialect } from "drizzle-orm/pg-core";
import { PostgresJsSession } from "drizzle-orm/postgres-js";
import type { DbOrTx } from "../client.ts";

export interface QueryRowsOptions {
  /**
   * Run it as a named prepared statement on a PostgreSQL server, parsed and planned once per
   * connection instead of at every call. For statements run many times with the same text (a
   * writer's per-page statements); their text must not embed values, or each text is cached
   * anew. PGlite ignores it.
   */
  prepare?: boolean;
}

/** Renders a statement to text and parameters as the database does (raw SQL names no columns to case). */
const dialect = new PgDialect({ casing: "snake_case" });

/** Rows of a raw statement, whichever driver ran it (postgres-js returns an array, PGlite `{ rows }`). */
export async function queryRows<T>(db: DbOrTx, statement: SQL, options: QueryRowsOptions = {}): Promise<T[]> {
  if (options.prepare) {
    // Drizzle's execute() always sends an unnamed statement; a named one needs the client itself,
    // which for a transaction is the transaction's own connection.
    const session = db._.session;
    if (is(session, PostgresJsSession)) {
      const query = dialect.sqlToQuery(statement);
      return await session.client.unsafe<T[]>(query.sql, query.params as never[], { prepare: true });
    }
  }
  const result = (await db.execute(statement)) as unknown;
  if (Array.isArray(result)) return result as T[];
  return ((result as { rows?: T[] }).rows ?? []) as T[];
}
