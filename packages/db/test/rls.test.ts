import { type SQL, is, sql } from "drizzle-orm";
import { PgTable, getTableConfig } from "drizzle-orm/pg-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type DbOrTx, queryRows, withOrganization } from "../src/index.ts";
import * as s from "../src/schema/index.ts";
import { type TestDatabase, createTestDatabase } from "../src/testing.ts";
import { type Tenant, createResource, createTenant, sqlState } from "./fixtures.ts";

let tdb: TestDatabase;
let a: Tenant;
let b: Tenant;
/** For each table, the ids of the rows organization B owns. */
const bIds = new Map<string, string[]>();
const aIds = new Map<string, string[]>();

/** One row in every tenant table for a tenant, returning the ids per table. */
async function populate(db: DbOrTx, t: Tenant, slug: string): Promise<Map<string, string[]>> {
  const out = new Map<string, string[]>();
  const add = (table: PgTable, id: string) => {
    const name = getTableConfig(table).name;
    out.set(name, [...(out.get(name) ?? []), id]);
  };
  add(s.organizations, t.organizationId);
  add(s.userProfiles, t.userId);
  add(s.cloudProviders, t.providerId);
  add(s.cloudRegions, t.regionId);
  const [service] = await db.insert(s.cloudServices).values({ organizationId: t.organizationId, providerId: t.providerId, serviceName: "ec2", serviceType: "compute" }).returning();
  add(s.cloudServices, service!.id);
  const r1 = await createResource(db, t, 1);
  const r2 = await createResource(db, t, 2);
  add(s.cloudResources, r1.id);
  add(s.cloudResources, r2.id);
  const [scaling] = await db
    .insert(s.resourceScalingHistory)
    .values({ organizationId: t.organizationId, resourceId: r1.id, scalingAction: "scale_up", previousConfiguration: {}, newConfiguration: {}, scalingTrigger: "manual" })
    .returning();
  add(s.resourceScalingHistory, scaling!.id);
  const [dep] = await db.insert(s.resourceDependencies).values({ organizationId: t.organizationId, parentResourceId: r1.id, dependentResourceId: r2.id, dependencyType: "network" }).returning();
  add(s.resourceDependencies, dep!.id);
  const [tpl] = await db
    .insert(s.infrastructureTemplates)
    .values({ organizationId: t.organizationId, templateName: `tpl-${slug}`, templateType: "application", infrastructureCode: "{}", createdBy: t.userId })
    .returning();
  add(s.infrastructureTemplates, tpl!.id);
  const [dpl] = await db
    .insert(s.infrastructureDeployments)
    .values({ organizationId: t.organizationId, deploymentName: "d", deploymentType: "production", templateId: tpl!.id, targetProviders: [], createdBy: t.userId })
    .returning();
  add(s.infrastructureDeployments, dpl!.id);
  const [cost] = await db
    .insert(s.cloudCosts)
    .values({ organizationId: t.organizationId, providerId: t.providerId, resourceId: r1.id, costPeriodStart: "2026-11-01", costPeriodEnd: "2026-11-01", costAmount: "9.99", costCategory: "compute" })
    .returning();
  add(s.cloudCosts, cost!.id);
  const [rec] = await db
    .insert(s.costOptimizationRecommendations)
    .values({ organizationId: t.organizationId, recommendationType: "rightsizing", targetResources: [r1.id], optimizationRules: {} })
    .returning();
  add(s.costOptimizationRecommendations, rec!.id);
  const [budget] = await db
    .insert(s.costBudgets)
    .values({ organizationId: t.organizationId, budgetName: "b", budgetScope: "organization", budgetAmount: "100", budgetPeriod: "monthly", createdBy: t.userId })
    .returning();
  add(s.costBudgets, budget!.id);
  const [plan] = await db
    .insert(s.disasterRecoveryPlans)
    .values({ organizationId: t.organizationId, planName: "p", planType: "warm_standby", primaryRegionId: t.regionId, disasterRecoveryRegions: [], failoverProcedures: {}, createdBy: t.userId })
    .returning();
  add(s.disasterRecoveryPlans, plan!.id);
  const [backup] = await db
    .insert(s.backupConfigurations)
    .values({ organizationId: t.organizationId, drPlanId: plan!.id, resourceId: r1.id, backupType: "snapshot", backupFrequency: "daily", backupDestination: {} })
    .returning();
  add(s.backupConfigurations, backup!.id);
  const [exec] = await db.insert(s.backupExecutions).values({ organizationId: t.organizationId, backupConfigId: backup!.id }).returning();
  add(s.backupExecutions, exec!.id);
  const [sample] = await db
    .insert(s.infrastructureMonitoring)
    .values({ organizationId: t.organizationId, resourceId: r1.id, monitoringType: "performance", metrics: { response_time_ms: 5 } })
    .returning();
  add(s.infrastructureMonitoring, sample!.id);
  const [alert] = await db
    .insert(s.infrastructureAlerts)
    .values({ organizationId: t.organizationId, alertName: "a", alertType: "resource_health", resourceId: r1.id, alertConditions: {}, recipientList: [] })
    .returning();
  add(s.infrastructureAlerts, alert!.id);
  const [delivery] = await db
    .insert(s.alertDeliveries)
    .values({ organizationId: t.organizationId, alertId: alert!.id, event: "raised", channel: "ops", idempotencyKey: `${alert!.id}:raised:ops`, attempt: 1, status: "delivered" })
    .returning();
  add(s.alertDeliveries, delivery!.id);
  const [run] = await db.insert(s.syncRuns).values({ organizationId: t.organizationId, providerId: t.providerId, kind: "resources" }).returning();
  add(s.syncRuns, run!.id);
  const [maintenance] = await db.insert(s.maintenanceRuns).values({ organizationId: t.organizationId }).returning();
  add(s.maintenanceRuns, maintenance!.id);
  const [discovered] = await db
    .insert(s.discoveredAccounts)
    .values({ organizationId: t.organizationId, providerId: t.providerId, accountId: "210987654321", accountName: "member", root: "o-example", state: "active" })
    .returning();
  add(s.discoveredAccounts, discovered!.id);
  const [change] = await db
    .insert(s.resourceChanges)
    .values({ organizationId: t.organizationId, providerId: t.providerId, resourceId: r1.id, syncRunId: run!.id, changeType: "inserted" })
    .returning();
  add(s.resourceChanges, change!.id);
  const snapshot = await withOrganization(db, t.organizationId, async (tx) => {
    await tx.execute(sql`select refresh_resource_utilization(${t.organizationId}::uuid)`);
    return queryRows<{ resource_id: string }>(tx, sql`select resource_id::text from resource_utilization order by 1`);
  });
  for (const row of snapshot) add(s.resourceUtilization, row.resource_id);
  // The refresh also stored analyze_cost_optimization's answer for the snapshot.
  add(s.costOptimizationResults, t.organizationId);
  // Kept by the triggers on cloud_resources: one group (running, unknown) of r1 and r2.
  add(s.resourceHealthCounts, t.providerId);
  // Kept by the triggers on infrastructure_monitoring: the minute of the sample above.
  add(s.responseTimeMinutes, t.providerId);
  // Written by the trigger on infrastructure_alerts: the alert above.
  const events = await queryRows<{ seq: string }>(db, sql`select seq::text from realtime_events where organization_id = ${t.organizationId}`);
  for (const row of events) add(s.realtimeEvents, row.seq);
  return out;
}

