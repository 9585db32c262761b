import { hashString } from "../rng.ts";

/**
 * The emulator's price list: Linux on-demand list prices of us-east-1 (the published figures
 * for these types), scaled per region by the ratio AWS charges there, with the standard
 * one-year no-upfront rate at 62.5 % and spot around a third of on-demand. Rendered in the
 * Price List `aws_v1` format GetProducts answers: one JSON document per product, in a string.
 */
export const onDemandUsEast1: Readonly<Record<string, number>> = {
  "t3.nano": 0.0052,
  "t3.micro": 0.0104,
  "t3.small": 0.0208,
  "t3.medium": 0.0416,
  "t3.large": 0.0832,
  "t4g.nano": 0.0042,
  "t4g.micro": 0.0084,
  "m5.large": 0.096,
  "m5.xlarge": 0.192,
  "m5.2xlarge": 0.384,
  "c6i.large": 0.085,
  "c6i.xlarge": 0.17,
  "r6g.large": 0.1008,
  "r6g.xlarge": 0.2016,
  "r6g.2xlarge": 0.4032,
  "c5.xlarge": 0.17,
  "c5.2xlarge": 0.34,
  "c5.4xlarge": 0.68,
  "m7i.24xlarge": 4.8384,
  "m7i.48xlarge": 9.6768,
  "mac1.metal": 1.083,
};

export const volumeUsEast1: Readonly<Record<string, number>> = { gp2: 0.1, gp3: 0.08, io2: 0.125, st1: 0.045, sc1: 0.015, standard: 0.05 };
/** EBS snapshot storage (standard tier), USD per GB-month in us-east-1. */
export const snapshotUsEast1 = 0.05;

/** Region name (the `location` attribute) and price ratio to us-east-1. */
export const pricedRegions: Readonly<Record<string, { location: string; ratio: number; usagePrefix: string }>> = {
  "us-east-1": { location: "US East (N. Virginia)", ratio: 1, usagePrefix: "" },
  "us-east-2": { location: "US East (Ohio)", ratio: 1, usagePrefix: "USE2-" },
  "us-west-1": { location: "US West (N. California)", ratio: 1.1667, usagePrefix: "USW1-" },
  "us-west-2": { location: "US West (Oregon)", ratio: 1, usagePrefix: "USW2-" },
  "eu-west-1": { location: "EU (Ireland)", ratio: 1.1146, usagePrefix: "EU-" },
  "eu-central-1": { location: "EU (Frankfurt)", ratio: 1.2, usagePrefix: "EUC1-" },
  "ap-southeast-2": { location: "Asia Pacific (Sydney)", ratio: 1.25, usagePrefix: "APS2-" },
};

/**
 * S3 storage classes' GB-month prices in us-east-1 (the published figures): Standard is tiered
 * (first 50 TB, next 450 TB, over 500 TB), Standard-IA is one rate.
 */
export const s3StandardTiersUsEast1: readonly { begin: number; end: number | "Inf"; price: number }[] = [
  { begin: 0, end: 51200, price: 0.023 },
  { begin: 51200, end: 512000, price: 0.022 },
  { begin: 512000, end: "Inf", price: 0.021 },
];
export const s3StandardIaUsEast1 = 0.0125;

export const reservedRatio = 0.625;
const publicIpHourly = 0.005;
const albHourly = 0.0225;

/** Ten digits after the point, as the Price List writes USD. */
function usd(n: number): string {
  return n.toFixed(10);
}

function sku(...parts: string[]): string {
  const h = hashString(parts.join("|")).toString(36).toUpperCase();
  const h2 = hashString(`${parts.join("|")}#`).toString(36).toUpperCase();
  return `${h}${h2}`.padEnd(16, "X").slice(0, 16);
}

interface Product {
  serviceCode: string;
  productFamily: string;
  attributes: Record<string, string>;
  onDemand: { unit: string; price: number; description: string; tiers?: readonly { begin: number; end: number | "Inf"; price: number }[] };
  /** Hourly one-year standard no-upfront rate, for instances. */
  reserved?: number;
}

