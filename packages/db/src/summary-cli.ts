#!/usr/bin/env node
// The foundation's main job: migrate the database (the embedded PGlite default when
// DATABASE_URL is unset) and print what the schema holds.
import { sql } from "drizzle-orm";
import { createDb } from "./client.ts";
import { resolveDataDir } from "./data-dir.ts";
import { migrate } from "./migrate.ts";
import { listMonitoringPartitions } from "./queries/partitions.ts";
import { queryRows } from "./queries/rows.ts";

const started = performance.now();
const dataDir = resolveDataDir({ dataDir: process.env.CLOUDSYNC_DATA_DIR });
const handle = await createDb({ url: process.env.DATABASE_URL || undefined, dataDir });
try {
  await migrate(handle);
  const tables = await queryRows<{ name: string; columns: number; rls: boolean; rows: number }>(
    handle.db,
    sql`select c.relname as name,
               (select count(*)::int from pg_attribute a where a.attrelid = c.oid and a.attnum > 0 and not a.attisdropped) as columns,
               c.relrowsecurity as rls,
               coalesce((select reltuples::bigint from pg_class x where x.oid = c.oid), 0)::int as rows
          from pg_class c join pg_namespace n on n.oid = c.relnamespace
         where n.nspname = 'public' and c.relkind in ('r', 'p') and not c.relispartition
         order by c.relname`,
  );
  const functions = await queryRows<{ name: string }>(
    handle.db,
    sql`select distinct p.proname as name from pg_proc p join pg_namespace n on n.oid = p.pronamespace
         where n.nspname = 'public' order by 1`,
  );
  const partitions = await listMonitoringPartitions(handle.db);
  const where = handle.driver === "pglite" ? `embedded PGlite (${dataDir})` : "PostgreSQL (DATABASE_URL)";
  console.log(`cloudsync schema on ${where}: migrated in ${Math.round(performance.now() - started)} ms\n`);
  console.log("table                               columns  row-level security");
  for (const t of tables) console.log(`${t.name.padEnd(36)}${String(t.columns).padStart(7)}  ${t.rls ? "on" : "off"}`);
  console.log(`\n${tables.length} tables, ${functions.length} functions: ${functions.map((f) => f.name).join(", ")}`);
  console.log(`infrastructure_monitoring partitions: ${partitions.map((p) => p.name).join(", ")}`);
  console.log("\nNext: `pnpm test` runs every test; `pnpm db:studio` browses the database.");
} catch (error) {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
} finally {
  await handle.close();
}
