import { execFile } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, afterEach, describe, expect, it, vi } from "vitest";
import { DEFAULT_DATA_DIR, findProjectRoot, resolveDataDir } from "../src/data-dir.ts";

const packageDir = fileURLToPath(new URL("..", import.meta.url));
const repoRoot = path.resolve(packageDir, "../..");

// A throwaway pnpm workspace shaped like ours: scripts run at its root (`pnpm demo`, `pnpm
// cloudsync`) and inside packages/db (turbo's `db:migrate`, `db:studio`).
const workspace = mkdtempSync(path.join(tmpdir(), "cloudsync-datadir-"));
writeFileSync(path.join(workspace, "pnpm-workspace.yaml"), 'packages:\n  - "packages/*"\n');
const nested = path.join(workspace, "packages", "db");
mkdirSync(nested, { recursive: true });
afterAll(() => rmSync(workspace, { recursive: true, force: true }));

describe("resolveDataDir, the one place that picks the embedded database's folder", () => {
  it("gives the same folder from the workspace root and from a package inside it", () => {
    expect(findProjectRoot(nested)).toBe(workspace);
    expect(resolveDataDir({ cwd: workspace })).toBe(path.join(workspace, DEFAULT_DATA_DIR));
    expect(resolveDataDir({ cwd: nested })).toBe(path.join(workspace, DEFAULT_DATA_DIR));
  });

  it("takes a relative CLOUDSYNC_DATA_DIR from the project root, and an absolute one as it is", () => {
    expect(resolveDataDir({ cwd: nested, dataDir: "state/db" })).toBe(path.join(workspace, "state", "db"));
    expect(resolveDataDir({ cwd: nested, dataDir: "/srv/cloudsync" })).toBe("/srv/cloudsync");
  });

  it("outside any pnpm workspace, uses the working directory (an application that installed the package)", () => {
    const app = mkdtempSync(path.join(tmpdir(), "cloudsync-app-"));
    try {
      expect(resolveDataDir({ cwd: app })).toBe(path.join(app, DEFAULT_DATA_DIR));
    } finally {
      rmSync(app, { recursive: true, force: true });
    }
  });

  it("in this repository, packages/db and the root resolve to the root's .data/pglite", () => {
    expect(resolveDataDir({ cwd: packageDir })).toBe(path.join(repoRoot, ".data", "pglite"));
    expect(resolveDataDir({ cwd: repoRoot })).toBe(path.join(repoRoot, ".data", "pglite"));
  });
});

/** Runs a TypeScript entry point of this package as a separate process in `cwd`, with no DATABASE_URL. */
function runIn(cwd: string, args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const { DATABASE_URL: _url, CLOUDSYNC_DATA_DIR: _dir, ...env } = process.env;
  return new Promise((resolve) => {
    execFile(process.execPath, ["--import", import.meta.resolve("tsx"), ...args], { cwd, env, timeout: 120_000 }, (error, stdout, stderr) =>
      resolve({ code: error ? (typeof error.code === "number" ? error.code : 1) : 0, stdout, stderr }),
    );
  });
}

it("db:migrate run inside a package and createDb() run at the root open one embedded database", async () => {
  const migrated = await runIn(nested, [path.join(packageDir, "src", "migrate-cli.ts")]);
  expect(migrated.stderr).toBe("");
  expect(migrated.stdout).toContain(`embedded PGlite in ${path.join(workspace, ".data", "pglite")}`);
  expect(existsSync(path.join(nested, ".data"))).toBe(false);

  // What `pnpm demo` and `pnpm cloudsync …` do from the root: createDb() with no URL and no folder.
  const clientModule = JSON.stringify(path.join(packageDir, "src", "client.ts"));
  const probe = `const { createDb } = await import(${clientModule});
    const h = await createDb();
    const r = await h.db.execute("select count(*)::int as n from organizations");
    console.log(JSON.stringify({ driver: h.driver, rows: r.rows }));
    await h.close();`;
  const opened = await runIn(workspace, ["--input-type=module", "-e", probe]);
  expect(opened.stderr).toBe("");
  // The table exists only because the migrate command ran against this very folder.
  expect(JSON.parse(opened.stdout)).toEqual({ driver: "pglite", rows: [{ n: 0 }] });
});

describe("drizzle.config.ts (what `pnpm db:studio` and `pnpm db:generate` read)", () => {
  afterEach(() => {
    vi.unstubAllEnvs();
    vi.resetModules();
  });

  it("without DATABASE_URL, points drizzle-kit's PGlite driver at the shared embedded folder", async () => {
    vi.stubEnv("DATABASE_URL", "");
    vi.stubEnv("CLOUDSYNC_DATA_DIR", "");
    const { default: config } = await import("../drizzle.config.ts");
    expect(config).toMatchObject({ dialect: "postgresql", driver: "pglite", dbCredentials: { url: resolveDataDir() } });
    expect((config as { dbCredentials: { url: string } }).dbCredentials.url).toBe(path.join(repoRoot, ".data", "pglite"));
  });

  it("with DATABASE_URL, opens that server", async () => {
    vi.stubEnv("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/cloudsync");
    const { default: config } = await import("../drizzle.config.ts");
    expect(config).toMatchObject({ dbCredentials: { url: "postgres://postgres@127.0.0.1:5432/cloudsync" } });
    expect(config).not.toHaveProperty("driver");
  });
});
