import type { Agent } from "node:https";
import { createDefaultHttpClient, createHttpHeaders, createPipelineFromOptions, createPipelineRequest } from "@azure/core-rest-pipeline";
import type { PriceQuery, PriceQuote } from "../types.ts";
import { isAzureDiskTier, retailSkuNameOfTier } from "./disk-tiers.ts";

/** The public Retail Prices API; an emulator or private endpoint replaces the origin. */
export const retailPricesOrigin = "https://prices.azure.com";
export const retailPricesApiVersion = "2023-01-01-preview";

/** One item of `Items`, the fields read here. */
export interface RetailPriceItem {
  currencyCode?: string;
  unitPrice?: number;
  armRegionName?: string;
  armSkuName?: string;
  skuName?: string;
  productName?: string;
  meterId?: string;
  skuId?: string;
  serviceName?: string;
  meterName?: string;
  unitOfMeasure?: string;
  type?: string;
  reservationTerm?: string;
  tierMinimumUnits?: number;
}

/**
 * Retail Prices items of Virtual Machines → quotes: Linux pay-as-you-go (`Consumption`, a
 * product name without "Windows", a sku name without "Spot" or "Low Priority") → `on_demand`;
 * the same with a "Spot" sku name → `spot`; `Reservation` with `reservationTerm` "1 Year" →
 * `reserved_1y`, its price being the whole year's, divided by 8,760 hours. Others give none.
 */
export function normalizeRetailPriceItem(item: RetailPriceItem): PriceQuote | undefined {
  if (item.serviceName !== "Virtual Machines" || !item.armSkuName || !item.armRegionName || item.unitPrice === undefined || !item.currencyCode) return undefined;
  if (item.productName?.includes("Windows") || item.skuName?.endsWith("Low Priority") || (item.tierMinimumUnits ?? 0) > 0) return undefined;
  const base = { cloud: "azure" as const, region: item.armRegionName, product: "compute" as const, sku: item.armSkuName, unit: "hour" as const, currency: item.currencyCode };
  const sourceId = item.skuId ?? item.meterId ?? "";
  if (item.type === "Consumption" && item.unitOfMeasure === "1 Hour") {
    const spot = item.skuName?.endsWith(" Spot") ?? false;
    return { ...base, term: spot ? "spot" : "on_demand", unitPrice: String(item.unitPrice), sourceId };
  }
  if (item.type === "Reservation" && item.reservationTerm === "1 Year") {
    return { ...base, term: "reserved_1y", unitPrice: (item.unitPrice / 8760).toFixed(6), sourceId };
  }
  return undefined;
}

/**
 * Retail Prices items of the networking meters the unused-resources rule prices → quotes: a
 * Standard public IPv4 address's hour (`Virtual Network`, "Standard IPv4 Static Public IP") and
 * a Standard load balancer's hour (`Load Balancer`, "Standard Included LB Rules and Outbound
 * Rules": its first five rules, what an idle one still pays). Others give none.
 */
export function normalizeNetworkPriceItem(item: RetailPriceItem): PriceQuote | undefined {
  if (item.type !== "Consumption" || item.unitOfMeasure !== "1 Hour" || (item.tierMinimumUnits ?? 0) > 0) return undefined;
  if (!item.armRegionName || item.unitPrice === undefined || !item.currencyCode) return undefined;
  const product =
    item.serviceName === "Virtual Network" && item.meterName === "Standard IPv4 Static Public IP"
      ? "public_ip"
      : item.serviceName === "Load Balancer" && item.meterName === "Standard Included LB Rules and Outbound Rules"
        ? "load_balancer"
        : undefined;
  if (!product) return undefined;
  return { cloud: "azure", region: item.armRegionName, product, sku: "standard", term: "on_demand", unitPrice: String(item.unitPrice), unit: "hour", currency: item.currencyCode, sourceId: item.skuId ?? item.meterId ?? "" };
}

/**
 * Retail Prices items of managed disks → quotes per tier and month: `Storage` meters of a
 * "… Managed Disks" product named "<tier> <redundancy> Disk" (`P10 LRS Disk`, `E30 ZRS Disk`,
 * `S4 LRS Disk`), `1/Month`, pay-as-you-go → `volume`, sku `P10_LRS`, unit `month`. The other
 * meters of the same sku (`… Disk Mount` of shared disks, `… Disk Operations` per 10K
 * transactions) are not the disk's own price and give none.
 */
