import { type NormalizedResource, type ScopeRef, dependencyOf } from "@cloudsync/cloud";
import { queryRows, withOrganization } from "@cloudsync/db";
import { type TestDatabase, createTestDatabase } from "@cloudsync/db/testing";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { reconcileDependencies, reconcileDependenciesStatement } from "../src/write/dependencies.ts";
import { RegionRegistry } from "../src/write/regions.ts";
import type { WriteContext } from "../src/write/resource-sql.ts";
import { ResourceWriter } from "../src/write/resources.ts";

const scopes: Record<"a" | "b", ScopeRef> = {
  a: { cloud: "aws", account: "111111111111", region: "us-east-1", kind: "example" },
  b: { cloud: "azure", account: "22222222-2222-2222-2222-222222222222", region: "eastus", kind: "example" },
};

let tdb: TestDatabase;
let orgId: string;
let otherOrgId: string;
let userId: string;
/** Two providers of one organization (AWS and Azure: one provider per cloud), so edges cross them. */
const providers: Record<"a" | "b", string> = { a: "", b: "" };

beforeAll(async () => {
  tdb = await createTestDatabase({ prefix: "cloudsync_deps" });
  const orgs = await queryRows<{ id: string }>(
    tdb.db,
    sql`insert into organizations (name, slug) values ('Deps', 'deps'), ('Other', 'deps-other') returning id`,
  );
  orgId = orgs[0]!.id;
  otherOrgId = orgs[1]!.id;
  const [user] = await queryRows<{ id: string }>(
    tdb.db,
    sql`insert into user_profiles (organization_id, email) values (${orgId}, 'ops@deps.example') returning id`,
  );
  userId = user!.id;
  for (const key of ["a", "b"] as const) {
    const [provider] = await queryRows<{ id: string }>(
      tdb.db,
      sql`insert into cloud_providers (organization_id, provider_name, provider_type, display_name, credentials_config, created_by)
          values (${orgId}, ${scopes[key].cloud}, ${key === "a" ? "primary" : "secondary"}, ${`provider ${key}`}, '{}'::jsonb, ${userId}) returning id`,
    );
    providers[key] = provider!.id;
  }
});
afterAll(async () => tdb?.drop());


function resource(id: string, account: "a" | "b", over: Partial<NormalizedResource> = {}): NormalizedResource {
  return {
    cloud: scopes[account].cloud,
    account: scopes[account].account,
    regionCode: scopes[account].region,
    kind: "example",
    resourceId: id,
    name: id,
    resourceType: "compute",
    status: "running",
    sizeCategory: "small",
    tags: {},
    configuration: { Id: id },
    ...over,
  };
}

/** One complete read of a provider's one scope, then the run's reconciliation. */
async function sync(account: "a" | "b", resources: NormalizedResource[]) {
  const [run] = await queryRows<{ id: string }>(
    tdb.db,
    sql`insert into sync_runs (organization_id, provider_id, kind, status, trigger)
        values (${orgId}, ${providers[account]}, 'resources', 'running', 'manual') returning id`,
  );
  const ctx: WriteContext = { organizationId: orgId, providerId: providers[account], createdBy: userId, syncRunId: run!.id };
  const writer = new ResourceWriter(tdb.db, new RegionRegistry(tdb.db, { organizationId: orgId, providerId: providers[account] }, []), ctx);
  await writer.writePage(scopes[account], resources);
  await writer.completeScope(scopes[account]);
  await writer.flush();
  return reconcileDependencies(tdb.db, ctx);
}

async function edges() {
  return queryRows<{ dependent: string; parent: string; dependency_type: string; dependency_strength: string; discovered_by_sync: boolean }>(
    tdb.db,
    sql`select d.resource_id as dependent, p.resource_id as parent, e.dependency_type, e.dependency_strength, e.discovered_by_sync
          from resource_dependencies e
          join cloud_resources d on d.id = e.dependent_resource_id
          join cloud_resources p on p.id = e.parent_resource_id
         where e.organization_id = ${orgId}::uuid
         order by 1, 2`,
  );
}

const web = (deps: NormalizedResource["dependencies"]) =>
  resource("i-web", "a", { ...(deps ? { dependencies: deps } : {}), tags: { "wedding-critical": "true" } });
const bootVolume = resource("vol-boot", "a", { resourceType: "storage", dependencies: [dependencyOf("data_volume", "i-web", { reverse: true })] });

