import { randomBytes } from "node:crypto";
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { sql } from "drizzle-orm";
import { migrate as migratePostgres } from "drizzle-orm/postgres-js/migrator";
import postgres from "postgres";
import { afterAll, expect, it } from "vitest";
import { createDb, migrate, queryRows } from "../src/index.ts";
import { migrationsFolder } from "../src/migrate.ts";
import { defaultAdminUrl, withDatabase } from "../src/testing.ts";

/**
 * Migration 0025 on a database that already holds service catalogs and backup executions: each
 * row gets the organization of its provider or backup configuration.
 */
const scratch: string[] = [];
const databases: string[] = [];

afterAll(async () => {
  const admin = postgres(defaultAdminUrl(), { max: 1, onnotice: () => {} });
  for (const name of databases) await admin.unsafe(`drop database if exists "${name}" with (force)`);
  await admin.end();
  for (const dir of scratch) rmSync(dir, { recursive: true, force: true });
});

/** The migrations before the one whose tag ends with `suffix`. */
function foldersBefore(suffix: string): string {
  const dir = mkdtempSync(path.join(tmpdir(), "cloudsync-before-"));
  scratch.push(dir);
  cpSync(migrationsFolder, dir, { recursive: true });
  const journalPath = path.join(dir, "meta", "_journal.json");
  const journal = JSON.parse(readFileSync(journalPath, "utf8")) as { entries: { tag: string }[] };
  journal.entries = journal.entries.slice(0, journal.entries.findIndex((e) => e.tag.endsWith(suffix)));
  writeFileSync(journalPath, JSON.stringify(journal));
  return dir;
}

it("fills organization_id of cloud_services and backup_executions from their parents", async () => {
  const name = `cloudsync_upgrade_rows_${process.pid}_${randomBytes(4).toString("hex")}`;
  const admin = postgres(defaultAdminUrl(), { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database "${name}"`);
  await admin.end();
  databases.push(name);
  const handle = await createDb({ url: withDatabase(defaultAdminUrl(), name), maxConnections: 2, onNotice: () => {} });
  try {
    await migratePostgres(handle.db as never, { migrationsFolder: foldersBefore("_tenant_rows_name_their_organization") });
    const [ids] = await queryRows<{ a: string; b: string }>(
      handle.db,
      sql`with o as (insert into organizations (name, slug) values ('Rows A', 'rows-a'), ('Rows B', 'rows-b') returning id, slug),
               u as (insert into user_profiles (organization_id, email) select id, slug || '@rows.example' from o returning id, organization_id),
               p as (insert into cloud_providers (organization_id, provider_name, provider_type, display_name, credentials_config, created_by)
                     select organization_id, 'aws', 'primary', 'aws', '{}', id from u returning id, organization_id),
               r as (insert into cloud_regions (organization_id, provider_id, region_code, region_name)
                     select organization_id, id, 'us-east-1', 'Virginia' from p returning id, organization_id, provider_id),
               c as (insert into cloud_resources (organization_id, provider_id, region_id, resource_id, resource_name, resource_type, configuration, created_by)
                     select r.organization_id, r.provider_id, r.id, 'i-' || r.organization_id, 'vm', 'compute', '{}', u.id
                       from r join u on u.organization_id = r.organization_id returning id, organization_id),
               s as (insert into cloud_services (provider_id, service_name, service_type) select id, 'ec2', 'compute' from p returning 1),
               b as (insert into backup_configurations (organization_id, resource_id, backup_type, backup_frequency, backup_destination)
                     select organization_id, id, 'snapshot', 'daily', '{}' from c returning id),
               e as (insert into backup_executions (backup_config_id) select id from b returning 1)
          select (select id from o where slug = 'rows-a') as a, (select id from o where slug = 'rows-b') as b,
                 (select count(*) from s) + (select count(*) from e) as written`,
    );
    await migrate(handle);
    const rows = await queryRows<{ t: string; org: string; parent_org: string }>(
      handle.db,
      sql`select 'service' as t, s.organization_id::text as org, p.organization_id::text as parent_org
            from cloud_services s join cloud_providers p on p.id = s.provider_id
          union all
          select 'execution', e.organization_id::text, b.organization_id::text
            from backup_executions e join backup_configurations b on b.id = e.backup_config_id
          order by 1, 2`,
    );
    expect(rows).toHaveLength(4);
    for (const row of rows) expect(row.org, row.t).toBe(row.parent_org);
    expect(new Set(rows.map((r) => r.org))).toEqual(new Set([ids!.a, ids!.b]));
  } finally {
    await handle.close();
  }
}, 120_000);
