import { describe, expect, it } from "vitest";
import { awsRecommendationFacts } from "../src/aws/recommendation-facts.ts";
import { gcpRecommendationFacts } from "../src/gcp/recommendation-facts.ts";
import { createPriceBook, evaluateRecommendations, type ResourceFacts } from "../src/recommendations/index.ts";
import { storageOptimization } from "../src/recommendations/rules/storage-optimization.ts";
import type { PriceQuote } from "../src/types.ts";
import { fixtureContext, fixturePrices, usage } from "./recommendation-fixtures.ts";

/**
 * Buckets without lifecycle rules (docs/recommendations.md): savings = GiB × cold share (0.5) ×
 * (hot − cool GB-month price), the size being the window's latest storage_bytes sample.
 */
const gb = 1024 ** 3;
const storage = (cloud: "aws" | "gcp", region: string, sku: string, unitPrice: string): PriceQuote => ({
  cloud,
  region,
  product: "object_storage",
  sku,
  term: "on_demand",
  unitPrice,
  unit: "gb_month",
  currency: "USD",
  sourceId: `${cloud}/${region}/${sku}`,
});
const prices = [
  ...fixturePrices,
  storage("aws", "us-east-1", "STANDARD", "0.023"),
  storage("aws", "us-east-1", "STANDARD_IA", "0.0125"),
  storage("gcp", "us", "STANDARD", "0.026"),
  storage("gcp", "us", "NEARLINE", "0.010"),
  // Another currency's price must never serve a USD bill.
  { ...storage("aws", "eu-west-1", "STANDARD", "0.021"), currency: "EUR" },
  { ...storage("aws", "eu-west-1", "STANDARD_IA", "0.0115"), currency: "EUR" },
];
const ctx = fixtureContext({ prices: createPriceBook(prices) });

function bucket(overrides: Partial<ResourceFacts> = {}): ResourceFacts {
  return { key: "b1", cloud: "aws", kind: "s3_bucket", region: "us-east-1", status: "running", tags: {}, role: "bucket", storageClass: "STANDARD", hasLifecycleRules: false, ...overrides };
}
/** A bucket's window: daily size samples (the coverage of compute rules does not apply). */
const sized = (bytes: number) => usage({ samples: 30, cpuMean: undefined, cpuMax: undefined, memoryMean: undefined, networkMbpsMean: undefined, storageBytesLatest: bytes });

