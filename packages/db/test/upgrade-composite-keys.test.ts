import { randomBytes } from "node:crypto";
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { sql } from "drizzle-orm";
import { migrate as migratePostgres } from "drizzle-orm/postgres-js/migrator";
import postgres from "postgres";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDb, type DbHandle, migrate, queryRows } from "../src/index.ts";
import { migrationsFolder } from "../src/migrate.ts";
import { defaultAdminUrl, withDatabase } from "../src/testing.ts";

/**
 * Migration 0021 (tenant composite keys) on a database that already holds an estate: the new organization_id columns
 * are filled from their parents, and a database holding references across organizations is
 * refused with a message naming them, instead of half migrated.
 */

const databases: string[] = [];
let before0019: string;

/** The migrations up to 0018, as a database migrated before this change saw them. */
function foldersBefore0019(): string {
  const dir = mkdtempSync(path.join(tmpdir(), "cloudsync-0018-"));
  cpSync(migrationsFolder, dir, { recursive: true });
  const journalPath = path.join(dir, "meta", "_journal.json");
  const journal = JSON.parse(readFileSync(journalPath, "utf8")) as { entries: { idx: number; tag: string }[] };
  // Everything before the composite keys (0021 since the realtime outbox took 0019 and 0020).
  const keys = journal.entries.findIndex((e) => e.tag.endsWith("_tenant_composite_keys"));
  journal.entries = journal.entries.slice(0, keys);
  writeFileSync(journalPath, JSON.stringify(journal));
  return dir;
}

