import { describe, expect, it } from "vitest";
import { MalformedItemError } from "../src/errors.ts";
import { normalizeCdnEndpoint } from "../src/digitalocean/kinds/cdn-endpoints.ts";
import { normalizeDatabase } from "../src/digitalocean/kinds/databases.ts";
import { normalizeDroplet } from "../src/digitalocean/kinds/droplets.ts";
import { normalizeFirewall } from "../src/digitalocean/kinds/firewalls.ts";
import { nodeCountSizeCategory, normalizeKubernetesCluster } from "../src/digitalocean/kinds/kubernetes-clusters.ts";
import { normalizeLoadBalancer } from "../src/digitalocean/kinds/load-balancers.ts";
import { normalizeReservedIp } from "../src/digitalocean/kinds/reserved-ips.ts";
import { normalizeVolume } from "../src/digitalocean/kinds/volumes.ts";
import { normalizeVpc } from "../src/digitalocean/kinds/vpcs.ts";
import { nextPage } from "../src/digitalocean/kinds/kind.ts";
import { retryAfterMs } from "../src/digitalocean/clients.ts";
import { doCostCategory, normalizeInvoiceItem, unitemizedUsage } from "../src/digitalocean/normalize-costs.ts";
import { cpuUtilization, joinSamples, memoryUtilization } from "../src/digitalocean/normalize-metrics.ts";
import { memoryOfSlug, memorySizeCategory, tagsFromDo } from "../src/digitalocean/normalize.ts";

const where = { account: "team-1", region: "*" };

describe("tagsFromDo", () => {
  const cases: [string, unknown, Record<string, string>][] = [
    ["key:value splits at the first colon", ["env:prod", "url:https://x"], { env: "prod", url: "https://x" }],
    ["a bare tag says its key holds", ["wedding-critical"], { "wedding-critical": "true" }],
    ["the later of two tags with one key wins", ["k8s", "k8s:abc"], { k8s: "abc" }],
    ["empty strings and non-strings are ignored", ["", 3, null], {}],
    ["no tags field", undefined, {}],
  ];
  for (const [title, input, out] of cases) it(title, () => expect(tagsFromDo(input)).toEqual(out));
});

describe("sizes", () => {
  const memory: [number | undefined, string][] = [[512, "nano"], [1024, "micro"], [4096, "small"], [16384, "medium"], [65536, "large"], [131072, "xlarge"], [undefined, "custom"]];
  for (const [mib, size] of memory) it(`${mib} MiB → ${size}`, () => expect(memorySizeCategory(mib)).toBe(size));
  const slugs: [string, number | undefined][] = [["s-2vcpu-4gb", 4096], ["db-s-1vcpu-1gb", 1024], ["s-1vcpu-512mb-10gb", 512], ["gd-8vcpu-32gb", 32768], ["lb-small", undefined]];
  for (const [slug, mib] of slugs) it(`slug ${slug} → ${mib} MiB`, () => expect(memoryOfSlug(slug)).toBe(mib));
  const nodes: [number | undefined, string][] = [[1, "nano"], [3, "micro"], [10, "small"], [30, "medium"], [100, "large"], [101, "xlarge"], [undefined, "custom"]];
  for (const [n, size] of nodes) it(`${n} nodes → ${size}`, () => expect(nodeCountSizeCategory(n)).toBe(size));
});

