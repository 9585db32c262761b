import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  InvalidInputError,
  analyzeCostOptimization,
  dropMonitoringPartitions,
  ensureMonitoringPartitions,
  getInfrastructureHealthScore,
  getMonthlyCostSummary,
  refreshResourceUtilization,
  withOrganization,
} from "../src/index.ts";
import { type TestDatabase, createTestDatabase } from "../src/testing.ts";

let tdb: TestDatabase;
beforeAll(async () => {
  tdb = await createTestDatabase();
});
afterAll(async () => tdb?.drop());

const org = "3f2b9c1e-8d4a-4f6e-9b1a-2c3d4e5f6a7b";

describe("bad input gives a typed error naming the field, before any SQL runs", () => {
  it.each([
    ["organizationId", () => getInfrastructureHealthScore(tdb.db, { organizationId: "acme" }), /expected a UUID/],
    ["providerIds[1]", () => getInfrastructureHealthScore(tdb.db, { organizationId: org, providerIds: [org, "x"] }), /expected a UUID/],
    ["lookbackDays", () => analyzeCostOptimization(tdb.db, { organizationId: org, lookbackDays: 0 }), /from 1 to 3650/],
    ["lookbackDays", () => analyzeCostOptimization(tdb.db, { organizationId: org, lookbackDays: 1.5 }), /whole number/],
    ["windowDays", () => refreshResourceUtilization(tdb.db, { organizationId: org, windowDays: 3651 }), /from 1 to 3650/],
    ["organizationId", () => refreshResourceUtilization(tdb.db, { organizationId: "acme" }), /expected a UUID/],
    ["fromMonth", () => getMonthlyCostSummary(tdb.db, { organizationId: org, fromMonth: "2026-13-01" }), /YYYY-MM-DD/],
    ["toMonth", () => getMonthlyCostSummary(tdb.db, { organizationId: org, fromMonth: "2026-11-01", toMonth: "2026-10-01" }), /before fromMonth/],
    ["monthsAhead", () => ensureMonitoringPartitions(tdb.db, { monthsAhead: -1 }), /from 0 to 120/],
    ["retentionMonths", () => dropMonitoringPartitions(tdb.db, { retentionMonths: 0 }), /from 1 to 1200/],
    ["organizationId", () => withOrganization(tdb.db, "' or 1=1 --", async () => 1), /expected a UUID/],
    ["role", () => withOrganization(tdb.db, org, async () => 1, { role: "app; drop table x" }), /role name/],
  ] as const)("%s", async (field, call, message) => {
    const error = await call().then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(InvalidInputError);
    expect((error as InvalidInputError).field).toBe(field);
    expect((error as Error).message).toMatch(message);
  });
});