/** The column that identifies a row in the matrix: `id`, or the key of a table that has none. */
const keyColumn = (table: string) =>
  table === "resource_utilization"
    ? "resource_id"
    : table === "resource_health_counts" || table === "response_time_minutes"
      ? "provider_id"
      : table === "cost_optimization_results"
        ? "organization_id"
        : table === "realtime_events"
          ? "seq"
          : "id";

/** Tables the application may read but never write: only triggers keep them. */
const readOnlyTables = new Set(["resource_health_counts", "response_time_minutes", "realtime_events"]);

/**
 * Not tenant data: the change feed's pruning position, readable by the realtime role only
 * (test/realtime-events.test.ts); list prices, the same for everyone and read-only to tenants
 * (below, and apps/sync-worker/test/recommendations-refresh.test.ts).
 */
const globalTables = new Set(["realtime_event_retention", "cloud_prices"]);

const tenantTables = (Object.values(s) as unknown[]).filter((v): v is PgTable => is(v, PgTable) && !globalTables.has(getTableConfig(v).name));

beforeAll(async () => {
  tdb = await createTestDatabase();
  a = await createTenant(tdb.db, "alpha");
  b = await createTenant(tdb.db, "bravo");
  for (const [k, v] of await populate(tdb.db, a, "alpha")) aIds.set(k, v);
  for (const [k, v] of await populate(tdb.db, b, "bravo")) bIds.set(k, v);
  await tdb.db.execute(sql`select refresh_monthly_cost_summary()`);
});
afterAll(async () => tdb?.drop());

