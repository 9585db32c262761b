import { generateKeyPairSync } from "node:crypto";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { type GcpEmulator, startGcpEmulator } from "@cloudsync/cloud-emulators";
import { CloudError, CredentialsRejectedError, ThrottledError } from "../src/errors.ts";
import { createGcpAdapter, type GcpAdapter, type GcpAdapterConfig, gcpScopeKinds } from "../src/gcp/index.ts";
import type { InventoryEvent, NormalizedResource, ScopeRef } from "../src/types.ts";

type Failed = Extract<InventoryEvent, { type: "scope_failed" }>;

function adapterFor(emu: GcpEmulator, overrides: Partial<GcpAdapterConfig> = {}): GcpAdapter {
  return createGcpAdapter({
    credentials: { serviceAccountKey: emu.serviceAccountKey },
    projects: emu.projects,
    endpoint: emu.url,
    pageSize: 7,
    maxAttempts: 3,
    retryDelayMs: 5,
    timeoutMs: 5_000,
    requestsPerSecond: 10_000,
    concurrency: 4,
    ...overrides,
  });
}

async function collect(adapter: GcpAdapter, kinds?: readonly string[]): Promise<InventoryEvent[]> {
  const events: InventoryEvent[] = [];
  for await (const event of adapter.streamResources(kinds ? { kinds } : {})) events.push(event);
  return events;
}

const resourcesOf = (events: InventoryEvent[]): NormalizedResource[] =>
  events.flatMap((e) => (e.type === "page" ? e.resources : []));
const key = (s: ScopeRef) => `${s.account}|${s.region}|${s.kind}`;
const ends = (events: InventoryEvent[]) => events.filter((e) => e.type === "scope_completed" || e.type === "scope_failed");
const failures = (events: InventoryEvent[]) => events.filter((e): e is Failed => e.type === "scope_failed");