function products(): Product[] {
  const out: Product[] = [];
  for (const [regionCode, r] of Object.entries(pricedRegions)) {
    for (const [instanceType, base] of Object.entries(onDemandUsEast1)) {
      const price = Number((base * r.ratio).toFixed(4));
      out.push({
        serviceCode: "AmazonEC2",
        productFamily: "Compute Instance",
        attributes: {
          servicecode: "AmazonEC2",
          instanceType,
          instanceFamily: instanceType.startsWith("c") ? "Compute optimized" : instanceType.startsWith("r") ? "Memory optimized" : "General purpose",
          regionCode,
          location: r.location,
          locationType: "AWS Region",
          operatingSystem: "Linux",
          tenancy: "Shared",
          preInstalledSw: "NA",
          capacitystatus: "Used",
          licenseModel: "No License required",
          operation: "RunInstances",
          usagetype: `${r.usagePrefix}BoxUsage:${instanceType}`,
        },
        onDemand: { unit: "Hrs", price, description: `$${price} per On Demand Linux ${instanceType} Instance Hour` },
        reserved: Number((price * reservedRatio).toFixed(4)),
      });
    }
    for (const [volumeApiName, base] of Object.entries(volumeUsEast1)) {
      const price = Number((base * r.ratio).toFixed(4));
      out.push({
        serviceCode: "AmazonEC2",
        productFamily: "Storage",
        attributes: { servicecode: "AmazonEC2", volumeApiName, regionCode, location: r.location, locationType: "AWS Region", usagetype: `${r.usagePrefix}EBS:VolumeUsage.${volumeApiName}` },
        onDemand: { unit: "GB-Mo", price, description: `$${price} per GB-month of ${volumeApiName} provisioned storage` },
      });
    }
    // S3 storage: the Price List's AmazonS3 "Storage" products, told apart by volumeType and
    // usagetype (TimedStorage-ByteHrs = Standard, TimedStorage-SIA-ByteHrs = Standard-IA).
    const standardTiers = s3StandardTiersUsEast1.map((t) => ({ ...t, price: Number((t.price * r.ratio).toFixed(4)) }));
    out.push({
      serviceCode: "AmazonS3",
      productFamily: "Storage",
      attributes: { servicecode: "AmazonS3", regionCode, location: r.location, locationType: "AWS Region", storageClass: "General Purpose", volumeType: "Standard", usagetype: `${r.usagePrefix}TimedStorage-ByteHrs` },
      onDemand: { unit: "GB-Mo", price: standardTiers[0]?.price ?? 0, description: "per GB-Mo for Standard storage", tiers: standardTiers },
    });
    const ia = Number((s3StandardIaUsEast1 * r.ratio).toFixed(4));
    out.push({
      serviceCode: "AmazonS3",
      productFamily: "Storage",
      attributes: { servicecode: "AmazonS3", regionCode, location: r.location, locationType: "AWS Region", storageClass: "Infrequent Access", volumeType: "Standard - Infrequent Access", usagetype: `${r.usagePrefix}TimedStorage-SIA-ByteHrs` },
      onDemand: { unit: "GB-Mo", price: ia, description: `$${ia} per GB-Month of storage used in Standard-Infrequent Access` },
    });
    // EBS snapshots in the standard tier: $0.05 per GB-month in us-east-1, as the EBS pricing
    // page lists it; the Price List files them under productFamily "Storage Snapshot" with a
    // `<prefix>EBS:SnapshotUsage` usage type (the archive tier is another usage type, not served).
    const snapshot = Number((snapshotUsEast1 * r.ratio).toFixed(4));
    out.push({
      serviceCode: "AmazonEC2",
      productFamily: "Storage Snapshot",
      attributes: { servicecode: "AmazonEC2", regionCode, location: r.location, locationType: "AWS Region", storageMedia: "Amazon S3", usagetype: `${r.usagePrefix}EBS:SnapshotUsage` },
      onDemand: { unit: "GB-Mo", price: snapshot, description: `$${snapshot} per GB-Month of snapshot data stored - ${r.location}` },
    });
    out.push({
      serviceCode: "AmazonVPC",
      productFamily: "VpcPublicIPv4Address",
      attributes: { servicecode: "AmazonVPC", group: "VPCPublicIPv4Address", regionCode, location: r.location, usagetype: `${r.usagePrefix}PublicIPv4:IdleAddress`, operation: "" },
      onDemand: { unit: "Hrs", price: publicIpHourly, description: `$${publicIpHourly} per Idle public IPv4 address per hour` },
    });
    const alb = Number((albHourly * (r.ratio > 1 ? 1.12 : 1)).toFixed(4));
    out.push({
      serviceCode: "AWSELB",
      productFamily: "Load Balancer-Application",
      attributes: { servicecode: "AWSELB", regionCode, location: r.location, usagetype: `${r.usagePrefix}LoadBalancerUsage`, operation: "LoadBalancing:Application" },
      onDemand: { unit: "Hrs", price: alb, description: `$${alb} per Application LoadBalancer-hour (or partial hour)` },
    });
  }
  return out;
}

