import { generateKeyPairSync, sign } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type GcpEmulator, type GcpServiceAccountKey, startGcpEmulator } from "../src/gcp/index.ts";

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString("base64url");

function assertion(key: Pick<GcpServiceAccountKey, "client_email" | "private_key">, claims: Record<string, unknown> = {}): string {
  const now = Math.floor(Date.now() / 1000);
  const head = `${b64({ alg: "RS256", typ: "JWT" })}.${b64({
    iss: key.client_email,
    scope: "https://www.googleapis.com/auth/compute.readonly",
    aud: "https://oauth2.googleapis.com/token",
    iat: now,
    exp: now + 3600,
    ...claims,
  })}`;
  return `${head}.${sign("RSA-SHA256", Buffer.from(head), key.private_key).toString("base64url")}`;
}

async function token(emu: GcpEmulator, body: Record<string, string>): Promise<{ status: number; json: Record<string, unknown> }> {
  const res = await fetch(emu.tokenUri, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams(body),
  });
  return { status: res.status, json: (await res.json()) as Record<string, unknown> };
}

/** The parts of Compute's JSON these tests read. */
interface Item {
  id: string;
  name?: string;
  status?: string;
  zone: string;
  zones: string[];
}
interface Scoped {
  instances?: Item[];
  disks?: Item[];
  warning?: { code: string };
}
interface Body {
  kind: string;
  items?: Item[] | Record<string, Scoped>;
  nextPageToken?: string;
  error: { code: number; status: string; message: string; errors: { reason: string }[] };
}
const listItems = (body: Body) => (body.items ?? []) as Item[];
const scopedItems = (body: Body) => Object.entries((body.items ?? {}) as Record<string, Scoped>);

const grant = (a: string) => ({ grant_type: "urn:ietf:params:oauth:grant-type:jwt-bearer", assertion: a });