describe("GCP adapter against the emulator", () => {
  let emu: GcpEmulator;
  const adapters: GcpAdapter[] = [];
  const make = (overrides: Partial<GcpAdapterConfig> = {}) => {
    const adapter = adapterFor(emu, overrides);
    adapters.push(adapter);
    return adapter;
  };

  beforeAll(async () => {
    emu = await startGcpEmulator({ seed: 42, size: 240 });
  });
  afterEach(async () => {
    emu.faults.clear();
    await Promise.all(adapters.splice(0).map((a) => a.close()));
  });
  afterAll(async () => {
    await emu.close();
  });

  it("streams every resource exactly once, normalized as the emulator expects, and completes every scope", async () => {
    const adapter = make();
    const events = await collect(adapter);
    const resources = resourcesOf(events);
    const expected = Array.from(emu.expected());
    expect(expected.length).toBe(240);
    // The network kinds arrive with their tags; a few addresses are marked wedding-critical.
    expect(expected.some((e) => e.kind === "gcp_address" && e.tags["wedding-critical"] === "true")).toBe(true);

    const ids = resources.map((r) => r.resourceId);
    expect(new Set(ids).size).toBe(ids.length);
    const byId = new Map(resources.map((r) => [r.resourceId, r]));
    expect([...byId.keys()].sort()).toEqual(expected.map((e) => e.resourceId).sort());
    for (const e of expected) {
      expect(byId.get(e.resourceId)).toMatchObject({
        cloud: "gcp",
        account: e.account,
        regionCode: e.region,
        kind: e.kind,
        name: e.name,
        status: e.status,
        tags: e.tags,
      });
    }
    // Odd-but-valid states arrive with their seed meaning (TERMINATED is stopped, not gone).
    const terminated = expected.filter((e) => e.providerStatus === "TERMINATED");
    expect(terminated.length).toBeGreaterThan(0);
    for (const e of terminated) expect(byId.get(e.resourceId)?.status).toBe("stopped");

    for (const page of events.filter((e) => e.type === "page")) {
      expect(page.resources.length).toBeGreaterThan(0);
      expect(page.resources.length).toBeLessThanOrEqual(7);
      // The catch-all's scope (`*`) holds whatever kinds it derives; every other scope one kind.
      for (const r of page.resources) expect([r.account, page.scope.kind === "*" ? "*" : r.kind]).toEqual([page.scope.account, page.scope.kind]);
    }

    // Global collections are one `global` scope; aggregated lists one `*` scope.
    const globalKinds = new Set(["gcp_network", "gcp_global_forwarding_rule", "gcp_firewall"]);
    // Several projects, each kind its own scope, each reported exactly once and after its pages.
    const expectedScopes = emu.projects.flatMap((p) =>
      gcpScopeKinds.map((kind) => `${p}|${globalKinds.has(kind) ? "global" : "*"}|${kind}`),
    );
    expect(emu.projects.length).toBeGreaterThanOrEqual(2);
    expect(ends(events).map((e) => key(e.scope)).sort()).toEqual(expectedScopes.sort());
    expect(failures(events)).toEqual([]);
    for (const end of ends(events)) {
      const lastPage = events.findLastIndex((e) => e.type === "page" && key(e.scope) === key(end.scope));
      expect(lastPage).toBeLessThan(events.indexOf(end));
      if (end.type === "scope_completed") {
        const inScope = end.scope.kind === "*" ? (r: NormalizedResource) => !gcpScopeKinds.includes(r.kind) : (r: NormalizedResource) => r.kind === end.scope.kind;
        expect(end.resourceCount).toBe(resources.filter((r) => r.account === end.scope.account && inScope(r)).length);
      }
    }
  });

  it("asks the rate limiter before every page request, keyed by project and API", async () => {
    const keys: string[] = [];
    const rateLimiter = { acquire: async (k: string) => void keys.push(k) };
    const project = emu.projects[0] as string;
    const before = emu.requestCount(`${project}/aggregated/instances`);
    const events = await collect(make({ rateLimiter, projects: [project] }), ["gce_instance"]);
    expect(failures(events)).toEqual([]);
    const requests = emu.requestCount(`${project}/aggregated/instances`) - before;
    expect(requests).toBeGreaterThan(1);
    expect(keys.filter((k) => k === `${project}/aggregated/instances`)).toHaveLength(requests);
  });

  it("lists regions from the API, enriched by the catalog, keeping regions the catalog does not know", async () => {
    const regions = await make().listRegions();
    const iowa = regions.find((r) => r.code === "us-central1");
    expect(iowa).toMatchObject({ name: "Iowa", availabilityZones: ["us-central1-a", "us-central1-b", "us-central1-c", "us-central1-f"] });
    expect(iowa?.geographicLocation.country).toBe("United States");
    const unknown = regions.find((r) => r.code === "europe-west12");
    expect(unknown?.availabilityZones).toEqual(["europe-west12-a", "europe-west12-b", "europe-west12-c"]);
    expect(unknown?.geographicLocation).toEqual({ continent: "", country: "", city: "", coordinates: { lat: 0, lng: 0 } });
  });

  it("retries throttling and 5xx with the SDK's backoff and still completes", async () => {
    const before = emu.requestCount(`${emu.projects[0]}/aggregated/instances`);
    emu.faults.set({ throttle: 2, serverErrors: 2, match: `${emu.projects[0]}/aggregated/instances` });
    const events = await collect(make({ maxAttempts: 5 }), ["gce_instance"]);
    expect(failures(events)).toEqual([]);
    expect(ends(events)).toHaveLength(emu.projects.length);
    const instances = Array.from(emu.expected()).filter((e) => e.kind === "gce_instance");
    expect(resourcesOf(events)).toHaveLength(instances.length);
    const pagesOfFirstProject = Math.ceil(instances.filter((e) => e.account === emu.projects[0]).length / 7);
    // The four refused requests were sent again.
    expect(emu.requestCount(`${emu.projects[0]}/aggregated/instances`) - before).toBeGreaterThanOrEqual(pagesOfFirstProject + 4);
  });

  it("fails only the throttled scope with ThrottledError once maxAttempts are spent", async () => {
    const [throttled, other] = emu.projects as [string, string];
    emu.faults.set({ throttle: 1_000, match: `${throttled}/aggregated/disks` });
    const before = emu.requestCount(`${throttled}/aggregated/disks`);
    const events = await collect(make({ maxAttempts: 3 }), ["gce_disk", "gce_instance"]);
    const failed = failures(events);
    expect(failed.map((f) => key(f.scope))).toEqual([`${throttled}|*|gce_disk`]);
    expect(failed[0]?.error).toBeInstanceOf(ThrottledError);
    expect(failed[0]?.error.message).toContain(throttled);
    expect(emu.requestCount(`${throttled}/aggregated/disks`) - before).toBe(3);
    const completed = events.filter((e) => e.type === "scope_completed").map((e) => key(e.scope));
    expect(completed).toContain(`${other}|*|gce_disk`);
    expect(completed).toContain(`${throttled}|*|gce_instance`);
  });

  it.each([
    ["gcs_bucket", "b", "Cloud Storage"],
    ["gcp_sql_instance", "instances", "Cloud SQL Admin"],
    ["gke_cluster", "locations/-/clusters", "Kubernetes Engine"],
    ["cloud_function", "locations/-/functions", "Cloud Functions"],
    ["bigquery_dataset", "datasets", "BigQuery"],
  ])("retries a throttled %s list with the adapter's attempts, then fails only its scope", async (kind, operation) => {
    const [throttled, other] = emu.projects as [string, string];
    emu.faults.set({ throttle: 1_000, match: `${throttled}/${operation}` });
    const before = emu.requestCount(`${throttled}/${operation}`);
    const events = await collect(make({ maxAttempts: 2 }), [kind, "gcp_network"]);
    const failed = failures(events);
    expect(failed.map((f) => key(f.scope))).toEqual([`${throttled}|*|${kind}`]);
    expect(failed[0]?.error).toBeInstanceOf(ThrottledError);
    expect(emu.requestCount(`${throttled}/${operation}`) - before).toBe(2);
    const completed = events.filter((e) => e.type === "scope_completed").map((e) => key(e.scope));
    expect(completed).toContain(`${other}|*|${kind}`);
    expect(completed).toContain(`${throttled}|global|gcp_network`);
    const read = resourcesOf(events).filter((r) => r.kind === kind);
    expect(read.length).toBeGreaterThan(0);
    for (const r of read) expect(r.account).not.toBe(throttled);
  });

  it("reports refused credentials on a kind read through the auth client's request() (Cloud Storage)", async () => {
    const project = emu.projects[0] as string;
    emu.faults.set({ rejectCredentials: true, match: `${project}/b` });
    const events = await collect(make(), ["gcs_bucket"]);
    const failed = failures(events).filter((f) => f.scope.account === project);
    expect(failed).toHaveLength(1);
    expect(failed[0]?.error).toBeInstanceOf(CredentialsRejectedError);
    // The emulator refuses the token refresh that follows the 401 too: the refusal is what is reported.
    expect(failed[0]?.error.message).toMatch(/invalid_grant/);
  });

  it("reads the catch-all per project, leaving out what dedicated kinds read, and narrows it to an asked kind", async () => {
    const all = await collect(make(), ["gcp_spanner_instance", "gce_instance"]);
    const spanner = resourcesOf(all).filter((r) => r.kind === "gcp_spanner_instance");
    const expected = Array.from(emu.expected()).filter((e) => e.kind === "gcp_spanner_instance");
    expect(expected.length).toBeGreaterThan(0);
    expect(spanner.map((r) => r.resourceId).sort()).toEqual(expected.map((e) => e.resourceId).sort());
    // Asked for one catch-all kind, its scopes vouch for that kind only, never `*`.
    const scopes = ends(all).map((e) => key(e.scope));
    for (const project of emu.projects) expect(scopes).toContain(`${project}|*|gcp_spanner_instance`);
    expect(scopes.some((s) => s.endsWith("|*"))).toBe(false);
    // VMs come from their own kind only, once each, although Cloud Asset Inventory lists them too.
    const vms = resourcesOf(all).filter((r) => r.kind === "gce_instance");
    expect(new Set(vms.map((r) => r.resourceId)).size).toBe(vms.length);
    expect(vms.every((r) => /^\d{19}$/.test(r.resourceId))).toBe(true);
  });

  it("rejects refused credentials promptly with CredentialsRejectedError naming the project, without the key", async () => {
    emu.faults.set({ rejectCredentials: true });
    const tokenBefore = emu.requestCount("token");
    const apiBefore = emu.requestCount("/");
    const adapter = make({ maxAttempts: 5 });
    const events = await collect(adapter);
    const failed = failures(events);
    expect(failed).toHaveLength(emu.projects.length * gcpScopeKinds.length);
    for (const f of failed) {
      expect(f.error).toBeInstanceOf(CredentialsRejectedError);
      expect(f.error.message).toContain(f.scope.account);
      expect(f.error.message).toMatch(/invalid_grant/);
      assertNoSecret(f.error, emu);
    }
    // No retry loop: at most one token request per scope, and nothing reached the API.
    expect(emu.requestCount("token") - tokenBefore).toBeLessThanOrEqual(failed.length);
    expect(emu.requestCount("/") - apiBefore).toBe(0);
  });

  it("rejects a key the token endpoint cannot verify", async () => {
    const { privateKey } = generateKeyPairSync("rsa", {
      modulusLength: 2048,
      privateKeyEncoding: { type: "pkcs8", format: "pem" },
      publicKeyEncoding: { type: "spki", format: "pem" },
    });
    const forged = { ...emu.serviceAccountKey, private_key: privateKey };
    const events = await collect(make({ credentials: { serviceAccountKey: forged } }), ["gcp_network"]);
    const failed = failures(events);
    expect(failed).toHaveLength(emu.projects.length);
    for (const f of failed) {
      expect(f.error).toBeInstanceOf(CredentialsRejectedError);
      expect(f.error.message).toMatch(/Invalid JWT Signature/);
      assertNoSecret(f.error, { serviceAccountKey: forged });
    }
  });

  it("fails with CredentialsRejectedError when the API refuses an issued token", async () => {
    const adapter = make({ maxAttempts: 4 });
    expect(failures(await collect(adapter, ["gcp_network"]))).toEqual([]);
    emu.faults.set({ rejectCredentials: true });
    const before = emu.requestCount("global/networks");
    const failed = failures(await collect(adapter, ["gcp_network"]));
    expect(failed).toHaveLength(emu.projects.length);
    for (const f of failed) expect(f.error).toBeInstanceOf(CredentialsRejectedError);
    // One request per project: a 401 is not retried.
    expect(emu.requestCount("global/networks") - before).toBe(emu.projects.length);
  });

  it("skips a malformed item and reports it while its neighbours arrive", async () => {
    const instances = Array.from(emu.expected()).filter((e) => e.kind === "gce_instance" && e.account === emu.projects[0]);
    const bad = instances[3]?.resourceId as string;
    emu.faults.set({ malformedItemIds: [bad] });
    const events = await collect(make(), ["gce_instance"]);
    const skipped = events.filter((e) => e.type === "item_skipped");
    expect(skipped).toHaveLength(1);
    expect(skipped[0]).toMatchObject({ itemId: bad, scope: { account: emu.projects[0], kind: "gce_instance" } });
    expect(skipped[0]?.type === "item_skipped" && skipped[0].reason).toMatch(/no name/);
    const ids = new Set(resourcesOf(events).map((r) => r.resourceId));
    expect(ids.has(bad)).toBe(false);
    for (const neighbour of [instances[2], instances[4]]) expect(ids.has(neighbour?.resourceId as string)).toBe(true);
    expect(failures(events)).toEqual([]);
  });

  it("fails a scope whose API answers slower than timeoutMs, and completes the others", async () => {
    const slow = emu.projects[1] as string;
    emu.faults.set({ delayMs: 400, match: `${slow}/global/forwardingRules` });
    const events = await collect(make({ timeoutMs: 100, maxAttempts: 2 }), ["gcp_global_forwarding_rule"]);
    const failed = failures(events);
    expect(failed.map((f) => key(f.scope))).toEqual([`${slow}|global|gcp_global_forwarding_rule`]);
    expect(failed[0]?.error).toBeInstanceOf(CloudError);
    expect(failed[0]?.error.message).toMatch(/within 100 ms after 2 attempts/);
    expect(events.filter((e) => e.type === "scope_completed")).toHaveLength(emu.projects.length - 1);
  });

  it("fails an aggregated scope when a zone is unreachable, after passing on what did arrive", async () => {
    emu.setUnreachable(["us-central1-a"]);
    try {
      const events = await collect(make(), ["gce_instance", "gcp_network"]);
      const failed = failures(events);
      expect(failed.map((f) => key(f.scope)).sort()).toEqual(emu.projects.map((p) => `${p}|*|gce_instance`).sort());
      for (const f of failed) expect(f.error.message).toMatch(/zones\/us-central1-a \(UNREACHABLE\)/);
      expect(resourcesOf(events).some((r) => r.kind === "gce_instance")).toBe(true);
      expect(events.filter((e) => e.type === "scope_completed").map((e) => e.scope.kind)).toEqual(
        emu.projects.map(() => "gcp_network"),
      );
    } finally {
      emu.setUnreachable([]);
    }
  });

  it("reads each project as its own scope, failing an unknown one alone", async () => {
    const adapter = make({ projects: [emu.projects[0] as string, "no-such-project-1", emu.projects[2] as string] });
    expect(adapter.accounts).toEqual([emu.projects[0], "no-such-project-1", emu.projects[2]]);
    const events = await collect(adapter, ["gcp_network", "gce_disk"]);
    const failed = failures(events);
    expect(failed.map((f) => key(f.scope)).sort()).toEqual(["no-such-project-1|*|gce_disk", "no-such-project-1|global|gcp_network"]);
    for (const f of failed) expect(f.error.message).toMatch(/not found/);
    expect(events.filter((e) => e.type === "scope_completed")).toHaveLength(4);
  });

  it("splits an aggregated list into one scope per asked region when regions are limited", async () => {
    const events = await collect(make({ regions: ["us-central1", "europe-west1"] }), ["gce_instance"]);
    const completed = events.filter((e) => e.type === "scope_completed");
    expect(completed.map((e) => key(e.scope)).sort()).toEqual(
      emu.projects.flatMap((p) => [`${p}|europe-west1|gce_instance`, `${p}|us-central1|gce_instance`]).sort(),
    );
    const expected = Array.from(emu.expected()).filter(
      (e) => e.kind === "gce_instance" && (e.region === "us-central1" || e.region === "europe-west1"),
    );
    const resources = resourcesOf(events);
    expect(resources.map((r) => r.resourceId).sort()).toEqual(expected.map((e) => e.resourceId).sort());
    for (const page of events) if (page.type === "page") for (const r of page.resources) expect(r.regionCode).toBe(page.scope.region);
  });

  it("stops when aborted and reports the scopes it did not finish as failed", async () => {
    const controller = new AbortController();
    const events: InventoryEvent[] = [];
    for await (const event of make({ concurrency: 2 }).streamResources({ signal: controller.signal })) {
      events.push(event);
      if (event.type === "page") controller.abort(new Error("sync cancelled"));
    }
    const ended = ends(events);
    expect(ended).toHaveLength(emu.projects.length * gcpScopeKinds.length);
    expect(failures(events).length).toBeGreaterThan(0);
    for (const f of failures(events)) expect(f.error.message).toMatch(/aborted/);
  });

  it("sees mutations: a removed id disappears, retagged labels change, an added resource appears", async () => {
    const project = emu.projects[0] as string;
    const instances = Array.from(emu.expected()).filter((e) => e.kind === "gce_instance" && e.account === project);
    const removed = instances[0]?.resourceId as string;
    const retagged = instances[1]?.resourceId as string;
    expect(emu.mutate.remove(removed)).toBe(true);
    expect(emu.mutate.retag(retagged, { env: "prod", owner: "alice" })).toBe(true);
    const added = emu.mutate.add({ project, kind: "instance", name: "new-vm", location: "asia-northeast1-b", labels: { fresh: "yes" } });

    const resources = resourcesOf(await collect(make(), ["gce_instance"]));
    const byId = new Map(resources.map((r) => [r.resourceId, r]));
    expect(byId.has(removed)).toBe(false);
    expect(byId.get(retagged)?.tags).toEqual({ env: "prod", owner: "alice" });
    expect(byId.get(added.resourceId)).toMatchObject({ name: "new-vm", regionCode: "asia-northeast1", tags: { fresh: "yes" } });
    expect(resources).toHaveLength(Array.from(emu.expected()).filter((e) => e.kind === "gce_instance").length);
  });

  it("sees mutations of kinds known by name: a removed bucket disappears, a retagged Cloud SQL instance changes", async () => {
    const expected = Array.from(emu.expected());
    const bucket = expected.find((e) => e.kind === "gcs_bucket")?.resourceId as string;
    const database = expected.find((e) => e.kind === "gcp_sql_instance")?.resourceId as string;
    expect(emu.mutate.remove(bucket)).toBe(true);
    expect(emu.mutate.retag(database, { env: "prod", "wedding-critical": "true" })).toBe(true);
    const byId = new Map(resourcesOf(await collect(make(), ["gcs_bucket", "gcp_sql_instance"])).map((r) => [r.resourceId, r]));
    expect(byId.has(bucket)).toBe(false);
    expect(byId.get(database)?.tags).toEqual({ env: "prod", "wedding-critical": "true" });
  });
});