const catalog = products();
const publication = "2026-11-01T00:00:00Z";

/** The `aws_v1` document of one product, with its OnDemand and Reserved terms. */
export function renderPriceListItem(p: Product): string {
  const productSku = sku(p.serviceCode, p.productFamily, JSON.stringify(p.attributes));
  const dimension = (code: string, unit: string, price: number, description: string, beginRange = "0", endRange = "Inf", rate = "6YS6EN2CT7") => ({
    [`${productSku}.${code}.${rate}`]: {
      unit,
      endRange,
      description,
      appliesTo: [],
      rateCode: `${productSku}.${code}.${rate}`,
      beginRange,
      pricePerUnit: { USD: usd(price) },
    },
  });
  // A tiered product has one dimension per tier, each with its own rate code and range.
  const onDemandDimensions = p.onDemand.tiers
    ? Object.assign(
        {},
        ...p.onDemand.tiers.map((t, i) =>
          dimension("JRTCKXETXF", p.onDemand.unit, t.price, `$${t.price} ${p.onDemand.description} (${t.begin}-${t.end} GB)`, String(t.begin), String(t.end), ["PGHJ3S3EYE", "D42MF2PVJS", "WVV8R9FH29"][i] ?? `TIER${i}`),
        ),
      )
    : dimension("JRTCKXETXF", p.onDemand.unit, p.onDemand.price, p.onDemand.description);
  const terms: Record<string, unknown> = {
    OnDemand: {
      [`${productSku}.JRTCKXETXF`]: {
        priceDimensions: onDemandDimensions,
        sku: productSku,
        effectiveDate: "2026-11-01T00:00:00Z",
        offerTermCode: "JRTCKXETXF",
        termAttributes: {},
      },
    },
  };
  if (p.reserved !== undefined) {
    terms.Reserved = {
      [`${productSku}.4NA7Y494T4`]: {
        priceDimensions: dimension("4NA7Y494T4", "Hrs", p.reserved, `Linux/UNIX (Amazon VPC), ${p.attributes.instanceType} reserved instance applied`),
        sku: productSku,
        effectiveDate: "2026-11-01T00:00:00Z",
        offerTermCode: "4NA7Y494T4",
        termAttributes: { LeaseContractLength: "1yr", OfferingClass: "standard", PurchaseOption: "No Upfront" },
      },
      // All Upfront: a fee for the year and nothing by the hour; cloudsync quotes No Upfront only.
      [`${productSku}.6QCMYABX3D`]: {
        priceDimensions: {
          ...dimension("6QCMYABX3D", "Quantity", Math.round(p.reserved * 8760 * 0.96), "Upfront Fee"),
          [`${productSku}.6QCMYABX3D.2TG2D8R56U`]: {
            unit: "Hrs",
            endRange: "Inf",
            description: `Linux/UNIX (Amazon VPC), ${p.attributes.instanceType} reserved instance applied`,
            appliesTo: [],
            rateCode: `${productSku}.6QCMYABX3D.2TG2D8R56U`,
            beginRange: "0",
            pricePerUnit: { USD: usd(0) },
          },
        },
        sku: productSku,
        effectiveDate: "2026-11-01T00:00:00Z",
        offerTermCode: "6QCMYABX3D",
        termAttributes: { LeaseContractLength: "1yr", OfferingClass: "standard", PurchaseOption: "All Upfront" },
      },
    };
  }
  return JSON.stringify({
    product: { productFamily: p.productFamily, attributes: p.attributes, sku: productSku },
    serviceCode: p.serviceCode,
    terms,
    version: "20261101000000",
    publicationDate: publication,
  });
}

