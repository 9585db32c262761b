import { type NormalizedResource, type ScopeRef, scopeKey } from "@cloudsync/cloud";
import { queryRows } from "@cloudsync/db";
import { type TestDatabase, createTestDatabase } from "@cloudsync/db/testing";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { RegionRegistry } from "../src/write/regions.ts";
import { storedHashesStatement } from "../src/write/resource-sql.ts";
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

/** A new organization with a user and an AWS provider; the writers made after it write for it. */
async function newTenant(): Promise<void> {
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
}

/** Each test gets its own organization and provider, so their resources never meet. */
beforeEach(newTenant);

async function newWriter(options: ConstructorParameters<typeof ResourceWriter>[3] = {}): Promise<ResourceWriter> {
  const [run] = await queryRows<{ id: string }>(
    tdb.db,
    sql`insert into sync_runs (organization_id, provider_id, kind, status, trigger)
        values (${orgId}, ${providerId}, 'resources', 'running', 'manual') returning id`,
  );
  return new ResourceWriter(tdb.db, new RegionRegistry(tdb.db, { organizationId: orgId, providerId }, []), {
    organizationId: orgId,
    providerId,
    createdBy: userId,
    syncRunId: run!.id,
  }, options);
}

// The writer knows no cloud's kinds: any kind name does.
const scopeA: ScopeRef = { cloud: "aws", account: "111111111111", region: "us-east-1", kind: "example_vm" };
const scopeB: ScopeRef = { cloud: "aws", account: "111111111111", region: "us-west-2", kind: "example_vm" };

