import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { cloudResources, infrastructureDeployments, infrastructureTemplates } from "@cloudsync/db";
import { type TestDatabase, createTestDatabase } from "@cloudsync/db/testing";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli } from "./fixtures/cli.ts";
import { addOrganization, addProviderAndRegion, addResource } from "./fixtures/org.ts";

const dir = mkdtempSync(path.join(tmpdir(), "cloudsync-deployment-"));
let tdb: TestDatabase;
let env: Record<string, string>;
const cli = (args: string[]) => runCli(args, env, dir);
const ORG = ["--org", "acme", "--owner-email", "ops@acme.example"];
const ids: Record<string, string> = {};

async function addDeployment(organizationId: string, ownerId: string, name: string, deploymentStatus: "deployed" | "failed", createdAt: Date) {
  const [template] = await tdb.db
    .insert(infrastructureTemplates)
    .values({ organizationId, templateName: `${name}-stack`, templateType: "application", infrastructureCode: "resource {}", createdBy: ownerId })
    .returning();
  const [row] = await tdb.db
    .insert(infrastructureDeployments)
    .values({
      organizationId,
      deploymentName: name,
      deploymentType: "production",
      templateId: template!.id,
      targetProviders: [],
      deploymentStatus,
      createdBy: ownerId,
      createdAt,
      deploymentProgress: { current_stage: "apply", total_stages: 4, completed_stages: deploymentStatus === "deployed" ? 4 : 2, estimated_completion: null, stage_details: [] },
    })
    .returning();
  ids[name] = row!.id;
  return row!;
}

beforeAll(async () => {
  tdb = await createTestDatabase({ prefix: "cloudsync_cli_deployment" });
  env = { DATABASE_URL: tdb.url };
  const acme = await addOrganization(tdb, env, dir, "acme", "ops@acme.example");
  const other = await addOrganization(tdb, env, dir, "other", "ops@other.example");
  const at = await addProviderAndRegion(tdb, acme);
  const shop = await addDeployment(acme, at.ownerId, "shop", "deployed", new Date("2026-01-02T00:00:00Z"));
  await addDeployment(acme, at.ownerId, "blog", "failed", new Date("2026-01-03T00:00:00Z"));
  await addDeployment(other, (await addProviderAndRegion(tdb, other)).ownerId, "theirs", "deployed", new Date("2026-01-04T00:00:00Z"));
  for (const name of ["web-1", "web-2", "gone"]) {
    const r = await addResource(tdb, acme, at, name);
    await tdb.db.update(cloudResources).set({ deploymentId: shop.id, ...(name === "gone" ? { terminatedAt: new Date() } : {}) }).where(eq(cloudResources.id, r.id));
  }
});
afterAll(async () => {
  await tdb?.drop();
  rmSync(dir, { recursive: true, force: true });
});

describe("deployment list", () => {
  it("lists the organization's deployments newest first with stages and live resources", async () => {
    const json = await cli(["deployment", "list", ...ORG, "--json"]);
    expect(json.stderr).toBe("");
    const rows = JSON.parse(json.stdout) as { id: string; liveResources: number; template: string }[];
    expect(rows.map((r) => r.id)).toEqual([ids.blog, ids.shop]);
    expect(rows[1]).toMatchObject({ liveResources: 2, template: "shop-stack" });
    const table = await cli(["deployment", "list", ...ORG, "--status", "failed"]);
    expect(table.stdout).toMatch(/^id\s+name\s+type\s+status\s+stages/);
    expect(table.stdout).toMatch(/blog\s+production\s+failed\s+2\/4/);
    expect(table.stdout).not.toContain("shop");
  });

  it("refuses an unknown status or a slug without its owner as usage (2)", async () => {
    const status = await cli(["deployment", "list", ...ORG, "--status", "done"]);
    expect(status.code).toBe(2);
    expect(status.stderr).toMatch(/Allowed choices are all, pending/);
    const slug = await cli(["deployment", "list", "--org", "acme"]);
    expect(slug.code).toBe(2);
    const none = await cli(["deployment", "list", "--org", "nobody", "--owner-email", "x@y.example"]);
    expect(none.code).toBe(1);
    expect(none.stderr).toMatch(/no organization matches --org "nobody"/);
  });
});