export interface GetProductsRequest {
  ServiceCode?: unknown;
  Filters?: unknown;
  FormatVersion?: unknown;
  NextToken?: unknown;
  MaxResults?: unknown;
}

export type GetProductsAnswer =
  | { ok: true; body: { FormatVersion: string; PriceList: string[]; NextToken?: string } }
  | { ok: false; reason: "invalid_parameter" | "invalid_token"; message: string };

/**
 * GetProducts: every product of the service whose attributes match each TERM_MATCH filter
 * (`productFamily` and `serviceCode` are filterable like attributes), `MaxResults` per page
 * (default and maximum 100), continued by an opaque `NextToken`.
 */
export function getProducts(request: GetProductsRequest): GetProductsAnswer {
  if (typeof request.ServiceCode !== "string" || request.ServiceCode === "") {
    return { ok: false, reason: "invalid_parameter", message: "1 validation error detected: Value null at 'serviceCode' failed to satisfy constraint: Member must not be null" };
  }
  const filters = Array.isArray(request.Filters) ? (request.Filters as { Type?: string; Field?: string; Value?: string }[]) : [];
  const max = request.MaxResults === undefined ? 100 : Number(request.MaxResults);
  if (!Number.isInteger(max) || max < 1 || max > 100) {
    return { ok: false, reason: "invalid_parameter", message: "1 validation error detected: Value at 'maxResults' failed to satisfy constraint: Member must have value less than or equal to 100" };
  }
  const matches = catalog.filter(
    (p) =>
      p.serviceCode === request.ServiceCode &&
      filters.every((f) => {
        const field = f.Field ?? "";
        const value = field === "productFamily" ? p.productFamily : field === "serviceCode" ? p.serviceCode : p.attributes[field];
        return value !== undefined && value.toLowerCase() === String(f.Value ?? "").toLowerCase();
      }),
  );
  let start = 0;
  if (request.NextToken !== undefined && request.NextToken !== null) {
    const decoded = /^pl1:(\d+)$/.exec(Buffer.from(String(request.NextToken), "base64url").toString("utf8"));
    if (!decoded) return { ok: false, reason: "invalid_token", message: "The pagination token is invalid. Try again without a pagination token." };
    start = Number(decoded[1]);
  }
  const page = matches.slice(start, start + max).map(renderPriceListItem);
  const next = start + max < matches.length ? Buffer.from(`pl1:${start + max}`).toString("base64url") : undefined;
  return { ok: true, body: { FormatVersion: "aws_v1", PriceList: page, ...(next ? { NextToken: next } : {}) } };
}

/** Spot prices of a region, per zone: about a third of on-demand, a little dearer zone by zone. */
export function spotPriceHistory(region: string, zones: readonly string[], instanceTypes: readonly string[], now: Date): { instanceType: string; zone: string; price: string; timestamp: string }[] {
  const r = pricedRegions[region];
  if (!r) return [];
  const out = [];
  for (const instanceType of instanceTypes) {
    const base = onDemandUsEast1[instanceType];
    if (base === undefined) continue;
    for (const [i, zone] of zones.entries()) {
      const price = base * r.ratio * (0.34 + 0.02 * i);
      out.push({ instanceType, zone, price: price.toFixed(6), timestamp: new Date(now.getTime() - 3_600_000 * (i + 1)).toISOString() });
    }
  }
  return out;
}
