import { readFileSync, readdirSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { sql } from "drizzle-orm";
import type { DbOrTx } from "./client.ts";
import { queryRows } from "./queries/rows.ts";

/**
 * One file per SQL function of the `public` schema, named after it, holding its current
 * definition: where to read a function instead of walking the migrations that changed it, and
 * what migrations that change it are made from (`pnpm --filter @cloudsync/db db:function`).
 * `test/function-definitions.test.ts` holds the migrated database to these files.
 */
export const canonicalFunctionsFolder = fileURLToPath(new URL("../sql/functions", import.meta.url));

/** Separates statements in a file, as in the migrations (drizzle's migrator runs each alone). */
export const statementBreakpoint = "--> statement-breakpoint";

export interface SchemaFunction {
  name: string;
  /** `pg_get_function_identity_arguments`: tells overloads apart. */
  arguments: string;
  /** `pg_get_functiondef`: the `CREATE OR REPLACE FUNCTION` that recreates it. */
  definition: string;
}

/**
 * Our functions as the database has them: plain functions and procedures of `public`, not
 * those an extension brings. (`auth.uid()` is left out: on Supabase it is Supabase's, and our
 * shim is only created where it is missing.)
 */
export async function listSchemaFunctions(db: DbOrTx): Promise<SchemaFunction[]> {
  return queryRows<SchemaFunction>(
    db,
    sql`select p.proname as name, pg_get_function_identity_arguments(p.oid) as arguments, pg_get_functiondef(p.oid) as definition
          from pg_proc p join pg_namespace n on n.oid = p.pronamespace
         where n.nspname = 'public' and p.prokind in ('f', 'p')
           and not exists (select 1 from pg_depend d where d.classid = 'pg_proc'::regclass and d.objid = p.oid and d.deptype = 'e')
         order by p.proname, pg_get_function_identity_arguments(p.oid)`,
  );
}

/** The header every canonical file starts with: what the file is and how to change it. */
export function canonicalHeader(name: string): string {
  return [
    `-- ${name}: the current definition, as the migrated database has it (pg_get_functiondef).`,
    "-- To change it: edit this file, then `pnpm --filter @cloudsync/db db:function <migration-name> " + name + "`",
    "-- writes a migration with this content; test/function-definitions.test.ts checks the two agree.",
  ].join("\n");
}

/** A canonical file's text for the definitions of one name (one per overload). */
export function renderCanonicalFile(name: string, definitions: readonly string[]): string {
  const statements = definitions.map((d) => `${d.trim()};`);
  return `${canonicalHeader(name)}\n${statements.join(`\n${statementBreakpoint}\n`)}\n`;
}

/** The statements of a canonical file, ready to run one by one (header comments left out). */
export function canonicalStatements(text: string): string[] {
  return text
    .split(statementBreakpoint)
    .map((part) =>
      part
        .split("\n")
        .filter((line, i, lines) => !(line.startsWith("--") && lines.slice(0, i).every((l) => l.startsWith("--") || l.trim() === "")))
        .join("\n")
        .trim(),
    )
    .filter((statement) => statement.length > 0);
}

/** Every canonical file: function name → its text. */
export function readCanonicalFunctions(folder = canonicalFunctionsFolder): Map<string, string> {
  const files = readdirSync(folder).filter((f) => f.endsWith(".sql"));
  return new Map(files.sort().map((f) => [f.slice(0, -".sql".length), readFileSync(path.join(folder, f), "utf8")]));
}
