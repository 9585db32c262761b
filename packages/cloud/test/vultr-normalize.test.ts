import { describe, expect, it } from "vitest";
import { MalformedItemError } from "../src/errors.ts";
import { amountOf, invoiceMayCover, normalizeInvoiceItem, vultrCostCategory } from "../src/vultr/costs.ts";
import { normalizeBlockStorage } from "../src/vultr/kinds/block-storage.ts";
import { normalizeDatabase } from "../src/vultr/kinds/databases.ts";
import { normalizeInstance } from "../src/vultr/kinds/instances.ts";
import { normalizeKubernetesCluster } from "../src/vultr/kinds/kubernetes-clusters.ts";
import { normalizeReservedIp } from "../src/vultr/kinds/reserved-ips.ts";
import { bandwidthSamples } from "../src/vultr/metrics.ts";
import { cpuSize, databaseStatus, nodeCountSize, serverStatus, subscriptionStatus, tagsFromVultr, volumeSize } from "../src/vultr/normalize.ts";
import { normalizeRegion } from "../src/vultr/regions.ts";

const where = { account: "main", region: "*" };

describe("tagsFromVultr", () => {
  it.each([
    [["env:prod"], { env: "prod" }],
    [["env=staging"], { env: "staging" }],
    [["wedding-critical"], { "wedding-critical": "true" }],
    [["url:https://x.example:8080"], { url: "https://x.example:8080" }],
    [[" team : florist "], { team: "florist" }],
    [["", "  "], {}],
    [["env:dev", "env:prod"], { env: "prod" }],
    [[":odd"], { ":odd": "true" }],
    ["env:prod", { env: "prod" }],
    [null, {}],
    [[42, "a"], { a: "true" }],
  ] as const)("%j → %j", (input, expected) => {
    expect(tagsFromVultr(input as never)).toEqual(expected);
  });
});

describe("status rules", () => {
  it.each([
    ["pending", "running", "provisioning"],
    ["resizing", "running", "provisioning"],
    ["suspended", "running", "stopped"],
    ["closed", "stopped", "terminated"],
    ["active", "running", "running"],
    ["active", "stopped", "stopped"],
    ["active", undefined, "running"],
    ["weird", "running", "error"],
  ])("server %s/%s → %s", (status, power, expected) => {
    expect(serverStatus(status, power)).toBe(expected);
  });
  it.each([
    ["Running", "running"],
    ["Rebuilding", "provisioning"],
    ["Rebalancing", "provisioning"],
    ["Configuring", "provisioning"],
    ["Error", "error"],
  ])("database %s → %s", (s, expected) => expect(databaseStatus(s)).toBe(expected));
  it.each([
    ["active", "running"],
    ["pending", "provisioning"],
    ["failed", "error"],
  ])("subscription %s → %s", (s, expected) => expect(subscriptionStatus(s)).toBe(expected));
});

describe("size rules", () => {
  it.each([
    [1, 512, "nano"],
    [1, 1024, "micro"],
    [1, 2048, "small"],
    [2, 4096, "medium"],
    [4, 8192, "large"],
    [7, null, "large"],
    [8, 16384, "xlarge"],
    [0, 1024, "custom"],
    [undefined, undefined, "custom"],
  ] as const)("%s vCPU, %s MB → %s", (cpu, ram, expected) => expect(cpuSize(cpu, ram)).toBe(expected));
  it.each([
    [10, "small"],
    [99, "small"],
    [100, "medium"],
    [499, "medium"],
    [500, "large"],
    [2000, "xlarge"],
    [0, "custom"],
  ])("volume %s GB → %s", (gb, expected) => expect(volumeSize(gb)).toBe(expected));
  it.each([
    [1, "small"],
    [3, "medium"],
    [4, "large"],
    [10, "xlarge"],
    [0, "custom"],
  ])("%s nodes → %s", (n, expected) => expect(nodeCountSize(n)).toBe(expected));
});

