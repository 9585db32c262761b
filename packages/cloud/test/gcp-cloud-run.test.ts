import { type GcpEmulator, startGcpEmulator } from "@cloudsync/cloud-emulators";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MalformedItemError } from "../src/errors.ts";
import { createGcpAdapter, type GcpAdapterConfig } from "../src/gcp/index.ts";
import { cloudRunStatus, normalizeCloudRunService } from "../src/gcp/kinds/cloud-run-services.ts";
import { cloudRunServiceName } from "../src/gcp/metric-table.ts";
import { cloudRunSize, cpuCount } from "../src/gcp/sizes.ts";
import type { InventoryEvent, NormalizedResource, SizeCategory } from "../src/types.ts";

/** Cloud Run services (Admin API v2): the pure rules, then the kind over the SDK's auth client against the emulator. */

describe("Cloud Run terminal condition → status", () => {
  it.each<[string | null, boolean, string | null]>([
    ["CONDITION_SUCCEEDED", true, "running"],
    ["CONDITION_FAILED", true, "error"],
    // A rollout in progress still serves the last ready revision.
    ["CONDITION_RECONCILING", true, "running"],
    ["CONDITION_PENDING", true, "running"],
    // A first deployment, nothing ready yet.
    ["CONDITION_PENDING", false, "provisioning"],
    ["CONDITION_RECONCILING", false, "provisioning"],
    ["STATE_UNSPECIFIED", true, null],
    [null, true, null],
  ])("%s with a ready revision: %s → %s", (state, ready, expected) => {
    expect(cloudRunStatus(state, ready)).toBe(expected);
  });
});

describe("Cloud Run size from the containers' limits", () => {
  it.each<[string, string | null]>([
    ["1", "1"],
    ["2", "2"],
    ["0.5", "0.5"],
    ["1000m", "1"],
    ["500m", "0.5"],
    ["two", null],
    ["", null],
  ])("cpu %s → %s vCPU", (cpu, expected) => {
    expect(cpuCount(cpu)).toBe(expected === null ? null : Number(expected));
  });

  it.each<[string, { cpu?: string | null; memory?: string | null }[], SizeCategory]>([
    // Cloud Run's defaults, 1 vCPU and 512 MiB: both columns say small.
    ["no limits (the defaults)", [{}], "small"],
    ["1 vCPU, 512Mi", [{ cpu: "1", memory: "512Mi" }], "small"],
    // 0.5 vCPU → micro; 256 MiB → micro.
    ["0.5 vCPU, 256Mi", [{ cpu: "0.5", memory: "256Mi" }], "micro"],
    // 1 vCPU → small, but 2 GiB → medium: the larger wins.
    ["1 vCPU, 2Gi", [{ cpu: "1", memory: "2Gi" }], "medium"],
    ["2 vCPU, 1Gi", [{ cpu: "2", memory: "1Gi" }], "medium"],
    ["4 vCPU, 8Gi", [{ cpu: "4", memory: "8Gi" }], "large"],
    ["8 vCPU, 32Gi", [{ cpu: "8", memory: "32Gi" }], "xlarge"],
    // Main 2 vCPU + sidecar 1 vCPU (default) = 3 vCPU → large; 1Gi + 512Mi = 1.5 GiB → medium.
    ["a sidecar adds its share", [{ cpu: "2", memory: "1Gi" }, { memory: "512Mi" }], "large"],
    // 6 GB (powers of 1000) = 5,722 MiB → large; 1 vCPU → small.
    ["memory in G", [{ cpu: "1", memory: "6G" }], "large"],
    ["an unreadable limit", [{ cpu: "lots" }], "custom"],
    ["no containers", [], "custom"],
  ])("%s → %s", (_name, containers, expected) => {
    expect(cloudRunSize(containers)).toBe(expected);
  });
});

