import type { CacheCluster, ElastiCacheClient, Tag } from "@aws-sdk/client-elasticache";
import type { NormalizedResource, ResourceStatus } from "../../types.ts";
import { errorCode } from "../aws-errors.ts";
import { configurationOf, displayName, isoDate, lookupStatus, sizeCategoryOf, tagsToRecord } from "../normalize.ts";
import { type AwsKindReader, clampPageSize, type ItemWhere, malformed } from "./kind.ts";
import { cloudWatchKeysOf } from "../metric-table.ts";
import { awsSdk } from "../sdk.ts";

/**
 * ElastiCache clusters (Redis OSS, Valkey and Memcached nodes' clusters): DescribeCacheClusters
 * per region, then ListTagsForResource per cluster ARN, since descriptions carry no tags.
 */
export interface ElastiCacheClusterDetail {
  Cluster: CacheCluster;
  Tags?: Tag[] | undefined;
  /** Set when ListTagsForResource answered with this code (the cluster went away meanwhile). */
  TagsError?: string;
}

export const elastiCacheClusterStatus: Readonly<Record<string, ResourceStatus>> = {
  available: "running",
  creating: "provisioning",
  // Changes and backups happen while the cluster keeps serving.
  modifying: "running",
  snapshotting: "running",
  "rebooting cluster nodes": "starting",
  deleting: "stopping",
  deleted: "terminated",
  "restore-failed": "error",
  "incompatible-network": "error",
};

/** Codes after which the cluster is skipped rather than the whole region failed. */
const skippableTagErrors = new Set(["CacheClusterNotFound", "CacheClusterNotFoundFault", "InvalidARN", "InvalidARNFault"]);

export function normalizeElastiCacheCluster(raw: ElastiCacheClusterDetail, where: ItemWhere): NormalizedResource {
  const cluster = raw.Cluster;
  const arn = cluster.ARN;
  if (!arn) throw malformed(where, cluster.CacheClusterId, "cache cluster without ARN");
  if (raw.TagsError) throw malformed(where, arn, `ListTagsForResource answered ${raw.TagsError}; the cluster was probably deleted while being listed`);
  const status = lookupStatus(elastiCacheClusterStatus, cluster.CacheClusterStatus);
  if (!status) throw malformed(where, arn, `unknown cache cluster status ${JSON.stringify(cluster.CacheClusterStatus ?? null)}`);
  const tags = tagsToRecord(raw.Tags);
  return {
    cloud: "aws",
    account: where.account,
    regionCode: where.region,
    kind: "elasticache_cluster",
    resourceId: arn,
    name: displayName(tags, cluster.CacheClusterId, arn),
    resourceType: "database",
    status,
    // `cache.r6g.large` sits on the same scale as `r6g.large`.
    sizeCategory: sizeCategoryOf(cluster.CacheNodeType),
    tags,
    configuration: configurationOf(cluster),
    providerCreatedAt: isoDate(cluster.CacheClusterCreateTime),
  };
}

type ElastiCacheSdk = typeof import("@aws-sdk/client-elasticache");

async function withTags(sdk: ElastiCacheSdk, client: ElastiCacheClient, cluster: CacheCluster, signal: AbortSignal | undefined): Promise<ElastiCacheClusterDetail> {
  if (!cluster.ARN) return { Cluster: cluster };
  try {
    const out = await client.send(new sdk.ListTagsForResourceCommand({ ResourceName: cluster.ARN }), { abortSignal: signal });
    return { Cluster: cluster, Tags: out.TagList ?? [] };
  } catch (error) {
    const code = errorCode(error);
    if (code && skippableTagErrors.has(code)) return { Cluster: cluster, TagsError: code };
    throw error;
  }
}

export const elastiCacheClusterReader: AwsKindReader<ElastiCacheClusterDetail> = {
  kind: "elasticache_cluster",
  resourceType: "database",
  fanout: "account_region",
  service: "elasticache",
  operation: "DescribeCacheClusters",
  metricKeys: cloudWatchKeysOf("elasticache_cluster"),
  relations: [],
  async *pages(ctx) {
    // Imported here, not at the top: a process that never reads ElastiCache never loads its SDK.
    const sdk: ElastiCacheSdk = awsSdk("@aws-sdk/client-elasticache");
    const client = ctx.clients.client("elasticache", (config) => new sdk.ElastiCacheClient(config));
    // ElastiCache pages hold 20 to 100 clusters.
    const pages = sdk.paginateDescribeCacheClusters({ client, pageSize: clampPageSize(ctx.pageSize, 20, 100) }, {}, { abortSignal: ctx.signal });
    for await (const page of pages) {
      const out: ElastiCacheClusterDetail[] = [];
      // One at a time: ListTagsForResource shares the account's ElastiCache API rate.
      for (const cluster of page.CacheClusters ?? []) out.push(await withTags(sdk, client, cluster, ctx.signal));
      yield out;
    }
  },
  normalize: normalizeElastiCacheCluster,
};
