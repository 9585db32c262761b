import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type SchemaFunction, canonicalStatements, listSchemaFunctions, readCanonicalFunctions } from "../src/sql-functions.ts";
import { type TestDatabase, createTestDatabase } from "../src/testing.ts";

/**
 * Every function of the migrated database has its canonical file in sql/functions, and each file
 * defines exactly what the migrations left. The file is run in a transaction that is rolled
 * back and the database's own `pg_get_functiondef` of the result is compared with that of the
 * migrated function, so the file's layout does not matter, only what it defines.
 */
const howToFix =
  "edit sql/functions/<name>.sql and run `pnpm --filter @cloudsync/db db:function <migration> <name>` to migrate the change, " +
  "or run `pnpm --filter @cloudsync/db db:dump-functions` when the migrations are right and the files are behind";

let tdb: TestDatabase;
let migrated: SchemaFunction[];
const files = readCanonicalFunctions();

beforeAll(async () => {
  tdb = await createTestDatabase();
  migrated = await listSchemaFunctions(tdb.db);
});
afterAll(async () => tdb?.drop());

class Rollback extends Error {
  constructor(readonly value: SchemaFunction[]) {
    super("rolled back");
  }
}

/** What the database defines under `name` once the file has run, all of it undone afterwards. */
async function definedByFile(name: string, text: string): Promise<SchemaFunction[]> {
  try {
    await tdb.db.transaction(async (tx) => {
      for (const statement of canonicalStatements(text)) await tx.execute(sql.raw(statement));
      throw new Rollback((await listSchemaFunctions(tx)).filter((f) => f.name === name));
    });
  } catch (error) {
    if (error instanceof Rollback) return error.value;
    throw error;
  }
  throw new Error("unreachable: the transaction always rolls back");
}

/** `pg_get_functiondef` text, without the trailing spaces and newlines that carry no meaning. */
const normalized = (fs: SchemaFunction[]) => fs.map((f) => ({ ...f, definition: f.definition.replace(/[ \t]+$/gm, "").trim() }));

describe("canonical SQL function files", () => {
  it("exist for every function of the migrated schema, and only for those", () => {
    const names = [...new Set(migrated.map((f) => f.name))].sort();
    expect(names.length).toBeGreaterThan(0);
    const withoutFile = names.filter((n) => !files.has(n));
    const withoutFunction = [...files.keys()].filter((n) => !names.includes(n));
    expect({ withoutFile, withoutFunction }, howToFix).toEqual({ withoutFile: [], withoutFunction: [] });
  });

  it.each([...files.keys()])("sql/functions/%s.sql defines what the migrations left", async (name) => {
    const expected = migrated.filter((f) => f.name === name);
    if (expected.length === 0) return; // reported by the test above
    expect(normalized(await definedByFile(name, files.get(name)!)), howToFix).toEqual(normalized(expected));
  });

  it("tells an edited file from the migrated function", async () => {
    // The check itself must be able to fail: a one-character change to a body is noticed.
    const [name, text] = files.has("size_category_rank") ? ["size_category_rank", files.get("size_category_rank")!] : [...files.entries()][0]!;
    const edited = text.replace("'xlarge'", "'xxlarge'");
    expect(edited).not.toBe(text);
    expect(normalized(await definedByFile(name, edited))).not.toEqual(normalized(migrated.filter((f) => f.name === name)));
  });
});