describe("normalizeCloudRunService", () => {
  const service = {
    name: "projects/acme-prod/locations/europe-west1/services/rsvp-api",
    uid: "5b1e0c1a-0b1b-4e55-9a51-9d3f2f0a8c11",
    generation: "7",
    labels: { env: "prod", "wedding-critical": "true", team: "guests" },
    createTime: "2026-03-01T10:00:00.123456Z",
    updateTime: "2026-11-20T08:00:00Z",
    ingress: "INGRESS_TRAFFIC_INTERNAL_LOAD_BALANCER",
    template: {
      scaling: { minInstanceCount: 1, maxInstanceCount: 20 },
      containers: [{ image: "europe-west1-docker.pkg.dev/acme-prod/apps/rsvp:v7", resources: { limits: { cpu: "2", memory: "1Gi" } } }],
    },
    terminalCondition: { type: "Ready", state: "CONDITION_SUCCEEDED" },
    latestReadyRevision: "projects/acme-prod/locations/europe-west1/services/rsvp-api/revisions/rsvp-api-00007-x2k",
    uri: "https://rsvp-api-abc123-ew.a.run.app",
  };

  it("keeps the full name as id, the location as region, labels as tags, and the item as configuration", () => {
    const r = normalizeCloudRunService(service, "acme-prod");
    expect(r).toMatchObject({
      cloud: "gcp",
      account: "acme-prod",
      regionCode: "europe-west1",
      kind: "cloud_run_service",
      resourceId: "projects/acme-prod/locations/europe-west1/services/rsvp-api",
      name: "rsvp-api",
      resourceType: "compute",
      status: "running",
      sizeCategory: "medium",
      tags: { env: "prod", "wedding-critical": "true", team: "guests" },
      providerCreatedAt: "2026-03-01T10:00:00.123Z",
    });
    // The fields other teams query stay where the API puts them.
    expect(r.configuration).toMatchObject({
      uri: "https://rsvp-api-abc123-ew.a.run.app",
      ingress: "INGRESS_TRAFFIC_INTERNAL_LOAD_BALANCER",
      latestReadyRevision: service.latestReadyRevision,
      template: { scaling: { minInstanceCount: 1, maxInstanceCount: 20 }, containers: [{ image: "europe-west1-docker.pkg.dev/acme-prod/apps/rsvp:v7" }] },
    });
  });

  it.each<[string, Record<string, unknown>, RegExp]>([
    ["without a full name", { ...service, name: "rsvp-api" }, /full name/],
    ["without a terminal condition", { ...service, terminalCondition: undefined }, /unknown terminal condition \(none\)/],
    ["with an unspecified condition", { ...service, terminalCondition: { state: "STATE_UNSPECIFIED" } }, /STATE_UNSPECIFIED/],
  ])("skips a service %s", (_name, item, reason) => {
    expect(() => normalizeCloudRunService(item, "acme-prod")).toThrow(MalformedItemError);
    expect(() => normalizeCloudRunService(item, "acme-prod")).toThrow(reason);
  });

  it("names the service in Cloud Monitoring by its short name", () => {
    expect(cloudRunServiceName(service.name)).toBe("rsvp-api");
    expect(cloudRunServiceName("projects/p/locations/l/functions/f")).toBeNull();
  });
});