const asA = <T>(fn: (tx: DbOrTx) => Promise<T>) => withOrganization(tdb.db, a.organizationId, fn);
const idList = (ids: string[]): SQL => sql.join(ids.map((id) => (/^\d+$/.test(id) ? sql`${id}::bigint` : sql`${id}::uuid`)), sql`, `);

describe("row-level security as the application role", () => {
  it("covers every table of the schema", () => {
    expect(tenantTables.map((t) => getTableConfig(t).name).sort()).toEqual([...bIds.keys()].sort());
    for (const t of tenantTables) expect(getTableConfig(t).enableRLS, getTableConfig(t).name).toBe(true);
  });

  it.each([...new Set(tenantTables.map((t) => getTableConfig(t).name))])("%s: A sees its own rows and none of B's", async (table) => {
    const visible = await asA((tx) => queryRows<{ id: string }>(tx, sql`select ${sql.identifier(keyColumn(table))}::text as id from ${sql.identifier(table)}`));
    const ids = new Set(visible.map((r) => r.id));
    for (const id of bIds.get(table)!) expect(ids.has(id), `B's ${table} row visible to A`).toBe(false);
    for (const id of aIds.get(table)!) expect(ids.has(id), `A's own ${table} row hidden from A`).toBe(true);
  });

  it.each([...bIds.keys()])("%s: A can neither update nor delete B's rows", async (table) => {
    const ids = bIds.get(table)!;
    const key = sql.identifier(keyColumn(table));
    if (readOnlyTables.has(table)) {
      // organization_id, not the key: realtime_events' key is GENERATED ALWAYS, which no role may set.
      const update = asA((tx) => tx.execute(sql`update ${sql.identifier(table)} set organization_id = organization_id where ${key} in (${idList(ids)})`));
      expect(await sqlState(update)).toBe("42501");
      const remove = asA((tx) => tx.execute(sql`delete from ${sql.identifier(table)} where ${key} in (${idList(ids)})`));
      expect(await sqlState(remove)).toBe("42501");
      return;
    }
    const updated = await asA((tx) =>
      queryRows<{ id: string }>(tx, sql`update ${sql.identifier(table)} set ${key} = ${key} where ${key} in (${idList(ids)}) returning ${key}`),
    );
    expect(updated).toEqual([]);
    const deleted = await asA((tx) => queryRows<{ id: string }>(tx, sql`delete from ${sql.identifier(table)} where ${key} in (${idList(ids)}) returning ${key}`));
    expect(deleted).toEqual([]);
    const [still] = await queryRows<{ n: number }>(tdb.db, sql`select count(*)::int as n from ${sql.identifier(table)} where ${key} in (${idList(ids)})`);
    expect(still!.n).toBe(ids.length);
  });

  it("A cannot insert rows into B's organization", async () => {
    const attempts: Array<[string, (tx: DbOrTx) => Promise<unknown>]> = [
      ["cloud_resources", (tx) => tx.insert(s.cloudResources).values({ organizationId: b.organizationId, providerId: b.providerId, regionId: b.regionId, resourceId: "i-intruder", resourceName: "x", resourceType: "compute", configuration: {}, createdBy: b.userId })],
      ["cloud_costs", (tx) => tx.insert(s.cloudCosts).values({ organizationId: b.organizationId, costPeriodStart: "2026-11-01", costPeriodEnd: "2026-11-01", costAmount: "1", costCategory: "tax" })],
      ["cloud_regions", (tx) => tx.insert(s.cloudRegions).values({ organizationId: b.organizationId, providerId: b.providerId, regionCode: "eu-north-1", regionName: "x" })],
      ["infrastructure_monitoring", (tx) => tx.insert(s.infrastructureMonitoring).values({ organizationId: b.organizationId, resourceId: bIds.get("cloud_resources")![0]!, monitoringType: "performance" })],
      ["backup_executions", (tx) => tx.insert(s.backupExecutions).values({ organizationId: b.organizationId, backupConfigId: bIds.get("backup_configurations")![0]! })],
      ["resource_utilization", (tx) => tx.insert(s.resourceUtilization).values({ organizationId: b.organizationId, resourceId: bIds.get("cloud_resources")![0]!, windowDays: 30, sampleCount: 0, isUnused: true, isUnderused: false })],
    ];
    for (const [name, attempt] of attempts) {
      expect(await sqlState(asA(attempt)), name).toBe("42501");
    }
  });

  it("monitoring partitions cannot be read by name, which would bypass the parent's policy", async () => {
    const parts = await queryRows<{ name: string }>(
      tdb.db,
      sql`select c.relname as name from pg_inherits i join pg_class c on c.oid = i.inhrelid where i.inhparent = 'infrastructure_monitoring'::regclass`,
    );
    // One created after migration too: ensure_monitoring_partitions locks new ones down.
    await tdb.db.execute(sql`select ensure_monitoring_partitions('2035-01-01'::date, 0)`);
    for (const name of [...parts.map((p) => p.name), "infrastructure_monitoring_p203501"]) {
      expect(await sqlState(asA((tx) => tx.execute(sql`select * from ${sql.identifier(name)}`))), name).toBe("42501");
    }
  });

  it("no function reveals another user's organization", async () => {
    const [fn] = await queryRows<{ n: number }>(tdb.db, sql`select count(*)::int as n from pg_proc where proname = 'organization_of_user'`);
    expect(fn!.n).toBe(0);
  });

  it("A cannot move its own row into B's organization", async () => {
    const code = await sqlState(asA((tx) => tx.execute(sql`update cloud_resources set organization_id = ${b.organizationId}::uuid where id = ${aIds.get("cloud_resources")![0]}::uuid`)));
    expect(code).toBe("42501");
  });
});

