import type { Agent } from "node:https";
import { createDefaultHttpClient, createHttpHeaders, createPipelineFromOptions, createPipelineRequest } from "@azure/core-rest-pipeline";
import type { PriceQuery, PriceQuote } from "../types.ts";

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

export interface RetailPricesSettings {
  endpoint?: string | undefined;
  agent?: Agent | undefined;
  maxAttempts: number;
  timeoutMs: number;
}

/**
 * Reads the VM sizes' prices of every region, one `$filter` per size (the API's filter values
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
  for (const size of query.computeSizes) {
    const first = new URL("/api/retail/prices", settings.endpoint ?? retailPricesOrigin);
    first.searchParams.set("api-version", retailPricesApiVersion);
    if (query.currency) first.searchParams.set("currencyCode", `'${query.currency}'`);
    first.searchParams.set("$filter", `serviceName eq 'Virtual Machines' and armSkuName eq '${size.replace(/'/g, "''")}'`);
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
        const q = normalizeRetailPriceItem(item);
        if (q) quotes.push(q);
      }
      next = page.NextPageLink ?? null;
    }
  }
  return quotes;
}
