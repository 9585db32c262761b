import { describe, expect, it } from "vitest";
import { type CatalogRate, gcpQuotes } from "../src/gcp/normalize-prices.ts";
import {
  createPriceBook,
  defaultRuleThresholds,
  evaluateRecommendations,
  recommendationFacts,
  regionGeography,
  type RuleContext,
  type StoredResource,
} from "../src/recommendations/index.ts";
import { usage } from "./recommendation-fixtures.ts";

/**
 * The six rules on GCP resources, priced the way the adapter prices them: catalog rates (the
 * emulator's and the public us-central1 list prices) composed by `gcpQuotes`. Every figure is
 * worked out by hand in the test's name; monthly = hourly × 730, or GiB × GB-month.
 *
 * Machine prices, from vCPU and GiB-hour rates:
 * - n2-standard-8 us-central1: 8 × 0.031611 + 32 × 0.004237 = 0.388472 /h → 283.58456 a month
 * - n2-standard-4 us-central1: 4 × 0.031611 + 16 × 0.004237 = 0.194236 /h → 141.79228
 * - n2-standard-4 us-east4:    4 × 0.035594 + 16 × 0.004771 = 0.218712 /h → 159.65976
 * - n2-standard-4 us-central1 spot: 4 × 0.007587 + 16 × 0.001017 = 0.04662 /h → 34.0326
 * - n2-standard-4 us-central1 1 year: 4 × 0.019915 + 16 × 0.002669 = 0.122364 /h → 89.32572
 * - e2-micro us-central1: 0.25 × 0.021811 + 1 × 0.002923 = 0.00837575 /h → 6.1142975
 */
const rate = (component: CatalogRate["component"], key: string, term: CatalogRate["term"], region: string, unitPrice: string): CatalogRate => ({
  component,
  key,
  term,
  regions: [region],
  unitPrice,
  currency: "USD",
  skuId: `${component}-${key}-${term}-${region}`,
});

const rates: CatalogRate[] = [
  rate("core", "n2", "on_demand", "us-central1", "0.031611"),
  rate("ram", "n2", "on_demand", "us-central1", "0.004237"),
  rate("core", "n2", "on_demand", "us-east4", "0.035594"),
  rate("ram", "n2", "on_demand", "us-east4", "0.004771"),
  rate("core", "n2", "on_demand", "europe-west1", "0.034773"),
  rate("ram", "n2", "on_demand", "europe-west1", "0.004661"),
  rate("core", "n2", "spot", "us-central1", "0.007587"),
  rate("ram", "n2", "spot", "us-central1", "0.001017"),
  rate("core", "n2", "reserved_1y", "us-central1", "0.019915"),
  rate("ram", "n2", "reserved_1y", "us-central1", "0.002669"),
  rate("core", "e2", "on_demand", "us-central1", "0.021811"),
  rate("ram", "e2", "on_demand", "us-central1", "0.002923"),
  rate("disk", "pd-ssd", "on_demand", "us-central1", "0.17"),
  rate("disk", "pd-balanced", "on_demand", "us-central1", "0.1"),
  rate("disk", "pd-standard", "on_demand", "us-central1", "0.04"),
  rate("public_ip", "standard", "on_demand", "us-central1", "0.01"),
];

const ctx: RuleContext = {
  prices: createPriceBook(gcpQuotes(rates, ["n2-standard-8", "n2-standard-4", "e2-micro"], ["pd-ssd", "pd-balanced", "pd-standard"], true)),
  currency: "USD",
  geographyOf: regionGeography,
  isProduction: (tags) => tags.env === "prod",
  thresholds: defaultRuleThresholds,
};

const api = "https://www.googleapis.com/compute/v1/projects/p";
const instance = (key: string, machineType: string, region: string, extra: Partial<StoredResource> = {}, config: Record<string, unknown> = {}): StoredResource => ({
  key,
  cloud: "gcp",
  kind: "gce_instance",
  region,
  status: "running",
  tags: {},
  configuration: { machineType: `${api}/zones/${region}-a/machineTypes/${machineType}`, status: "RUNNING", ...config },
  ...extra,
});
const inMig = { metadata: { items: [{ key: "created-by", value: "projects/1/zones/us-central1-a/instanceGroupManagers/web" }] } };
const disk = (key: string, type: string, sizeGb: string, users: string[]): StoredResource => ({
  key,
  cloud: "gcp",
  kind: "gce_disk",
  region: "us-central1",
  status: "running",
  tags: {},
  configuration: { type: `${api}/zones/us-central1-a/diskTypes/${type}`, sizeGb, users },
});

const evaluate = (resources: { r: StoredResource; u?: ReturnType<typeof usage> }[]) =>
  evaluateRecommendations(
    resources.map(({ r, u }) => ({ facts: recommendationFacts(r), usage: u })),
    ctx,
  );

