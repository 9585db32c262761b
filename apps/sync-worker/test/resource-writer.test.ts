import { type NormalizedResource, type ScopeRef, scopeKey } from "@cloudsync/cloud";
import { queryRows } from "@cloudsync/db";
import { type TestDatabase, createTestDatabase } from "@cloudsync/db/testing";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { environmentFromTags, weddingCriticalFromTags } from "../src/resources/tag-flags.ts";
import { RegionRegistry } from "../src/write/regions.ts";
import { ResourceWriter } from "../src/write/resources.ts";

let tdb: TestDatabase;
let orgId: string;
let userId: string;
let providerId: string;

let tenants = 0;

beforeAll(async () => {
  tdb = await createTestDatabase({ prefix: "cloudsync_writer" });
});
afterAll(async () => tdb?.drop());

/** Each test gets its own organization and provider, so their resources never meet. */
beforeEach(async () => {
  tenants++;
  const [org] = await queryRows<{ id: string }>(
    tdb.db,
    sql`insert into organizations (name, slug) values (${`Writer ${tenants}`}, ${`writer-${tenants}`}) returning id`,
  );
  orgId = org!.id;
  const [user] = await queryRows<{ id: string }>(
    tdb.db,
    sql`insert into user_profiles (organization_id, email) values (${orgId}, ${`ops@writer-${tenants}.example`}) returning id`,
  );
  userId = user!.id;
  const [provider] = await queryRows<{ id: string }>(
    tdb.db,
    sql`insert into cloud_providers (organization_id, provider_name, provider_type, display_name, credentials_config, created_by)
        values (${orgId}, 'aws', 'primary', 'aws', '{}'::jsonb, ${userId}) returning id`,
  );
  providerId = provider!.id;
});

async function newWriter(): Promise<ResourceWriter> {
  const [run] = await queryRows<{ id: string }>(
    tdb.db,
    sql`insert into sync_runs (organization_id, provider_id, kind, status, trigger)
        values (${orgId}, ${providerId}, 'resources', 'running', 'manual') returning id`,
  );
  return new ResourceWriter(tdb.db, new RegionRegistry(tdb.db, providerId, []), {
    organizationId: orgId,
    providerId,
    createdBy: userId,
    syncRunId: run!.id,
  });
}

const scopeA: ScopeRef = { cloud: "aws", account: "111111111111", region: "us-east-1", kind: "ec2_instance" };
const scopeB: ScopeRef = { cloud: "aws", account: "111111111111", region: "us-west-2", kind: "ec2_instance" };

function instance(id: string, over: Partial<NormalizedResource> = {}): NormalizedResource {
  return {
    cloud: "aws",
    account: "111111111111",
    regionCode: "us-east-1",
    kind: "ec2_instance",
    resourceId: id,
    name: `web-${id}`,
    resourceType: "compute",
    status: "running",
    sizeCategory: "small",
    tags: { env: "prod" },
    configuration: { InstanceType: "t3.small", ImageId: "ami-1" },
    ...over,
  };
}

async function stored(id: string) {
  const [row] = await queryRows<{ environment: string; is_wedding_critical: boolean; sync_scope: string; resource_status: string; size_category: string }>(
    tdb.db,
    sql`select environment, is_wedding_critical, sync_scope, resource_status, size_category
          from cloud_resources where provider_id = ${providerId}::uuid and resource_id = ${id}`,
  );
  return row;
}

async function history(id: string) {
  return queryRows<{ change_type: string; changed_fields: string[]; old_values: Record<string, unknown>; new_values: Record<string, unknown> }>(
    tdb.db,
    sql`select c.change_type, c.changed_fields, c.old_values, c.new_values
          from resource_changes c join cloud_resources r on r.id = c.resource_id
         where r.provider_id = ${providerId}::uuid and r.resource_id = ${id} order by c.changed_at, c.id`,
  );
}