/** A foreign key between two tables under row-level security, as the catalog has it. */
interface TenantReference {
  name: string;
  child: string;
  childColumns: string[];
  parent: string;
  parentColumns: string[];
}

/**
 * Every foreign key between tenant tables, read from pg_constraint rather than listed by hand,
 * so a foreign key added later is covered without touching this file. Constraints that
 * partitions inherit from their parent are the parent's, counted once.
 */
async function tenantReferences(): Promise<TenantReference[]> {
  return queryRows<TenantReference>(
    tdb.db,
    sql`select c.conname as name, ch.relname as child, pa.relname as parent,
               array(select a.attname from unnest(c.conkey) with ordinality k(n, i) join pg_attribute a on a.attrelid = c.conrelid and a.attnum = k.n order by k.i)::text[] as "childColumns",
               array(select a.attname from unnest(c.confkey) with ordinality k(n, i) join pg_attribute a on a.attrelid = c.confrelid and a.attnum = k.n order by k.i)::text[] as "parentColumns"
          from pg_constraint c
          join pg_class ch on ch.oid = c.conrelid
          join pg_class pa on pa.oid = c.confrelid
         where c.contype = 'f' and c.conparentid = 0
           and ch.relnamespace = 'public'::regnamespace and ch.relrowsecurity and pa.relrowsecurity
         order by c.conname`,
  );
}

