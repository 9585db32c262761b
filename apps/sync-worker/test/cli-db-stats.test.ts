import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { type TestDatabase, createTestDatabase } from "@cloudsync/db/testing";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DbStats } from "../src/cli/db-stats.ts";
import { runCli } from "./fixtures/cli.ts";
import { addOrganization } from "./fixtures/org.ts";

const dir = mkdtempSync(path.join(tmpdir(), "cloudsync-dbstats-"));
const stateFile = path.join(dir, "state", "db-stats.json");
let tdb: TestDatabase;
let env: Record<string, string>;
let org: string;
const cli = (args: string[]) => runCli(args, env, dir);
const stats = async (...extra: string[]) => {
  const r = await cli(["db", "stats", "--json", "--state-file", stateFile, ...extra]);
  expect(r.stderr).toBe("");
  expect(r.code).toBe(0);
  return JSON.parse(r.stdout) as DbStats;
};
const table = (s: DbStats, name: string) => s.tables.find((t) => t.table === name)!;

beforeAll(async () => {
  tdb = await createTestDatabase({ prefix: "cloudsync_cli_dbstats" });
  env = { DATABASE_URL: tdb.url };
  org = await addOrganization(tdb, env, dir, "acme", "ops@acme.example");
});
afterAll(async () => {
  await tdb?.drop();
  rmSync(dir, { recursive: true, force: true });
});

describe("db stats", () => {
  it("reports sizes and dead tuples, then growth since the last call from the state file", async () => {
    const first = await stats("--limit", "100");
    expect(first.previousAt).toBeNull();
    expect(table(first, "infrastructure_alerts")).toMatchObject({ growthBytes: null, totalBytes: expect.any(Number) });
    expect(first.slowestStatements).toBeNull();
    expect(first.statementsNote).toMatch(/pg_stat_statements is not installed/);
    const saved = JSON.parse(readFileSync(stateFile, "utf8")) as Record<string, { totals: Record<string, number> }>;
    expect(Object.keys(saved)).toEqual([expect.stringMatching(new RegExp(`:5432/${tdb.name}$`))]);

    await tdb.db.execute(
      sql`insert into infrastructure_alerts (organization_id, alert_name, alert_type, alert_conditions, recipient_list)
          select ${org}, 'alert ' || g, 'resource_health', '{}', '[]' from generate_series(1, 2000) g`,
    );
    await tdb.db.execute(sql`delete from infrastructure_alerts where alert_name like 'alert 1%'`);
    await tdb.db.execute(sql`analyze infrastructure_alerts`);
    const unsaved = await stats("--limit", "100", "--no-save");
    const grown = table(unsaved, "infrastructure_alerts");
    expect(unsaved.previousAt).toBe(first.at);
    expect(grown.growthBytes).toBe(grown.totalBytes - table(first, "infrastructure_alerts").totalBytes);
    expect(grown.growthBytes).toBeGreaterThan(0);
    // --no-save kept the first call as the baseline.
    expect((await stats("--limit", "100")).previousAt).toBe(first.at);

    const text = await cli(["db", "stats", "--state-file", stateFile]);
    expect(text.stdout).toMatch(new RegExp(`^${tdb.name} at .*; growth since .*; figures kept in ${stateFile.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}`));
    expect(text.stdout).toMatch(/\ntable\s+total\s+table\s+indexes\s+growth\s+live rows\s+dead rows\s+dead %/);
    expect(text.stdout).toMatch(/\nLargest indexes:\n/);
  });

  it("says when pg_stat_statements is installed but not loaded, instead of failing", async () => {
    await tdb.db.execute(sql`create extension if not exists pg_stat_statements`);
    const s = await stats("--no-save");
    // This server does not preload it; where it does, the rows are listed instead.
    if (s.slowestStatements === null) expect(s.statementsNote).toMatch(/pg_stat_statements is installed but cannot be read: .*shared_preload_libraries/);
    else expect(s.slowestStatements.length).toBeGreaterThan(0);
  });

  it("refuses a bad --limit or an empty --state-file as usage (2), writing no state", async () => {
    const other = path.join(dir, "other.json");
    expect((await cli(["db", "stats", "--limit", "0", "--state-file", other])).code).toBe(2);
    const empty = await cli(["db", "stats", "--state-file", ""]);
    expect(empty.code).toBe(2);
    expect(empty.stderr).toMatch(/--state-file is empty/);
    expect(existsSync(other)).toBe(false);
  });
});