async function databaseAt0018(): Promise<DbHandle> {
  const name = `cloudsync_upgrade_${process.pid}_${randomBytes(4).toString("hex")}`;
  const admin = postgres(defaultAdminUrl(), { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database "${name}"`);
  await admin.end();
  databases.push(name);
  const handle = await createDb({ url: withDatabase(defaultAdminUrl(), name), maxConnections: 2, onNotice: () => {} });
  await migratePostgres(handle.db as never, { migrationsFolder: before0019 });
  return handle;
}

/** Two organizations with an estate in every table that gains organization_id, as 0018 had them. */
async function seed(db: DbHandle["db"]) {
  const [ids] = await queryRows<Record<string, string>>(
    db,
    sql`with o as (insert into organizations (name, slug) values ('Old A', 'old-a'), ('Old B', 'old-b') returning id, slug),
             u as (insert into user_profiles (organization_id, email) select id, slug || '@old.example' from o returning id, organization_id),
             p as (insert into cloud_providers (organization_id, provider_name, provider_type, display_name, credentials_config, created_by)
                   select organization_id, 'aws', 'primary', 'aws', '{}', id from u returning id, organization_id)
        select (select id from o where slug = 'old-a') as a, (select id from o where slug = 'old-b') as b,
               (select p.id from p join o on o.id = p.organization_id where o.slug = 'old-a') as pa,
               (select p.id from p join o on o.id = p.organization_id where o.slug = 'old-b') as pb,
               (select u.id from u join o on o.id = u.organization_id where o.slug = 'old-a') as ua,
               (select u.id from u join o on o.id = u.organization_id where o.slug = 'old-b') as ub`,
  );
  const { a, b, pa, pb, ua, ub } = ids!;
  for (const [org, provider, user] of [[a, pa, ua], [b, pb, ub]] as const) {
    await db.execute(sql`
      with r as (insert into cloud_regions (provider_id, region_code, region_name) values (${provider}, 'us-east-1', 'N. Virginia') returning id),
           c as (insert into cloud_resources (organization_id, provider_id, region_id, resource_id, resource_name, resource_type, configuration, created_by)
                 select ${org}::uuid, ${provider}::uuid, r.id, x, x, 'compute', '{}', ${user}::uuid from r, unnest(array['i-1', 'i-2']) x returning id, resource_id),
           d as (insert into disaster_recovery_plans (organization_id, plan_name, plan_type, primary_region_id, disaster_recovery_regions, failover_procedures, created_by)
                 select ${org}::uuid, 'p', 'warm_standby', r.id, '[]', '{}', ${user}::uuid from r returning id),
           s as (insert into resource_scaling_history (resource_id, scaling_action, previous_configuration, new_configuration, scaling_trigger, triggered_by)
                 select id, 'scale_up', '{}', '{}', 'manual', ${user}::uuid from c where resource_id = 'i-1' returning 1),
           dep as (insert into resource_dependencies (parent_resource_id, dependent_resource_id, dependency_type)
                   select (select id from c where resource_id = 'i-1'), (select id from c where resource_id = 'i-2'), 'network' returning 1)
      insert into backup_configurations (dr_plan_id, resource_id, backup_type, backup_frequency, backup_destination)
      select d.id, c.id, 'snapshot', 'daily', '{}' from d, c where c.resource_id = 'i-1'`);
  }
  return { a: a!, b: b!, pa: pa!, ua: ua! };
}

beforeAll(() => {
  before0019 = foldersBefore0019();
});
afterAll(async () => {
  rmSync(before0019, { recursive: true, force: true });
  const admin = postgres(defaultAdminUrl(), { max: 1, onnotice: () => {} });
  for (const name of databases) await admin.unsafe(`drop database if exists "${name}" with (force)`);
  await admin.end();
});

describe("migration 0021 on an existing estate", () => {
  it("fills organization_id of every child table from its parent", async () => {
    const handle = await databaseAt0018();
    try {
      const { a, b } = await seed(handle.db);
      await migrate(handle);
      const filled = await queryRows<{ table: string; org: string; rows: number }>(
        handle.db,
        sql`select 'cloud_regions' as table, organization_id::text as org, count(*)::int as rows from cloud_regions group by 2
            union all select 'resource_scaling_history', organization_id::text, count(*)::int from resource_scaling_history group by 2
            union all select 'resource_dependencies', organization_id::text, count(*)::int from resource_dependencies group by 2
            union all select 'backup_configurations', organization_id::text, count(*)::int from backup_configurations group by 2
            order by 1, 2`,
      );
      const expected = ["backup_configurations", "cloud_regions", "resource_dependencies", "resource_scaling_history"].flatMap((table) =>
        [a, b].sort().map((org) => ({ table, org, rows: 1 })),
      );
      expect(filled).toEqual(expected);
      // Each child's organization is its parent's.
      const [mismatch] = await queryRows<{ n: number }>(
        handle.db,
        sql`select (select count(*) from cloud_regions g join cloud_providers p on p.id = g.provider_id where p.organization_id <> g.organization_id)
                 + (select count(*) from backup_configurations k join cloud_resources r on r.id = k.resource_id where r.organization_id <> k.organization_id) as n`,
      );
      expect(Number(mismatch!.n)).toBe(0);
    } finally {
      await handle.close();
    }
  });

  it("refuses a database holding references across organizations, naming them, and changes nothing", async () => {
    const handle = await databaseAt0018();
    try {
      const { b, pa, ua } = await seed(handle.db);
      // A resource of A planted in B's region, as the hole allowed before 0021.
      await handle.db.execute(sql`
        insert into cloud_resources (organization_id, provider_id, region_id, resource_id, resource_name, resource_type, configuration, created_by)
        select o.id, ${pa}::uuid, g.id, 'planted', 'planted', 'compute', '{}', ${ua}::uuid
          from cloud_regions g join cloud_providers p on p.id = g.provider_id, organizations o
         where p.organization_id = ${b}::uuid and o.slug = 'old-a'`);
      await expect(migrate(handle)).rejects.toThrow(/rows reference another organization's rows \(cloud_resources\.region_id: 1 row\(s\)\)/);
      const [column] = await queryRows<{ n: number }>(
        handle.db,
        sql`select count(*)::int as n from information_schema.columns where table_name = 'cloud_regions' and column_name = 'organization_id'`,
      );
      expect(column!.n).toBe(0);
    } finally {
      await handle.close();
    }
  });
});