describe("references across organizations", () => {
  let references: TenantReference[] = [];
  beforeAll(async () => {
    references = await tenantReferences();
  });

  it("every reference between tenant tables carries the organization", async () => {
    expect(references.length).toBeGreaterThan(30);
    for (const ref of references) {
      // Every tenant table has its own organization_id (cloud_services and backup_executions since migration 0025).
      if (ref.parent === "organizations") {
        expect(ref.childColumns, ref.name).toEqual(["organization_id"]);
      } else {
        expect({ child: ref.childColumns[0], parent: ref.parentColumns }, ref.name).toEqual({ child: "organization_id", parent: ["organization_id", "id"] });
      }
    }
  });

  it("no row of A may reference a row of B, through any foreign key", async () => {
    const tried: string[] = [];
    for (const ref of references) {
      const aRow = aIds.get(ref.child)![0]!;
      const bRow = bIds.get(ref.parent)![0]!;
      // B's values of the referenced columns; A's row keeps its own organization (moving the row
      // itself into B is the organizations reference, and the policy's to refuse).
      const [target] = await queryRows<Record<string, string>>(
        tdb.db,
        sql`select ${sql.join(ref.parentColumns.map((c) => sql`${sql.identifier(c)}::text`), sql`, `)} from ${sql.identifier(ref.parent)} where ${sql.identifier(keyColumn(ref.parent))} = ${bRow}::uuid`,
      );
      const assignments = ref.childColumns
        .map((column, i) => [column, Object.values(target!)[i]!] as const)
        .filter(([column]) => column !== "organization_id" || ref.parent === "organizations")
        .map(([column, value]) => sql`${sql.identifier(column)} = ${value}::uuid`);
      const key = sql.identifier(keyColumn(ref.child));
      // Compared as text: realtime_events is keyed by a bigint sequence, the rest by uuids.
      const attempt = asA((tx) => tx.execute(sql`update ${sql.identifier(ref.child)} set ${sql.join(assignments, sql`, `)} where ${key}::text = ${aRow}`));
      expect(["23503", "42501"], `${ref.name}: A's ${ref.child} row was pointed at B's ${ref.parent} row`).toContain(await sqlState(attempt));
      tried.push(ref.name);
    }
    expect(tried).toHaveLength(references.length);
  });

  it("A cannot insert rows that point at B's provider, region, resource, plan or configuration", async () => {
    const bOf = (table: string) => bIds.get(table)![0]!;
    const aOf = (table: string) => aIds.get(table)![0]!;
    const attempts: Array<[string, (tx: DbOrTx) => Promise<unknown>]> = [
      ["resource under B's provider", (tx) => tx.insert(s.cloudResources).values({ organizationId: a.organizationId, providerId: b.providerId, regionId: a.regionId, resourceId: "victim-bucket", resourceName: "x", resourceType: "storage", configuration: {}, createdBy: a.userId })],
      ["resource in B's region", (tx) => tx.insert(s.cloudResources).values({ organizationId: a.organizationId, providerId: a.providerId, regionId: b.regionId, resourceId: "i-a", resourceName: "x", resourceType: "compute", configuration: {}, createdBy: a.userId })],
      ["DR plan in B's region", (tx) => tx.insert(s.disasterRecoveryPlans).values({ organizationId: a.organizationId, planName: "p", planType: "warm_standby", primaryRegionId: b.regionId, disasterRecoveryRegions: [], failoverProcedures: {}, createdBy: a.userId })],
      ["backup of B's resource", (tx) => tx.insert(s.backupConfigurations).values({ organizationId: a.organizationId, resourceId: bOf("cloud_resources"), backupType: "snapshot", backupFrequency: "daily", backupDestination: {} })],
      ["backup under B's DR plan", (tx) => tx.insert(s.backupConfigurations).values({ organizationId: a.organizationId, drPlanId: bOf("disaster_recovery_plans"), resourceId: aOf("cloud_resources"), backupType: "snapshot", backupFrequency: "daily", backupDestination: {} })],
      ["execution of B's backup configuration", (tx) => tx.insert(s.backupExecutions).values({ organizationId: a.organizationId, backupConfigId: bOf("backup_configurations") })],
      ["dependency on B's resource", (tx) => tx.insert(s.resourceDependencies).values({ organizationId: a.organizationId, parentResourceId: aOf("cloud_resources"), dependentResourceId: bOf("cloud_resources"), dependencyType: "network" })],
      ["cost line of B's resource", (tx) => tx.insert(s.cloudCosts).values({ organizationId: a.organizationId, resourceId: bOf("cloud_resources"), costPeriodStart: "2026-11-01", costPeriodEnd: "2026-11-01", costAmount: "1", costCategory: "compute" })],
      ["sample of B's resource", (tx) => tx.insert(s.infrastructureMonitoring).values({ organizationId: a.organizationId, resourceId: bOf("cloud_resources"), monitoringType: "performance" })],
      ["alert acknowledged by B's user", (tx) => tx.insert(s.infrastructureAlerts).values({ organizationId: a.organizationId, alertName: "a", alertType: "resource_health", alertConditions: {}, recipientList: [], acknowledgedBy: b.userId })],
      ["service in B's catalog", (tx) => tx.insert(s.cloudServices).values({ organizationId: a.organizationId, providerId: b.providerId, serviceName: "s3", serviceType: "storage" })],
    ];
    for (const [name, attempt] of attempts) {
      expect(["23503", "42501"], name).toContain(await sqlState(asA(attempt)));
    }
  });
});

