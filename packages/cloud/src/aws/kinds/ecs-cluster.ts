import type { Cluster, Tag } from "@aws-sdk/client-ecs";
import type { NormalizedResource, ResourceStatus } from "../../types.ts";
import { configurationOf, displayName, lookupStatus, taskCountSizeCategory } from "../normalize.ts";
import { type AwsKindReader, clampPageSize, type ItemWhere, malformed } from "./kind.ts";
import { cloudWatchKeysOf } from "../metric-table.ts";
import { awsSdk } from "../sdk.ts";

/**
 * ECS clusters: ListClusters per region gives ARNs, DescribeClusters reads up to 100 of them in
 * one call with their tags (`include: ["TAGS"]`). An ARN DescribeClusters no longer knows comes
 * back as a failure (`MISSING`), not an error, and that cluster is skipped.
 */
export interface EcsClusterDetail {
  Cluster: Cluster;
  /** Set when DescribeClusters reported this ARN as a failure with this reason. */
  FailureReason?: string;
}

export const ecsClusterStatus: Readonly<Record<string, ResourceStatus>> = {
  PROVISIONING: "provisioning",
  ACTIVE: "running",
  DEPROVISIONING: "stopping",
  FAILED: "error",
  // A deleted cluster stays describable for a while.
  INACTIVE: "terminated",
};

/** ECS writes tags as lower-case `{key, value}`; a tag without a key is dropped. */
export function ecsTagsToRecord(tags: readonly Tag[] | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const tag of tags ?? []) if (tag.key) out[tag.key] = tag.value ?? "";
  return out;
}

export function normalizeEcsCluster(raw: EcsClusterDetail, where: ItemWhere): NormalizedResource {
  const cluster = raw.Cluster;
  const arn = cluster.clusterArn;
  if (raw.FailureReason) throw malformed(where, arn, `DescribeClusters reported ${raw.FailureReason}; the cluster was probably deleted while being listed`);
  if (!arn) throw malformed(where, cluster.clusterName, "cluster without clusterArn");
  const status = lookupStatus(ecsClusterStatus, cluster.status);
  if (!status) throw malformed(where, arn, `unknown cluster status ${JSON.stringify(cluster.status ?? null)}`);
  const tags = ecsTagsToRecord(cluster.tags);
  return {
    cloud: "aws",
    account: where.account,
    regionCode: where.region,
    kind: "ecs_cluster",
    resourceId: arn,
    name: displayName(tags, cluster.clusterName, arn),
    resourceType: "compute",
    status,
    // A cluster is as big as the tasks it runs (Fargate clusters have no instances to count).
    sizeCategory: taskCountSizeCategory(cluster.runningTasksCount),
    tags,
    configuration: configurationOf({ ...cluster, tags: undefined }),
    // ECS reports no creation time for a cluster.
    providerCreatedAt: null,
  };
}

type EcsSdk = typeof import("@aws-sdk/client-ecs");

export const ecsClusterReader: AwsKindReader<EcsClusterDetail> = {
  kind: "ecs_cluster",
  resourceType: "compute",
  fanout: "account_region",
  service: "ecs",
  operation: "ListClusters",
  metricKeys: cloudWatchKeysOf("ecs_cluster"),
  relations: [],
  async *pages(ctx) {
    // Imported here, not at the top: a process that never reads ECS never loads its SDK.
    const sdk: EcsSdk = awsSdk("@aws-sdk/client-ecs");
    const client = ctx.clients.client("ecs", (config) => new sdk.ECSClient(config));
    // DescribeClusters takes at most 100 ARNs, ListClusters' own maximum page.
    const pages = sdk.paginateListClusters({ client, pageSize: clampPageSize(ctx.pageSize, 1, 100) }, {}, { abortSignal: ctx.signal });
    for await (const page of pages) {
      const arns = page.clusterArns ?? [];
      if (arns.length === 0) continue;
      const out = await client.send(new sdk.DescribeClustersCommand({ clusters: arns, include: ["TAGS", "SETTINGS"] }), { abortSignal: ctx.signal });
      const described = new Map((out.clusters ?? []).map((c) => [c.clusterArn, c]));
      const failures = new Map((out.failures ?? []).map((f) => [f.arn, f.reason ?? "MISSING"]));
      yield arns.map((arn): EcsClusterDetail => {
        const cluster = described.get(arn);
        return cluster ? { Cluster: cluster } : { Cluster: { clusterArn: arn }, FailureReason: failures.get(arn) ?? "no description" };
      });
    }
  },
  normalize: normalizeEcsCluster,
};
