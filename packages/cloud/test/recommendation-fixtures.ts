import {
  createPriceBook,
  defaultRuleThresholds,
  type ResourceFacts,
  type RuleContext,
  type UsageFacts,
} from "../src/recommendations/index.ts";
import type { PriceQuote } from "../src/types.ts";

/**
 * A small price list for hand-computed figures. Monthly = hourly × 730, or GiB × GB-month.
 * m5.large us-east-1: 0.096/h → 70.08 a month; m5.xlarge 0.192/h → 140.16.
 */
const q = (region: string, product: PriceQuote["product"], sku: string, term: PriceQuote["term"], unitPrice: string, currency = "USD"): PriceQuote => ({
  cloud: "aws",
  region,
  product,
  sku,
  term,
  unitPrice,
  unit: product === "volume" ? "gb_month" : "hour",
  currency,
  sourceId: `${region}/${sku}/${term}`,
});

export const fixturePrices: PriceQuote[] = [
  q("us-east-1", "compute", "m5.large", "on_demand", "0.096"),
  q("us-east-1", "compute", "m5.xlarge", "on_demand", "0.192"),
  q("us-east-1", "compute", "m5.2xlarge", "on_demand", "0.384"),
  q("us-east-1", "compute", "c5.large", "on_demand", "0.085"),
  q("us-east-1", "compute", "m5.large", "reserved_1y", "0.060"),
  q("us-east-1", "compute", "m5.xlarge", "reserved_1y", "0.121"),
  q("us-east-1", "compute", "m5.large", "spot", "0.035"),
  q("us-west-1", "compute", "m5.large", "on_demand", "0.112"),
  q("us-west-2", "compute", "m5.large", "on_demand", "0.104"),
  q("eu-west-1", "compute", "m5.large", "on_demand", "0.080"),
  q("us-east-1", "volume", "gp2", "on_demand", "0.10"),
  q("us-east-1", "volume", "gp3", "on_demand", "0.08"),
  q("us-east-1", "volume", "snapshot", "on_demand", "0.05"),
  q("us-east-1", "public_ip", "standard", "on_demand", "0.005"),
  q("us-east-1", "load_balancer", "standard", "on_demand", "0.0252"),
  // A price in another currency must never be used for a USD bill.
  q("eu-west-1", "volume", "gp2", "on_demand", "0.11", "EUR"),
];

const countries: Record<string, string> = { "us-east-1": "US", "us-east-2": "US", "us-west-1": "US", "us-west-2": "US", "eu-west-1": "IE" };

export function fixtureContext(overrides: Partial<RuleContext> = {}): RuleContext {
  return {
    prices: createPriceBook(fixturePrices),
    currency: "USD",
    geographyOf: (_cloud, region) => countries[region],
    isProduction: (tags) => tags.env === "prod",
    thresholds: defaultRuleThresholds,
    ...overrides,
  };
}

export function machine(overrides: Partial<ResourceFacts> = {}): ResourceFacts {
  return { key: "r1", cloud: "aws", kind: "ec2_instance", region: "us-east-1", status: "running", tags: {}, role: "compute", size: "m5.large", scalingGroup: null, ...overrides };
}

export function volume(overrides: Partial<ResourceFacts> = {}): ResourceFacts {
  return { key: "v1", cloud: "aws", kind: "ebs_volume", region: "us-east-1", status: "running", tags: {}, role: "volume", size: "gp2", sizeGb: 100, attached: true, ...overrides };
}

/** A full window of 5-minute samples over 30 days: 8,640 expected. */
export function usage(overrides: Partial<UsageFacts> = {}): UsageFacts {
  return { samples: 8640, expectedSamples: 8640, cpuMean: 45, cpuMax: 80, memoryMean: 60, networkMbpsMean: 12, ...overrides };
}
