import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { backupConfigurations, backupExecutions, cloudRegions, cloudResources, disasterRecoveryPlans } from "@cloudsync/db";
import { type TestDatabase, createTestDatabase } from "@cloudsync/db/testing";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Finding } from "../src/cli/dr.ts";
import { runCli } from "./fixtures/cli.ts";
import { addOrganization, addProviderAndRegion, addResource } from "./fixtures/org.ts";

const dir = mkdtempSync(path.join(tmpdir(), "cloudsync-dr-"));
let tdb: TestDatabase;
let env: Record<string, string>;
const cli = (args: string[]) => runCli(args, env, dir);
const ORG = ["--org", "acme", "--owner-email", "ops@acme.example"];
const plans = () => tdb.db.select().from(disasterRecoveryPlans);
let at: Awaited<ReturnType<typeof addProviderAndRegion>>;
let primaryDb: { id: string };
let primaryWeb: { id: string };

beforeAll(async () => {
  tdb = await createTestDatabase({ prefix: "cloudsync_cli_dr" });
  env = { DATABASE_URL: tdb.url };
  const acme = await addOrganization(tdb, env, dir, "acme", "ops@acme.example");
  at = await addProviderAndRegion(tdb, acme);
  await tdb.db.insert(cloudRegions).values({ organizationId: acme, providerId: at.providerId, regionCode: "eu-central-1", regionName: "Frankfurt" });
  const other = await addOrganization(tdb, env, dir, "other", "ops@other.example");
  const theirs = await addProviderAndRegion(tdb, other);
  await tdb.db.insert(cloudRegions).values({ organizationId: other, providerId: theirs.providerId, regionCode: "us-east-1", regionName: "Virginia" });
  primaryDb = await addResource(tdb, acme, at, "orders-db");
  primaryWeb = await addResource(tdb, acme, at, "web-1");
  await tdb.db.update(cloudResources).set({ isWeddingCritical: true }).where(eq(cloudResources.id, primaryWeb.id));
});
afterAll(async () => {
  await tdb?.drop();
  rmSync(dir, { recursive: true, force: true });
});

const add = (...extra: string[]) =>
  cli(["dr", "plan", "add", ...ORG, "--name", "EU primary", "--type", "warm_standby", "--primary-region", "eu-west-1", "--dr-regions", "eu-central-1", "--failover-steps", "promote replica; switch DNS", "--rpo-minutes", "15", ...extra]);

describe("dr plan add, list, evaluate, test", () => {
  it.each([
    [["--rpo-minutes", "0"], 2, /--rpo-minutes must be whole minutes from 1 to 525600/],
    [["--dr-regions", "eu-west-1"], 2, /--dr-regions includes the primary region eu-west-1/],
    [["--dr-regions", "us-east-1"], 1, /--dr-regions "us-east-1" is not a region of this organization's providers/],
    [["--failover-steps", " ; "], 2, /--failover-steps names no step/],
    [["--type", "hot_potato"], 2, /argument 'hot_potato' is invalid\. Allowed choices are backup_restore/],
  ])("refuses %j (exit %i), writing nothing", async (extra, code, message) => {
    const r = await add(...(extra as string[]));
    expect(r.stderr).toMatch(message as RegExp);
    expect(r.code).toBe(code);
    expect(await plans()).toEqual([]);
  });

  it("adds a plan, lists it, and evaluates it as failing until backups and a test exist", async () => {
    const added = await add();
    expect(added.stderr).toBe("");
    expect(added.stdout).toMatch(/created DR plan "EU primary" .*warm_standby, RTO 240 min, RPO 15 min, tested quarterly/);
    const [plan] = await plans();
    expect(plan).toMatchObject({ planName: "EU primary", failoverProcedures: { steps: ["promote replica", "switch DNS"] }, disasterRecoveryRegions: [expect.objectContaining({ region_code: "eu-central-1" })] });
    expect((await add()).code).toBe(1);

    const list = await cli(["dr", "plan", "list", ...ORG]);
    expect(list.stdout).toMatch(/EU primary\s+warm_standby\s+active\s+eu-west-1\s+240\s+15\s+never/);

    const before = JSON.parse((await cli(["dr", "plan", "evaluate", "EU primary", ...ORG, "--json"])).stdout) as { verdict: string; findings: Finding[] };
    expect(before.verdict).toBe("fail");
    expect(Object.fromEntries(before.findings.map((f) => [f.check, f.result]))).toEqual({
      "backups within RPO": "fail",
      "critical resources covered": "warn",
      "latest backup runs": "ok",
      "cross-region copies": "ok",
      "tested on schedule": "fail",
      "test success rate": "ok",
      "recovery regions": "ok",
    });

    // Back up the wedding-critical web server now, the database two hours ago (outside 15 min).
    for (const [resource, minutesAgo] of [[primaryWeb, 5], [primaryDb, 120]] as const) {
      const [config] = await tdb.db
        .insert(backupConfigurations)
        .values({ organizationId: plan!.organizationId, drPlanId: plan!.id, resourceId: resource.id, backupType: "snapshot", backupFrequency: "hourly", backupDestination: { region: "eu-central-1" } })
        .returning();
      await tdb.db.insert(backupExecutions).values({ organizationId: config!.organizationId, backupConfigId: config!.id, executionStatus: "completed", startedAt: new Date(Date.now() - (minutesAgo + 1) * 60_000), completedAt: new Date(Date.now() - minutesAgo * 60_000) });
    }
    expect((await cli(["dr", "plan", "test", "EU primary", ...ORG, "--result", "passed"])).code).toBe(0);
    const failed = await cli(["dr", "plan", "test", plan!.id, ...ORG, "--result", "failed", "--at", new Date(Date.now() - 86_400_000).toISOString()]);
    expect(failed.stdout).toMatch(/recorded a failed test .*success rate 50\.00 %/);
    const [tested] = await plans();
    // The older test counts for the rate but does not replace the latest.
    expect(tested!.testingSchedule).toMatchObject({ tests_run: 2, tests_passed: 1, last_result: "passed" });

    const after = await cli(["dr", "plan", "evaluate", "EU primary", ...ORG]);
    expect(after.stdout).toMatch(/^DR plan "EU primary" .*: fail/);
    expect(after.stdout).toMatch(/backups within RPO\s+fail\s+1 of 2 without a completed backup in the last 15 min: orders-db/);
    expect(after.stdout).toMatch(/critical resources covered\s+ok/);
    expect(after.stdout).toMatch(/tested on schedule\s+ok\s+last tested 0 days ago/);
    expect(after.stdout).toMatch(/test success rate\s+warn\s+50 %/);
    // Per resource: the database's backup is 120 min old against the 15 min RPO.
    expect(after.stdout).toMatch(/orders-db\s+missed\s+120\s+newest completed backup is 120 min old, over the 15 min RPO/);
  });

  it("refuses a test in the future or at a malformed time (2), and an unknown plan (1)", async () => {
    const [before] = await plans();
    expect((await cli(["dr", "plan", "test", "EU primary", ...ORG, "--result", "passed", "--at", "2999-01-01"])).code).toBe(2);
    expect((await cli(["dr", "plan", "test", "EU primary", ...ORG, "--result", "passed", "--at", "yesterday"])).code).toBe(2);
    const unknown = await cli(["dr", "plan", "evaluate", "Nope", ...ORG]);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/acme has no DR plan named "Nope"/);
    expect(await plans()).toEqual([before]);
  });
});
