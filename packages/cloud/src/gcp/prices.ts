import type { AuthClient } from "google-auth-library";
import type { PriceQuery, PriceQuote } from "../types.ts";
import { connectionOptions, type GcpCallOptions } from "./clients.ts";
import { type CatalogRate, type CatalogSku, gcpQuotes, normalizeCatalogSku } from "./normalize-prices.ts";

/** The Cloud Billing Catalog calls used (narrow, so the reader does not see the whole SDK). */
export interface CatalogApi {
  listServices(request: { pageSize?: number; pageToken?: string }, options?: GcpCallOptions): Promise<[object[], { pageToken?: string | null } | null | undefined, unknown]>;
  listSkus(
    request: { parent: string; currencyCode?: string; pageSize?: number; pageToken?: string },
    options?: GcpCallOptions,
  ): Promise<[object[], { pageToken?: string | null } | null | undefined, unknown]>;
  close(): Promise<void>;
}

/**
 * The SDK's CloudCatalogClient over the REST transport, imported on first use by path (the
 * package index also loads the CloudBilling client), sending every request through the gated
 * auth client like the other GCP clients.
 */
export async function createCatalogClient(authClient: AuthClient, endpoint: string | undefined): Promise<CatalogApi> {
  const { CloudCatalogClient } = await import("@google-cloud/billing/build/src/v1/cloud_catalog_client.js");
  // The SDK is typed against its own copy of google-auth-library; the client is structurally the same.
  const client = new CloudCatalogClient({ fallback: true, authClient: authClient as never, ...connectionOptions(endpoint) });
  return client as unknown as CatalogApi;
}

/** Compute Engine prices machines, persistent disks, static IPs and forwarding rules. */
export const computeEngineDisplayName = "Compute Engine";
/** Cloud Storage prices bucket storage classes per GiB-month. */
export const cloudStorageDisplayName = "Cloud Storage";

/**
 * Every quote the query asks for: finds Compute Engine's service id (services.list), reads all
 * its SKUs page by page (skus.list, `pageToken`) in the asked currency, keeps the rates cloudsync
 * prices and composes them. The catalog has no filter, so every SKU of the service is read; the
 * rates are small and held, the SKUs are not.
 */
export async function readGcpPrices(api: CatalogApi, query: PriceQuery, options: { pageSize: number; callOptions: GcpCallOptions }): Promise<PriceQuote[]> {
  const storageClasses = query.storageClasses ?? [];
  const rates: CatalogRate[] = [];
  if (query.computeSizes.length > 0 || query.volumeTypes.length > 0 || query.network) {
    rates.push(...(await readRates(api, await findService(api, computeEngineDisplayName, options), query, options)));
  }
  // Bucket storage classes are Cloud Storage's SKUs, read only when the organization has buckets.
  if (storageClasses.length > 0) rates.push(...(await readRates(api, await findService(api, cloudStorageDisplayName, options), query, options)));
  return gcpQuotes(rates, query.computeSizes, query.volumeTypes, query.network ?? false, storageClasses);
}

async function readRates(api: CatalogApi, serviceId: string, query: PriceQuery, options: { pageSize: number; callOptions: GcpCallOptions }): Promise<CatalogRate[]> {
  const rates: CatalogRate[] = [];
  let pageToken: string | undefined;
  do {
    query.signal?.throwIfAborted();
    const [skus, next] = await api.listSkus(
      { parent: `services/${serviceId}`, pageSize: options.pageSize, ...(query.currency ? { currencyCode: query.currency } : {}), ...(pageToken ? { pageToken } : {}) },
      options.callOptions,
    );
    for (const sku of skus) {
      const rate = normalizeCatalogSku(sku as CatalogSku);
      if (rate) rates.push(rate);
    }
    pageToken = next?.pageToken || undefined;
  } while (pageToken);
  return rates;
}

async function findService(api: CatalogApi, displayName: string, options: { callOptions: GcpCallOptions }): Promise<string> {
  let pageToken: string | undefined;
  do {
    const [services, next] = await api.listServices({ ...(pageToken ? { pageToken } : {}) }, options.callOptions);
    for (const s of services as { serviceId?: string | null; displayName?: string | null }[]) {
      if (s.displayName === displayName && s.serviceId) return s.serviceId;
    }
    pageToken = next?.pageToken || undefined;
  } while (pageToken);
  throw new Error(`The Cloud Billing Catalog lists no "${displayName}" service; check that the Cloud Billing API is enabled in the credentials' project.`);
}
