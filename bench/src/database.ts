import type { CloudName } from "@cloudsync/cloud";
import { type TestDatabase, createTestDatabase } from "@cloudsync/db/testing";
import postgres, { type ReservedSql, type Sql } from "postgres";
import { cloudSpecs, regionCodes } from "./estate.ts";

/**
 * The benchmark's own database: a fresh clone of the migrated template (the schema exactly as
 * the migrations leave it), dropped at the end unless `--keep`. `db` (Drizzle) is what the
 * worker's writers take; `sql` is a plain postgres-js client for COPY and maintenance.
 */
export interface BenchDatabase {
  test: TestDatabase;
  sql: Sql;
  url: string;
  name: string;
  close(options: { keep: boolean }): Promise<void>;
}

export async function openBenchDatabase(): Promise<BenchDatabase> {
  const test = await createTestDatabase({ prefix: "cloudsync_bench" });
  const sql = postgres(test.url, { max: 2, onnotice: () => {}, connection: { application_name: "cloudsync-bench" } });
  return {
    test,
    sql,
    url: test.url,
    name: test.name,
    async close({ keep }) {
      await sql.end({ timeout: 5 });
      if (keep) await test.close();
      else await test.drop();
    },
  };
}

export interface Tenant {
  organizationId: string;
  userId: string;
  /** Provider id per cloud. */
  providers: Record<CloudName, string>;
  /** Region id per cloud and region code. */
  regions: Record<CloudName, Map<string, string>>;
}

/** One organization, its owner, a provider per cloud and every region the estate uses. */
export async function createTenant(sql: Sql, slug: string): Promise<Tenant> {
  const [org] = await sql<{ id: string }[]>`
    insert into organizations (name, slug, plan) values (${`Benchmark ${slug}`}, ${slug}, 'enterprise') returning id`;
  const [user] = await sql<{ id: string }[]>`
    insert into user_profiles (organization_id, email, role) values (${org!.id}, ${`ops@${slug}.example`}, 'owner') returning id`;
  const providers = {} as Record<CloudName, string>;
  const regions = {} as Record<CloudName, Map<string, string>>;
  for (const spec of cloudSpecs) {
    const [provider] = await sql<{ id: string }[]>`
      insert into cloud_providers (organization_id, provider_name, provider_type, display_name, credentials_config, created_by)
      values (${org!.id}, ${spec.cloud}, 'primary', ${`${spec.cloud} (benchmark)`}, '{}'::jsonb, ${user!.id})
      returning id`;
    providers[spec.cloud] = provider!.id;
    const codes = regionCodes(spec.cloud);
    const rows = await sql<{ id: string; region_code: string }[]>`
      insert into cloud_regions (organization_id, provider_id, region_code, region_name)
      select ${org!.id}::uuid, ${provider!.id}::uuid, code, code from unnest(${codes}::text[]) as code
      returning id, region_code`;
    regions[spec.cloud] = new Map(rows.map((r) => [r.region_code, r.id]));
  }
  return { organizationId: org!.id, userId: user!.id, providers, regions };
}

/** Runs `fn` with a connection of its own (COPY, SET, LOAD stay on it). */
export async function reserved<T>(sql: Sql, fn: (conn: ReservedSql) => Promise<T>): Promise<T> {
  const conn = await sql.reserve();
  try {
    return await fn(conn);
  } finally {
    conn.release();
  }
}

/** A checkpoint before a timed step, so one step's dirty pages are not flushed on another's clock. */
export async function settle(sql: Sql): Promise<void> {
  await sql`checkpoint`;
}
