import { type AwsEmulator, startAwsEmulator } from "@cloudsync/cloud-emulators";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { normalizePriceListItem } from "../src/aws/normalize-prices.ts";
import { spotQuotes } from "../src/aws/prices.ts";
import type { PriceQuote } from "../src/types.ts";
import { kindTestAdapter } from "./aws-kind-harness.ts";

const item = (family: string, attributes: Record<string, string>, terms: Record<string, unknown>) => JSON.stringify({ product: { productFamily: family, attributes, sku: "S" }, serviceCode: "AmazonEC2", terms });
const dim = (unit: string, usd: string, beginRange = "0") => ({ "S.T.D": { unit, pricePerUnit: { USD: usd }, rateCode: "S.T.D", beginRange } });

describe("normalizePriceListItem", () => {
  it.each([
    [
      "instance: on-demand and 1yr no-upfront; all-upfront and 3yr left out",
      item("Compute Instance", { instanceType: "m5.large", regionCode: "us-east-1" }, {
        OnDemand: { "S.JRTCKXETXF": { priceDimensions: dim("Hrs", "0.0960000000") } },
        Reserved: {
          "S.4NA7Y494T4": { priceDimensions: dim("Hrs", "0.0600000000"), termAttributes: { LeaseContractLength: "1yr", PurchaseOption: "No Upfront", OfferingClass: "standard" } },
          "S.6QCMYABX3D": { priceDimensions: dim("Quantity", "505"), termAttributes: { LeaseContractLength: "1yr", PurchaseOption: "All Upfront", OfferingClass: "standard" } },
          "S.7NE97W5U4E": { priceDimensions: dim("Hrs", "0.0410000000"), termAttributes: { LeaseContractLength: "3yr", PurchaseOption: "No Upfront", OfferingClass: "standard" } },
        },
      }),
      [
        { product: "compute", sku: "m5.large", term: "on_demand", unitPrice: "0.0960000000", unit: "hour" },
        { product: "compute", sku: "m5.large", term: "reserved_1y", unitPrice: "0.0600000000", unit: "hour" },
      ],
    ],
    ["gp3 volume per GB-month", item("Storage", { volumeApiName: "gp3", regionCode: "eu-west-1" }, { OnDemand: { x: { priceDimensions: dim("GB-Mo", "0.0880000000") } } }), [{ product: "volume", sku: "gp3", unit: "gb_month", region: "eu-west-1" }]],
    ["EBS snapshot storage per GB-month", item("Storage Snapshot", { usagetype: "EUW1-EBS:SnapshotUsage", storageMedia: "Amazon S3", regionCode: "eu-west-1" }, { OnDemand: { x: { priceDimensions: dim("GB-Mo", "0.0530000000") } } }), [{ product: "volume", sku: "snapshot", unit: "gb_month", region: "eu-west-1", unitPrice: "0.0530000000" }]],
    ["EBS snapshot archive tier (another product, not read)", item("Storage Snapshot", { usagetype: "EBS:SnapshotArchiveStorage", regionCode: "us-east-1" }, { OnDemand: { x: { priceDimensions: dim("GB-Mo", "0.0125") } } }), []],
    ["idle public IPv4 address", item("VpcPublicIPv4Address", { group: "VPCPublicIPv4Address", usagetype: "USE2-PublicIPv4:IdleAddress", regionCode: "us-east-2" }, { OnDemand: { x: { priceDimensions: dim("Hrs", "0.005") } } }), [{ product: "public_ip", sku: "standard" }]],
    ["in-use public IPv4 address (not what an idle one costs)", item("VpcPublicIPv4Address", { group: "VPCPublicIPv4Address", usagetype: "PublicIPv4:InUseAddress", regionCode: "us-east-1" }, { OnDemand: { x: { priceDimensions: dim("Hrs", "0.005") } } }), []],
    ["a tier that starts above zero", item("Storage", { volumeApiName: "gp2", regionCode: "us-east-1" }, { OnDemand: { x: { priceDimensions: dim("GB-Mo", "0.09", "1000") } } }), []],
    ["a product without a region code", item("Compute Instance", { instanceType: "m5.large" }, { OnDemand: { x: { priceDimensions: dim("Hrs", "0.096") } } }), []],
  ])("%s", (_name, doc, expected) => {
    const quotes = normalizePriceListItem(doc);
    expect(quotes).toHaveLength(expected.length);
    for (const [i, e] of expected.entries()) expect(quotes[i]).toMatchObject({ cloud: "aws", currency: "USD", ...e });
  });
});

