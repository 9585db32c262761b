import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ConstraintViolationError, cloudCosts, cloudResources, costBudgets, explainDatabaseError, organizations } from "../src/index.ts";
import { type TestDatabase, createTestDatabase } from "../src/testing.ts";
import { type Tenant, createTenant } from "./fixtures.ts";

let tdb: TestDatabase;
let t: Tenant;
beforeAll(async () => {
  tdb = await createTestDatabase();
  t = await createTenant(tdb.db, "explain");
});
afterAll(async () => tdb?.drop());

const explained = (p: Promise<unknown>) => p.then(() => null, (e) => explainDatabaseError(e));
const resource = () => ({
  organizationId: t.organizationId,
  providerId: t.providerId,
  regionId: t.regionId,
  resourceId: "i-x",
  resourceName: "x",
  resourceType: "compute" as const,
  configuration: {},
  createdBy: t.userId,
});

describe("explainDatabaseError: a refused write says what would be accepted", () => {
  it("an unknown enum value lists the allowed values", async () => {
    const e = await explained(tdb.db.insert(cloudResources).values({ ...resource(), resourceStatus: "exploded" as never }));
    expect(e).toBeInstanceOf(ConstraintViolationError);
    expect((e as Error).message).toMatch(/not one of provisioning, running, stopped, stopping, starting, error, terminated/);
    expect(e).toMatchObject({ sqlState: "23514", constraint: "cloud_resources_resource_status_check", table: "cloud_resources" });
  });

  it("negative money", async () => {
    const e = await explained(
      tdb.db.insert(costBudgets).values({ organizationId: t.organizationId, budgetName: "b", budgetScope: "organization", budgetAmount: "-5", budgetPeriod: "monthly", createdBy: t.userId }),
    );
    expect((e as Error).message).toMatch(/cost_budgets_budget_amount_check.*may not be negative/);
  });

  it("a period that ends before it starts", async () => {
    const e = await explained(
      tdb.db.insert(cloudCosts).values({ organizationId: t.organizationId, costPeriodStart: "2026-11-02", costPeriodEnd: "2026-11-01", costAmount: "1", costCategory: "compute" }),
    );
    expect((e as Error).message).toMatch(/cost_period_end must be on or after cost_period_start/);
  });

  it("an oversized string", async () => {
    const e = await explained(tdb.db.insert(cloudResources).values({ ...resource(), resourceId: "i-long", resourceName: "n".repeat(201) }));
    expect(e).toMatchObject({ sqlState: "22001" });
    expect((e as Error).message).toMatch(/too long.*shorten it/);
  });

  it("a duplicate and an orphan", async () => {
    const dup = await explained(tdb.db.insert(organizations).values({ name: "Again", slug: "explain" }));
    expect((dup as Error).message).toMatch(/already exists.*update that row instead/);
    const orphan = await explained(tdb.db.insert(cloudResources).values({ ...resource(), resourceId: "i-orphan", regionId: "00000000-0000-4000-8000-000000000000" }));
    expect((orphan as Error).message).toMatch(/is not present in table "cloud_regions".*create the referenced row first/);
  });

  it("and nothing was written", async () => {
    const rows = await tdb.db.select().from(cloudResources);
    expect(rows).toEqual([]);
  });

  it("leaves other errors alone", () => {
    const other = new Error("boom");
    expect(explainDatabaseError(other)).toBe(other);
  });
});