describe("kind normalizers", () => {
  it("an instance: region, status, size, tags, firewall edge, created date", () => {
    const r = normalizeInstance(
      { id: "i-1", label: "web", region: "ewr", status: "active", power_status: "running", vcpu_count: 2, ram: 4096, tags: ["env:prod", "wedding-critical"], firewall_group_id: "fw-1", date_created: "2025-01-31T14:00:00+00:00" },
      where,
    );
    expect(r).toMatchObject({
      cloud: "vultr", account: "main", regionCode: "ewr", kind: "vultr_instance", resourceId: "i-1", name: "web", resourceType: "compute",
      status: "running", sizeCategory: "medium", tags: { env: "prod", "wedding-critical": "true" }, providerCreatedAt: "2025-01-31T14:00:00.000Z",
      dependencies: [{ relation: "security_group", target: "fw-1", dependencyType: "security", dependencyStrength: "hard" }],
    });
  });
  it("an instance without id or region is malformed", () => {
    expect(() => normalizeInstance({ label: "x", region: "ewr" }, where)).toThrow(MalformedItemError);
    expect(() => normalizeInstance({ id: "i", region: "" }, where)).toThrow(MalformedItemError);
  });
  it("an unattached volume has no edge; an attached one points back at its instance", () => {
    expect(normalizeBlockStorage({ id: "b", region: "ams", status: "active", size_gb: 40, attached_to_instance: "" }, where).dependencies).toBeUndefined();
    expect(normalizeBlockStorage({ id: "b", region: "ams", status: "active", size_gb: 40, attached_to_instance: "i-1" }, where).dependencies).toEqual([
      { relation: "data_volume", target: "i-1", dependencyType: "storage", dependencyStrength: "soft", reverse: true },
    ]);
  });
  it("a database: upper-case region, one tag, its VPC, no password kept", () => {
    const r = normalizeDatabase(
      { id: "d", region: "EWR", status: "Running", plan_vcpus: 1, plan_ram: 2048, tag: "env:staging", vpc_id: "v-1", password: "hunter22", date_created: "2022-05-09 10:13:31", read_replicas: [{ id: "r", password: "hunter23" }] },
      where,
    );
    expect(r).toMatchObject({ regionCode: "ewr", status: "running", sizeCategory: "small", tags: { env: "staging" }, resourceType: "database", providerCreatedAt: "2022-05-09T10:13:31.000Z" });
    expect(JSON.stringify(r.configuration)).not.toMatch(/hunter2/);
    expect(r.configuration.read_replicas).toEqual([{ id: "r" }]);
    expect(r.dependencies?.[0]).toMatchObject({ relation: "in_network", target: "v-1", dependencyStrength: "critical" });
  });
  it("a VKE cluster is sized by the nodes of all its pools", () => {
    expect(normalizeKubernetesCluster({ id: "k", region: "fra", status: "active", node_pools: [{ node_quantity: 3 }, { node_quantity: 2 }] }, where).sizeCategory).toBe("large");
  });
  it("a reserved IP without a label is named by its address", () => {
    expect(normalizeReservedIp({ id: "ip", region: "lhr", subnet: "149.28.1.7", label: "", instance_id: "" }, where)).toMatchObject({ name: "149.28.1.7", status: "running" });
  });
  it("a region gets its coordinates from the catalog, or 0,0", () => {
    expect(normalizeRegion({ id: "fra", city: "Frankfurt", country: "DE", continent: "Europe" })?.geographicLocation.coordinates).toEqual({ lat: 50.11, lng: 8.68 });
    expect(normalizeRegion({ id: "zzz", city: "Nowhere" })?.geographicLocation.coordinates).toEqual({ lat: 0, lng: 0 });
    expect(normalizeRegion({ city: "x" })).toBeNull();
  });
});