function instance(id: string, over: Partial<NormalizedResource> = {}): NormalizedResource {
  return {
    cloud: "aws",
    account: "111111111111",
    regionCode: "us-east-1",
    kind: "example_vm",
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
    await first.flush();
    expect(first.counts).toMatchObject({ inserted: 2, updated: 0, unchanged: 0 });
    expect(await history("i-1")).toEqual([]);
    expect(await stored("i-1")).toMatchObject({ environment: "production", is_wedding_critical: false });

    const second = await newWriter();
    await second.writePage(scopeA, [
      instance("i-1", { sizeCategory: "large", configuration: { InstanceType: "t3.large", ImageId: "ami-1" } }),
      instance("i-2"),
    ]);
    await second.completeScope(scopeA);
    await second.flush();
    expect(second.counts).toMatchObject({ inserted: 0, updated: 1, unchanged: 1, scaled: 1 });
    expect(await history("i-1")).toEqual([
      {
        change_type: "updated",
        changed_fields: ["configuration", "size_category"],
        old_values: { configuration: { InstanceType: "t3.small" }, size_category: "small" },
        new_values: { configuration: { InstanceType: "t3.large" }, size_category: "large" },
      },
    ]);
    expect(
      await queryRows(
        tdb.db,
        sql`select h.scaling_action, h.scaling_trigger, h.cost_impact, h.previous_configuration, h.new_configuration
              from resource_scaling_history h join cloud_resources r on r.id = h.resource_id
             where r.provider_id = ${providerId}::uuid and r.resource_id = 'i-1'`,
      ),
    ).toEqual([
      {
        // t3.small → t3.large: 2 vCPUs both, memory 2 → 8 GiB; (0.0832 − 0.0208) $/h × 730 h.
        scaling_action: "scale_up",
        scaling_trigger: "manual",
        cost_impact: "45.56",
        previous_configuration: { size: "t3.small", vcpus: 2, memoryGib: 2, monthlyUsd: 15.18 },
        new_configuration: { size: "t3.large", vcpus: 2, memoryGib: 8, monthlyUsd: 60.74 },
      },
    ]);
  });

  it("records a resize within one size bucket, and a group's scale-out priced from its daily cost", async () => {
    const group = (desired: number) =>
      instance("g-1", { kind: "example_group", configuration: { DesiredCapacity: desired, Instances: [{ InstanceType: "x9.unknown" }] } });
    const first = await newWriter();
    await first.writePage(scopeA, [instance("i-1", { sizeCategory: "xlarge", configuration: { InstanceType: "m5.2xlarge" } }), group(2)]);
    await first.completeScope(scopeA);
    await first.flush();
    // The bill said the group cost 10 a day: 2 → 5 members is 10 × 730/24 × (5/2 − 1) = 456.25 a month more.
    await queryRows(
      tdb.db,
      sql`update cloud_resources set cost_tracking = jsonb_set(cost_tracking, '{daily_cost}', '10')
           where provider_id = ${providerId}::uuid and resource_id = 'g-1'`,
    );
    const second = await newWriter();
    await second.writePage(scopeA, [instance("i-1", { sizeCategory: "xlarge", configuration: { InstanceType: "m5.16xlarge" } }), group(5)]);
    await second.completeScope(scopeA);
    await second.flush();
    expect(second.counts).toMatchObject({ updated: 2, scaled: 2 });
    const rows = await queryRows<{ resource_id: string; scaling_action: string; cost_impact: string | null; scaling_reason: string }>(
      tdb.db,
      sql`select r.resource_id, h.scaling_action, h.cost_impact, h.scaling_reason
            from resource_scaling_history h join cloud_resources r on r.id = h.resource_id
           where r.provider_id = ${providerId}::uuid order by r.resource_id`,
    );
    expect(rows.map((r) => [r.resource_id, r.scaling_action, r.cost_impact])).toEqual([
      ["g-1", "scale_out", "456.25"],
      // (3.072 − 0.384) $/h × 730 h, though both sizes are in the `xlarge` bucket.
      ["i-1", "scale_up", "1962.24"],
    ]);
    expect(rows[0]?.scaling_reason).toMatch(/^desired capacity 2 → 5 \(cost from the daily cost before\)/);
  });

  it("records configuration keys added and removed, with null for the side that lacks them", async () => {
    const first = await newWriter();
    await first.writePage(scopeA, [instance("i-1", { configuration: { InstanceType: "t3.small", ImageId: "ami-1", Old: 1 } })]);
    await first.completeScope(scopeA);
    await first.flush();
    const second = await newWriter();
    await second.writePage(scopeA, [instance("i-1", { configuration: { InstanceType: "t3.small", ImageId: "ami-2", New: { a: 1 } } })]);
    await second.completeScope(scopeA);
    await second.flush();
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
    await first.flush();
    expect(await stored("i-1")).toMatchObject({ environment: "staging", is_wedding_critical: true });

    const second = await newWriter();
    await second.writePage(scopeA, [instance("i-1", { tags: { team: "web" } })]);
    await second.completeScope(scopeA);
    await second.flush();
    expect(await stored("i-1")).toMatchObject({ environment: "staging", is_wedding_critical: true });

    const third = await newWriter();
    await third.writePage(scopeA, [instance("i-1", { tags: { Environment: "dev", wedding_critical: "false" } })]);
    await third.completeScope(scopeA);
    await third.flush();
    expect(await stored("i-1")).toMatchObject({ environment: "development", is_wedding_critical: false });
  });

  it("a resource that moved to another scope is updated, not inserted twice, and the old scope does not terminate it", async () => {
    const first = await newWriter();
    await first.writePage(scopeA, [instance("i-1")]);
    await first.completeScope(scopeA);
    await first.flush();

    const second = await newWriter();
    await second.writePage(scopeB, [instance("i-1", { regionCode: "us-west-2" })]);
    await second.completeScope(scopeB);
    await second.flush();
    await second.completeScope(scopeA);
    await second.flush();
    expect(second.counts).toMatchObject({ inserted: 0, updated: 1, terminated: 0 });
    expect(await stored("i-1")).toMatchObject({ resource_status: "running", sync_scope: scopeKey(scopeB) });
    expect((await history("i-1")).map((h) => h.changed_fields)).toEqual([["region_id"]]);
  });

  it("a resource that reappears after termination is revived with its status change recorded", async () => {
    const first = await newWriter();
    await first.writePage(scopeA, [instance("i-1")]);
    await first.completeScope(scopeA);
    await first.flush();
    const second = await newWriter();
    await second.completeScope(scopeA);
    await second.flush();
    expect(second.counts.terminated).toBe(1);

    const third = await newWriter();
    await third.writePage(scopeA, [instance("i-1")]);
    await third.completeScope(scopeA);
    await third.flush();
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
    await first.flush();

    const second = await newWriter();
    // The write runs while the caller moves on; the scope's terminations wait for it, and
    // its error cancels them and surfaces at the next call.
    await second.writePage(scopeA, [instance("i-1", { resourceType: "not-a-type" as NormalizedResource["resourceType"] })]);
    await second.completeScope(scopeA);
    await expect(second.flush()).rejects.toThrow(/resource_type/);
    await expect(second.completeScope(scopeB)).rejects.toThrow(/resource_type/);
    expect(await stored("i-2")).toMatchObject({ resource_status: "running" });
    expect(second.counts.terminated).toBe(0);
  });
});