describe("functions as the application role", () => {
  const calls = (org: string): Array<[string, SQL]> => [
    ["get_infrastructure_health_score", sql`select get_infrastructure_health_score(${org}::uuid)`],
    ["analyze_cost_optimization", sql`select * from analyze_cost_optimization(${org}::uuid)`],
    ["cost_optimization_resources", sql`select * from cost_optimization_resources(${org}::uuid, 'unused_resources')`],
    ["get_monthly_cost_summary", sql`select * from get_monthly_cost_summary(${org}::uuid)`],
    ["refresh_resource_utilization", sql`select refresh_resource_utilization(${org}::uuid)`],
  ];

  it("refuse B's organization id inside A's transaction", async () => {
    for (const [name, call] of calls(b.organizationId)) {
      expect(await sqlState(asA((tx) => tx.execute(call))), name).toBe("42501");
    }
  });

  it("refuse to run with no organization set", async () => {
    for (const [name, call] of calls(b.organizationId)) {
      const code = await sqlState(
        tdb.db.transaction(async (tx) => {
          await tx.execute(sql`set local role cloudsync_app`);
          await tx.execute(call);
        }),
      );
      expect(code, name).toBe("42501");
    }
  });

  it("return A's data for A", async () => {
    const [row] = await asA((tx) => queryRows<{ score: { total_resources: number } }>(tx, sql`select get_infrastructure_health_score(${a.organizationId}::uuid) as score`));
    expect(row!.score.total_resources).toBe(2);
    const summary = await asA((tx) => queryRows<{ total_cost: string }>(tx, sql`select total_cost::text from get_monthly_cost_summary(${a.organizationId}::uuid)`));
    expect(summary).toEqual([{ total_cost: "9.99" }]);
    const [refreshed] = await asA((tx) => queryRows<{ n: number }>(tx, sql`select refresh_resource_utilization(${a.organizationId}::uuid) as n`));
    expect(refreshed!.n).toBe(2);
    // The snapshot answers for A: r2 never reported, r1 did (no CPU, so no judgement on it).
    const found = await asA((tx) => queryRows<{ optimization_type: string; resources: string[] }>(
      tx,
      sql`select optimization_type, recommendation_details -> 'resources' as resources from analyze_cost_optimization(${a.organizationId}::uuid)`,
    ));
    expect(found).toEqual([{ optimization_type: "unused_resources", resources: [aIds.get("cloud_resources")![1]] }]);
    // The full list, paged, is A's alone too: B's idle resources never show.
    const paged = await asA((tx) => queryRows<{ resource_id: string }>(
      tx,
      sql`select resource_id from cost_optimization_resources(${a.organizationId}::uuid, 'unused_resources')`,
    ));
    expect(paged).toEqual([{ resource_id: aIds.get("cloud_resources")![1] }]);
  });

  it("queries under row-level security may run in parallel workers, where a JWT user's organization resolves", async () => {
    const parallel = (query: SQL) =>
      tdb.db.transaction(async (tx) => {
        for (const setting of ["parallel_setup_cost = 0", "parallel_tuple_cost = 0", "min_parallel_table_scan_size = 0", "enable_indexscan = off", "enable_indexonlyscan = off", "enable_bitmapscan = off"]) {
          await tx.execute(sql.raw(`set local ${setting}`));
        }
        await tx.execute(sql`select set_config('request.jwt.claims', ${JSON.stringify({ sub: a.userId, role: "authenticated" })}, true)`);
        await tx.execute(sql`set local role cloudsync_app`);
        const [plan] = await queryRows<{ "QUERY PLAN": unknown }>(tx, sql`explain (format json) ${query}`);
        const rows = await queryRows<{ n: number }>(tx, query);
        return { plan: JSON.stringify(plan!["QUERY PLAN"]), n: rows[0]!.n };
      });
    // The policy's current_organization_id(), and the JWT lookup itself in each worker's filter.
    for (const query of [
      sql`select count(*)::int as n from cloud_resources`,
      sql`select count(*)::int as n from cloud_resources where organization_id = auth_organization_id() and organization_id = current_organization_id()`,
    ]) {
      const { plan, n } = await parallel(query);
      expect(plan).toContain('"Node Type":"Gather"');
      expect(n).toBe(aIds.get("cloud_resources")!.length);
    }
  });

  it("the materialized view is not readable directly by tenants", async () => {
    expect(await sqlState(asA((tx) => tx.execute(sql`select * from monthly_cost_summary`)))).toBe("42501");
  });

  it("a Supabase JWT user sees its own organization through auth.uid()", async () => {
    const rows = await tdb.db.transaction(async (tx) => {
      await tx.execute(sql`select set_config('request.jwt.claims', ${JSON.stringify({ sub: b.userId, role: "authenticated" })}, true)`);
      await tx.execute(sql`set local role cloudsync_app`);
      return queryRows<{ organization_id: string }>(tx, sql`select distinct organization_id::text from cloud_resources`);
    });
    expect(rows).toEqual([{ organization_id: b.organizationId }]);
  });
});