describe("cost rules", () => {
  it.each([
    ["Cloud Compute", "compute"],
    ["Bare Metal", "compute"],
    ["Kubernetes", "compute"],
    ["Block Storage", "storage"],
    ["Object Storage", "storage"],
    ["Snapshots", "storage"],
    ["Automatic Backups", "storage"],
    ["Load Balancer", "network"],
    ["Reserved IP", "network"],
    ["Bandwidth", "network"],
    ["DDoS Protection", "network"],
    ["Managed Database", "database"],
    ["Tax", "tax"],
    ["VAT", "tax"],
    ["Credit", "compute"],
  ])("%s → %s", (product, expected) => expect(vultrCostCategory(product)).toBe(expected));

  it.each([
    [12.34, "12.34"],
    [-5, "-5"],
    [0.0074, "0.0074"],
    [1e-7, "0.0000001"],
    ["3.10", "3.10"],
    ["x", null],
    [Number.NaN, null],
    [null, null],
  ] as const)("amount %s → %s", (v, expected) => expect(amountOf(v)).toBe(expected));

  it("an invoice item → one line with its period, exact amount and usage", () => {
    const line = normalizeInvoiceItem(
      { description: "web (vc2-1c-1gb)", product: "Cloud Compute", start_date: "2026-11-01T00:00:00+00:00", end_date: "2026-11-30T23:59:59+00:00", units: 720, unit_type: "hours", unit_price: 0.0074, total: 5.33 },
      "main",
      { invoiceId: "123" },
    );
    expect(line).toEqual({
      cloud: "vultr", account: "main", periodStart: "2026-11-01", periodEnd: "2026-11-30", amount: "5.33", currency: "USD", category: "compute",
      service: "Cloud Compute", resourceId: null, billingDetails: { source: "invoice", invoiceId: "123", description: "web (vc2-1c-1gb)", unitPrice: "0.0074" },
      usage: { quantity: "720", unit: "hours" }, tags: {},
    });
  });
  it("an item without start date or total is malformed", () => {
    expect(() => normalizeInvoiceItem({ product: "x", total: 1 }, "main", { invoiceId: null })).toThrow(MalformedItemError);
    expect(() => normalizeInvoiceItem({ product: "x", start_date: "2026-11-01", total: "n/a" }, "main", { invoiceId: null })).toThrow(/not a decimal/);
  });
  it.each([
    ["2026-12-01T00:00:00+00:00", "2026-11-01", "2026-11-30", true],
    ["2026-11-01T00:00:00+00:00", "2026-11-01", "2026-11-30", true],
    ["2026-10-01T00:00:00+00:00", "2026-11-01", "2026-11-30", false],
    ["2027-01-01T00:00:00+00:00", "2026-11-01", "2026-11-30", true],
    ["2027-02-01T00:00:00+00:00", "2026-11-01", "2026-11-30", false],
    [undefined, "2026-11-01", "2026-11-30", false],
  ])("invoice dated %s may cover %s..%s: %s", (date, start, end, expected) => expect(invoiceMayCover(date, start, end)).toBe(expected));
});

describe("bandwidth samples", () => {
  const window = { start: new Date("2026-12-01T00:00:00Z"), end: new Date("2026-12-04T00:00:00Z"), today: "2026-12-03" };
  it("whole days in the window, today left out, bytes → Mbit/s average", () => {
    const samples = bandwidthSamples(
      {
        "2026-11-30": { incoming_bytes: 1, outgoing_bytes: 1 },
        "2026-12-01": { incoming_bytes: 10_800_000_000, outgoing_bytes: 0 },
        "2026-12-02": { incoming_bytes: 21_600_000_000 },
        "2026-12-03": { incoming_bytes: 5, outgoing_bytes: 5 },
        junk: { incoming_bytes: 1 },
      },
      { account: "main", resourceId: "i" },
      window,
    );
    // 10.8 GB × 8 bits / 86,400 s = 1 Mbit/s.
    expect(samples).toEqual([
      { cloud: "vultr", account: "main", resourceId: "i", timestamp: "2026-12-01T00:00:00.000Z", metrics: { network_in_mbps: 1, network_out_mbps: 0 } },
      { cloud: "vultr", account: "main", resourceId: "i", timestamp: "2026-12-02T00:00:00.000Z", metrics: { network_in_mbps: 2 } },
    ]);
  });
});
