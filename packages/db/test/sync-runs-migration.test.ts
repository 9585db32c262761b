import { randomBytes } from "node:crypto";
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { sql } from "drizzle-orm";
import { drizzle } from "drizzle-orm/postgres-js";
import { migrate as migratePostgres } from "drizzle-orm/postgres-js/migrator";
import postgres from "postgres";
import { afterAll, beforeAll, expect, it } from "vitest";
import { type DbHandle, createDb, migrate, migrationsFolder, queryRows, serverClientOf } from "../src/index.ts";
import { defaultAdminUrl, withDatabase } from "../src/testing.ts";
import { sqlState } from "./fixtures.ts";

/**
 * The migration that gave maintenance its own table and each sync kind its own counts moves the
 * rows written before it: a database migrated up to the migration before it gets rows in the old
 * vocabulary, then the rest of the migrations run.
 */
const migrationTag = /_maintenance_runs_and_counts_by_kind$/;

const admin = postgres(defaultAdminUrl(), { max: 1, onnotice: () => {} });
const name = `cloudsync_test_runs_${randomBytes(4).toString("hex")}`;
let dir: string;
let handle: DbHandle;

/** The migrations folder as it was before the migration under test (renumbering-proof: found by name). */
function migrationsBefore(): string {
  const out = mkdtempSync(path.join(tmpdir(), "cloudsync-migrations-"));
  mkdirSync(path.join(out, "meta"));
  const journal = JSON.parse(readFileSync(path.join(migrationsFolder, "meta", "_journal.json"), "utf8")) as { entries: { tag: string }[] };
  const at = journal.entries.findIndex((e) => migrationTag.test(e.tag));
  if (at < 0) throw new Error("the migration under test is not in the journal; was it renamed?");
  const entries = journal.entries.slice(0, at);
  writeFileSync(path.join(out, "meta", "_journal.json"), JSON.stringify({ ...journal, entries }));
  for (const e of entries) cpSync(path.join(migrationsFolder, `${e.tag}.sql`), path.join(out, `${e.tag}.sql`));
  return out;
}

beforeAll(async () => {
  await admin.unsafe(`create database "${name}"`);
  handle = await createDb({ url: withDatabase(defaultAdminUrl(), name), maxConnections: 2 });
  dir = migrationsBefore();
  await migratePostgres(drizzle({ client: serverClientOf(handle.db) }), { migrationsFolder: dir });
});

afterAll(async () => {
  await handle?.close();
  await admin.unsafe(`drop database if exists "${name}" with (force)`);
  await admin.end();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

it("moves maintenance rows to maintenance_runs and each sync kind's counts to its own columns", async () => {
  const db = handle.db;
  const [org] = await queryRows<{ id: string }>(db, sql`insert into organizations (name, slug) values ('Old', 'old-runs') returning id`);
  const [user] = await queryRows<{ id: string }>(db, sql`insert into user_profiles (organization_id, email) values (${org!.id}, 'o@old.example') returning id`);
  const [provider] = await queryRows<{ id: string }>(
    db,
    sql`insert into cloud_providers (organization_id, provider_name, provider_type, display_name, credentials_config, created_by)
        values (${org!.id}, 'aws', 'primary', 'AWS', '{}', ${user!.id}) returning id`,
  );
  const run = async (kind: string, status: string, counts: [number, number, number, number], jobId: string) => {
    const [row] = await queryRows<{ id: string }>(
      db,
      sql`insert into sync_runs (organization_id, provider_id, kind, status, trigger, started_at, finished_at,
                                 inserted_count, updated_count, unchanged_count, terminated_count, skipped_count, job_id)
          values (${org!.id}, ${provider!.id}, ${kind}, ${status}, 'schedule', '2026-11-01T10:00:00Z', '2026-11-01T10:05:00Z',
                  ${counts[0]}, ${counts[1]}, ${counts[2]}, ${counts[3]}, 1, ${jobId}) returning id`,
    );
    return row!.id;
  };
  const resources = await run("resources", "succeeded", [5, 1, 2, 1], "r-1");
  const costs = await run("costs", "succeeded", [10, 0, 0, 4], "c-1");
  const metrics = await run("metrics", "partial", [7, 0, 3, 0], "m-1");
  await run("maintenance", "succeeded", [0, 0, 0, 0], "x-1");
  await run("maintenance", "partial", [1, 0, 0, 0], "x-2");

  await migrate(handle);

  const runs = await queryRows<Record<string, unknown>>(
    db,
    sql`select id, kind, status, skipped_count, inserted_count, updated_count, unchanged_count, terminated_count,
               cost_lines_inserted, cost_lines_replaced, samples_stored, samples_already_present
          from sync_runs order by job_id`,
  );
  const none = { inserted_count: null, updated_count: null, unchanged_count: null, terminated_count: null };
  expect(runs).toEqual([
    { id: costs, kind: "costs", status: "succeeded", skipped_count: 1, ...none, cost_lines_inserted: 10, cost_lines_replaced: 4, samples_stored: null, samples_already_present: null },
    { id: metrics, kind: "metrics", status: "partial", skipped_count: 1, ...none, cost_lines_inserted: null, cost_lines_replaced: null, samples_stored: 7, samples_already_present: 3 },
    {
      id: resources,
      kind: "resources",
      status: "succeeded",
      skipped_count: 1,
      inserted_count: 5,
      updated_count: 1,
      unchanged_count: 2,
      terminated_count: 1,
      cost_lines_inserted: null,
      cost_lines_replaced: null,
      samples_stored: null,
      samples_already_present: null,
    },
  ]);
  const maintenance = await queryRows<Record<string, unknown>>(
    db,
    sql`select organization_id::text, status, trigger, job_id, error, to_char(started_at at time zone 'UTC', 'YYYY-MM-DD HH24:MI') as started,
               recommendations_opened
          from maintenance_runs order by job_id`,
  );
  expect(maintenance).toEqual([
    { organization_id: org!.id, status: "succeeded", trigger: "schedule", job_id: "x-1", error: null, started: "2026-11-01 10:00", recommendations_opened: null },
    {
      organization_id: org!.id,
      status: "failed",
      trigger: "schedule",
      job_id: "x-2",
      error: "recorded as partial in sync_runs, before maintenance had a table of its own",
      started: "2026-11-01 10:00",
      recommendations_opened: null,
    },
  ]);
  // From now on, a count in another kind's column and a maintenance sync are refused.
  expect(await sqlState(db.execute(sql`update sync_runs set inserted_count = 1 where id = ${costs}`))).toBe("23514");
  expect(await sqlState(db.execute(sql`insert into sync_runs (organization_id, provider_id, kind) values (${org!.id}, ${provider!.id}, 'maintenance')`))).toBe(
    "23514",
  );
});
