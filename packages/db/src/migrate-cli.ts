#!/usr/bin/env node
// `cloudsync-db-migrate` (`pnpm db:migrate` in the repository): applies the migrations to the
// database DATABASE_URL names, or without one to the embedded PGlite database that the demo, the
// CLI and studio use too (resolveDataDir). Runs with plain node from dist/.
import { createDb } from "./client.ts";
import { resolveDataDir } from "./data-dir.ts";
import { migrate } from "./migrate.ts";

const url = process.env.DATABASE_URL || undefined;
const dataDir = resolveDataDir({ dataDir: process.env.CLOUDSYNC_DATA_DIR });
const handle = await createDb({ url, dataDir });
try {
  await migrate(handle);
  console.log(`migrations applied (${handle.driver === "pglite" ? `embedded PGlite in ${dataDir}` : redactUrl(url ?? "")})`);
} catch (error) {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
} finally {
  await handle.close();
}

function redactUrl(raw: string): string {
  try {
    const u = new URL(raw);
    if (u.password) u.password = "***";
    return u.toString();
  } catch {
    return "DATABASE_URL";
  }
}
