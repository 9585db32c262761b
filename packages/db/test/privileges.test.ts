import { randomBytes } from "node:crypto";
import { type SQL, sql } from "drizzle-orm";
import postgres from "postgres";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Database, type DbOrTx, queryRows, withOrganization } from "../src/index.ts";
import * as s from "../src/schema/index.ts";
import { type TestDatabase, createTestDatabase, defaultAdminUrl } from "../src/testing.ts";
import { type Tenant, createResource, createTenant, sqlState } from "./fixtures.ts";

/**
 * Issue 13, holes 2 (database side), 3 and 10 (database side): who may run which function,
 * who may change a slug, what an inactive tenant resolves to, and what errors give away.
 */

let tdb: TestDatabase;
let a: Tenant;
let b: Tenant;
/** A login of its own with no grant at all, as an attacker holding any database login has. */
const bareLogin = `cloudsync_test_nogrants_${randomBytes(4).toString("hex")}`;

beforeAll(async () => {
  tdb = await createTestDatabase({ prefix: "cloudsync_privileges" });
  a = await createTenant(tdb.db, "priv-a");
  b = await createTenant(tdb.db, "priv-b");
  await createResource(tdb.db, b, 1);
  await tdb.db.insert(s.cloudCosts).values({ organizationId: b.organizationId, providerId: b.providerId, costPeriodStart: "2026-11-01", costPeriodEnd: "2026-11-01", costAmount: "1234.56", costCategory: "compute" });
  await tdb.db.execute(sql`select refresh_monthly_cost_summary()`);
  await tdb.db.execute(sql.raw(`create role ${bareLogin} login`));
});
afterAll(async () => {
  await tdb?.drop();
  // Roles belong to the cluster: the database is gone, and with it all the role could own.
  const admin = postgres(defaultAdminUrl(), { max: 1, onnotice: () => {} });
  await admin.unsafe(`drop role if exists ${bareLogin}`);
  await admin.end();
});

/** The test database's URL, logged in as another user (the test server trusts local logins). */
function asLogin(url: string, user: string): string {
  const u = new URL(url);
  u.username = user;
  u.password = "";
  return u.toString();
}

const asA = <T>(fn: (tx: DbOrTx) => Promise<T>) => withOrganization(tdb.db, a.organizationId, fn);

describe("functions (hole 3)", () => {
  it("no SECURITY DEFINER function of ours is executable by PUBLIC", async () => {
    const open = await queryRows<{ fn: string }>(
      tdb.db,
      sql`select p.oid::regprocedure::text as fn
            from pg_proc p
           where p.prosecdef
             and pg_get_userbyid(p.proowner) = current_user
             and exists (select 1 from aclexplode(coalesce(p.proacl, acldefault('f', p.proowner))) acl
                          where acl.grantee = 0 and acl.privilege_type = 'EXECUTE')`,
    );
    expect(open).toEqual([]);
    // And there are definer functions to check: the query above is not vacuous.
    const [definers] = await queryRows<{ n: number }>(tdb.db, sql`select count(*)::int as n from pg_proc where prosecdef and pg_get_userbyid(proowner) = current_user`);
    expect(definers!.n).toBeGreaterThanOrEqual(6);
  });

  it("functions created later by the migrating login are not executable by PUBLIC either", async () => {
    await tdb.db.execute(sql`create function later_function() returns int language sql as 'select 1'`);
    const [row] = await queryRows<{ public_can: boolean }>(
      tdb.db,
      sql`select exists (select 1 from pg_proc p, aclexplode(coalesce(p.proacl, acldefault('f', p.proowner))) acl
                          where p.proname = 'later_function' and acl.grantee = 0) as public_can`,
    );
    expect(row!.public_can).toBe(false);
  });

  it("a login with no grants that sets app.organization_id cannot read another organization's cost summary", async () => {
    const login = postgres(asLogin(tdb.url, bareLogin), { max: 1, onnotice: () => {} });
    try {
      const attempt = login.begin(async (tx) => {
        await tx`select set_config('app.organization_id', ${b.organizationId}, true)`;
        return tx`select * from get_monthly_cost_summary(${b.organizationId}::uuid)`;
      });
      await expect(attempt).rejects.toMatchObject({ code: "42501" });
      // Nor any other function of ours that reads tenant data.
      for (const call of [
        login`select auth_organization_id()`,
        login`select get_infrastructure_health_score(${b.organizationId}::uuid)`,
        login`select * from analyze_cost_optimization(${b.organizationId}::uuid)`,
        login`select * from cost_optimization_resources(${b.organizationId}::uuid, 'unused_resources')`,
      ]) {
        await expect(call).rejects.toMatchObject({ code: "42501" });
      }
    } finally {
      await login.end();
    }
  });

  it("the application and the worker still run what they need", async () => {
    const summary = await withOrganization(tdb.db, b.organizationId, (tx) =>
      queryRows<{ total_cost: string }>(tx, sql`select total_cost::text from get_monthly_cost_summary(${b.organizationId}::uuid)`),
    );
    expect(summary).toEqual([{ total_cost: "1234.56" }]);
    const score = await withOrganization(
      tdb.db,
      b.organizationId,
      (tx) => queryRows<{ n: number }>(tx, sql`select (get_infrastructure_health_score(${b.organizationId}::uuid) ->> 'total_resources')::int as n`),
      { role: "cloudsync_worker" },
    );
    expect(score).toEqual([{ n: 1 }]);
  });
});

