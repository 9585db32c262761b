import { awsRegionCatalog } from "../aws/regions.ts";
import { azureRegionCatalog } from "../azure/regions.ts";
import { gcpRegionCatalog } from "../gcp/regions.ts";
import type { CloudName } from "../types.ts";

const countries = new Map<string, string>();
for (const r of awsRegionCatalog) countries.set(`aws:${r.code}`, r.geographicLocation.country);
for (const r of azureRegionCatalog) countries.set(`azure:${r.code}`, r.geographicLocation.country);
for (const r of gcpRegionCatalog) countries.set(`gcp:${r.code}`, r.location.country);

/**
 * The geography a region belongs to for region optimization: its country, from the package's
 * region catalogs. Moving within a country keeps data under the same jurisdiction; the pin
 * tags (region-optimization.ts) cover the rest. Undefined for a region the catalog lacks.
 */
export function regionGeography(cloud: CloudName, region: string): string | undefined {
  return countries.get(`${cloud}:${region}`);
}