describe("the worker role", () => {
  const asWorker = <T>(fn: (tx: DbOrTx) => Promise<T>) =>
    tdb.db.transaction(async (tx) => {
      await tx.execute(sql`set local role cloudsync_worker`);
      return fn(tx);
    });

  it("reads and writes every organization's estate, with no organization set", async () => {
    const rows = await asWorker((tx) => queryRows<{ n: number }>(tx, sql`select count(distinct organization_id)::int as n from cloud_resources`));
    expect(rows[0]!.n).toBe(2);
    const updated = await asWorker((tx) => queryRows<{ id: string }>(tx, sql`update cloud_resources set resource_name = resource_name returning id`));
    expect(updated.length).toBe(aIds.get("cloud_resources")!.length + bIds.get("cloud_resources")!.length);
  });

  it("refreshes any organization's utilization snapshot with that organization set, without deleting", async () => {
    const written = await withOrganization(
      tdb.db,
      b.organizationId,
      (tx) => queryRows<{ n: number }>(tx, sql`select refresh_resource_utilization(${b.organizationId}::uuid) as n`),
      { role: "cloudsync_worker" },
    );
    expect(written[0]!.n).toBe(bIds.get("cloud_resources")!.length);
    expect(await sqlState(asWorker((tx) => tx.execute(sql`delete from resource_utilization where false`)))).toBe("42501");
  });

  it("may replace cost lines but never delete resources or change the schema", async () => {
    expect(await sqlState(asWorker((tx) => tx.execute(sql`delete from cloud_costs where false`)))).toBeUndefined();
    expect(await sqlState(asWorker((tx) => tx.execute(sql`delete from cloud_resources where false`)))).toBe("42501");
    expect(await sqlState(asWorker((tx) => tx.execute(sql`drop table sync_runs`)))).toBe("42501");
    expect(await sqlState(asWorker((tx) => tx.execute(sql`select * from infrastructure_monitoring_default`)))).toBe("42501");
  });
});

describe("list prices (not tenant data)", () => {
  it("every organization reads cloud_prices; no tenant writes it", async () => {
    await tdb.db.execute(sql`insert into cloud_prices (cloud, region, product, sku, term, currency, unit_price, unit, source_id)
                             values ('aws', 'us-east-1', 'compute', 'm5.large', 'on_demand', 'USD', 0.096, 'hour', 'rls-test')
                             on conflict do nothing`);
    const seen = await asA((tx) => queryRows<{ n: number }>(tx, sql`select count(*)::int as n from cloud_prices where source_id = 'rls-test'`));
    expect(seen[0]!.n).toBe(1);
    for (const statement of [
      sql`update cloud_prices set unit_price = 0 where source_id = 'rls-test'`,
      sql`delete from cloud_prices where source_id = 'rls-test'`,
      sql`insert into cloud_prices (cloud, region, product, sku, term, currency, unit_price, unit, source_id) values ('aws', 'x', 'compute', 'y', 'spot', 'USD', 1, 'hour', 'z')`,
    ]) {
      expect(await sqlState(asA((tx) => tx.execute(statement)))).toBe("42501");
    }
  });
});
