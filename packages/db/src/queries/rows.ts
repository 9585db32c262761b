import type { SQL } from "drizzle-orm";
import type { DbOrTx } from "../client.ts";

/** Rows of a raw statement, whichever driver ran it (postgres-js returns an array, PGlite `{ rows }`). */
export async function queryRows<T>(db: DbOrTx, statement: SQL): Promise<T[]> {
  const result = (await db.execute(statement)) as unknown;
  if (Array.isArray(result)) return result as T[];
  return ((result as { rows?: T[] }).rows ?? []) as T[];
}