describe("kind normalizers: raw item in, resource or MalformedItemError out", () => {
  const rows: { title: string; run: () => unknown; expected: Record<string, unknown> | "malformed" }[] = [
    {
      title: "droplet: active → running, memory → size, volume and VPC edges",
      run: () => normalizeDroplet({ id: 7, name: "web", status: "active", memory: 4096, region: { slug: "ams3" }, tags: ["env:prod"], volume_ids: ["v-1"], vpc_uuid: "vpc-1", created_at: "2024-01-01T00:00:00Z" }, where),
      expected: { resourceId: "7", regionCode: "ams3", status: "running", sizeCategory: "small", tags: { env: "prod" }, providerCreatedAt: "2024-01-01T00:00:00Z", dependencies: [expect.objectContaining({ relation: "data_volume", target: "v-1" }), expect.objectContaining({ relation: "in_network", target: "vpc-1", dependencyStrength: "critical" })] },
    },
    { title: "droplet: off → stopped", run: () => normalizeDroplet({ id: 8, status: "off", region: { slug: "nyc3" } }, where), expected: { status: "stopped", name: "8", sizeCategory: "custom" } },
    { title: "droplet: archive → terminated", run: () => normalizeDroplet({ id: 9, status: "archive", region: { slug: "nyc3" } }, where), expected: { status: "terminated" } },
    { title: "droplet without id", run: () => normalizeDroplet({ name: "x", status: "active", region: { slug: "nyc3" } }, where), expected: "malformed" },
    { title: "droplet with an unknown status", run: () => normalizeDroplet({ id: 1, status: "melting", region: { slug: "nyc3" } }, where), expected: "malformed" },
    {
      title: "volume attached → running, reverse edge to its droplet",
      run: () => normalizeVolume({ id: "v-1", name: "data", region: { slug: "fra1" }, droplet_ids: [7], size_gigabytes: 100 }, where),
      expected: { status: "running", sizeCategory: "small", regionCode: "fra1", dependencies: [expect.objectContaining({ relation: "data_volume", target: "7", reverse: true })] },
    },
    { title: "volume detached → stopped", run: () => normalizeVolume({ id: "v-2", region: { slug: "fra1" }, droplet_ids: [], size_gigabytes: 4000 }, where), expected: { status: "stopped", sizeCategory: "xlarge" } },
    { title: "database resizing → running, region slug string", run: () => normalizeDatabase({ id: "d-1", name: "pg", status: "resizing", region: "sgp1", size: "db-s-2vcpu-4gb" }, where), expected: { status: "running", regionCode: "sgp1", sizeCategory: "small", resourceType: "database" } },
    { title: "database creating → provisioning", run: () => normalizeDatabase({ id: "d-2", status: "creating", region: "sgp1" }, where), expected: { status: "provisioning" } },
    { title: "VPC: running, no tags", run: () => normalizeVpc({ id: "vpc-1", name: "default-ams3", region: "ams3" }, where), expected: { status: "running", tags: {}, regionCode: "ams3" } },
    {
      title: "firewall: global, failed → error, reverse edges to droplets",
      run: () => normalizeFirewall({ id: "f-1", name: "fw", status: "failed", droplet_ids: [1, 2] }, where),
      expected: { regionCode: "global", status: "error", dependencies: [expect.objectContaining({ relation: "security_group", target: "1", reverse: true }), expect.objectContaining({ target: "2" })] },
    },
    {
      title: "reserved IP assigned → running, address_of its droplet, which it keeps only the identity of",
      run: () => normalizeReservedIp({ ip: "45.55.1.1", region: { slug: "nyc3" }, droplet: { id: 7, status: "active", tags: ["env:prod"] } }, where),
      expected: { resourceId: "45.55.1.1", status: "running", configuration: expect.objectContaining({ droplet: { id: 7, name: null } }), dependencies: [expect.objectContaining({ relation: "address_of", target: "7" })] },
    },
    { title: "reserved IP unassigned → stopped", run: () => normalizeReservedIp({ ip: "45.55.1.2", region: { slug: "nyc3" }, droplet: null }, where), expected: { status: "stopped" } },
    { title: "reserved IP without ip", run: () => normalizeReservedIp({ region: { slug: "nyc3" } }, where), expected: "malformed" },
    {
      title: "load balancer: errored → error, size_unit 2 → medium, one soft edge per droplet",
      run: () => normalizeLoadBalancer({ id: "lb-1", name: "lb", status: "errored", size_unit: 2, region: { slug: "lon1" }, droplet_ids: [3] }, where),
      expected: { status: "error", sizeCategory: "medium", regionCode: "lon1", dependencies: [expect.objectContaining({ relation: "lb_target", target: "3", dependencyStrength: "soft" })] },
    },
    { title: "global load balancer without region", run: () => normalizeLoadBalancer({ id: "lb-2", status: "active" }, where), expected: { regionCode: "global", status: "running" } },
    { title: "CDN endpoint: named by its origin", run: () => normalizeCdnEndpoint({ id: "c-1", origin: "b.nyc3.digitaloceanspaces.com" }, where), expected: { name: "b.nyc3.digitaloceanspaces.com", resourceType: "cdn", regionCode: "global" } },
    {
      title: "Kubernetes degraded → error, nodes summed over pools",
      run: () => normalizeKubernetesCluster({ id: "k-1", name: "k", region: "blr1", status: { state: "degraded" }, node_pools: [{ count: 3 }, { count: 2 }], tags: ["k8s", "k8s:k-1"] }, where),
      expected: { status: "error", sizeCategory: "small", tags: { k8s: "k-1" } },
    },
    { title: "Kubernetes without status", run: () => normalizeKubernetesCluster({ id: "k-2", region: "blr1" }, where), expected: "malformed" },
  ];
  for (const row of rows) {
    it(row.title, () => {
      if (row.expected === "malformed") expect(row.run).toThrow(MalformedItemError);
      else expect(row.run()).toMatchObject({ cloud: "digitalocean", account: "team-1", ...row.expected });
    });
  }
});

describe("paging", () => {
  it("reads the next page number from links.pages.next", () => {
    expect(nextPage({ links: { pages: { next: "https://api.digitalocean.com/v2/droplets?page=3&per_page=20" } } })).toBe(3);
    expect(nextPage({ links: { pages: {} } })).toBeNull();
    expect(nextPage({ links: {} })).toBeNull();
    expect(() => nextPage({ links: { pages: { next: "https://api.digitalocean.com/v2/droplets" } } })).toThrow(/no page number/);
  });
});

