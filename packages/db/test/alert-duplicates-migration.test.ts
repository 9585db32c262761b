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

/**
 * The migration that enforces one open alert per resource and type first resolves the duplicates
 * older writers left: a database migrated up to the migration before it gets two open alerts of
 * one type on one resource, then the rest of the migrations run.
 */
const migrationTag = /_alert_lifecycle_and_deliveries$/;

const admin = postgres(defaultAdminUrl(), { max: 1, onnotice: () => {} });
const name = `cloudsync_test_alert_dupes_${randomBytes(4).toString("hex")}`;
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

it("resolves all but the newest open alert of a type on a resource, saying why, then enforces one", async () => {
  const db = handle.db;
  const [org] = await queryRows<{ id: string }>(db, sql`insert into organizations (name, slug) values ('Old', 'old-alerts') returning id`);
  const [user] = await queryRows<{ id: string }>(db, sql`insert into user_profiles (organization_id, email) values (${org!.id}, 'o@old.example') returning id`);
  const [provider] = await queryRows<{ id: string }>(
    db,
    sql`insert into cloud_providers (organization_id, provider_name, provider_type, display_name, credentials_config, created_by)
        values (${org!.id}, 'aws', 'primary', 'AWS', '{}', ${user!.id}) returning id`,
  );
  const [region] = await queryRows<{ id: string }>(
    db,
    sql`insert into cloud_regions (organization_id, provider_id, region_code, region_name) values (${org!.id}, ${provider!.id}, 'us-east-1', 'N. Virginia') returning id`,
  );
  const [resource] = await queryRows<{ id: string }>(
    db,
    sql`insert into cloud_resources (organization_id, provider_id, region_id, resource_id, resource_name, resource_type, configuration, created_by)
        values (${org!.id}, ${provider!.id}, ${region!.id}, 'i-1', 'vm-1', 'compute', '{}', ${user!.id}) returning id`,
  );
  const alert = (name: string, status: string, at: string) =>
    queryRows<{ id: string }>(
      db,
      sql`insert into infrastructure_alerts (organization_id, alert_name, alert_type, resource_id, alert_conditions, recipient_list, alert_status, triggered_at)
          values (${org!.id}, ${name}, 'wedding_day_critical', ${resource!.id}, '{}', '[]', ${status}, ${at}::timestamptz) returning id`,
    );
  const [older] = await alert("older", "active", "2026-11-01T00:00:00Z");
  const [newer] = await alert("newer", "acknowledged", "2026-11-02T00:00:00Z");
  const [closed] = await alert("closed", "resolved", "2026-10-01T00:00:00Z");

  await migrate(handle);

  const rows = await queryRows<{ id: string; alert_status: string; resolution_notes: string | null }>(
    db,
    sql`select id, alert_status, resolution_notes from infrastructure_alerts where organization_id = ${org!.id}`,
  );
  const byId = new Map(rows.map((r) => [r.id, r]));
  expect(byId.get(older!.id)).toMatchObject({ alert_status: "resolved", resolution_notes: expect.stringMatching(/^Resolved by migration 0028: a newer open alert/) });
  expect(byId.get(newer!.id)).toMatchObject({ alert_status: "acknowledged", resolution_notes: null });
  expect(byId.get(closed!.id)).toMatchObject({ alert_status: "resolved", resolution_notes: null });
  await expect(alert("third", "active", "2026-11-03T00:00:00Z")).rejects.toThrow();
});
