import { describe, expect, it } from "vitest";
import { MalformedItemError } from "../src/errors.ts";
import { normalizeBucket } from "../src/linode/kinds/buckets.ts";
import { normalizeFirewall } from "../src/linode/kinds/firewalls.ts";
import { normalizeInstance } from "../src/linode/kinds/instances.ts";
import { normalizeIp } from "../src/linode/kinds/ips.ts";
import { normalizeNodeBalancer } from "../src/linode/kinds/nodebalancers.ts";
import { normalizeVolume } from "../src/linode/kinds/volumes.ts";
import { gbSize, linodeStatus, linodeTags, linodeTime, memorySize, planSize } from "../src/linode/normalize.ts";
import { invoiceTaxLine, linodeCostProduct, normalizeInvoiceItem, uninvoicedLine } from "../src/linode/normalize-costs.ts";
import { normalizeLinodeStats } from "../src/linode/normalize-metrics.ts";
import { mergeLinodeRegion } from "../src/linode/regions.ts";

const where = { account: "A1B2" };

describe("linodeTags: Linode's string tags as a key/value map", () => {
  const rows: [string[], Record<string, string>][] = [
    [["env:prod"], { env: "prod" }],
    [["env=staging"], { env: "staging" }],
    [["wedding-critical"], { "wedding-critical": "true" }],
    [["team: photos ", "  "], { team: "photos" }],
    [["url:https://x"], { url: "https://x" }],
    [["env:dev", "env:prod"], { env: "prod" }],
    [[":odd"], { ":odd": "true" }],
    [[], {}],
  ];
  for (const [tags, want] of rows) it(JSON.stringify(tags), () => expect(linodeTags(tags)).toEqual(want));
});

describe("statuses", () => {
  const rows: [Parameters<typeof linodeStatus>[0], unknown, string | null][] = [
    ["instance", "running", "running"],
    ["instance", "offline", "stopped"],
    ["instance", "booting", "starting"],
    ["instance", "shutting_down", "stopping"],
    ["instance", "migrating", "provisioning"],
    ["instance", "exploded", null],
    ["volume", "contact_support", "error"],
    ["database", "suspended", "stopped"],
    ["database", "degraded", "error"],
    ["cluster", "not_ready", "provisioning"],
    ["firewall", "disabled", "stopped"],
    ["firewall", 3, null],
  ];
  for (const [product, status, want] of rows) it(`${product} ${String(status)} → ${want}`, () => expect(linodeStatus(product, status)).toBe(want));
});

describe("sizes", () => {
  const memory: [unknown, string][] = [[1024, "nano"], [2048, "micro"], [4096, "small"], [8192, "medium"], [16384, "large"], [32768, "large"], [65536, "xlarge"], [undefined, "custom"], [0, "custom"]];
  for (const [mb, want] of memory) it(`memory ${String(mb)} MB → ${want}`, () => expect(memorySize(mb)).toBe(want));
  const plan: [unknown, string][] = [["g6-nanode-1", "nano"], ["g6-standard-1", "micro"], ["g6-dedicated-2", "small"], ["g6-standard-4", "medium"], ["g6-dedicated-16", "large"], ["g6-dedicated-32", "xlarge"], ["gpu-rtx", "custom"], [null, "custom"]];
  for (const [id, want] of plan) it(`plan ${String(id)} → ${want}`, () => expect(planSize(id)).toBe(want));
  const gb: [unknown, string][] = [[10, "micro"], [11, "small"], [500, "medium"], [2048, "large"], [4000, "xlarge"], ["x", "small"]];
  for (const [n, want] of gb) it(`${String(n)} GB → ${want}`, () => expect(gbSize(n)).toBe(want));
});

describe("linodeTime", () => {
  it("reads Linode's zone-less UTC", () => expect(linodeTime("2018-01-01T00:01:01")).toBe("2018-01-01T00:01:01.000Z"));
  it("keeps an explicit zone", () => expect(linodeTime("2018-01-01T02:00:00+02:00")).toBe("2018-01-01T00:00:00.000Z"));
  it("null for nothing", () => expect(linodeTime(null)).toBeNull());
});

const linode = {
  id: 123, label: "web-1", region: "us-east", type: "g6-standard-2", status: "running", tags: ["env:prod", "wedding-critical"], specs: { memory: 4096, vcpus: 2 }, lke_cluster_id: 9, created: "2024-03-01T10:00:00",
};