describe("Retry-After of a 429", () => {
  const cases: [string, unknown, number][] = [
    ["seconds of a burst 429", { responseStatusCode: 429, responseHeaders: { "retry-after": ["7"] } }, 7000],
    ["at most a minute", { responseStatusCode: 429, responseHeaders: { "retry-after": ["3600"] } }, 60_000],
    ["an hourly 429 has none", { responseStatusCode: 429, responseHeaders: {} }, 0],
    ["not a 429", { responseStatusCode: 503, responseHeaders: { "retry-after": ["7"] } }, 0],
    ["an HTTP date is not waited for", { responseStatusCode: 429, responseHeaders: { "retry-after": ["Wed, 21 Oct 2026 07:28:00 GMT"] } }, 0],
  ];
  for (const [title, error, ms] of cases) it(title, () => expect(retryAfterMs(error)).toBe(ms));
});

describe("costs", () => {
  const ctx = { team: "team-1", invoiceUuid: "inv-1", invoicePeriod: "2026-10", preview: false };
  it("an item's period runs from start_time's day to the day before end_time, amount verbatim", () => {
    const line = normalizeInvoiceItem(
      { product: "Droplets", resource_id: "7", resource_uuid: "u-7", amount: "12.345", duration: "744", duration_unit: "Hours", start_time: "2026-10-01T00:00:00Z", end_time: "2026-11-01T00:00:00Z" },
      ctx,
    );
    expect(line).toMatchObject({ periodStart: "2026-10-01", periodEnd: "2026-10-31", amount: "12.345", currency: "USD", category: "compute", resourceId: "7", usage: { quantity: "744", unit: "Hours" } });
  });
  it("an item without resource_id falls back to resource_uuid; a malformed amount is refused", () => {
    expect(normalizeInvoiceItem({ product: "Volumes", resource_uuid: "u-1", amount: "1.00", start_time: "2026-10-05T00:00:00Z" }, ctx)).toMatchObject({ resourceId: "u-1", periodEnd: "2026-10-05", category: "storage" });
    expect(() => normalizeInvoiceItem({ product: "Volumes", amount: 1.5, start_time: "2026-10-05T00:00:00Z" }, ctx)).toThrow(MalformedItemError);
  });
  const categories: [string | undefined, string][] = [["Managed Databases", "database"], ["Load Balancers", "network"], ["Kubernetes Clusters", "compute"], ["Tax", "tax"], ["App Platform", "compute"], [undefined, "compute"]];
  for (const [product, category] of categories) it(`product ${product} → ${category}`, () => expect(doCostCategory(product)).toBe(category));
  it("the balance's usage beyond the preview's items is one line; none when the items cover it", () => {
    const balance = { month_to_date_usage: "30.10", generated_at: "2026-11-18T12:00:00Z" };
    expect(unitemizedUsage(balance, ["10.00", "20.05"], { team: "t", monthStart: "2026-11-01" })).toMatchObject({ amount: "0.05", periodStart: "2026-11-01", periodEnd: "2026-11-18", resourceId: null });
    expect(unitemizedUsage(balance, ["10.00", "20.10"], { team: "t", monthStart: "2026-11-01" })).toBeNull();
    expect(unitemizedUsage(balance, ["31.00"], { team: "t", monthStart: "2026-11-01" })).toBeNull();
  });
});

describe("metrics", () => {
  it("CPU: 100 × (1 − Δidle / ΣΔ) between consecutive points, at the earlier one; a counter reset is left out", () => {
    const series = [
      { metric: { mode: "idle" }, values: [[0, "100"], [300, "250"], [600, "100"], [900, "400"]] as [number, string][] },
      { metric: { mode: "user" }, values: [[0, "50"], [300, "200"], [600, "10"], [900, "10"]] as [number, string][] },
    ];
    // 0→300: idle +150, user +150 → 50 %. 300→600: counters went down → left out. 600→900: idle +300, user 0 → 0 %.
    expect([...cpuUtilization(series)]).toEqual([[0, 50], [600, 0]]);
  });
  it("memory: 100 × (total − available) / total at instants both have", () => {
    const total = { metric: {}, values: [[0, "1000"], [300, "1000"]] as [number, string][] };
    const available = { metric: {}, values: [[0, "250"]] as [number, string][] };
    expect([...memoryUtilization(total, available)]).toEqual([[0, 75]]);
  });
  it("joins keys per instant inside [start, end), never zero-filling a missing key", () => {
    const out = joinSamples({ cpu_utilization: new Map([[0, 5], [300, 6]]), network_in_mbps: new Map([[300, 1.5], [600, 2]]) }, 0, 600);
    expect(out).toEqual([
      { timestamp: "1970-01-01T00:00:00.000Z", metrics: { cpu_utilization: 5 } },
      { timestamp: "1970-01-01T00:05:00.000Z", metrics: { cpu_utilization: 6, network_in_mbps: 1.5 } },
    ]);
  });
});
