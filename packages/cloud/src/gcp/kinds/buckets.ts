import type { NormalizedResource } from "../../types.ts";
import { creationTimestampToIso, labelsToTags, str, toConfiguration } from "../normalize.ts";
import { withRetries } from "../retry.ts";
import { identityOf, malformed } from "./common.ts";
import type { GcpKindReader, GcpReadContext, RawEntry } from "./kind.ts";
import { gcpKeysOf } from "../metric-table.ts";

/**
 * A bucket's location is a region (`EUROPE-WEST1`), a dual-region (`NAM4`) or a multi-region
 * (`US`, `EU`, `ASIA`), upper case in the API; the region code is its lower case. Buckets have
 * no lifecycle state (soft-deleted ones are not listed) and the list carries no size (Cloud
 * Monitoring's `storage/total_bytes` has it), so they are `running` and `medium`. The bucket's
 * `id` is its globally unique name.
 */
export function normalizeBucket(item: Record<string, unknown>, project: string): NormalizedResource {
  const identity = identityOf(item, project);
  const location = str(item, "location");
  if (!location) throw malformed(project, identity.id, "the bucket has no location");
  return {
    cloud: "gcp",
    account: project,
    regionCode: location.toLowerCase(),
    kind: "gcs_bucket",
    resourceId: identity.id,
    name: identity.name,
    resourceType: "storage",
    status: "running",
    sizeCategory: "medium",
    tags: labelsToTags(item.labels),
    configuration: toConfiguration(item),
    providerCreatedAt: creationTimestampToIso(item.timeCreated),
  };
}

interface BucketsApi {
  buckets: {
    list(
      params: { project: string; maxResults: number; pageToken?: string; projection: string },
      options: Record<string, unknown>,
    ): Promise<{ data: { items?: object[]; nextPageToken?: string } }>;
  };
}

/**
 * `buckets.list` through the googleapis-style client (`@googleapis/storage`), loaded on the
 * first read of this kind (only its v1 surface). It sends through the gated auth client's
 * `request()`, so limits, timeouts and failure bookkeeping are the same as for gax clients, and
 * retries with the adapter's settings.
 */
async function* bucketPages(ctx: GcpReadContext): AsyncGenerator<RawEntry[]> {
  const api = await ctx.clients.memo("storage", async () => {
    const { storage_v1 } = await import("@googleapis/storage/build/v1.js");
    const rootUrl = ctx.endpoint ? `${ctx.endpoint.replace(/\/+$/, "")}/` : undefined;
    return new storage_v1.Storage({ auth: ctx.authClient as never, ...(rootUrl ? { rootUrl } : {}) }) as unknown as BucketsApi;
  });
  let pageToken: string | undefined;
  do {
    const request = { project: ctx.project, maxResults: ctx.pageSize, projection: "noAcl", ...(pageToken ? { pageToken } : {}) };
    const { data } = await withRetries(() => api.buckets.list(request, { signal: ctx.signal }), ctx.callOptions, ctx.signal);
    const items = data.items ?? [];
    if (items.length > 0) yield items.map((item) => ({ item, scopeKey: null }));
    pageToken = data.nextPageToken || undefined;
  } while (pageToken);
}

/** Cloud Storage buckets: one list per project, paged by `nextPageToken`. */
export const bucketsReader: GcpKindReader = {
  kind: "gcs_bucket",
  resourceType: "storage",
  fanout: "project",
  operation: "b",
  api: { name: "Cloud Storage", role: "roles/storage.bucketViewer" },
  metricKeys: gcpKeysOf("gcs_bucket"),
  relations: [],
  pages: bucketPages,
  normalize: (raw, where) => normalizeBucket(raw.item as Record<string, unknown>, where.account),
};