describe("GCP emulator", () => {
  let emu: GcpEmulator;
  let bearer: string;
  const get = async (path: string, auth = bearer) => {
    const res = await fetch(`${emu.url}/compute/v1/projects/${path}`, { headers: { authorization: `Bearer ${auth}` } });
    return { status: res.status, json: (await res.json()) as Body };
  };

  beforeAll(async () => {
    emu = await startGcpEmulator({ seed: "wire", size: 300 });
    const answer = await token(emu, grant(assertion(emu.serviceAccountKey)));
    bearer = answer.json.access_token as string;
  });
  afterAll(async () => {
    await emu.close();
  });

  it("hands out a service-account key file pointing at its token endpoint", () => {
    expect(emu.serviceAccountKey).toMatchObject({ type: "service_account", token_uri: emu.tokenUri, project_id: emu.projects[0] });
    expect(emu.serviceAccountKey.private_key).toMatch(/^-----BEGIN PRIVATE KEY-----/);
    expect(emu.serviceAccountKey.client_email).toMatch(/@.+\.iam\.gserviceaccount\.com$/);
  });

  it("exchanges a JWT signed with the key for a bearer token", async () => {
    const answer = await token(emu, grant(assertion(emu.serviceAccountKey, { aud: emu.tokenUri })));
    expect(answer.status).toBe(200);
    expect(answer.json).toMatchObject({ token_type: "Bearer", expires_in: 3599 });
    expect(answer.json.access_token).toMatch(/^ya29\./);
  });

  it.each([
    ["a key it did not issue", () => {
      const { privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048, privateKeyEncoding: { type: "pkcs8", format: "pem" }, publicKeyEncoding: { type: "spki", format: "pem" } });
      return grant(assertion({ client_email: emu.serviceAccountKey.client_email, private_key: privateKey }));
    }, /Invalid JWT Signature/],
    ["an unknown client_email", () => grant(assertion({ ...emu.serviceAccountKey, client_email: "x@y.iam.gserviceaccount.com" })), /Invalid JWT Signature/],
    ["an expired assertion", () => grant(assertion(emu.serviceAccountKey, { exp: 1 })), /timeframe/],
    ["another audience", () => grant(assertion(emu.serviceAccountKey, { aud: "https://example.com" })), /audience/],
    ["a wrong grant type", () => ({ grant_type: "client_credentials", assertion: assertion(emu.serviceAccountKey) }), /grant_type/],
  ])("refuses %s with invalid_grant", async (_label, body, description) => {
    const answer = await token(emu, body());
    expect(answer.status).toBe(400);
    expect(answer.json.error).toBe("invalid_grant");
    expect(answer.json.error_description).toMatch(description);
  });

  it("requires an issued bearer token on API calls", async () => {
    const answer = await get(`${emu.projects[0]}/global/networks`, "ya29.made-up");
    expect(answer.status).toBe(401);
    expect(answer.json.error).toMatchObject({ code: 401, status: "UNAUTHENTICATED" });
    expect(answer.json.error.message).toMatch(/invalid authentication credentials/);
  });

  it("serves aggregated lists with scoped lists, empty-zone warnings and positional page tokens", async () => {
    const project = emu.projects[0] as string;
    const seen: string[] = [];
    let pageToken: string | undefined;
    let pages = 0;
    do {
      const answer = await get(`${project}/aggregated/instances?maxResults=9${pageToken ? `&pageToken=${pageToken}` : ""}`);
      expect(answer.status).toBe(200);
      expect(answer.json.kind).toBe("compute#instanceAggregatedList");
      const scoped = scopedItems(answer.json);
      const onPage = scoped.flatMap(([, v]) => v.instances ?? []);
      expect(onPage.length).toBeLessThanOrEqual(9);
      for (const [zoneKey, value] of scoped) {
        expect(zoneKey).toMatch(/^zones\/[a-z]+-[a-z]+\d+-[a-z]$/);
        if (!value.instances) expect(value.warning?.code).toBe("NO_RESULTS_ON_PAGE");
        for (const vm of value.instances ?? []) expect(vm.zone.endsWith(zoneKey)).toBe(true);
      }
      seen.push(...onPage.map((vm) => vm.id));
      pageToken = answer.json.nextPageToken;
      pages += 1;
    } while (pageToken);
    const expected = Array.from(emu.expected()).filter((e) => e.account === project && e.kind === "gce_instance");
    expect(pages).toBe(Math.ceil(expected.length / 9));
    // Each page groups its items by zone, so only the set (and its size) is positional.
    expect(seen).toHaveLength(expected.length);
    expect([...seen].sort()).toEqual(expected.map((e) => e.resourceId).sort());
  });

  it.each([
    ["global/networks", "compute#networkList", "gcp_network"],
    ["global/forwardingRules", "compute#forwardingRuleList", "gcp_global_forwarding_rule"],
    ["global/firewalls", "compute#firewallList", "gcp_firewall"],
  ])("serves %s as a plain paged list", async (path, kind, adapterKind) => {
    const project = emu.projects[0] as string;
    const answer = await get(`${project}/${path}?maxResults=500`);
    expect(answer.json.kind).toBe(kind);
    const expected = Array.from(emu.expected()).filter((e) => e.account === project && e.kind === adapterKind);
    expect(listItems(answer.json).map((i) => i.id)).toEqual(expected.map((e) => e.resourceId));
    expect(answer.json.nextPageToken).toBeUndefined();
  });

  describe("APIs beyond Compute", () => {
    const CLOUD_PLATFORM = "https://www.googleapis.com/auth/cloud-platform";
    const as = async (scope: string) => (await token(emu, grant(assertion(emu.serviceAccountKey, { scope })))).json.access_token as string;
    const call = async (path: string, auth: string) => {
      const res = await fetch(`${emu.url}${path}`, { headers: { authorization: `Bearer ${auth}` } });
      return { status: res.status, json: (await res.json()) as Record<string, unknown> };
    };
    /** Follows `nextPageToken` through a list, collecting its `field`. */
    const walk = async (path: string, sizeParam: string, field: string, auth: string) => {
      const seen: Record<string, unknown>[] = [];
      let pageToken: string | undefined;
      const sep = path.includes("?") ? "&" : "?";
      do {
        const answer = await call(`${path}${sep}${sizeParam}=3${pageToken ? `&pageToken=${pageToken}` : ""}`, auth);
        expect(answer.status).toBe(200);
        const items = (answer.json[field] ?? []) as Record<string, unknown>[];
        expect(items.length).toBeLessThanOrEqual(3);
        seen.push(...items);
        pageToken = answer.json.nextPageToken as string | undefined;
      } while (pageToken);
      return seen;
    };
    const expectedOf = (kind: string) => Array.from(emu.expected()).filter((e) => e.account === emu.projects[0] && e.kind === kind);

    it.each([
      ["Cloud Storage buckets.list", "/storage/v1/b?project=P", "maxResults", "items", "gcs_bucket", "storage#buckets", "https://www.googleapis.com/auth/devstorage.read_only"],
      ["Cloud SQL Admin instances.list", "/v1/projects/P/instances", "maxResults", "items", "gcp_sql_instance", "sql#instancesList", "https://www.googleapis.com/auth/sqlservice.admin"],
      ["Cloud Functions v2 functions.list", "/v2/projects/P/locations/-/functions", "pageSize", "functions", "cloud_function", undefined, CLOUD_PLATFORM],
      ["BigQuery datasets.list", "/bigquery/v2/projects/P/datasets", "maxResults", "datasets", "bigquery_dataset", "bigquery#datasetList", "https://www.googleapis.com/auth/bigquery.readonly"],
    ])("serves %s at its path, paged by nextPageToken, behind its own scopes", async (_label, template, sizeParam, field, kind, listKind, scope) => {
      const path = template.replace("P", emu.projects[0] as string);
      // A Compute-only token may not read another API.
      expect((await call(path, bearer)).status).toBe(403);
      const auth = await as(scope as string);
      const first = await call(path, auth);
      expect(first.json.kind).toBe(listKind);
      const seen = await walk(path, sizeParam as string, field as string, auth);
      expect(seen.length).toBe(expectedOf(kind as string).length);
      expect(seen.length).toBeGreaterThan(0);
    });

    it("serves Cloud SQL instances without a numeric id, labels in settings.userLabels", async () => {
      const project = emu.projects[0] as string;
      const items = await walk(`/v1/projects/${project}/instances`, "maxResults", "items", await as(CLOUD_PLATFORM));
      const expected = expectedOf("gcp_sql_instance");
      for (const [i, raw] of items.entries()) {
        const item = raw as { id?: string; kind: string; settings: { userLabels: Record<string, string> }; connectionName: string };
        expect(item.id).toBeUndefined();
        expect(item.kind).toBe("sql#instance");
        expect(item.settings.userLabels).toEqual(expected[i]?.tags);
        expect(item.connectionName).toBe(`${project}:${expected[i]?.region}:${expected[i]?.name}`);
      }
    });

    it("serves every GKE cluster at once, and zones set unreachable as missingZones without their clusters", async () => {
      const project = emu.projects[0] as string;
      const auth = await as(CLOUD_PLATFORM);
      const all = await call(`/v1/projects/${project}/locations/-/clusters`, auth);
      const clusters = all.json.clusters as { id: string; location: string; status: string }[];
      expect(clusters.map((c) => c.id)).toEqual(expectedOf("gke_cluster").map((e) => e.resourceId));
      expect(all.json.nextPageToken).toBeUndefined();
      expect(all.json.missingZones).toBeUndefined();
      const zone = clusters.find((c) => /-[a-z]$/.test(c.location))?.location ?? "us-central1-a";
      emu.setUnreachable([zone]);
      try {
        const partial = await call(`/v1/projects/${project}/locations/-/clusters`, auth);
        expect(partial.json.missingZones).toEqual([zone]);
        expect((partial.json.clusters as { location: string }[]).some((c) => c.location === zone)).toBe(false);
      } finally {
        emu.setUnreachable([]);
      }
    });

    it("answers Cloud Storage without a project with 400 in Google's error envelope", async () => {
      const answer = await call("/storage/v1/b", await as(CLOUD_PLATFORM));
      expect(answer.status).toBe(400);
      expect(answer.json.error).toMatchObject({ code: 400, errors: [{ reason: "required" }] });
    });

    it("serves searchAllResources with the catch-all's assets, VMs and service accounts among them, within pageSize", async () => {
      const project = emu.projects[0] as string;
      const results = await walk(`/v1/projects/${project}:searchAllResources`, "pageSize", "results", await as(CLOUD_PLATFORM));
      // Every catch-all asset of the project, plus results the catch-all must leave alone.
      const assetIds = new Set(Array.from(emu.expected()).filter((e) => e.account === project && e.resourceId.startsWith("//") && e.kind !== "gcp_sql_instance").map((e) => e.resourceId));
      const others = results.filter((r) => !assetIds.has(r.name as string));
      expect(results.length - others.length).toBe(assetIds.size);
      expect(others.length).toBeGreaterThan(0);
      for (const r of others) expect(["compute.googleapis.com/Instance", "iam.googleapis.com/ServiceAccount"]).toContain(r.assetType);
      for (const r of results) expect(r.project).toMatch(/^projects\/\d+$/);
    });
  });

  it("lists regions and zones", async () => {
    const regions = await get(`${emu.projects[1]}/regions`);
    expect(listItems(regions.json).find((r) => r.name === "us-central1")?.zones.map((z) => z.split("/").pop())).toEqual([
      "us-central1-a",
      "us-central1-b",
      "us-central1-c",
      "us-central1-f",
    ]);
    const zones = await get(`${emu.projects[1]}/zones`);
    expect(listItems(zones.json).some((z) => z.name === "europe-west1-d")).toBe(true);
  });

  it.each([
    ["an unknown project", "no-such-project/global/networks", 404, "NOT_FOUND"],
    ["an unknown collection", "PROJECT/global/routers", 404, "NOT_FOUND"],
    ["a forged page token", "PROJECT/aggregated/disks?pageToken=Zm9v", 400, "INVALID_ARGUMENT"],
  ])("answers %s in Google's error format", async (_label, path, code, status) => {
    const answer = await get(path.replace("PROJECT", emu.projects[0] as string));
    expect(answer.status).toBe(code);
    expect(answer.json.error).toMatchObject({ code, status });
    expect(answer.json.error.errors[0]?.reason).toBeTruthy();
  });

  it("serves resourcePolicies.aggregatedList keyed by region and snapshots.list, both paged, as the Compute reference documents them", async () => {
    const project = emu.projects[0] as string;
    const policies = await get(`${project}/aggregated/resourcePolicies?maxResults=2`);
    expect(policies.status).toBe(200);
    expect(policies.json.kind).toBe("compute#resourcePolicyAggregatedList");
    const first = scopedItems(policies.json);
    expect(first.every(([key]) => key.startsWith("regions/"))).toBe(true);
    const onPage = first.flatMap(([, v]) => ((v as { resourcePolicies?: Record<string, unknown>[] }).resourcePolicies ?? []));
    expect(onPage).toHaveLength(2);
    expect(onPage[0]).toMatchObject({ kind: "compute#resourcePolicy", name: "snap-daily", status: "READY", snapshotSchedulePolicy: { retentionPolicy: { maxRetentionDays: 14 } } });
    expect(first.find(([key]) => key === "regions/europe-west1")?.[1].warning?.code).toBe("NO_RESULTS_ON_PAGE");
    expect(policies.json.nextPageToken).toBeTruthy();

    let token: string | undefined;
    const names: string[] = [];
    do {
      const page = await get(`${project}/global/snapshots?maxResults=7${token ? `&pageToken=${token}` : ""}`);
      expect(page.json.kind).toBe("compute#snapshotList");
      names.push(...listItems(page.json).map((i) => i.name as string));
      token = page.json.nextPageToken;
    } while (token);
    expect(names.sort()).toEqual(emu.expectedSnapshots().filter((s) => s.project === project).map((s) => s.name).sort());
    expect((await get(`${project}/global/snapshots?pageToken=Zm9v`)).json.error).toMatchObject({ code: 400, status: "INVALID_ARGUMENT" });
    // A deleted snapshot is no longer listed.
    emu.mutate.deleteSnapshot(names[0] as string);
    expect(emu.expectedSnapshots().some((s) => s.name === names[0])).toBe(false);
  });

  it("renders throttles, 5xx, delays and rejected credentials as GCP does, only where matched", async () => {
    const project = emu.projects[0] as string;
    emu.faults.set({ throttle: 1, serverErrors: 1, match: "aggregated/disks" });
    expect((await get(`${project}/global/networks`)).status).toBe(200);
    const throttled = await get(`${project}/aggregated/disks`);
    expect(throttled.status).toBe(429);
    expect(throttled.json.error).toMatchObject({ code: 429, status: "RESOURCE_EXHAUSTED" });
    const unavailable = await get(`${project}/aggregated/disks`);
    expect(unavailable.status).toBe(503);
    expect(unavailable.json.error).toMatchObject({ code: 503, status: "UNAVAILABLE" });
    expect((await get(`${project}/aggregated/disks`)).status).toBe(200);

    // A delayed answer outlives a client that gives up; the emulator survives the abandoned socket.
    emu.faults.set({ delayMs: 2_000, match: "global/networks" });
    await expect(
      fetch(`${emu.url}/compute/v1/projects/${project}/global/networks`, {
        headers: { authorization: `Bearer ${bearer}` },
        signal: AbortSignal.timeout(20),
      }),
    ).rejects.toThrow();
    emu.faults.clear();
    expect((await get(`${project}/global/networks`)).status).toBe(200);

    emu.faults.set({ rejectCredentials: true });
    expect((await get(`${project}/global/networks`)).status).toBe(401);
    expect((await token(emu, grant(assertion(emu.serviceAccountKey)))).json.error).toBe("invalid_grant");
    emu.faults.clear();
  });

  it("serves a malformed item without its name and status, keeping its id", async () => {
    const project = emu.projects[0] as string;
    const target = Array.from(emu.expected()).find((e) => e.account === project && e.kind === "gce_disk");
    emu.faults.set({ malformedItemIds: [target?.resourceId as string] });
    const answer = await get(`${project}/aggregated/disks?maxResults=500`);
    emu.faults.clear();
    const disks = scopedItems(answer.json).flatMap(([, v]) => v.disks ?? []);
    const broken = disks.find((d) => d.id === target?.resourceId);
    expect(broken).toBeDefined();
    expect(broken?.name).toBeUndefined();
    expect(broken?.status).toBeUndefined();
    expect(disks.filter((d) => d.name === undefined)).toHaveLength(1);
  });

  it("counts requests by operation", () => {
    expect(emu.requestCount("token")).toBeGreaterThan(0);
    expect(emu.requestCount(`${emu.projects[0]}/aggregated/instances`)).toBeGreaterThan(0);
    expect(emu.requestCount()).toBeGreaterThan(emu.requestCount("token"));
  });
});