describe("kinds: one raw item in, one resource (or a skipped item) out", () => {
  it("a Linode", () => {
    expect(normalizeInstance(linode, where)).toMatchObject({
      cloud: "linode", account: "A1B2", regionCode: "us-east", kind: "linode_instance", resourceId: "linode/123", name: "web-1", resourceType: "compute", status: "running",
      sizeCategory: "small", tags: { env: "prod", "wedding-critical": "true" }, providerCreatedAt: "2024-03-01T10:00:00.000Z",
      dependencies: [{ relation: "group_member", target: "lkecluster/9", reverse: true, dependencyType: "load_balancer", dependencyStrength: "soft" }],
    });
  });
  it("a Linode without an id is malformed", () => expect(() => normalizeInstance({ ...linode, id: undefined as never }, where)).toThrow(MalformedItemError));
  it("a Linode with an unknown status is malformed", () => expect(() => normalizeInstance({ ...linode, status: "exploded" }, where)).toThrow(/unknown Linode status/));
  it("an attached volume is a data volume of its Linode", () => {
    const v = normalizeVolume({ id: 5, label: "data", region: "us-east", size: 20, status: "active", linode_id: 123, tags: [] }, where);
    expect(v).toMatchObject({ resourceId: "volume/5", sizeCategory: "small", status: "running" });
    expect(v.dependencies).toEqual([{ relation: "data_volume", target: "linode/123", reverse: true, dependencyType: "storage", dependencyStrength: "soft" }]);
  });
  it("a detached volume has no edge", () => expect(normalizeVolume({ id: 5, label: "d", region: "us-east", size: 20, status: "active", linode_id: null, tags: [] }, where).dependencies).toBeUndefined());
  it("a bucket is named by region and label; an old answer's cluster gives the region", () => {
    expect(normalizeBucket({ label: "photos", cluster: "us-east-1", size: 2e11 }, where)).toMatchObject({ resourceId: "bucket/us-east/photos", regionCode: "us-east", sizeCategory: "medium" });
  });
  it("a bucket without a label is malformed", () => expect(() => normalizeBucket({ region: "us-east" } as never, where)).toThrow(MalformedItemError));
  it("a firewall is global; what it protects depends on it", () => {
    const f = normalizeFirewall(
      { id: 7, label: "fw", status: "enabled", tags: [], entities: [{ id: 123, type: "linode" }, { id: 4, type: "nodebalancer" }, { id: 1, type: "interface" }] },
      where,
    );
    expect(f).toMatchObject({ regionCode: "global", resourceId: "firewall/7", status: "running" });
    expect(f.dependencies?.map((d) => [d.relation, d.target, d.reverse])).toEqual([["security_group", "linode/123", true], ["security_group", "nodebalancer/4", true]]);
  });
  it("an unassigned address is stopped and has no edge", () => {
    expect(normalizeIp({ address: "45.1.2.3", region: "us-east", linode_id: null }, where)).toMatchObject({ resourceId: "ip/45.1.2.3", status: "stopped" });
  });
  it("a NodeBalancer targets its backends' private addresses", () => {
    const nb = normalizeNodeBalancer(
      { id: 8, label: "nb", region: "us-east", tags: [], configs: [{ id: 1, nodes: [{ id: 2, address: "192.168.1.5:80" }, { id: 3, address: "192.168.1.5:80" }] }] },
      where,
    );
    expect(nb.dependencies?.map((d) => [d.relation, d.target])).toEqual([["lb_target", "ip/192.168.1.5"]]);
  });
  it("a NodeBalancer deleted while its configs were read is skipped", () => {
    expect(() => normalizeNodeBalancer({ id: 8, label: "nb", region: "us-east", tags: [], vanished: true }, where)).toThrow(/deleted while its configs were read/);
  });
});

describe("regions", () => {
  it("a known region gets the catalog's geography and the API's name", () => {
    expect(mergeLinodeRegion({ id: "eu-central", label: "Frankfurt, DE", country: "de" })).toEqual({
      cloud: "linode", code: "eu-central", name: "Frankfurt, DE", availabilityZones: [],
      geographicLocation: { continent: "Europe", country: "Germany", city: "Frankfurt", coordinates: { lat: 50.11, lng: 8.68 } },
    });
  });
  it("an unknown region keeps the API's country and label", () => {
    expect(mergeLinodeRegion({ id: "xx-new", label: "Atlantis", country: "at" }).geographicLocation).toEqual({ continent: "", country: "AT", city: "Atlantis", coordinates: { lat: 0, lng: 0 } });
  });
});

