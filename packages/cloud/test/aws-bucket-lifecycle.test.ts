import { type AwsEmulator, bucketLifecycleOf, startAwsEmulator } from "@cloudsync/cloud-emulators";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createAwsAdapter } from "../src/aws/index.ts";
import { normalizePriceListItem } from "../src/aws/normalize-prices.ts";
import { awsRecommendationFacts } from "../src/aws/recommendation-facts.ts";
import type { InventoryEvent, NormalizedResource } from "../src/types.ts";
import { kindTestAdapter } from "./aws-kind-harness.ts";

/** Issue 16, storage: S3 lifecycle rules and S3 storage-class prices, read over the emulator. */

const s3Item = (attributes: Record<string, string>, dimensions: Record<string, unknown>) =>
  JSON.stringify({ product: { productFamily: "Storage", attributes: { servicecode: "AmazonS3", ...attributes }, sku: "S" }, serviceCode: "AmazonS3", terms: { OnDemand: { "S.T": { priceDimensions: dimensions } } } });
const tier = (code: string, usd: string, beginRange: string, endRange: string) => ({ [code]: { unit: "GB-Mo", pricePerUnit: { USD: usd }, rateCode: code, beginRange, endRange } });

describe("normalizePriceListItem: S3 storage classes", () => {
  it.each([
    [
      "Standard, tiered: the rate from zero (the first 50 TB) is the one",
      s3Item({ regionCode: "us-east-2", volumeType: "Standard", usagetype: "USE2-TimedStorage-ByteHrs" }, {
        ...tier("S.T.B", "0.0220000000", "51200", "512000"),
        ...tier("S.T.A", "0.0230000000", "0", "51200"),
        ...tier("S.T.C", "0.0210000000", "512000", "Inf"),
      }),
      [{ product: "object_storage", sku: "STANDARD", unitPrice: "0.0230000000", unit: "gb_month", region: "us-east-2", sourceId: "S.T.A" }],
    ],
    [
      "Standard-IA in us-east-1 (no usage-type prefix)",
      s3Item({ regionCode: "us-east-1", volumeType: "Standard - Infrequent Access", usagetype: "TimedStorage-SIA-ByteHrs" }, tier("S.T.A", "0.0125000000", "0", "Inf")),
      [{ product: "object_storage", sku: "STANDARD_IA", unitPrice: "0.0125000000" }],
    ],
    [
      "One Zone-IA is not a class the advice compares",
      s3Item({ regionCode: "us-east-1", volumeType: "One Zone - Infrequent Access", usagetype: "TimedStorage-ZIA-ByteHrs" }, tier("S.T.A", "0.01", "0", "Inf")),
      [],
    ],
  ])("%s", (_name, doc, expected) => {
    const quotes = normalizePriceListItem(doc);
    expect(quotes).toHaveLength(expected.length);
    for (const [i, e] of expected.entries()) expect(quotes[i]).toMatchObject({ cloud: "aws", term: "on_demand", currency: "USD", ...e });
  });
});

describe("S3 over the emulator", () => {
  let emu: AwsEmulator;
  beforeAll(async () => {
    emu = await startAwsEmulator({ seed: 11, size: 200, accounts: [{ accountId: "123456789012" }] });
  });
  afterAll(() => emu.close());

  it("prices STANDARD and STANDARD_IA in every region from Price List GetProducts (AmazonS3)", async () => {
    const quotes = await kindTestAdapter(emu).listPrices({ computeSizes: [], volumeTypes: [], storageClasses: ["STANDARD", "STANDARD_IA"] });
    const find = (region: string, sku: string) => quotes.find((q) => q.region === region && q.product === "object_storage" && q.sku === sku);
    // us-east-1's published figures; eu-west-1 is the emulator's ×1.1146: 0.023 × 1.1146 = 0.0256358 → 0.0256.
    expect(find("us-east-1", "STANDARD")).toMatchObject({ unitPrice: "0.0230000000", unit: "gb_month" });
    expect(find("us-east-1", "STANDARD_IA")).toMatchObject({ unitPrice: "0.0125000000", unit: "gb_month" });
    expect(find("eu-west-1", "STANDARD")?.unitPrice).toBe("0.0256000000");
    // Seven regions × two classes, one quote each (Standard's upper tiers give none).
    expect(quotes).toHaveLength(14);
  });

  it("reads each bucket's lifecycle rules, a bucket without any (NoSuchLifecycleConfiguration) as []", async () => {
    const adapter = createAwsAdapter({ credentials: emu.baseCredentials, accounts: [{ accountId: "123456789012" }], endpoint: emu.endpoint, pageSize: 5, requestsPerSecond: 1000 });
    const events: InventoryEvent[] = [];
    for await (const e of adapter.streamResources({ kinds: ["s3_bucket"] })) events.push(e);
    const buckets = events.flatMap((e) => (e.type === "page" ? e.resources : [])) as NormalizedResource[];
    expect(buckets.length).toBeGreaterThan(0);
    const seen = new Set<string>();
    for (const b of buckets) {
      const kind = bucketLifecycleOf(b.resourceId);
      seen.add(kind);
      const rules = b.configuration.LifecycleRules as { Transitions?: { Days?: number; StorageClass?: string }[] }[];
      expect(rules).toHaveLength(kind === "none" ? 0 : kind === "abort_uploads_only" ? 1 : 2);
      if (kind === "transition_and_expire") expect(rules[0]?.Transitions).toEqual([{ Days: 30, StorageClass: "STANDARD_IA" }]);
      // Only a rule that moves or expires objects counts; aborting uploads alone does not.
      expect(awsRecommendationFacts("s3_bucket", b.configuration, b.tags).hasLifecycleRules).toBe(kind === "transition_and_expire");
    }
    // The estate must exercise all three cases, or this test proves less than it says.
    expect(seen).toEqual(new Set(["none", "abort_uploads_only", "transition_and_expire"]));
    expect(emu.requests.get("s3:GetBucketLifecycleConfiguration")).toBe(buckets.length);
  });
});
