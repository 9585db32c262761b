import { type GcpEmulator, startGcpEmulator } from "@cloudsync/cloud-emulators";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { DeploymentEvent, NormalizedDeployment } from "../src/deployments/types.ts";
import { inventoryTargetOf, normalizeImDeployment } from "../src/gcp/deployments.ts";
import { createGcpAdapter } from "../src/gcp/index.ts";

describe("Infra Manager normalizing", () => {
  it.each([
    ["a Compute instance by its self link", "//compute.googleapis.com/projects/p/zones/us-central1-a/instances/vm", { resourceId: "https://www.googleapis.com/compute/v1/projects/p/zones/us-central1-a/instances/vm", targetKey: "selfLink" }],
    ["a global network by its self link", "//compute.googleapis.com/projects/p/global/networks/n", { resourceId: "https://www.googleapis.com/compute/v1/projects/p/global/networks/n", targetKey: "selfLink" }],
    ["a bucket by its name", "//storage.googleapis.com/photos", { resourceId: "photos" }],
    ["a Cloud SQL instance by its full name", "//sqladmin.googleapis.com/projects/p/instances/db", { resourceId: "//sqladmin.googleapis.com/projects/p/instances/db" }],
  ])("%s", (_name, full, expected) => expect(inventoryTargetOf(full)).toEqual(expected));

  const raw = {
    name: "projects/p/locations/europe-west1/deployments/net",
    state: "FAILED",
    stateDetail: "apply failed",
    labels: { env: "prod" },
    createTime: "2025-01-01T00:00:00Z",
    updateTime: "2025-01-02T00:00:00Z",
    latestRevision: "projects/p/locations/europe-west1/deployments/net/revisions/r-2",
    terraformBlueprint: { gcsSource: "gs://b/net.tgz", inputValues: { region: { inputValue: "europe-west1" }, count: { inputValue: 2 }, unset: {} } },
  };
  const got = normalizeImDeployment(raw, [{ terraformInfo: { address: "google_storage_bucket.b", type: "google_storage_bucket" }, caiAssets: { "storage.googleapis.com/Bucket": { fullResourceName: "//storage.googleapis.com/b" } } }, { terraformInfo: { address: "x" } }], "p");
  it("takes name, location and state from the resource name and state", () =>
    expect([got.name, got.regionCode, got.status, got.cloudStatus, got.statusReason]).toEqual(["net", "europe-west1", "failed", "FAILED", "apply failed"]));
  it("keeps input values as parameters and the blueprint source as the template", () => {
    expect(got.parameters).toEqual({ region: "europe-west1", count: "2" });
    expect(JSON.parse(got.template.body)).toEqual({ gcsSource: "gs://b/net.tgz" });
    expect(got.template.format).toBe("terraform");
  });
  it("lists resources that have a Cloud Asset name", () => expect(got.resources).toEqual([{ resourceId: "b", type: "google_storage_bucket", logicalId: "google_storage_bucket.b" }]));
});

describe("GCP Infrastructure Manager deployments through the emulator", () => {
  let emu: GcpEmulator;
  const adapter = () =>
    createGcpAdapter({
      credentials: { serviceAccountKey: emu.serviceAccountKey },
      projects: emu.projects,
      endpoint: emu.url,
      maxAttempts: 2,
      retryDelayMs: 5,
      timeoutMs: 5_000,
      requestsPerSecond: 10_000,
    });
  async function collect(): Promise<DeploymentEvent[]> {
    const a = adapter();
    const events: DeploymentEvent[] = [];
    try {
      for await (const e of a.streamDeployments()) events.push(e);
    } finally {
      await a.close();
    }
    return events;
  }
  const deploymentsOf = (events: DeploymentEvent[]): NormalizedDeployment[] => events.flatMap((e) => (e.type === "deployment_page" ? e.deployments : []));

  beforeAll(async () => {
    emu = await startGcpEmulator({ seed: 18, size: 240 });
  });
  afterEach(() => emu.faults.clear());
  afterAll(() => emu.close());

  it("reads every deployment of every project, following nextPageToken, with the resources of its latest revision", async () => {
    const events = await collect();
    expect(events.filter((e) => e.type === "scope_failed")).toEqual([]);
    const got = new Map(deploymentsOf(events).map((d) => [d.deploymentId, d]));
    const expected = emu.expectedDeployments();
    expect(expected.length).toBeGreaterThan(3);
    expect(got.size).toBe(expected.length);
    const inventory = new Map([...emu.expected()].map((r) => [r.resourceId, r]));
    for (const x of expected) {
      const d = got.get(x.name);
      expect([d?.cloudStatus, d?.regionCode, d?.account, d?.tags, d?.parameters], x.name).toEqual([x.state, x.location, x.project, x.labels, x.inputValues]);
      expect(d?.resources.length).toBe(x.resourceIds.length + x.notInventoried);
      // Each resource the emulator made it from is named so the inventory can find it.
      for (const [i, id] of x.resourceIds.entries()) expect(inventory.has(id) || d?.resources[i]?.targetKey === "selfLink", id).toBe(true);
    }
  });

  it("fails only the project whose listing keeps failing, saying what to do", async () => {
    const [bad] = emu.projects;
    emu.faults.set({ serverErrors: 10, match: `${bad}/locations/-/deployments` });
    const events = await collect();
    const failed = events.filter((e) => e.type === "scope_failed");
    expect(failed.map((e) => e.scope.account)).toEqual([bad]);
    expect(failed[0]?.type === "scope_failed" && failed[0].error.message).toMatch(/locations\/-\/deployments in GCP project .* kept failing .* try again later/);
    expect(events.filter((e) => e.type === "scope_completed").length).toBe(emu.projects.length - 1);
  });
});