describe("GCP emulator estate", () => {
  it("is deterministic, exactly `size` resources, spread over projects, kinds and regions, with odd-but-valid items", async () => {
    const [a, b] = await Promise.all([startGcpEmulator({ seed: 9, size: 2_000 }), startGcpEmulator({ seed: 9, size: 2_000 })]);
    try {
      const first = Array.from(a.expected());
      expect(first).toEqual(Array.from(b.expected()));
      expect(first).toHaveLength(2_000);
      expect(new Set(first.map((e) => e.resourceId)).size).toBe(2_000);
      // Compute ids are 19 digits; the other APIs' kinds are known by their own identifiers.
      const idShapes: Record<string, RegExp> = {
        gcs_bucket: /^northwind-[a-z]+-\d{6}-[a-z0-9-]+$/,
        gcp_sql_instance: /^\/\/sqladmin\.googleapis\.com\/projects\/[^/]+\/instances\/[^/]+$/,
        gke_cluster: /^[0-9a-f]{64}$/,
        cloud_function: /^projects\/[^/]+\/locations\/[a-z0-9-]+\/functions\/[^/]+$/,
        cloud_run_service: /^projects\/[^/]+\/locations\/[a-z0-9-]+\/services\/[^/]+$/,
        bigquery_dataset: /^[^:]+:[a-z0-9_]+$/,
      };
      for (const e of first) expect(e.resourceId).toMatch(idShapes[e.kind] ?? (e.resourceId.startsWith("//") ? /^\/\/[a-z]+\.googleapis\.com\/projects\// : /^\d{19}$/));
      expect(new Set(first.map((e) => e.account)).size).toBe(3);
      expect(new Set(first.map((e) => e.kind))).toEqual(
        new Set([
          "gce_instance",
          "gce_disk",
          "gcp_network",
          "gcp_forwarding_rule",
          "gcp_global_forwarding_rule",
          "gcp_subnetwork",
          "gcp_firewall",
          "gcp_address",
          "gcp_backend_service",
          "gce_instance_group_manager",
          "gcs_bucket",
          "gcp_sql_instance",
          "gke_cluster",
          "cloud_function",
          "bigquery_dataset",
          "cloud_run_service",
          // Cloud Asset Inventory results, one kind per asset type.
          "gcp_pubsub_topic",
          "gcp_pubsub_subscription",
          "gcp_spanner_instance",
          "gcp_redis_instance",
          "gcp_dns_managed_zone",
          "gcp_filestore_instance",
          "gcp_dataproc_cluster",
          "gce_snapshot",
          "gcp_alloydb_cluster",
        ]),
      );
      expect(new Set(first.map((e) => e.region)).size).toBeGreaterThan(8);
      expect(first.some((e) => Object.keys(e.tags).length === 0)).toBe(true);
      expect(first.some((e) => Object.values(e.tags).includes(""))).toBe(true);
      expect(first.some((e) => e.name.length === 63)).toBe(true);
      expect(new Set(first.map((e) => e.providerStatus))).toContain("TERMINATED");
      expect(new Set(first.map((e) => e.status))).toEqual(new Set(["running", "stopped", "stopping", "provisioning", "error"]));
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
  });

  it("generates a million-resource estate lazily: a far page is computed without materializing the rest", async () => {
    const emu = await startGcpEmulator({ seed: 1, size: 1_000_000 });
    try {
      const key = emu.serviceAccountKey;
      const answer = await token(emu, grant(assertion(key)));
      const heapBefore = process.memoryUsage().heapUsed;
      const token2 = Buffer.from("pos:100000").toString("base64url");
      const res = await fetch(`${emu.url}/compute/v1/projects/${emu.projects[0]}/aggregated/instances?maxResults=500&pageToken=${token2}`, {
        headers: { authorization: `Bearer ${answer.json.access_token}` },
      });
      const json = (await res.json()) as { items: Record<string, { instances?: unknown[] }>; nextPageToken?: string };
      expect(Object.values(json.items).flatMap((v) => v.instances ?? [])).toHaveLength(500);
      expect(Buffer.from(json.nextPageToken as string, "base64url").toString()).toBe("pos:100500");
      expect(process.memoryUsage().heapUsed - heapBefore).toBeLessThan(64 * 1024 * 1024);
    } finally {
      await emu.close();
    }
  });

  it("applies mutations as overlays: remove, retag, add", async () => {
    const emu = await startGcpEmulator({ seed: 5, size: 400 });
    try {
      const [first, second] = Array.from(emu.expected());
      expect(emu.mutate.remove(first?.resourceId as string)).toBe(true);
      expect(emu.mutate.remove(first?.resourceId as string)).toBe(false);
      expect(emu.mutate.remove("1999999999999999999")).toBe(false);
      expect(emu.mutate.retag(second?.resourceId as string, { team: "new" })).toBe(true);
      const added = emu.mutate.add({ project: emu.projects[1] as string, kind: "forwardingRule", name: "fr-new", location: "europe-west4" });
      const after = Array.from(emu.expected());
      expect(after).toHaveLength(400);
      expect(after.some((e) => e.resourceId === first?.resourceId)).toBe(false);
      expect(after.find((e) => e.resourceId === second?.resourceId)?.tags).toEqual({ team: "new" });
      expect(after.find((e) => e.resourceId === added.resourceId)).toMatchObject({
        account: emu.projects[1],
        kind: "gcp_forwarding_rule",
        region: "europe-west4",
        name: "fr-new",
      });
      expect(() => emu.mutate.add({ project: "nope", kind: "disk", name: "x" })).toThrow(/unknown project/);
      // Kinds whose API has no numeric id are removed and retagged by the id the adapter reports.
      for (const kind of ["gcs_bucket", "gcp_sql_instance", "gke_cluster", "cloud_function", "bigquery_dataset", "gcp_pubsub_topic"]) {
        const [gone, relabelled] = after.filter((e) => e.kind === kind);
        if (!gone || !relabelled) continue;
        expect(emu.mutate.remove(gone.resourceId)).toBe(true);
        expect(emu.mutate.retag(relabelled.resourceId, { owner: "florist" })).toBe(true);
        const now = Array.from(emu.expected());
        expect(now.some((e) => e.resourceId === gone.resourceId)).toBe(false);
        expect(now.find((e) => e.resourceId === relabelled.resourceId)?.tags).toEqual({ owner: "florist" });
      }
      // APIs without labels cannot be retagged (backend services, instance groups).
      const backend = after.find((e) => e.kind === "gcp_backend_service");
      if (backend) expect(emu.mutate.retag(backend.resourceId, { owner: "x" })).toBe(false);
      const bucket = emu.mutate.add({ project: emu.projects[0] as string, kind: "bucket", name: "new-bucket", labels: { a: "b" } });
      expect(bucket).toMatchObject({ kind: "gcs_bucket", resourceId: "new-bucket", name: "new-bucket", tags: { a: "b" } });
    } finally {
      await emu.close();
    }
  });
});
