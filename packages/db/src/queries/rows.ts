import type { SQL } from "drizzle-orm";
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

/** What Drizzle keeps of a postgres-js database or transaction: its dialect and its client. */
interface PostgresJsInternals {
  dialect?: { sqlToQuery(statement: SQL): { sql: string; params: unknown[] } };
  session?: { client?: { unsafe?: (query: string, params: unknown[], options: { prepare: boolean }) => Promise<unknown> } };
}

/** Rows of a raw statement, whichever driver ran it (postgres-js returns an array, PGlite `{ rows }`). */
export async function queryRows<T>(db: DbOrTx, statement: SQL, options: QueryRowsOptions = {}): Promise<T[]> {
  if (options.prepare) {
    // Drizzle's execute() always sends an unnamed statement; a named one needs the client itself.
    const { dialect, session } = db as unknown as PostgresJsInternals;
    const unsafe = session?.client?.unsafe;
    if (dialect && unsafe) {
      const query = dialect.sqlToQuery(statement);
      return (await unsafe.call(session.client, query.sql, query.params, { prepare: true })) as T[];
    }
  }
  const result = (await db.execute(statement)) as unknown;
  if (Array.isArray(result)) return result as T[];
  return ((result as { rows?: T[] }).rows ?? []) as T[];
}