describe("ResourceWriter", () => {
  it("inserts new resources without history rows and records only what later changed", async () => {
    const first = await newWriter();
    await first.writePage(scopeA, [instance("i-1"), instance("i-2")]);
    await first.completeScope(scopeA);
    expect(first.counts).toMatchObject({ inserted: 2, updated: 0, unchanged: 0 });
    expect(await history("i-1")).toEqual([]);
    expect(await stored("i-1")).toMatchObject({ environment: "production", is_wedding_critical: false });

    const second = await newWriter();
    await second.writePage(scopeA, [
      instance("i-1", { sizeCategory: "large", configuration: { InstanceType: "t3.large", ImageId: "ami-1" } }),
      instance("i-2"),
    ]);
    await second.completeScope(scopeA);
    expect(second.counts).toMatchObject({ inserted: 0, updated: 1, unchanged: 1, scaled: 1 });
    expect(await history("i-1")).toEqual([
      {
        change_type: "updated",
        changed_fields: ["configuration", "size_category"],
        old_values: { configuration: { InstanceType: "t3.small" }, size_category: "small" },
        new_values: { configuration: { InstanceType: "t3.large" }, size_category: "large" },
      },
    ]);
  });

  it("records configuration keys added and removed, with null for the side that lacks them", async () => {
    const first = await newWriter();
    await first.writePage(scopeA, [instance("i-1", { configuration: { InstanceType: "t3.small", ImageId: "ami-1", Old: 1 } })]);
    await first.completeScope(scopeA);
    const second = await newWriter();
    await second.writePage(scopeA, [instance("i-1", { configuration: { InstanceType: "t3.small", ImageId: "ami-2", New: { a: 1 } } })]);
    await second.completeScope(scopeA);
    expect(await history("i-1")).toEqual([
      {
        change_type: "updated",
        changed_fields: ["configuration"],
        old_values: { configuration: { ImageId: "ami-1", New: null, Old: 1 } },
        new_values: { configuration: { ImageId: "ami-2", New: { a: 1 }, Old: null } },
      },
    ]);
  });

  it("keeps a stored environment and flag when new tags say nothing, and follows tags that do", async () => {
    const first = await newWriter();
    await first.writePage(scopeA, [instance("i-1", { tags: { env: "staging", "wedding-critical": "yes" } })]);
    await first.completeScope(scopeA);
    expect(await stored("i-1")).toMatchObject({ environment: "staging", is_wedding_critical: true });

    const second = await newWriter();
    await second.writePage(scopeA, [instance("i-1", { tags: { team: "web" } })]);
    await second.completeScope(scopeA);
    expect(await stored("i-1")).toMatchObject({ environment: "staging", is_wedding_critical: true });

    const third = await newWriter();
    await third.writePage(scopeA, [instance("i-1", { tags: { Environment: "dev", wedding_critical: "false" } })]);
    await third.completeScope(scopeA);
    expect(await stored("i-1")).toMatchObject({ environment: "development", is_wedding_critical: false });
  });

  it("a resource that moved to another scope is updated, not inserted twice, and the old scope does not terminate it", async () => {
    const first = await newWriter();
    await first.writePage(scopeA, [instance("i-1")]);
    await first.completeScope(scopeA);

    const second = await newWriter();
    await second.writePage(scopeB, [instance("i-1", { regionCode: "us-west-2" })]);
    await second.completeScope(scopeB);
    await second.completeScope(scopeA);
    expect(second.counts).toMatchObject({ inserted: 0, updated: 1, terminated: 0 });
    expect(await stored("i-1")).toMatchObject({ resource_status: "running", sync_scope: scopeKey(scopeB) });
    expect((await history("i-1")).map((h) => h.changed_fields)).toEqual([["region_id"]]);
  });

  it("a resource that reappears after termination is revived with its status change recorded", async () => {
    const first = await newWriter();
    await first.writePage(scopeA, [instance("i-1")]);
    await first.completeScope(scopeA);
    const second = await newWriter();
    await second.completeScope(scopeA);
    expect(second.counts.terminated).toBe(1);

    const third = await newWriter();
    await third.writePage(scopeA, [instance("i-1")]);
    await third.completeScope(scopeA);
    expect(third.counts).toMatchObject({ inserted: 0, updated: 1 });
    expect(await stored("i-1")).toMatchObject({ resource_status: "running" });
    expect((await history("i-1")).map((h) => [h.change_type, h.changed_fields])).toEqual([
      ["terminated", ["resource_status"]],
      ["updated", ["resource_status"]],
    ]);
  });

  it("a page the database refuses fails the scope's completion, and nothing of the scope is terminated", async () => {
    const first = await newWriter();
    await first.writePage(scopeA, [instance("i-1"), instance("i-2")]);
    await first.completeScope(scopeA);

    const second = await newWriter();
    // The write runs while the caller moves on; its error must surface before any termination.
    await second.writePage(scopeA, [instance("i-1", { resourceType: "not-a-type" as NormalizedResource["resourceType"] })]);
    await expect(second.completeScope(scopeA)).rejects.toThrow(/resource_type/);
    expect(await stored("i-2")).toMatchObject({ resource_status: "running" });
  });
});

describe("tag flags: the TypeScript reading equals the SQL functions", () => {
  const cases: Record<string, string>[] = [
    {},
    { env: "prod" },
    { ENV: "Production" },
    { environment: "stg", env: "prod" },
    { stage: "uat" },
    { env: "qa" },
    { env: "sandbox" },
    { env: "blue" },
    { Environment: "dev", stage: "prod" },
    { stage: "test", env: "live" },
    { "wedding-critical": "true" },
    { wedding_critical: "YES" },
    { WeddingCritical: "1" },
    { "wedding-critical": "no" },
    { "wedding-critical": " y " },
    { team: "web" },
  ];
  it.each(cases.map((tags) => [JSON.stringify(tags), tags] as const))("%s", async (_, tags) => {
    const [row] = await queryRows<{ environment: string | null; critical: boolean | null }>(
      tdb.db,
      sql`select environment_from_tags(${JSON.stringify(tags)}::jsonb) as environment,
                 wedding_critical_from_tags(${JSON.stringify(tags)}::jsonb) as critical`,
    );
    expect({ environment: environmentFromTags(tags), critical: weddingCriticalFromTags(tags) }).toEqual(row);
  });
});