describe("slugs (hole 2, database side)", () => {
  it("a tenant may rename its organization but never change its slug", async () => {
    expect(await sqlState(asA((tx) => tx.execute(sql`update organizations set slug = 'priv-b-squatted' where id = ${a.organizationId}::uuid`)))).toBe("42501");
    await asA((tx) => tx.execute(sql`update organizations set name = 'Renamed A' where id = ${a.organizationId}::uuid`));
    const [row] = await queryRows<{ name: string; slug: string }>(tdb.db, sql`select name, slug from organizations where id = ${a.organizationId}::uuid`);
    expect(row).toEqual({ name: "Renamed A", slug: "priv-a" });
  });

  it("the worker cannot change an organization either", async () => {
    const code = await sqlState(
      withOrganization(tdb.db, a.organizationId, (tx) => tx.execute(sql`update organizations set slug = 'x' where id = ${a.organizationId}::uuid`), { role: "cloudsync_worker" }),
    );
    expect(code).toBe("42501");
  });
});

describe("inactive tenants (hole 10)", () => {
  const visibleResources = (fn: (tx: Database) => Promise<void>) =>
    tdb.db.transaction(async (tx) => {
      await fn(tx as unknown as Database);
      await tx.execute(sql`set local role cloudsync_app`);
      return queryRows<{ n: number; org: string | null }>(
        tx as unknown as Database,
        sql`select (select count(*)::int from cloud_resources) as n, current_organization_id()::text as org`,
      );
    });
  const jwt = (userId: string) => async (tx: Database) => {
    await tx.execute(sql`select set_config('request.jwt.claims', ${JSON.stringify({ sub: userId, role: "authenticated" })}, true)`);
  };
  const setting = (orgId: string) => async (tx: Database) => {
    await tx.execute(sql`select set_config('app.organization_id', ${orgId}, true)`);
  };

  it("an active organization and user resolve as before", async () => {
    expect(await visibleResources(setting(b.organizationId))).toEqual([{ n: 1, org: b.organizationId }]);
    expect(await visibleResources(jwt(b.userId))).toEqual([{ n: 1, org: b.organizationId }]);
  });

  it("an inactive user resolves to no organization", async () => {
    await tdb.db.execute(sql`update user_profiles set is_active = false where id = ${b.userId}::uuid`);
    try {
      expect(await visibleResources(jwt(b.userId))).toEqual([{ n: 0, org: null }]);
    } finally {
      await tdb.db.execute(sql`update user_profiles set is_active = true where id = ${b.userId}::uuid`);
    }
  });

  it("an inactive organization resolves to none, by setting and by JWT", async () => {
    await tdb.db.execute(sql`update organizations set is_active = false where id = ${b.organizationId}::uuid`);
    try {
      expect(await visibleResources(setting(b.organizationId))).toEqual([{ n: 0, org: null }]);
      expect(await visibleResources(jwt(b.userId))).toEqual([{ n: 0, org: null }]);
      // Nor does the setting of an inactive organization fall back to the JWT user's.
      const both = async (tx: Database) => {
        await setting(b.organizationId)(tx);
        await jwt(a.userId)(tx);
      };
      expect(await visibleResources(both)).toEqual([{ n: 0, org: null }]);
    } finally {
      await tdb.db.execute(sql`update organizations set is_active = true where id = ${b.organizationId}::uuid`);
    }
  });
});

