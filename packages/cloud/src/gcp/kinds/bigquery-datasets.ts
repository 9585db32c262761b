import type { NormalizedResource } from "../../types.ts";
import { within } from "../deadline.ts";
import { labelsToTags, str, toConfiguration } from "../normalize.ts";
import { GrpcCode, TokenRefusedError, requestKey, tokenRefusal } from "../transport.ts";
import { malformed } from "./common.ts";
import type { GcpKindReader, GcpReadContext, RawEntry } from "./kind.ts";
import { gcpKeysOf } from "../metric-table.ts";

/**
 * A BigQuery dataset: its `id` (`project:dataset`) is the resource id, its dataset id the name.
 * Its location is a multi-region (`US`, `EU`) or a region; the region code is its lower case.
 * `datasets.list` carries neither state nor size (Cloud Monitoring's
 * `storage/stored_bytes` has the size): `running` and `medium`, and no creation time.
 */
export function normalizeBigQueryDataset(item: Record<string, unknown>, project: string): NormalizedResource {
  const id = str(item, "id");
  const reference = (item.datasetReference && typeof item.datasetReference === "object" ? item.datasetReference : {}) as Record<string, unknown>;
  const datasetId = str(reference, "datasetId");
  if (!id) throw malformed(project, datasetId ? `${project}:${datasetId}` : "(unknown)", "the dataset has no id");
  if (!datasetId) throw malformed(project, id, "the dataset has no datasetReference.datasetId");
  const location = str(item, "location");
  if (!location) throw malformed(project, id, "the dataset has no location");
  return {
    cloud: "gcp",
    account: project,
    regionCode: location.toLowerCase(),
    kind: "bigquery_dataset",
    resourceId: id,
    name: datasetId,
    resourceType: "analytics",
    status: "running",
    sizeCategory: "medium",
    tags: labelsToTags(item.labels),
    configuration: toConfiguration(item),
    providerCreatedAt: null,
  };
}

interface DatasetLister {
  getDatasets(options: Record<string, unknown>): Promise<[unknown[], { pageToken?: string } | null | undefined, { datasets?: object[]; nextPageToken?: string }]>;
}

/** The HTTP status of a BigQuery SDK failure as the gRPC code the failure classifier reads. */
const grpcCodeOfStatus: Record<number, number> = {
  401: GrpcCode.UNAUTHENTICATED,
  403: GrpcCode.PERMISSION_DENIED,
  404: GrpcCode.NOT_FOUND,
  429: GrpcCode.RESOURCE_EXHAUSTED,
};

function asScopeFailure(err: unknown): unknown {
  const refusal = tokenRefusal(err);
  if (refusal) return new TokenRefusedError(refusal);
  const status = (err as { code?: unknown })?.code;
  if (typeof status !== "number" || status < 400) return err;
  const code = grpcCodeOfStatus[status] ?? (status >= 500 ? GrpcCode.UNAVAILABLE : undefined);
  if (code === undefined) return err;
  return Object.assign(new Error(`BigQuery answered HTTP ${status}`), { code });
}

/**
 * `datasets.list` through the BigQuery SDK (already used for the billing export, loaded on
 * first use). It sends with its own HTTP stack, not the gated transport, so, as for the billing
 * read, the rate limiter is asked before each page, each page gets a deadline, and the SDK's
 * retryer runs with the adapter's attempts.
 */
async function* datasetPages(ctx: GcpReadContext): AsyncGenerator<RawEntry[]> {
  // The SDK (and ../bigquery.ts, which imports it) load on the first read of this kind.
  const { bigQueryRetryOptions, pageDeadlineMs } = await import("../bigquery.ts");
  const client = await ctx.clients.memo(`bigquery:${ctx.project}`, async () => {
    const { BigQuery } = await import("@google-cloud/bigquery");
    return new BigQuery({
      projectId: ctx.project,
      authClient: ctx.authClient as never,
      ...(ctx.endpoint ? { apiEndpoint: ctx.endpoint.replace(/\/+$/, "") } : {}),
      retryOptions: bigQueryRetryOptions(ctx.retry),
    }) as unknown as DatasetLister;
  });
  const key = requestKey(ctx.project, "datasets");
  let pageToken: string | undefined;
  do {
    await ctx.limiter.acquire(key, ctx.signal);
    const options = { autoPaginate: false, maxResults: ctx.pageSize, ...(pageToken ? { pageToken } : {}) };
    let answer: Awaited<ReturnType<DatasetLister["getDatasets"]>>;
    try {
      answer = await within(client.getDatasets(options), pageDeadlineMs(ctx.retry), ctx.signal);
    } catch (err) {
      throw asScopeFailure(err);
    }
    const raw = answer[2];
    const items = raw?.datasets ?? [];
    if (items.length > 0) yield items.map((item) => ({ item, scopeKey: null }));
    pageToken = raw?.nextPageToken || undefined;
  } while (pageToken);
}

/** BigQuery datasets (analytics): one paged list per project. */
export const bigQueryDatasetsReader: GcpKindReader = {
  kind: "bigquery_dataset",
  resourceType: "analytics",
  fanout: "project",
  operation: "datasets",
  api: { name: "BigQuery", role: "roles/bigquery.metadataViewer" },
  metricKeys: gcpKeysOf("bigquery_dataset"),
  relations: [],
  pages: datasetPages,
  normalize: (raw, where) => normalizeBigQueryDataset(raw.item as Record<string, unknown>, where.account),
};