describe("GCP adapter on a 50,000-resource estate", () => {
  it("streams it with bounded buffering: pages ≤ pageSize, pages ahead of the consumer ≤ concurrency", async () => {
    const emu = await startGcpEmulator({ seed: 7, size: 50_000 });
    const adapter = adapterFor(emu, { pageSize: 500, concurrency: 3 });
    try {
      let count = 0;
      let completed = 0;
      for await (const event of adapter.streamResources()) {
        if (event.type === "page") {
          count += event.resources.length;
          // A slow consumer: the readers run ahead as far as the adapter lets them.
          await new Promise((resolve) => setImmediate(resolve));
        }
        if (event.type === "scope_completed") completed += 1;
        expect(event.type).not.toBe("scope_failed");
      }
      expect(count).toBe(50_000);
      expect(completed).toBe(emu.projects.length * gcpScopeKinds.length);
      expect(adapter.stats.largestPage).toBeLessThanOrEqual(500);
      expect(adapter.stats.largestPage).toBeGreaterThan(0);
      expect(adapter.stats.maxPagesAhead).toBeLessThanOrEqual(3);
      expect(adapter.stats.pagesYielded).toBe(adapter.stats.pagesProduced);
    } finally {
      await adapter.close();
      await emu.close();
    }
  });
});

function assertNoSecret(error: Error, source: { serviceAccountKey: { private_key: string; private_key_id: string } }) {
  const body = source.serviceAccountKey.private_key.split("\n")[1] as string;
  const text = `${error.message} ${error.stack ?? ""} ${JSON.stringify(error)} ${String((error as { cause?: unknown }).cause ?? "")}`;
  expect(text).not.toContain(body);
  expect(text).not.toContain(source.serviceAccountKey.private_key_id);
  expect(text).not.toMatch(/eyJhbGciOi/); // no signed JWT assertion either
}