describe("ResourceWriter with pages in flight", () => {
  it("writes a resource listed twice in one read in listing order, whatever the pages in flight", async () => {
    const writer = await newWriter({ pagesInFlight: 4 });
    const filler = (from: number) => Array.from({ length: 200 }, (_, i) => instance(`i-${from + i}`));
    // The same resource on three pages, each followed by pages that could overtake it.
    await writer.writePage(scopeA, [instance("i-dup", { sizeCategory: "small" }), ...filler(0)]);
    await writer.writePage(scopeA, [instance("i-dup", { sizeCategory: "large" }), ...filler(1000)]);
    await writer.writePage(scopeA, filler(2000));
    await writer.writePage(scopeA, [instance("i-dup", { sizeCategory: "xlarge" })]);
    await writer.completeScope(scopeA);
    await writer.flush();
    expect(await stored("i-dup")).toMatchObject({ size_category: "xlarge", resource_status: "running" });
    expect(writer.counts).toMatchObject({ inserted: 601, updated: 2, terminated: 0 });
    const [{ count }] = (await queryRows<{ count: number }>(
      tdb.db,
      sql`select count(*)::int as count from cloud_resources where provider_id = ${providerId}`,
    )) as [{ count: number }];
    expect(count).toBe(601);
  });

  it("never has more pages in flight than allowed", async () => {
    const writer = await newWriter({ pagesInFlight: 2 });
    let active = 0;
    let most = 0;
    // Count statements as PostgreSQL sees them: concurrent backends of this test's database running an insert.
    const sampler = setInterval(async () => {
      const [row] = await queryRows<{ n: number }>(
        tdb.db,
        sql`select count(*)::int as n from pg_stat_activity
             where datname = current_database() and state = 'active' and query like '%insert into cloud_resources%'
               and query not like '%pg_stat_activity%'`,
      );
      active = row?.n ?? 0;
      most = Math.max(most, active);
    }, 2);
    try {
      for (let page = 0; page < 12; page++) {
        await writer.writePage(scopeA, Array.from({ length: 400 }, (_, i) => instance(`p${page}-${i}`)));
      }
      await writer.completeScope(scopeA);
      await writer.flush();
    } finally {
      clearInterval(sampler);
    }
    expect(writer.counts.inserted).toBe(4800);
    expect(most).toBeGreaterThanOrEqual(1);
    expect(most).toBeLessThanOrEqual(2);
  });

  it("refuses a number of pages in flight that is not a whole number of at least 1", async () => {
    await expect(newWriter({ pagesInFlight: 0 })).rejects.toThrow(/pagesInFlight must be a whole number of at least 1, got 0/);
    await expect(newWriter({ pagesInFlight: 1.5 })).rejects.toThrow(/got 1.5/);
  });

  it("a failed page surfaces at the next page, and later pages are refused too", async () => {
    const writer = await newWriter({ pagesInFlight: 2 });
    await writer.writePage(scopeA, [instance("i-bad", { resourceType: "not-a-type" as NormalizedResource["resourceType"] })]);
    await writer.flush().catch(() => undefined);
    await expect(writer.writePage(scopeA, [instance("i-next")])).rejects.toThrow(/resource_type/);
    await expect(writer.flush()).rejects.toThrow(/resource_type/);
    expect(await stored("i-next")).toBeUndefined();
  });
});

describe("RegionRegistry", () => {
  it("ensures the same regions from overlapping calls and from two registries at once, each row once", async () => {
    const codes = ["eu-west-1", "us-east-1", "ap-south-1", "sa-east-1", "us-west-2"];
    // Rows that exist already are locked by the upsert's DO UPDATE, in the order it meets them.
    await new RegionRegistry(tdb.db, { organizationId: orgId, providerId }, []).ensure(codes.slice(0, 3));
    const one = new RegionRegistry(tdb.db, { organizationId: orgId, providerId }, []);
    const two = new RegionRegistry(tdb.db, { organizationId: orgId, providerId }, []);
    await Promise.all(Array.from({ length: 24 }, (_, i) => (i % 2 ? one : two).ensure(i % 4 < 2 ? codes : [...codes].reverse())));
    const rows = await queryRows<{ id: string; region_code: string }>(
      tdb.db,
      sql`select id, region_code from cloud_regions where provider_id = ${providerId}::uuid order by region_code`,
    );
    expect(rows.map((r) => r.region_code)).toEqual([...codes].sort());
    for (const row of rows) {
      expect(one.idOf(row.region_code)).toBe(row.id);
      expect(two.idOf(row.region_code)).toBe(row.id);
    }
  });
});

describe("reading a scope's stored hashes beside a large tenant", () => {
  it("walks the organization's scope index, even before the statistics have seen the new tenant", async () => {
    // The first tenant (this test's) has many resources, and the statistics know only it.
    const big = await newWriter();
    for (let page = 0; page < 5; page++) {
      await big.writePage(scopeA, Array.from({ length: 1000 }, (_, i) => instance(`big-${page}-${i}`)));
    }
    await big.completeScope(scopeA);
    await big.flush();
    await tdb.db.execute(sql`analyze cloud_resources`);
    const firstTenant = orgId;

    // A second tenant writes after the analyze: to the planner it has no rows at all.
    await newTenant();
    const small = await newWriter();
    await small.writePage(scopeA, Array.from({ length: 2000 }, (_, i) => instance(`small-${i}`)));
    await small.writePage(scopeB, [instance("other-scope")]);
    await small.completeScope(scopeA);
    await small.completeScope(scopeB);
    await small.flush();

    const statement = storedHashesStatement({ organizationId: orgId, providerId }, scopeKey(scopeA));
    const plan = await queryRows<{ "QUERY PLAN": string }>(tdb.db, sql`explain ${statement}`);
    const text = plan.map((r) => r["QUERY PLAN"]).join("\n");
    // With the provider and scope only in an index, the planner walked the organization's whole
    // key (cloud_resources_organization_id_id_key) and filtered every row of the tenant, once per scope.
    expect(text).toContain("idx_cloud_resources_org_provider_scope");
    expect(text).not.toContain("Filter:");
    const rows = await queryRows<{ resource_id: string }>(tdb.db, statement);
    expect(rows).toHaveLength(2000);
    expect(firstTenant).not.toBe(orgId);
  });
});