describe("the six rules price GCP resources (Cloud Billing Catalog rates)", () => {
  it("unused_resources: an unattached 500 GiB pd-standard, 500 × 0.04 = 20.00; a reserved address, 0.01 × 730 = 7.30; an idle e2-micro, 6.1142975 → 6.11", () => {
    const found = evaluate([
      { r: disk("d1", "pd-standard", "500", []) },
      { r: { key: "ip1", cloud: "gcp", kind: "gcp_address", region: "us-central1", status: "stopped", tags: {}, configuration: { status: "RESERVED", addressType: "EXTERNAL" } } },
      { r: instance("vm-idle", "e2-micro", "us-central1"), u: usage({ cpuMax: 2, cpuMean: 1, networkMbpsMean: 0.01 }) },
    ]);
    expect(found.map((f) => [f.type, f.resourceKeys[0], f.monthlySavings, f.currentMonthly, f.proposedMonthly])).toEqual([
      ["unused_resources", "d1", 20, 20, 0],
      ["unused_resources", "ip1", 7.3, 7.3, 0],
      ["unused_resources", "vm-idle", 6.11, 6.11, 0],
    ]);
  });

  it("rightsizing: n2-standard-8 → n2-standard-4, 283.58456 − 141.79228 = 141.79", () => {
    const [f] = evaluate([{ r: instance("vm1", "n2-standard-8", "us-central1"), u: usage({ cpuMean: 8, cpuMax: 30, memoryMean: 20 }) }]);
    expect(f).toMatchObject({ type: "rightsizing", action: "Resize n2-standard-8 to n2-standard-4", currentMonthly: 283.58, proposedMonthly: 141.79, monthlySavings: 141.79 });
    expect(f?.evidence).toMatchObject({ price_from: "0.388472", price_to: "0.194236" });
  });

  it("storage_optimization: an attached 200 GiB pd-ssd → pd-balanced, 200 × (0.17 − 0.10) = 14.00", () => {
    const [f] = evaluate([{ r: disk("d2", "pd-ssd", "200", [`${api}/zones/us-central1-a/instances/vm1`]) }]);
    expect(f).toMatchObject({ type: "storage_optimization", currentMonthly: 34, proposedMonthly: 20, monthlySavings: 14 });
  });

  it("region_optimization: n2-standard-4 in us-east4 moves to us-central1 (same country, ≥ 10 % cheaper), not Belgium: 159.65976 − 141.79228 = 17.87", () => {
    const [f] = evaluate([{ r: instance("vm2", "n2-standard-4", "us-east4") }]);
    expect(f).toMatchObject({ type: "region_optimization", findingKey: "region_optimization:vm2:us-central1", currentMonthly: 159.66, proposedMonthly: 141.79, monthlySavings: 17.87 });
    // A residency tag pins it: nothing else holds for it (no spot group, no commitment price in us-east4).
    expect(evaluate([{ r: instance("vm2", "n2-standard-4", "us-east4", { tags: { "data-residency": "virginia" } }) }])).toEqual([]);
  });

  it("spot_instances: a non-production member of a managed instance group, 141.79228 − 34.0326 = 107.76", () => {
    const [f] = evaluate([{ r: instance("vm3", "n2-standard-4", "us-central1", { tags: { env: "staging" } }, inMig) }]);
    expect(f).toMatchObject({ type: "spot_instances", currentMonthly: 141.79, proposedMonthly: 34.03, monthlySavings: 107.76 });
    // In production it is not interchangeable enough: it ran all along, so it is committed instead.
    const [prod] = evaluate([{ r: instance("vm3", "n2-standard-4", "us-central1", { tags: { env: "prod" } }, inMig), u: usage() }]);
    expect(prod?.type).toBe("reserved_instances");
  });

  it("reserved_instances: two steady n2-standard-4 in us-central1, 2 × (141.79228 − 89.32572) = 104.93", () => {
    const found = evaluate([
      { r: instance("vm4", "n2-standard-4", "us-central1"), u: usage() },
      { r: instance("vm5", "n2-standard-4", "us-central1"), u: usage() },
    ]);
    expect(found).toHaveLength(1);
    expect(found[0]).toMatchObject({
      type: "reserved_instances",
      findingKey: "reserved_instances:gcp:us-central1:n2-standard",
      resourceKeys: ["vm4", "vm5"],
      currentMonthly: 283.58,
      proposedMonthly: 178.65,
      monthlySavings: 104.93,
    });
  });

  it("prices nothing in a currency the catalog was not read in", () => {
    const eur = { ...ctx, currency: "EUR" };
    const facts = recommendationFacts(disk("d1", "pd-standard", "500", []));
    expect(evaluateRecommendations([{ facts, usage: undefined }], eur)).toEqual([]);
  });
});
