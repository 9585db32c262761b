import type { NormalizedResource } from "../../types.ts";
import { creationTimestampToIso, labelsToTags, regionFromUrl, str, toConfiguration, zoneToRegion } from "../normalize.ts";
import { assetKindDescriptions, assetStatus, assetTypeKind, isAssetKind } from "./asset-types.ts";
import { malformed } from "./common.ts";
import type { GcpMultiKindReader, GcpReadContext, RawEntry } from "./kind.ts";

/**
 * A location as Cloud Asset Inventory reports it → region code: a zone becomes its region, a
 * region stays, `global` stays, and a multi-region (`us`, `EU`) is its lower case.
 */
export function assetRegion(location: string | null | undefined): string | null {
  if (!location) return null;
  const lower = location.toLowerCase();
  return zoneToRegion(lower) ?? regionFromUrl(lower) ?? (/^[a-z][a-z0-9-]*$/.test(lower) ? lower : null);
}

/**
 * One `ResourceSearchResult`: its full resource name (`//spanner.googleapis.com/projects/P/
 * instances/I`) is the resource id, its display name (or the name's last part) the name. Search
 * results carry no size that means the same across types: `medium`.
 */
export function normalizeAsset(item: Record<string, unknown>, project: string): NormalizedResource {
  const name = str(item, "name");
  if (!name) throw malformed(project, "(unnamed)", "the asset has no name");
  const assetType = str(item, "assetType");
  const kind = assetTypeKind(assetType);
  if (!kind) throw malformed(project, name, `the asset has no asset type cloudsync reads (${assetType ?? "none"})`);
  const regionCode = assetRegion(str(item, "location"));
  if (!regionCode) throw malformed(project, name, "the asset has no location");
  return {
    cloud: "gcp",
    account: project,
    regionCode,
    kind: kind.kind,
    resourceId: name,
    name: str(item, "displayName") ?? (name.split("/").pop() as string),
    resourceType: kind.resourceType,
    status: assetStatus(str(item, "state")),
    sizeCategory: "medium",
    tags: labelsToTags(item.labels),
    configuration: toConfiguration(item),
    providerCreatedAt: creationTimestampToIso(item.createTime),
  };
}

interface AssetSearcher {
  searchAllResources(
    request: { scope: string; pageSize: number; pageToken?: string },
    options: object,
  ): Promise<[object[], { pageToken?: string | null } | null | undefined, unknown]>;
  close(): Promise<void>;
}

/**
 * `searchAllResources` over the project, one API page per call. Results a dedicated kind reads,
 * and types of services cloudsync does not model, are dropped here (not skipped as malformed):
 * they are expected, every time. A result without an asset type stays, so it is reported.
 */
async function* assetPages(ctx: GcpReadContext): AsyncGenerator<RawEntry[]> {
  // Imported on the first read, by path (the package index loads every API version).
  const { AssetServiceClient } = await import("@google-cloud/asset/build/src/v1/asset_service_client.js");
  const client = ctx.clients.get(AssetServiceClient) as unknown as AssetSearcher;
  let pageToken: string | undefined;
  do {
    const request = { scope: `projects/${ctx.project}`, pageSize: ctx.pageSize, ...(pageToken ? { pageToken } : {}) };
    const [items, next] = await client.searchAllResources(request, ctx.callOptions);
    const kept = items.filter((item) => {
      const assetType = str(item as Record<string, unknown>, "assetType");
      return !assetType || assetTypeKind(assetType) !== null;
    });
    if (kept.length > 0) yield kept.map((item) => ({ item, scopeKey: null }));
    pageToken = next?.pageToken || undefined;
  } while (pageToken);
}

/** Every other resource of a project, through Cloud Asset Inventory. */
export const cloudAssetReader: GcpMultiKindReader = {
  fanout: "project",
  reports: assetKindDescriptions,
  reportsKind: isAssetKind,
  operation: "searchAllResources",
  api: { name: "Cloud Asset", role: "roles/cloudasset.viewer" },
  pages: assetPages,
  normalize: (raw, where) => normalizeAsset(raw.item as Record<string, unknown>, where.account),
};