describe("resource dependencies kept in step with syncs", () => {
  it("resolves claims by provider id, keeps the strongest of two claims on one pair, and leaves unknown targets pending", async () => {
    const counts = await sync("a", [
      web([dependencyOf("boot_volume", "vol-boot"), dependencyOf("in_subnet", "subnet-1"), dependencyOf("security_group", "sg-gone")]),
      bootVolume,
    ]);
    expect(counts).toEqual({ added: 1, changed: 0, removed: 0, pending: 2 });
    expect(await edges()).toEqual([
      // The instance's own "boot volume, hard" beats the volume's "attached, soft".
      { dependent: "i-web", parent: "vol-boot", dependency_type: "storage", dependency_strength: "hard", discovered_by_sync: true },
    ]);
  });

  it("resolves a pending claim when its target appears in another provider of the organization", async () => {
    const counts = await sync("b", [resource("subnet-1", "b", { resourceType: "network", dependencies: [dependencyOf("in_network", "vpc-1")] }), resource("vpc-1", "b")]);
    expect(counts).toMatchObject({ added: 2, removed: 0 });
    expect((await edges()).map((e) => [e.dependent, e.parent, e.dependency_type, e.dependency_strength])).toEqual([
      ["i-web", "subnet-1", "network", "hard"],
      ["i-web", "vol-boot", "storage", "hard"],
      ["subnet-1", "vpc-1", "network", "critical"],
    ]);
  });

  it("resolves targets named by a configuration field (self link, DNS name), case-insensitively", async () => {
    const counts = await sync("b", [
      resource("subnet-1", "b", { resourceType: "network", dependencies: [dependencyOf("in_network", "vpc-1")] }),
      resource("vpc-1", "b"),
      resource("lb-arn", "b", { resourceType: "load_balancer", configuration: { DNSName: "Web-1.us-east-1.elb.amazonaws.com" } }),
      resource("cdn-arn", "b", {
        resourceType: "cdn",
        dependencies: [dependencyOf("origin_load_balancer", "web-1.us-east-1.elb.amazonaws.com", { targetKey: "DNSName" })],
      }),
    ]);
    expect(counts).toMatchObject({ added: 1, removed: 0 });
    expect((await edges()).filter((e) => e.dependent === "cdn-arn").map((e) => [e.parent, e.dependency_type, e.dependency_strength])).toEqual([
      ["lb-arn", "load_balancer", "hard"],
    ]);
  });

  it("removes an edge the cloud stops reporting, and records its going on the dependent", async () => {
    // The boot volume was detached: neither end names the other any more.
    const counts = await sync("a", [
      web([dependencyOf("in_subnet", "subnet-1")]),
      resource("vol-boot", "a", { resourceType: "storage" }),
    ]);
    expect(counts).toMatchObject({ removed: 1, added: 0 });
    expect((await edges()).filter((e) => e.dependent === "i-web").map((e) => e.parent)).toEqual(["subnet-1"]);
    const [change] = await queryRows<{ changed_fields: string[]; old_values: Record<string, unknown>; new_values: Record<string, unknown> }>(
      tdb.db,
      sql`select c.changed_fields, c.old_values, c.new_values from resource_changes c
            join cloud_resources r on r.id = c.resource_id
           where r.resource_id = 'i-web' and c.changed_fields = array['dependencies']`,
    );
    expect(change?.old_values).toMatchObject({
      dependency: { parent_resource_id: "vol-boot", dependency_type: "storage", dependency_strength: "hard" },
    });
    expect(change?.new_values).toEqual({ dependency: null });
  });

  it("removes edges to a resource that was terminated, and never touches an edge a person entered", async () => {
    await queryRows(
      tdb.db,
      sql`insert into resource_dependencies (organization_id, parent_resource_id, dependent_resource_id, dependency_type, dependency_strength)
          select ${orgId}::uuid, p.id, d.id, 'database', 'critical'
            from cloud_resources d, cloud_resources p
           where d.resource_id = 'cdn-arn' and p.resource_id = 'vpc-1'`,
    );
    // Account B's subnet is gone from the cloud: the instance's edge to it goes with it.
    const counts = await sync("b", [
      resource("vpc-1", "b"),
      resource("lb-arn", "b", { resourceType: "load_balancer", configuration: { DNSName: "Web-1.us-east-1.elb.amazonaws.com" } }),
      resource("cdn-arn", "b", {
        resourceType: "cdn",
        dependencies: [dependencyOf("origin_load_balancer", "web-1.us-east-1.elb.amazonaws.com", { targetKey: "DNSName" })],
      }),
    ]);
    expect(counts).toMatchObject({ removed: 2, pending: 1 });
    expect((await edges()).map((e) => [e.dependent, e.parent, e.discovered_by_sync])).toEqual([
      ["cdn-arn", "lb-arn", true],
      ["cdn-arn", "vpc-1", false],
    ]);
  });

  it("runs as the worker role, whose grants allow removing edges", async () => {
    const [run] = await queryRows<{ id: string }>(tdb.db, sql`select id from sync_runs where provider_id = ${providers.a}::uuid limit 1`);
    const ctx: WriteContext = { organizationId: orgId, providerId: providers.a, createdBy: userId, syncRunId: run!.id };
    // Drop the manual edge's twin claim so one sync-owned edge must go: the CDN no longer names its origin.
    await queryRows(tdb.db, sql`update cloud_resources set dependency_claims = null where resource_id = 'cdn-arn'`);
    const [counts] = await withOrganization(tdb.db, orgId, (tx) => queryRows<{ removed: number }>(tx, reconcileDependenciesStatement(ctx)), {
      role: "cloudsync_worker",
    });
    expect(counts?.removed).toBe(1);
    expect((await edges()).map((e) => [e.dependent, e.parent, e.discovered_by_sync])).toEqual([["cdn-arn", "vpc-1", false]]);
  });

  it("shows the edges to their organization only", async () => {
    const visible = async (org: string) =>
      withOrganization(tdb.db, org, (tx) => queryRows<{ n: number }>(tx, sql`select count(*)::int as n from resource_dependencies`));
    expect((await visible(orgId))[0]?.n).toBe(1);
    expect((await visible(otherOrgId))[0]?.n).toBe(0);
  });
});