describe("costs", () => {
  const products: [string, string, string][] = [
    ["Linode 4GB - web-1", "compute", "Linodes"],
    ["Nanode 1GB - db-backup", "compute", "Linodes"],
    ["Backup Service - Linode 4GB - web-1", "storage", "Backups"],
    ["Block Storage Volume - data", "storage", "Block Storage"],
    ["Managed Database - orders", "database", "Managed Databases"],
    ["NodeBalancer - nb-1", "network", "NodeBalancers"],
    ["Reserved IP Address - 45.1.2.3", "network", "IP Addresses"],
    ["Network Transfer Overage", "network", "Network Transfer"],
    ["LKE HA Control Plane - lke-1", "compute", "Kubernetes (LKE)"],
    ["Object Storage - 250 GB", "storage", "Object Storage"],
    ["Something New", "compute", "Other"],
  ];
  for (const [label, category, service] of products) {
    it(`"${label}" → ${category} (${service})`, () => expect(linodeCostProduct(label)).toMatchObject({ category, service }));
  }
  const invoice = { id: 77, date: "2026-12-01T00:00:00", label: "Invoice" };
  it("an item: pre-tax amount exactly, its days, USD", () => {
    const line = normalizeInvoiceItem(
      { amount: 24.1, tax: 1.93, total: 26.03, from: "2026-11-10T00:00:00", to: "2026-11-30T23:59:59", label: "Linode 4GB - web-1", quantity: 504, unit_price: "0.036", type: "hourly", region: "us-east" },
      invoice,
      "A1B2",
      0,
    );
    expect(line).toMatchObject({ periodStart: "2026-11-10", periodEnd: "2026-11-30", amount: "24.1", currency: "USD", category: "compute", resourceId: null, usage: { quantity: "504", unitPrice: "0.036" } });
    expect(line.billingDetails).toMatchObject({ invoiceId: 77, tax: "1.93", region: "us-east" });
  });
  it("an item without from/to is the invoice's day", () => {
    const line = normalizeInvoiceItem({ amount: 0.1, from: null, to: null, label: "Something New", quantity: null, unit_price: null }, invoice, "A1B2", 3);
    expect(line).toMatchObject({ periodStart: "2026-12-01", periodEnd: "2026-12-01", amount: "0.1" });
    expect(line.billingDetails.category).toMatch(/no rule matched/);
  });
  it("an item without an amount is malformed", () => {
    expect(() => normalizeInvoiceItem({ amount: "x" as never, from: null, to: null, label: "L", quantity: null, unit_price: null }, invoice, "A1B2", 4)).toThrow(/77#4/);
  });
  it("the invoice's tax is a tax line on its day; none when zero", () => {
    expect(invoiceTaxLine({ ...invoice, tax: 3.5 }, "A1B2")).toMatchObject({ category: "tax", amount: "3.5", periodStart: "2026-12-01" });
    expect(invoiceTaxLine({ ...invoice, tax: 0 }, "A1B2")).toBeNull();
  });
  it("the uninvoiced balance runs from the 1st of the month to the day asked", () => {
    expect(uninvoicedLine(12.34, "2026-12-06", "A1B2")).toMatchObject({ periodStart: "2026-12-01", periodEnd: "2026-12-06", amount: "12.34", billingDetails: { uninvoiced: true } });
    expect(uninvoicedLine(0, "2026-12-06", "A1B2")).toBeNull();
  });
});

describe("normalizeLinodeStats: hand-computed samples", () => {
  const t0 = Date.parse("2026-12-06T09:00:00Z");
  const t1 = t0 + 300_000;
  const answer = {
    data: {
      cpu: [[t0, 150], [t1, 50]] as [number, number][],
      netv4: { in: [[t0, 1_000_000]] as [number, number][], private_in: [[t0, 500_000]] as [number, number][], out: [[t0, 2_000_000]] as [number, number][] },
      netv6: { in: [[t0, 500_000]] as [number, number][] },
    },
  };
  const target = { account: "A1B2", resourceId: "linode/1", vcpus: 2 };
  it("per-core CPU ÷ vCPUs; network = sum of v4/v6, public/private ÷ 10^6; an absent series is absent", () => {
    const samples = normalizeLinodeStats(answer, target, { start: new Date(t0), end: new Date(t1 + 1), periodSeconds: 300 });
    expect(samples).toEqual([
      { cloud: "linode", account: "A1B2", resourceId: "linode/1", timestamp: "2026-12-06T09:00:00.000Z", metrics: { cpu_utilization: 75, network_in_mbps: 2, network_out_mbps: 2 } },
      { cloud: "linode", account: "A1B2", resourceId: "linode/1", timestamp: "2026-12-06T09:05:00.000Z", metrics: { cpu_utilization: 25 } },
    ]);
  });
  it("a longer period averages its points; points outside the window are dropped", () => {
    const samples = normalizeLinodeStats(answer, target, { start: new Date(t0), end: new Date(t1 + 1), periodSeconds: 3600 });
    expect(samples).toHaveLength(1);
    expect(samples[0]?.metrics.cpu_utilization).toBe(50);
    expect(normalizeLinodeStats(answer, target, { start: new Date(t1 + 1), end: new Date(t1 + 2), periodSeconds: 300 })).toEqual([]);
  });
  it("without a vCPU count, no CPU is reported (never guessed)", () => {
    const samples = normalizeLinodeStats(answer, { ...target, vcpus: null }, { start: new Date(t0), end: new Date(t1 + 1), periodSeconds: 300 });
    expect(samples.every((s) => s.metrics.cpu_utilization === undefined)).toBe(true);
  });
  it("a bare body (no `data`) reads the same", () => {
    expect(normalizeLinodeStats(answer.data, target, { start: new Date(t0), end: new Date(t1 + 1), periodSeconds: 300 })).toHaveLength(2);
  });
});