describe("spotQuotes", () => {
  it("takes each zone's latest price and quotes the dearest zone", () => {
    const quotes = spotQuotes("us-east-1", [
      { instanceType: "m5.large", zone: "us-east-1a", price: "0.0400", timestamp: "2026-12-01T00:00:00Z" },
      { instanceType: "m5.large", zone: "us-east-1a", price: "0.0330", timestamp: "2026-12-06T00:00:00Z" },
      { instanceType: "m5.large", zone: "us-east-1b", price: "0.0350", timestamp: "2026-12-05T00:00:00Z" },
    ]);
    expect(quotes).toEqual([expect.objectContaining({ sku: "m5.large", term: "spot", unitPrice: "0.0350" })]);
  });
});

describe("AWS listPrices over the emulator", () => {
  let emu: AwsEmulator;
  beforeAll(async () => {
    emu = await startAwsEmulator({ seed: 7, size: 20 });
  });
  afterAll(() => emu.close());

  it("reads Price List GetProducts page by page and each region's spot prices", async () => {
    const quotes = await kindTestAdapter(emu).listPrices({ computeSizes: ["m5.large", "m5.xlarge"], volumeTypes: ["gp2", "gp3"], network: true });
    const find = (region: string, product: PriceQuote["product"], sku: string, term: PriceQuote["term"]) =>
      quotes.find((q) => q.region === region && q.product === product && q.sku === sku && q.term === term)?.unitPrice;
    expect(find("us-east-1", "compute", "m5.large", "on_demand")).toBe("0.0960000000");
    expect(find("us-east-1", "compute", "m5.large", "reserved_1y")).toBe("0.0600000000");
    expect(find("us-west-1", "compute", "m5.large", "on_demand")).toBe("0.1120000000");
    expect(find("us-east-1", "volume", "gp2", "on_demand")).toBe("0.1000000000");
    expect(find("us-east-1", "public_ip", "standard", "on_demand")).toBe("0.0050000000");
    expect(find("us-east-1", "load_balancer", "standard", "on_demand")).toBe("0.0225000000");
    // Zone c is the dearest of the emulator's three: 0.096 × 0.38.
    expect(find("us-east-1", "compute", "m5.large", "spot")).toBe("0.036480");
    // Seven regions × 2 sizes × (on-demand + 1 yr) + 7 × 2 volumes + 7 IPs + 7 LBs, + spot in the 2 regions read.
    expect(quotes).toHaveLength(7 * 2 * 2 + 7 * 2 + 7 + 7 + 2 * 2);
    // Pages of four: each of the six queries matches 7 products (one per region) → 2 pages.
    expect(emu.requests.get("pricing:GetProducts")).toBe(6 * 2);
  });

  it("reads the EBS snapshot storage price from its own product family when asked for the `snapshot` volume type", async () => {
    const quotes = await kindTestAdapter(emu).listPrices({ computeSizes: [], volumeTypes: ["snapshot"], network: false });
    // The emulator's us-east-1 snapshot storage is $0.05 per GB-month, as the EBS pricing page lists it.
    expect(quotes.find((q) => q.region === "us-east-1" && q.product === "volume" && q.sku === "snapshot")).toMatchObject({ unitPrice: "0.0500000000", unit: "gb_month", term: "on_demand" });
    expect(quotes.filter((q) => q.sku === "snapshot")).toHaveLength(7);
  });
});
