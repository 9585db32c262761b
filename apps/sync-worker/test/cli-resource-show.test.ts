import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { cloudCosts, resourceChanges, resourceDependencies } from "@cloudsync/db";
import { type TestDatabase, createTestDatabase } from "@cloudsync/db/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ResourceDetail } from "../src/cli/resource-show.ts";
import { runCli } from "./fixtures/cli.ts";
import { addOrganization, addProviderAndRegion, addResource } from "./fixtures/org.ts";

const dir = mkdtempSync(path.join(tmpdir(), "cloudsync-resource-"));
let tdb: TestDatabase;
let env: Record<string, string>;
let acme: string;
const cli = (args: string[]) => runCli(args, env, dir);
const ORG = ["--org", "acme", "--owner-email", "ops@acme.example"];
let web: { id: string; resourceId: string };
let db: { id: string };

beforeAll(async () => {
  tdb = await createTestDatabase({ prefix: "cloudsync_cli_resource" });
  env = { DATABASE_URL: tdb.url };
  acme = await addOrganization(tdb, env, dir, "acme", "ops@acme.example");
  const other = await addOrganization(tdb, env, dir, "other", "ops@other.example");
  const at = await addProviderAndRegion(tdb, acme);
  web = await addResource(tdb, acme, at, "web-1");
  db = await addResource(tdb, acme, at, "db-1");
  await addResource(tdb, acme, at, "twin", "arn:twin-a");
  await addResource(tdb, acme, at, "twin", "arn:twin-b");
  await addResource(tdb, other, await addProviderAndRegion(tdb, other), "secret-box");
  await tdb.db.insert(resourceDependencies).values({ organizationId: acme, parentResourceId: db.id, dependentResourceId: web.id, dependencyType: "database", dependencyStrength: "hard" });
  const month = new Date().toISOString().slice(0, 7);
  await tdb.db.insert(cloudCosts).values([
    { organizationId: acme, providerId: at.providerId, resourceId: web.id, costPeriodStart: `${month}-01`, costPeriodEnd: `${month}-01`, costAmount: "10.005", costCategory: "compute" },
    { organizationId: acme, providerId: at.providerId, resourceId: web.id, costPeriodStart: `${month}-01`, costPeriodEnd: `${month}-01`, costAmount: "2.5", costCategory: "network" },
  ]);
  await tdb.db.insert(resourceChanges).values({ organizationId: acme, providerId: at.providerId, resourceId: web.id, changeType: "updated", changedFields: ["size_category"], oldValues: { size_category: "small" }, newValues: { size_category: "large" } });
});
afterAll(async () => {
  await tdb?.drop();
  rmSync(dir, { recursive: true, force: true });
});

describe("resource show", () => {
  it("shows a resource by name with costs, changes and dependencies, as text and as JSON", async () => {
    const text = await cli(["resource", "show", "web-1", ...ORG]);
    expect(text.stderr).toBe("");
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(new RegExp(`^web-1 \\(${web.id}\\)`));
    expect(text.stdout).toMatch(/health\s+healthy; no sample in the last 7 days/);
    expect(text.stdout).toMatch(/USD\s+12\.51/);
    expect(text.stdout).toMatch(/updated\s+size_category/);
    expect(text.stdout).toMatch(/depends on\s+db-1\s+[0-9a-f-]{36}\s+database\s+hard/);

    const json = await cli(["resource", "show", web.resourceId, "--org", acme, "--json"]);
    const detail = JSON.parse(json.stdout) as ResourceDetail;
    expect(detail.resource).toMatchObject({ id: web.id, name: "web-1", region: "eu-west-1" });
    expect(detail.costs.billedByMonth).toEqual([{ month: new Date().toISOString().slice(0, 7), currency: "USD", amount: "12.51" }]);
    expect(detail.recentChanges).toEqual([expect.objectContaining({ changeType: "updated", changedFields: ["size_category"] })]);
    expect(detail.dependsOn).toEqual([{ id: db.id, name: "db-1", type: "database", strength: "hard" }]);
    expect(detail.dependents).toEqual([]);

    const byId = JSON.parse((await cli(["resource", "show", db.id, ...ORG, "--json"])).stdout) as ResourceDetail;
    expect(byId.dependents).toEqual([expect.objectContaining({ id: web.id, name: "web-1" })]);
  });

  it("refuses a name two resources share (1), listing their ids, and another organization's resource as unknown (1)", async () => {
    const twins = await cli(["resource", "show", "twin", ...ORG]);
    expect(twins.code).toBe(1);
    expect(twins.stderr).toMatch(/2 resources match "twin"; show one by its id:\n.*arn:twin-a\n.*arn:twin-b/);
    const theirs = await cli(["resource", "show", "secret-box", ...ORG]);
    expect(theirs.code).toBe(1);
    expect(theirs.stderr).toMatch(/acme has no resource with id or name "secret-box"/);
    const missing = await cli(["resource", "show", ...ORG]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/missing required argument 'id\|name'/);
  });
});
