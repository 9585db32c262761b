import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { type AwsEmulator, type AzureEmulator, type GcpEmulator, startAwsEmulator, startAzureEmulator, startGcpEmulator } from "@cloudsync/cloud-emulators";
import { queryRows, userProfiles } from "@cloudsync/db";
import { type TestDatabase, createTestDatabase } from "@cloudsync/db/testing";
import { eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { awsEmulatorCredentials, azureEmulatorCredentials, gcpEmulatorCredentials } from "../src/demo/emulated-credentials.ts";
import { syncDeployments } from "../src/jobs/sync-deployments.ts";
import { syncResources } from "../src/jobs/sync-resources.ts";
import type { SyncDeps } from "../src/jobs/sync-run.ts";
import { silentLogger } from "../src/logger.ts";
import { createAdapter } from "../src/providers/adapters.ts";
import { addProvider, loadProviderForSync } from "../src/providers/registry.ts";
import { generateKey, parseKeyring } from "../src/secrets/keyring.ts";
import { deployedAtOf, deploymentTypeOf, templateVersionOf } from "../src/write/deployments.ts";
import { runCli } from "./fixtures/cli.ts";
import { addOrganization } from "./fixtures/org.ts";

describe("deploymentTypeOf", () => {
  it.each([
    [{ env: "prod" }, "production"],
    [{ Environment: "Staging" }, "staging"],
    [{ stage: "qa" }, "testing"],
    [{ env: "sandbox" }, "development"],
    [{ environment: "DR" }, "disaster_recovery"],
    [{ env: "disaster-recovery" }, "disaster_recovery"],
    [{ environment: "prod", env: "dev" }, "production"],
    [{ env: "blue" }, "development"],
    [{}, "development"],
  ] as const)("%j → %s", (tags, type) => expect(deploymentTypeOf(tags)).toBe(type));
  it.each([
    ["deployed", "2025-02-01T00:00:00Z"],
    ["rolled_back", "2025-02-01T00:00:00Z"],
    ["updating", "2025-01-01T00:00:00Z"],
    ["failed", null],
    ["provisioning", null],
  ] as const)("a %s deployment was deployed at %s", (status, at) =>
    expect(deployedAtOf({ status, createdAt: "2025-01-01T00:00:00Z", updatedAt: "2025-02-01T00:00:00Z" })).toBe(at));
  it("a deployed deployment never updated was deployed when created", () =>
    expect(deployedAtOf({ status: "deployed", createdAt: "2025-01-01T00:00:00Z", updatedAt: null })).toBe("2025-01-01T00:00:00Z"));
  it("versions a template by its hash", () => expect(templateVersionOf("44136fa355b3678a1146ad16f7e8649e")).toBe("sha256:44136fa355b3"));
});

const keyring = parseKeyring(`test:${generateKey()}`);
const dir = mkdtempSync(path.join(tmpdir(), "cloudsync-deployments-"));
let tdb: TestDatabase;
let deps: SyncDeps;
let orgId: string;
let userId: string;
let aws: AwsEmulator;
let azure: AzureEmulator;
let gcp: GcpEmulator;
const providers: Record<"aws" | "azure" | "gcp", string> = { aws: "", azure: "", gcp: "" };

beforeAll(async () => {
  tdb = await createTestDatabase({ prefix: "cloudsync_deployments" });
  orgId = await addOrganization(tdb, { DATABASE_URL: tdb.url }, dir, "stacks-co", "ops@stacks.example");
  [{ id: userId }] = (await tdb.db.select({ id: userProfiles.id }).from(userProfiles).where(eq(userProfiles.organizationId, orgId))) as [{ id: string }];
  deps = {
    db: tdb.db,
    loadProvider: (id) => loadProviderForSync(tdb.db, keyring, id),
    adapterFor: (provider, settings) => createAdapter(provider.credentials, { ...settings, maxAttempts: 2, timeoutMs: 10_000, requestsPerSecond: 1000 }),
    clock: () => new Date(),
    logger: silentLogger(),
  };
  [aws, azure, gcp] = await Promise.all([startAwsEmulator({ seed: 18, size: 160 }), startAzureEmulator({ seed: 18, size: 90, subscriptions: 2 }), startGcpEmulator({ seed: 18, size: 200 })]);
  providers.aws = (await addProvider(tdb.db, keyring, { organizationId: orgId, createdBy: userId, credentials: awsEmulatorCredentials(aws) })).id;
  providers.azure = (await addProvider(tdb.db, keyring, { organizationId: orgId, createdBy: userId, credentials: azureEmulatorCredentials(azure) })).id;
  providers.gcp = (await addProvider(tdb.db, keyring, { organizationId: orgId, createdBy: userId, credentials: gcpEmulatorCredentials(gcp) })).id;
  for (const id of Object.values(providers)) await syncResources(deps, { providerId: id });
}, 120_000);
afterAll(async () => {
  await Promise.all([aws?.close(), azure?.close(), gcp?.close()]);
  await tdb?.drop();
  rmSync(dir, { recursive: true, force: true });
});

/** Deployment → the provider ids of the resources pointing at it, lower-cased. */
async function linksOf(providerId: string): Promise<Map<string, string[]>> {
  const rows = await queryRows<{ cloud_id: string; resource_id: string | null }>(
    tdb.db,
    sql`select d.cloud_deployment_id as cloud_id, lower(r.resource_id) as resource_id
          from infrastructure_deployments d left join cloud_resources r on r.deployment_id = d.id
         where d.provider_id = ${providerId}::uuid order by 1, 2`,
  );
  const out = new Map<string, string[]>();
  for (const r of rows) out.set(r.cloud_id, [...(out.get(r.cloud_id) ?? []), ...(r.resource_id ? [r.resource_id] : [])]);
  return out;
}

describe.each([
  {
    cloud: "aws" as const,
    expected: () => aws.expectedStacks().map((s) => ({ id: s.stackId, resources: s.resourceIds, notInventoried: s.notInventoried, template: s.templateName, tags: s.tags })),
    format: "cloudformation",
  },
  {
    cloud: "azure" as const,
    expected: () => azure.expectedDeployments().map((d) => ({ id: d.deploymentId, resources: d.resourceIds, notInventoried: d.notInventoried, template: d.templateName, tags: d.tags })),
    format: "arm",
  },
  {
    cloud: "gcp" as const,
    expected: () => gcp.expectedDeployments().map((d) => ({ id: d.name, resources: d.resourceIds, notInventoried: d.notInventoried, template: d.blueprint, tags: d.labels })),
    format: "terraform",
  },
])("$cloud deployments", ({ cloud, expected, format }) => {
  it("writes every deployment with its template and links exactly the resources it created", async () => {
    const summary = await syncDeployments(deps, { providerId: providers[cloud] });
    expect(summary.errors).toEqual([]);
    const want = expected();
    expect(want.length).toBeGreaterThan(2);
    expect(summary.written).toMatchObject({ inserted: want.length, updated: 0, unlinked: 0 });
    expect(summary.written.notInventoried).toBe(want.reduce((n, d) => n + d.notInventoried, 0));
    expect(summary.written.templatesCreated).toBe(new Set(want.map((d) => d.template)).size);
    // The run is recorded in sync_runs with the deployments' own counts, and no other kind's.
    const [run] = await queryRows<{ kind: string; status: string; deployments_inserted: number; deployments_updated: number; deployment_resources_linked: number; inserted_count: number | null }>(
      tdb.db,
      sql`select kind, status, deployments_inserted, deployments_updated, deployment_resources_linked, inserted_count from sync_runs where id = ${summary.runId}::uuid`,
    );
    expect(run).toEqual({
      kind: "deployments",
      status: "succeeded",
      deployments_inserted: want.length,
      deployments_updated: 0,
      deployment_resources_linked: summary.written.linked,
      inserted_count: null,
    });
    const links = await linksOf(providers[cloud]);
    for (const d of want) expect(links.get(d.id), d.id).toEqual(d.resources.map((id) => id.toLowerCase()).sort());
    const rows = await queryRows<{ cloud_deployment_id: string; deployment_type: string; template_format: string; template_version: string }>(
      tdb.db,
      sql`select d.cloud_deployment_id, d.deployment_type, t.template_format, t.template_version
            from infrastructure_deployments d join infrastructure_templates t on t.id = d.template_id
           where d.provider_id = ${providers[cloud]}::uuid`,
    );
    expect(new Set(rows.map((r) => r.template_format))).toEqual(new Set([format]));
    const typeOf = new Map(rows.map((r) => [r.cloud_deployment_id, r.deployment_type]));
    for (const d of want) expect(typeOf.get(d.id)).toBe(deploymentTypeOf(d.tags));
  });

  it("is idempotent: a second sync updates the same rows, creates no template and links the same resources", async () => {
    const before = await linksOf(providers[cloud]);
    const again = await syncDeployments(deps, { providerId: providers[cloud] });
    expect(again.written).toMatchObject({ inserted: 0, updated: expected().length, templatesCreated: 0, unlinked: 0 });
    expect(again.counts).toEqual({ kind: "deployments", deploymentsInserted: 0, deploymentsUpdated: expected().length, resourcesLinked: again.written.linked });
    expect(again.written.linked).toBe([...before.values()].reduce((n, ids) => n + ids.length, 0));
    expect(await linksOf(providers[cloud])).toEqual(before);
  });
});

describe("links that stop being true", () => {
  it("unlinks a resource that points at a deployment which no longer lists it", async () => {
    const [stray] = await queryRows<{ id: string }>(
      tdb.db,
      sql`select id from cloud_resources where provider_id = ${providers.aws}::uuid and deployment_id is null limit 1`,
    );
    const [deployment] = await queryRows<{ id: string }>(tdb.db, sql`select id from infrastructure_deployments where provider_id = ${providers.aws}::uuid limit 1`);
    await tdb.db.execute(sql`update cloud_resources set deployment_id = ${deployment!.id}::uuid where id = ${stray!.id}::uuid`);
    const summary = await syncDeployments(deps, { providerId: providers.aws });
    expect(summary.written.unlinked).toBe(1);
    const [after] = await queryRows<{ deployment_id: string | null }>(tdb.db, sql`select deployment_id from cloud_resources where id = ${stray!.id}::uuid`);
    expect(after!.deployment_id).toBeNull();
  });
});

describe("deployment list shows the synced rows", () => {
  it("lists every synced deployment with its live linked resources", async () => {
    const r = await runCli(["deployment", "list", "--org", "stacks-co", "--owner-email", "ops@stacks.example", "--json"], { DATABASE_URL: tdb.url }, dir);
    expect(r.stderr).toBe("");
    const rows = JSON.parse(r.stdout) as { name: string; liveResources: number; template: string }[];
    expect(rows.length).toBe(aws.expectedStacks().length + azure.expectedDeployments().length + gcp.expectedDeployments().length);
    const [live] = await queryRows<{ n: number }>(
      tdb.db,
      sql`select count(*)::int as n from cloud_resources where organization_id = ${orgId}::uuid and deployment_id is not null and terminated_at is null`,
    );
    expect(rows.reduce((n, x) => n + x.liveResources, 0)).toBe(live!.n);
    expect(live!.n).toBeGreaterThan(5);
  });
});
