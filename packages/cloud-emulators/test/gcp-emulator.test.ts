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
    const emu = await startGcpEmulator({ seed: 5, size: 100 });
    try {
      const [first, second] = Array.from(emu.expected());
      expect(emu.mutate.remove(first?.resourceId as string)).toBe(true);
      expect(emu.mutate.remove(first?.resourceId as string)).toBe(false);
      expect(emu.mutate.remove("1999999999999999999")).toBe(false);
      expect(emu.mutate.retag(second?.resourceId as string, { team: "new" })).toBe(true);
      const added = emu.mutate.add({ project: emu.projects[1] as string, kind: "forwardingRule", name: "fr-new", location: "europe-west4" });
      const after = Array.from(emu.expected());
      expect(after).toHaveLength(100);
      expect(after.some((e) => e.resourceId === first?.resourceId)).toBe(false);
      expect(after.find((e) => e.resourceId === second?.resourceId)?.tags).toEqual({ team: "new" });
      expect(after.find((e) => e.resourceId === added.resourceId)).toMatchObject({
        account: emu.projects[1],
        kind: "gcp_forwarding_rule",
        region: "europe-west4",
        name: "fr-new",
      });
      expect(() => emu.mutate.add({ project: "nope", kind: "disk", name: "x" })).toThrow(/unknown project/);
    } finally {
      await emu.close();
    }
  });
});
