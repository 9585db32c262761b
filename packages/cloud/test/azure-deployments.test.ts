import { type AzureEmulator, startAzureEmulator } from "@cloudsync/cloud-emulators";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { armTypeOf, isoDurationSeconds, normalizeArmDeployment } from "../src/azure/deployments.ts";
import { createAzureAdapter } from "../src/azure/index.ts";
import type { DeploymentEvent, NormalizedDeployment } from "../src/deployments/types.ts";

describe("ARM deployment normalizing", () => {
  it.each([
    ["PT22.8356799S", 23],
    ["PT1M2.5S", 63],
    ["PT2H", 7200],
    ["P1DT1S", 86_401],
    ["PT", null],
    ["22 seconds", null],
    [undefined, null],
  ])("duration %s is %s seconds", (text, seconds) => expect(isoDurationSeconds(text)).toBe(seconds));

  it.each([
    ["/subscriptions/s/resourceGroups/rg/providers/Microsoft.Compute/virtualMachines/vm1", "Microsoft.Compute/virtualMachines"],
    ["/subscriptions/s/resourceGroups/rg/providers/Microsoft.Sql/servers/s1/databases/d1", "Microsoft.Sql/servers/databases"],
    ["/subscriptions/s/resourceGroups/rg", ""],
  ])("type of %s", (id, type) => expect(armTypeOf(id)).toBe(type));

  const raw = {
    id: "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Resources/deployments/web",
    name: "web",
    tags: { env: "prod" },
    properties: {
      provisioningState: "Failed",
      timestamp: "2025-03-04T05:06:07.123Z",
      duration: "PT1M",
      parameters: { env: { type: "String", value: "prod" }, count: { type: "Int", value: 3 }, password: { type: "SecureString" } },
      outputResources: [{ id: "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Web/sites/app" }, {}],
      error: { code: "DeploymentFailed", message: "At least one resource deployment operation failed." },
    },
  };
  const got = normalizeArmDeployment(raw, { metadata: { description: "Web" }, resources: [] }, { account: "s", region: "westeurope" });
  it("maps the state and keeps ARM's error as the reason", () =>
    expect([got.status, got.cloudStatus, got.statusReason]).toEqual(["failed", "Failed", "At least one resource deployment operation failed."]));
  it("keeps parameter values, never a secure parameter", () => expect(got.parameters).toEqual({ env: "prod", count: "3" }));
  it("lists output resources that have an id", () => expect(got.resources).toEqual([{ resourceId: "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Web/sites/app", type: "Microsoft.Web/sites", logicalId: null }]));
  it("takes the last run's time and length", () => expect([got.createdAt, got.updatedAt, got.durationSeconds]).toEqual([null, "2025-03-04T05:06:07.123Z", 60]));
  it("keeps the template as ARM format with its description", () => expect([got.template.format, got.template.description]).toEqual(["arm", "Web"]));
});

describe("Azure resource-group deployments through the emulator", () => {
  let emu: AzureEmulator;
  const adapter = () =>
    createAzureAdapter({
      credentials: { tenantId: emu.tenantId, clientId: emu.clientId, clientSecret: emu.clientSecret, authorityHost: emu.authorityHost },
      subscriptions: emu.subscriptions,
      endpoint: emu.endpoint,
      caCertificate: emu.caCertificate,
      maxAttempts: 2,
      retryDelayInMs: 1,
    });
  async function collect(): Promise<DeploymentEvent[]> {
    const events: DeploymentEvent[] = [];
    for await (const e of adapter().streamDeployments()) events.push(e);
    return events;
  }
  const deploymentsOf = (events: DeploymentEvent[]): NormalizedDeployment[] => events.flatMap((e) => (e.type === "deployment_page" ? e.deployments : []));

  beforeAll(async () => {
    emu = await startAzureEmulator({ seed: "deploys", size: 120, subscriptions: 2 });
  });
  afterEach(() => emu.faults.clear());
  afterAll(() => emu.close());

  it("reads every deployment of every resource group, following nextLink, with the resources it created", async () => {
    const events = await collect();
    expect(events.filter((e) => e.type === "scope_failed")).toEqual([]);
    expect(events.filter((e) => e.type === "scope_completed").map((e) => e.scope.account).sort()).toEqual([...emu.subscriptions].sort());
    const got = new Map(deploymentsOf(events).map((d) => [d.deploymentId, d]));
    const expected = emu.expectedDeployments();
    expect(expected.length).toBeGreaterThan(3);
    expect(got.size).toBe(expected.length);
    for (const x of expected) {
      const d = got.get(x.deploymentId);
      expect([d?.name, d?.cloudStatus, d?.regionCode, d?.account], x.deploymentId).toEqual([x.name, x.provisioningState, x.location, x.subscriptionId]);
      expect(d?.tags).toEqual(x.tags);
      expect(d?.parameters).toEqual(x.parameters);
      // ARM ids are case-insensitive and a deployment spells its resource group its own way.
      const ids = (d?.resources ?? []).map((r) => r.resourceId.toLowerCase());
      expect(ids.slice(0, x.resourceIds.length)).toEqual(x.resourceIds.map((id) => id.toLowerCase()));
      expect(ids.length).toBe(x.resourceIds.length + x.notInventoried);
    }
    const byTemplate = new Map<string, Set<string>>();
    for (const x of expected) byTemplate.set(x.templateName, (byTemplate.get(x.templateName) ?? new Set()).add(got.get(x.deploymentId)?.template.contentHash ?? ""));
    for (const hashes of byTemplate.values()) expect(hashes.size).toBe(1);
  });

  it("fails the subscription whose deployment listing keeps failing, and reads the others", async () => {
    const [bad] = emu.subscriptions;
    emu.faults.set({ serverErrors: 20, match: `deployments.listByResourceGroup /subscriptions/${bad}/` });
    const events = await collect();
    const failed = events.filter((e) => e.type === "scope_failed");
    expect(failed.map((e) => e.scope.account)).toEqual([bad]);
    expect(failed[0]?.type === "scope_failed" && failed[0].error.message).toMatch(/deployments\.listByResourceGroup/);
    expect(events.filter((e) => e.type === "scope_completed").map((e) => e.scope.account)).toEqual(emu.subscriptions.filter((s) => s !== bad));
  });
});
