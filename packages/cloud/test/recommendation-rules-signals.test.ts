import { describe, expect, it } from "vitest";
import { createPriceBook, defaultRuleThresholds, evaluateRecommendations, recommendationFacts, type RuleContext, type StoredResource } from "../src/recommendations/index.ts";
import type { PriceQuote } from "../src/types.ts";

/**
 * `unused_resources` on the signals read for it (docs/recommendations.md): Azure disks, public
 * IPs and load balancers from their providers' lists, AWS load balancers from DescribeTargetHealth.
 * Figures by hand: monthly = hourly × 730, or GiB × GB-month.
 */
const quote = (cloud: PriceQuote["cloud"], region: string, product: PriceQuote["product"], unitPrice: string): PriceQuote => ({
  cloud,
  region,
  product,
  sku: "standard",
  term: "on_demand",
  unitPrice,
  unit: "hour",
  currency: "USD",
  sourceId: `${cloud}/${product}`,
});

const ctx: RuleContext = {
  prices: createPriceBook([
    quote("azure", "eastus", "public_ip", "0.005"),
    quote("azure", "eastus", "load_balancer", "0.025"),
    quote("aws", "us-east-1", "load_balancer", "0.0225"),
  ]),
  currency: "USD",
  geographyOf: () => "US",
  isProduction: () => true,
  thresholds: defaultRuleThresholds,
};

const stored = (key: string, cloud: StoredResource["cloud"], kind: string, region: string, configuration: Record<string, unknown>): StoredResource => ({
  key,
  cloud,
  kind,
  region,
  status: "running",
  tags: {},
  configuration,
});

const judge = (resources: StoredResource[]) =>
  evaluateRecommendations(
    resources.map((r) => ({ facts: recommendationFacts(r), usage: undefined })),
    ctx,
  ).map((f) => [f.resourceKeys[0], f.evidence.reason, f.monthlySavings]);

describe("unused_resources on the read signals", () => {
  it("an Azure public IP associated with nothing: 0.005 × 730 = 3.65; an associated one and one never read: nothing", () => {
    expect(
      judge([
        stored("pip-free", "azure", "azure_public_ip", "eastus", { properties: { ipConfiguration: null } }),
        stored("pip-used", "azure", "azure_public_ip", "eastus", { properties: { ipConfiguration: { id: "/nic/ipc" } } }),
        stored("pip-unknown", "azure", "azure_public_ip", "eastus", {}),
      ]),
    ).toEqual([["pip-free", "unassociated", 3.65]]);
  });

  it("an Azure load balancer with empty backend pools: 0.025 × 730 = 18.25; one with a NIC member and one never read: nothing", () => {
    const pools = (members: number) => ({ properties: { backendAddressPools: [{ properties: { backendIPConfigurations: Array.from({ length: members }, (_, i) => ({ id: `n${i}` })) } }] } });
    expect(
      judge([
        stored("lb-empty", "azure", "azure_load_balancer", "eastus", pools(0)),
        stored("lb-used", "azure", "azure_load_balancer", "eastus", pools(1)),
        stored("lb-unknown", "azure", "azure_load_balancer", "eastus", {}),
      ]),
    ).toEqual([["lb-empty", "no_targets", 18.25]]);
  });

  it("an AWS load balancer whose targets are all unhealthy: 0.0225 × 730 = 16.425 → 16.43; one healthy target, or targets never read: nothing", () => {
    expect(
      judge([
        stored("alb-dead", "aws", "elb_load_balancer", "us-east-1", { TargetHealthSummary: { targetGroups: 1, registered: 2, byState: { unhealthy: 2 } } }),
        stored("alb-live", "aws", "elb_load_balancer", "us-east-1", { TargetHealthSummary: { targetGroups: 1, registered: 2, byState: { unhealthy: 1, healthy: 1 } } }),
        stored("alb-unknown", "aws", "elb_load_balancer", "us-east-1", {}),
      ]),
    ).toEqual([["alb-dead", "no_targets", 16.43]]);
  });

  it("an unattached Azure disk is known but not priced yet (managed disks are billed per tier): no advice", () => {
    expect(judge([stored("disk-free", "azure", "azure_disk", "eastus", { sku: { name: "Premium_LRS" }, managedBy: null, properties: { diskState: "Unattached", diskSizeGB: 128 } })])).toEqual([]);
    expect(recommendationFacts(stored("disk-free", "azure", "azure_disk", "eastus", { managedBy: null, properties: { diskState: "Unattached" } })).attached).toBe(false);
  });
});