describe("monitoring partitions per call (hole 10)", () => {
  it("one call is bounded, with an error that says how to proceed", async () => {
    const attempt = tdb.db.execute(sql`select ensure_monitoring_partitions('1900-01-01'::date, 0)`);
    expect(await sqlState(attempt)).toBe("22023");
    await expect(tdb.db.execute(sql`select ensure_monitoring_partitions('1900-01-01'::date, 0)`)).rejects.toMatchObject({
      cause: { message: expect.stringMatching(/would cover \d+ months \(1900-01 through \d{4}-\d{2}\); one call covers at most 150/) },
    });
    const [none] = await queryRows<{ n: number }>(tdb.db, sql`select count(*)::int as n from pg_class where relname = 'infrastructure_monitoring_p190001'`);
    expect(none!.n).toBe(0);
  });
});

describe("errors do not confirm another organization's rows (hole 10)", () => {
  const nowhere = "00000000-0000-4000-8000-0000000000b0";
  /** SQLSTATE and message of a failed statement, with the id the caller passed made generic. */
  async function failure(statement: SQL, id: string): Promise<{ code?: string; message: string }> {
    try {
      await asA((tx) => tx.execute(statement));
      return { message: "succeeded" };
    } catch (error) {
      const cause = (error as { cause?: { code?: string; message?: string; detail?: string } }).cause ?? {};
      return { code: cause.code, message: `${cause.message} ${cause.detail ?? ""}`.replaceAll(id, "<id>") };
    }
  }

  it("our functions answer another organization's id as they answer an id that exists nowhere", async () => {
    for (const [name, call] of [
      ["get_monthly_cost_summary", (id: string) => sql`select * from get_monthly_cost_summary(${id}::uuid)`],
      ["get_infrastructure_health_score", (id: string) => sql`select get_infrastructure_health_score(${id}::uuid)`],
      ["analyze_cost_optimization", (id: string) => sql`select * from analyze_cost_optimization(${id}::uuid)`],
      ["cost_optimization_resources", (id: string) => sql`select * from cost_optimization_resources(${id}::uuid, 'unused_resources')`],
      ["refresh_resource_utilization", (id: string) => sql`select refresh_resource_utilization(${id}::uuid)`],
    ] as const) {
      const other = await failure(call(b.organizationId), b.organizationId);
      expect(other.code, name).toBe("42501");
      expect(await failure(call(nowhere), nowhere), name).toEqual(other);
    }
  });

  it("a reference to another organization's provider, resource or user fails as one to nothing", async () => {
    const [bResource] = await queryRows<{ id: string }>(tdb.db, sql`select id from cloud_resources where organization_id = ${b.organizationId}::uuid limit 1`);
    for (const [name, insert] of [
      ["provider", (id: string) => sql`insert into cloud_resources (organization_id, provider_id, region_id, resource_id, resource_name, resource_type, configuration, created_by)
                                        values (${a.organizationId}, ${id}, ${a.regionId}, 'probe', 'p', 'compute', '{}', ${a.userId})`],
      ["resource", (id: string) => sql`insert into infrastructure_alerts (organization_id, alert_name, alert_type, resource_id, alert_conditions, recipient_list)
                                        values (${a.organizationId}, 'probe', 'resource_health', ${id}, '{}', '[]')`],
      ["user", (id: string) => sql`insert into cost_budgets (organization_id, budget_name, budget_scope, budget_amount, budget_period, created_by)
                                    values (${a.organizationId}, 'probe', 'organization', 1, 'monthly', ${id})`],
    ] as const) {
      const target = name === "provider" ? b.providerId : name === "resource" ? bResource!.id : b.userId;
      const other = await failure(insert(target), target);
      expect(other.code, name).toBe("23503");
      expect(await failure(insert(nowhere), nowhere), name).toEqual(other);
    }
  });
});