describe("Cloud Run services against the emulator", () => {
  let emu: GcpEmulator;
  beforeAll(async () => {
    emu = await startGcpEmulator({ seed: "cloud-run", size: 400 });
  });
  afterAll(async () => {
    await emu?.close();
  });

  const adapterFor = (overrides: Partial<GcpAdapterConfig> = {}) =>
    createGcpAdapter({
      credentials: { serviceAccountKey: emu.serviceAccountKey },
      projects: emu.projects,
      endpoint: emu.url,
      pageSize: 2,
      maxAttempts: 3,
      retryDelayMs: 5,
      timeoutMs: 5_000,
      requestsPerSecond: 10_000,
      kinds: ["cloud_run_service"],
      ...overrides,
    });

  async function collect(overrides: Partial<GcpAdapterConfig> = {}) {
    const adapter = adapterFor(overrides);
    const events: InventoryEvent[] = [];
    try {
      for await (const event of adapter.streamResources()) events.push(event);
    } finally {
      await adapter.close();
    }
    return {
      resources: events.flatMap((e) => (e.type === "page" ? e.resources : [])) as NormalizedResource[],
      completed: events.flatMap((e) => (e.type === "scope_completed" ? [e.scope] : [])),
      failed: events.flatMap((e) => (e.type === "scope_failed" ? [e] : [])),
    };
  }

  const expectedServices = () => [...emu.expected()].filter((e) => e.kind === "cloud_run_service");

  it("lists every region Cloud Run serves, page by page, as one scope `*` per project", async () => {
    const expected = expectedServices();
    // The estate has services in more than one region, so the walk over regions is exercised.
    expect(new Set(expected.map((e) => e.region)).size).toBeGreaterThan(1);
    const before = emu.requestCount("locations/");
    const got = await collect();
    expect(got.failed).toEqual([]);
    expect(got.completed.map((s) => `${s.account}|${s.region}|${s.kind}`).sort()).toEqual(emu.projects.map((p) => `${p}|*|cloud_run_service`).sort());
    expect(got.resources.map((r) => r.resourceId).sort()).toEqual(expected.map((e) => e.resourceId).sort());
    const byId = new Map(got.resources.map((r) => [r.resourceId, r]));
    for (const e of expected) {
      expect(byId.get(e.resourceId)).toMatchObject({ account: e.account, regionCode: e.region, name: e.name, status: e.status, tags: e.tags });
    }
    // Pages of 2 were followed: more service-list requests than regions with services.
    expect(emu.requestCount("locations/") - before).toBeGreaterThan(new Set(expected.map((e) => `${e.account}|${e.region}`)).size);
  });

  it("reads one scope per asked region when the provider limits regions", async () => {
    const region = expectedServices()[0]?.region as string;
    const got = await collect({ regions: [region, "asia-northeast1"] });
    expect(got.failed).toEqual([]);
    expect(new Set(got.completed.map((s) => s.region))).toEqual(new Set([region, "asia-northeast1"]));
    const expected = expectedServices().filter((e) => e.region === region || e.region === "asia-northeast1");
    expect(got.resources.map((r) => r.resourceId).sort()).toEqual(expected.map((e) => e.resourceId).sort());
    for (const r of got.resources) {
      const scope = got.completed.find((s) => s.account === r.account && s.region === r.regionCode);
      expect(scope).toBeDefined();
    }
  });

  it("retries a throttled service list and still completes", async () => {
    emu.faults.set({ throttle: 2, match: "/services" });
    try {
      const got = await collect({ projects: [emu.projects[0] as string] });
      expect(got.failed).toEqual([]);
      expect(emu.faults.plan.throttle).toBe(0);
      expect(got.resources.length).toBe(expectedServices().filter((e) => e.account === emu.projects[0]).length);
    } finally {
      emu.faults.clear();
    }
  });

  it("skips a malformed service, saying why, and keeps the rest", async () => {
    const [broken] = expectedServices();
    if (!broken) throw new Error("the estate has no Cloud Run service");
    emu.faults.set({ malformedItemIds: [broken.resourceId] });
    const adapter = adapterFor({ projects: [broken.account] });
    const skipped: string[] = [];
    let read = 0;
    try {
      for await (const event of adapter.streamResources()) {
        if (event.type === "item_skipped") skipped.push(`${event.itemId}: ${event.reason}`);
        if (event.type === "page") read += event.resources.length;
      }
    } finally {
      emu.faults.clear();
      await adapter.close();
    }
    expect(skipped).toEqual([expect.stringMatching(new RegExp(`^${broken.resourceId}: .*terminal condition`))]);
    expect(read).toBe(expectedServices().filter((e) => e.account === broken.account).length - 1);
  });
});
