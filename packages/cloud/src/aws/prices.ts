import type { PricingClient } from "@aws-sdk/client-pricing";
import type { PriceQuery, PriceQuote } from "../types.ts";
import { normalizePriceListItem } from "./normalize-prices.ts";
import { awsSdk } from "./sdk.ts";

/** The Price List calls used (narrow, so the reader does not see the whole SDK). */
export interface PriceListApi {
  getProducts(request: { serviceCode: string; filters: Record<string, string>; nextToken?: string }, signal?: AbortSignal): Promise<{ priceList: string[]; nextToken?: string }>;
}

export function priceListApi(client: () => Promise<PricingClient>, pageSize?: number): PriceListApi {
  return {
    async getProducts(request, signal) {
      const pricing = await client();
      const out = await pricing.send(
        new (awsSdk("@aws-sdk/client-pricing").GetProductsCommand)({
          ServiceCode: request.serviceCode,
          FormatVersion: "aws_v1",
          ...(pageSize ? { MaxResults: Math.min(100, Math.max(1, pageSize)) } : {}),
          Filters: Object.entries(request.filters).map(([Field, Value]) => ({ Type: "TERM_MATCH", Field, Value })),
          ...(request.nextToken ? { NextToken: request.nextToken } : {}),
        }),
        { abortSignal: signal },
      );
      return { priceList: (out.PriceList ?? []).map(String), ...(out.NextToken ? { nextToken: out.NextToken } : {}) };
    },
  };
}

/**
 * The filters of each product cloudsync prices, every region at once (region optimization
 * compares them): Linux, shared tenancy, no pre-installed software, capacity actually used —
 * the plain on-demand machine, as the docs' examples filter it.
 */
export function priceListRequests(query: PriceQuery): PriceListRequest[] {
  const compute: PriceListRequest[] = query.computeSizes.map((instanceType) => ({
    serviceCode: "AmazonEC2",
    filters: { instanceType, operatingSystem: "Linux", tenancy: "Shared", preInstalledSw: "NA", capacitystatus: "Used" },
  }));
  // `snapshot` is not a volume type: EBS snapshot storage is its own product family.
  const volumes: PriceListRequest[] = query.volumeTypes.map((volumeApiName): PriceListRequest =>
    volumeApiName === "snapshot"
      ? { serviceCode: "AmazonEC2", filters: { productFamily: "Storage Snapshot" } }
      : { serviceCode: "AmazonEC2", filters: { productFamily: "Storage", volumeApiName } },
  );
  const network: PriceListRequest[] = query.network
    ? [
        { serviceCode: "AmazonVPC", filters: { group: "VPCPublicIPv4Address" } },
        { serviceCode: "AWSELB", filters: { productFamily: "Load Balancer-Application" } },
      ]
    : [];
  const storage: PriceListRequest[] = (query.storageClasses ?? []).flatMap((storageClass) => {
    const volumeType = s3VolumeTypes[storageClass];
    return volumeType ? [{ serviceCode: "AmazonS3", filters: { productFamily: "Storage", volumeType } }] : [];
  });
  return [...compute, ...volumes, ...network, ...storage];
}

/**
 * S3 storage classes (`StorageClass` of the S3 API) → the Price List's `volumeType` attribute of
 * AmazonS3 "Storage" products. Only the classes the lifecycle advice compares.
 */
export const s3VolumeTypes: Readonly<Record<string, string>> = {
  STANDARD: "Standard",
  STANDARD_IA: "Standard - Infrequent Access",
};

type PriceListRequest = { serviceCode: string; filters: Record<string, string> };

/** Every quote the query asks for, page by page (NextToken). */
export async function readAwsPrices(api: PriceListApi, query: PriceQuery): Promise<PriceQuote[]> {
  const quotes: PriceQuote[] = [];
  for (const request of priceListRequests(query)) {
    let nextToken: string | undefined;
    do {
      const page = await api.getProducts({ ...request, ...(nextToken ? { nextToken } : {}) }, query.signal);
      for (const doc of page.priceList) quotes.push(...normalizePriceListItem(doc));
      nextToken = page.nextToken;
    } while (nextToken);
  }
  return quotes;
}

/** The EC2 call used for spot prices (the Price List has none: spot prices move with supply). */
export interface SpotPriceApi {
  spotPrices(region: string, instanceTypes: readonly string[], signal?: AbortSignal): Promise<{ instanceType: string; zone: string; price: string; timestamp: string }[]>;
}

/**
 * Spot quotes of one region: DescribeSpotPriceHistory answers each zone's latest Linux price;
 * the region's quote is its dearest zone, so the savings promised hold in any zone.
 */
export function spotQuotes(region: string, rows: readonly { instanceType: string; zone: string; price: string; timestamp: string }[]): PriceQuote[] {
  const latest = new Map<string, { price: string; timestamp: string }>();
  for (const r of rows) {
    const key = `${r.instanceType}|${r.zone}`;
    const seen = latest.get(key);
    if (!seen || r.timestamp > seen.timestamp) latest.set(key, r);
  }
  const dearest = new Map<string, string>();
  for (const [key, r] of latest) {
    const type = key.split("|")[0] as string;
    const before = dearest.get(type);
    if (before === undefined || Number(r.price) > Number(before)) dearest.set(type, r.price);
  }
  return [...dearest].map(([sku, price]) => ({
    cloud: "aws" as const,
    region,
    product: "compute" as const,
    sku,
    term: "spot" as const,
    unitPrice: price,
    unit: "hour" as const,
    currency: "USD",
    sourceId: `spot:${region}:${sku}`,
  }));
}
