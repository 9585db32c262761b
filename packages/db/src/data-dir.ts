import { existsSync } from "node:fs";
import path from "node:path";

/** Where the embedded database lives inside the project root unless told otherwise. */
export const DEFAULT_DATA_DIR = path.join(".data", "pglite");

/**
 * The project root the embedded database belongs to: the nearest directory at or above `from`
 * that holds `pnpm-workspace.yaml` (a pnpm monorepo, whose scripts run in many package
 * folders), otherwise `from` itself. Anchoring here is what makes `pnpm demo` (run at the
 * repository root) and `pnpm db:migrate` / `pnpm db:studio` (run by turbo inside packages/db)
 * open one database instead of one per folder.
 */
export function findProjectRoot(from: string): string {
  const start = path.resolve(from);
  for (let dir = start; ; dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, "pnpm-workspace.yaml"))) return dir;
    if (path.dirname(dir) === dir) return start;
  }
}

export interface DataDirOptions {
  /** An explicit folder (e.g. CLOUDSYNC_DATA_DIR); a relative one is taken from the project root. */
  dataDir?: string | undefined;
  /** Where to start looking for the project root (default the working directory). */
  cwd?: string | undefined;
}

/**
 * The one place that decides which folder the embedded PGlite database uses. `createDb()`, the
 * migrate command, the demo, the CLI and drizzle-kit studio's config all call it, so with no
 * DATABASE_URL they all open the same database.
 */
export function resolveDataDir(options: DataDirOptions = {}): string {
  const root = findProjectRoot(options.cwd ?? process.cwd());
  return path.resolve(root, options.dataDir || DEFAULT_DATA_DIR);
}
