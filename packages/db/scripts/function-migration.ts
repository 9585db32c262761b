// `pnpm --filter @cloudsync/db db:function <migration-name> <function> [<function> …]`: after
// editing sql/functions/<function>.sql, writes the next custom migration (drizzle-kit's
// `generate --custom`, so the journal and snapshot are drizzle's own) holding those files'
// definitions. A function that is new needs its grants in a migration of their own.
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { canonicalFunctionsFolder, canonicalStatements, readCanonicalFunctions, statementBreakpoint } from "../src/sql-functions.ts";

const packageDir = fileURLToPath(new URL("..", import.meta.url));

function main(): void {
  const [migrationName, ...functions] = process.argv.slice(2);
  if (!migrationName || !/^[a-z0-9_]+$/.test(migrationName) || functions.length === 0) {
    throw new Error("usage: pnpm --filter @cloudsync/db db:function <migration_name> <function> [<function> …] (migration name in snake_case)");
  }
  const files = readCanonicalFunctions();
  const missing = functions.filter((f) => !files.has(f));
  if (missing.length > 0) {
    throw new Error(`no canonical file for ${missing.join(", ")} in ${canonicalFunctionsFolder}; create sql/functions/<name>.sql first`);
  }
  const bin = path.join(packageDir, "node_modules", ".bin", "drizzle-kit");
  execFileSync(existsSync(bin) ? bin : "drizzle-kit", ["generate", "--custom", "--name", migrationName], { cwd: packageDir, stdio: "inherit" });
  const journal = JSON.parse(readFileSync(path.join(packageDir, "drizzle", "meta", "_journal.json"), "utf8")) as { entries: { tag: string }[] };
  const tag = journal.entries.at(-1)!.tag;
  const header = `-- Made from sql/functions/{${functions.join(",")}}.sql by db:function: the canonical files are where to read and change these functions.`;
  const statements = functions.flatMap((f) => canonicalStatements(files.get(f)!));
  writeFileSync(path.join(packageDir, "drizzle", `${tag}.sql`), `${header}\n${statements.join(`\n${statementBreakpoint}\n`)}\n`);
  console.log(`drizzle/${tag}.sql: ${functions.join(", ")}`);
}

try {
  main();
} catch (error) {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
}
