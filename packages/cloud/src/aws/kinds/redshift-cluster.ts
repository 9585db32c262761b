import type { Cluster } from "@aws-sdk/client-redshift";
import type { NormalizedResource, ResourceStatus, SizeCategory } from "../../types.ts";
import { configurationOf, displayName, isoDate, lookupStatus, sizeCategoryOf, tagsToRecord } from "../normalize.ts";
import { type AwsKindReader, clampPageSize, type ItemWhere, malformed } from "./kind.ts";
import { cloudWatchKeysOf } from "../metric-table.ts";
import { awsSdk } from "../sdk.ts";

/**
 * Redshift provisioned clusters: DescribeClusters per region answers each cluster with its
 * tags. A cluster description carries no ARN, so it is built from the scope:
 * `arn:aws:redshift:<region>:<account>:cluster:<identifier>`, the form IAM and tagging use.
 */

export const redshiftClusterStatus: Readonly<Record<string, ResourceStatus>> = {
  available: "running",
  creating: "provisioning",
  // Work that keeps (or soon returns) the cluster serving queries.
  modifying: "running",
  resizing: "running",
  renaming: "running",
  "rotating-keys": "running",
  "updating-hsm": "running",
  rebooting: "starting",
  resuming: "starting",
  pausing: "stopping",
  paused: "stopped",
  deleting: "stopping",
  "final-snapshot": "stopping",
  "hardware-failure": "error",
  "storage-full": "error",
  "incompatible-hsm": "error",
  "incompatible-network": "error",
  "incompatible-parameters": "error",
  "incompatible-restore": "error",
};

/**
 * The node type on the instance scale: `dc2.large` large, `ra3.4xlarge` xlarge; `ra3.xlplus`
 * (4 vCPU, 32 GiB) is an xlarge that does not say so.
 */
export function redshiftSizeCategory(nodeType: string | undefined): SizeCategory {
  if (nodeType?.endsWith(".xlplus")) return "xlarge";
  return sizeCategoryOf(nodeType);
}

export function redshiftClusterArn(where: ItemWhere, identifier: string): string {
  return `arn:aws:redshift:${where.region}:${where.account}:cluster:${identifier}`;
}

export function normalizeRedshiftCluster(cluster: Cluster, where: ItemWhere): NormalizedResource {
  const identifier = cluster.ClusterIdentifier;
  if (!identifier) throw malformed(where, null, "cluster without ClusterIdentifier");
  const arn = redshiftClusterArn(where, identifier);
  const status = lookupStatus(redshiftClusterStatus, cluster.ClusterStatus);
  if (!status) throw malformed(where, arn, `unknown cluster status ${JSON.stringify(cluster.ClusterStatus ?? null)}`);
  const tags = tagsToRecord(cluster.Tags);
  return {
    cloud: "aws",
    account: where.account,
    regionCode: where.region,
    kind: "redshift_cluster",
    resourceId: arn,
    name: displayName(tags, identifier, arn),
    resourceType: "analytics",
    status,
    sizeCategory: redshiftSizeCategory(cluster.NodeType),
    tags,
    configuration: configurationOf({ ...cluster, Tags: undefined }),
    providerCreatedAt: isoDate(cluster.ClusterCreateTime),
  };
}

type RedshiftSdk = typeof import("@aws-sdk/client-redshift");

export const redshiftClusterReader: AwsKindReader<Cluster> = {
  kind: "redshift_cluster",
  resourceType: "analytics",
  fanout: "account_region",
  service: "redshift",
  operation: "DescribeClusters",
  metricKeys: cloudWatchKeysOf("redshift_cluster"),
  relations: [],
  async *pages(ctx) {
    // Imported here, not at the top: a process that never reads Redshift never loads its SDK.
    const sdk: RedshiftSdk = awsSdk("@aws-sdk/client-redshift");
    const client = ctx.clients.client("redshift", (config) => new sdk.RedshiftClient(config));
    // Redshift pages hold 20 to 100 clusters.
    const pages = sdk.paginateDescribeClusters({ client, pageSize: clampPageSize(ctx.pageSize, 20, 100) }, {}, { abortSignal: ctx.signal });
    for await (const page of pages) yield page.Clusters ?? [];
  },
  normalize: normalizeRedshiftCluster,
};