describe("storage_optimization: buckets without lifecycle rules", () => {
  it("a 2 TiB S3 bucket: current 2048 × 0.023 = 47.104; proposed 1024 × 0.023 + 1024 × 0.0125 = 36.352; saves 1024 × 0.0105 = 10.752", () => {
    const f = storageOptimization(bucket(), ctx, sized(2048 * gb));
    expect(f).toMatchObject({
      type: "storage_optimization",
      findingKey: "storage_optimization:b1:lifecycle-STANDARD_IA",
      currentMonthly: 47.1,
      proposedMonthly: 36.35,
      monthlySavings: 10.75,
      evidence: { reason: "no_lifecycle_rule", from: "STANDARD", to: "STANDARD_IA", size_gb: 2048, cold_share: 0.5, price_from: "0.023", price_to: "0.0125" },
    });
  });

  it("a 500 GiB GCS bucket in the US multi-region: 500 × 0.026 = 13.00 now; 250 × 0.026 + 250 × 0.010 = 9.00 after; saves 4.00", () => {
    const f = storageOptimization(bucket({ cloud: "gcp", kind: "gcs_bucket", region: "us" }), ctx, sized(500 * gb));
    expect(f).toMatchObject({ currentMonthly: 13, proposedMonthly: 9, monthlySavings: 4, evidence: { to: "NEARLINE" } });
  });

  it("exactly the 100 GiB minimum fires; 200 GiB: 4.60 now, 100 × 0.023 + 100 × 0.0125 = 3.55 after, saves 1.05", () => {
    expect(storageOptimization(bucket(), ctx, sized(100 * gb))).toBeDefined();
    expect(storageOptimization(bucket(), ctx, sized(200 * gb))).toMatchObject({ currentMonthly: 4.6, proposedMonthly: 3.55, monthlySavings: 1.05 });
  });

  it.each([
    ["no size sample in the window", bucket(), usage({ storageBytesLatest: undefined })],
    ["no usage at all", bucket(), undefined],
    ["below the 100 GiB minimum", bucket(), sized(99 * gb)],
    ["a rule that moves or expires objects", bucket({ hasLifecycleRules: true }), sized(2048 * gb)],
    ["lifecycle unknown (the read was refused)", bucket({ hasLifecycleRules: undefined }), sized(2048 * gb)],
    ["GCS bucket already NEARLINE by default", bucket({ cloud: "gcp", kind: "gcs_bucket", region: "us", storageClass: "NEARLINE" }), sized(2048 * gb)],
    ["no price of the cool class in the region", bucket({ region: "us-west-2" }), sized(2048 * gb)],
    ["prices only in another currency", bucket({ region: "eu-west-1" }), sized(2048 * gb)],
    ["Azure storage accounts (no storage-class prices are read)", bucket({ cloud: "azure", kind: "azure_storage_account", region: "eastus" }), sized(2048 * gb)],
  ])("does not fire: %s", (_name, facts, window) => {
    expect(storageOptimization(facts, ctx, window)).toBeUndefined();
  });

  it("evaluateRecommendations passes the window to the rule", () => {
    const [f] = evaluateRecommendations([{ facts: bucket(), usage: sized(2048 * gb) }], ctx);
    expect(f?.monthlySavings).toBe(10.75);
  });
});

describe("bucket facts", () => {
  const transition = { ID: "archive", Status: "Enabled", Filter: {}, Transitions: [{ Days: 30, StorageClass: "STANDARD_IA" }] };
  const abortOnly = { ID: "abort", Status: "Enabled", Filter: {}, AbortIncompleteMultipartUpload: { DaysAfterInitiation: 7 } };
  it.each([
    ["NoSuchLifecycleConfiguration (stored as [])", { LifecycleRules: [] }, false],
    ["only aborting incomplete uploads", { LifecycleRules: [abortOnly] }, false],
    ["a transition", { LifecycleRules: [abortOnly, transition] }, true],
    ["an expiration", { LifecycleRules: [{ Status: "Enabled", Expiration: { Days: 365 } }] }, true],
    ["a disabled transition", { LifecycleRules: [{ ...transition, Status: "Disabled" }] }, false],
    ["not read (access denied)", { LifecycleError: "AccessDenied" }, undefined],
  ])("S3 %s → hasLifecycleRules %s", (_name, config, expected) => {
    const facts = awsRecommendationFacts("s3_bucket", { Name: "b", ...config }, {});
    expect(facts).toMatchObject({ role: "bucket", storageClass: "STANDARD" });
    expect(facts.hasLifecycleRules).toBe(expected);
  });

  it.each([
    ["no lifecycle field", {}, false],
    ["SetStorageClass", { lifecycle: { rule: [{ action: { type: "SetStorageClass", storageClass: "NEARLINE" }, condition: { age: 30 } }] } }, true],
    ["Delete", { lifecycle: { rule: [{ action: { type: "Delete" }, condition: { age: 365 } }] } }, true],
    ["AbortIncompleteMultipartUpload only", { lifecycle: { rule: [{ action: { type: "AbortIncompleteMultipartUpload" }, condition: { age: 7 } }] } }, false],
  ])("GCS %s → hasLifecycleRules %s", (_name, config, expected) => {
    const facts = gcpRecommendationFacts("gcs_bucket", { storageClass: "STANDARD", location: "US", ...config }, {});
    expect(facts).toEqual({ role: "bucket", storageClass: "STANDARD", hasLifecycleRules: expected });
  });
});