export function normalizeDiskPriceItem(item: RetailPriceItem): PriceQuote | undefined {
  if (item.serviceName !== "Storage" || !item.productName?.endsWith("Managed Disks") || item.type !== "Consumption" || item.unitOfMeasure !== "1/Month") return undefined;
  if (!item.armRegionName || item.unitPrice === undefined || !item.currencyCode || (item.tierMinimumUnits ?? 0) > 0) return undefined;
  const m = /^([PES]\d+) (LRS|ZRS) Disk$/.exec(item.meterName ?? "");
  if (!m) return undefined;
  return {
    cloud: "azure",
    region: item.armRegionName,
    product: "volume",
    sku: `${m[1]}_${m[2]}`,
    term: "on_demand",
    unitPrice: String(item.unitPrice),
    unit: "month",
    currency: item.currencyCode,
    sourceId: item.skuId ?? item.meterId ?? "",
  };
}

export interface RetailPricesSettings {
  endpoint?: string | undefined;
  agent?: Agent | undefined;
  maxAttempts: number;
  timeoutMs: number;
}

/**
 * Reads the VM sizes' prices of every region, one `$filter` per size (and, when asked, the disk
 * tiers' and the public IP and load balancer meters, one `$filter` each) (the API's filter values
 * are case-sensitive since 2023-01-01-preview), following `NextPageLink` to the end.
 * Unauthenticated: no credential is sent.
 */
export async function readAzurePrices(settings: RetailPricesSettings, query: PriceQuery): Promise<PriceQuote[]> {
  const pipeline = createPipelineFromOptions({
    ...(settings.agent ? { agent: settings.agent } : {}),
    retryOptions: { maxRetries: Math.max(0, settings.maxAttempts - 1) },
    userAgentOptions: { userAgentPrefix: "cloudsync" },
  });
  const http = createDefaultHttpClient();
  const quotes: PriceQuote[] = [];
  const requests = [
    ...query.computeSizes.map((size) => ({ what: size, filter: `serviceName eq 'Virtual Machines' and armSkuName eq '${size.replace(/'/g, "''")}'`, normalize: normalizeRetailPriceItem })),
    // One filter per disk tier (`skuName eq 'P10 LRS'`): a product-wide filter would page through every tier of every region.
    ...query.volumeTypes
      .filter(isAzureDiskTier)
      .map((tier) => ({ what: tier, filter: `serviceName eq 'Storage' and skuName eq '${retailSkuNameOfTier(tier)}'`, normalize: normalizeDiskPriceItem })),
    ...(query.network
      ? [
          { what: "public IPs", filter: "serviceName eq 'Virtual Network' and productName eq 'IP Addresses'", normalize: normalizeNetworkPriceItem },
          { what: "load balancers", filter: "serviceName eq 'Load Balancer'", normalize: normalizeNetworkPriceItem },
        ]
      : []),
  ];
  for (const { what: size, filter, normalize } of requests) {
    const first = new URL("/api/retail/prices", settings.endpoint ?? retailPricesOrigin);
    first.searchParams.set("api-version", retailPricesApiVersion);
    if (query.currency) first.searchParams.set("currencyCode", `'${query.currency}'`);
    first.searchParams.set("$filter", filter);
    let next: string | null = first.toString();
    while (next) {
      const request = createPipelineRequest({
        url: next,
        method: "GET",
        headers: createHttpHeaders({ accept: "application/json" }),
        timeout: settings.timeoutMs,
        ...(query.signal ? { abortSignal: query.signal } : {}),
      });
      const response = await pipeline.sendRequest(http, request);
      if (response.status !== 200) {
        throw new Error(`Azure Retail Prices answered HTTP ${response.status} for ${size}: ${response.bodyAsText?.slice(0, 200) ?? ""}`);
      }
      const page = JSON.parse(response.bodyAsText ?? "{}") as { Items?: RetailPriceItem[]; NextPageLink?: string | null };
      for (const item of page.Items ?? []) {
        const q = normalize(item);
        if (q) quotes.push(q);
      }
      next = page.NextPageLink ?? null;
    }
  }
  return quotes;
}
