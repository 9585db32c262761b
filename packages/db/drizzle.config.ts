import { defineConfig } from "drizzle-kit";
import { resolveDataDir } from "./src/data-dir.ts";

// `pnpm db:generate` writes migrations here; `pnpm db:studio` opens this database: the server
// DATABASE_URL names, or without one the embedded PGlite database that `pnpm demo`,
// `pnpm db:migrate` and `pnpm cloudsync …` use (resolveDataDir is the one place that picks it).
const url = process.env.DATABASE_URL || undefined;

export default defineConfig({
  dialect: "postgresql",
  schema: "./src/schema/index.ts",
  out: "./drizzle",
  casing: "snake_case",
  ...(url
    ? { dbCredentials: { url } }
    : { driver: "pglite", dbCredentials: { url: resolveDataDir({ dataDir: process.env.CLOUDSYNC_DATA_DIR || undefined }) } }),
  strict: true,
  verbose: false,
});
