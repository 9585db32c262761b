// `pnpm --filter @cloudsync/db db:dump-functions`: writes sql/functions/<name>.sql for every
// function of the `public` schema of a freshly migrated database (a clone of the test template,
// so it needs the PostgreSQL server of TEST_DATABASE_URL, default postgres@127.0.0.1:5432), and
// removes the files of functions the migrations no longer create. Run it after merging branches
// that changed functions: the files then say what the merged migrations leave.
import { mkdirSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { canonicalFunctionsFolder, listSchemaFunctions, renderCanonicalFile } from "../src/sql-functions.ts";
import { createTestDatabase } from "../src/testing.ts";

async function main(): Promise<void> {
  const tdb = await createTestDatabase({ prefix: "cloudsync_dump_functions" });
  try {
    const byName = new Map<string, string[]>();
    for (const f of await listSchemaFunctions(tdb.db)) byName.set(f.name, [...(byName.get(f.name) ?? []), f.definition]);
    mkdirSync(canonicalFunctionsFolder, { recursive: true });
    const stale = readdirSync(canonicalFunctionsFolder).filter((f) => f.endsWith(".sql") && !byName.has(f.slice(0, -".sql".length)));
    for (const file of stale) rmSync(path.join(canonicalFunctionsFolder, file));
    for (const [name, definitions] of byName) writeFileSync(path.join(canonicalFunctionsFolder, `${name}.sql`), renderCanonicalFile(name, definitions));
    console.log(`sql/functions: ${byName.size} functions written${stale.length ? `, removed ${stale.join(", ")}` : ""}`);
  } finally {
    await tdb.drop();
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
});
