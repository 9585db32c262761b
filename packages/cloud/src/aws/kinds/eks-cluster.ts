import type { Cluster, EKSClient } from "@aws-sdk/client-eks";
import type { NormalizedResource, ResourceStatus } from "../../types.ts";
import { errorCode } from "../aws-errors.ts";
import { configurationOf, displayName, isoDate, lookupStatus } from "../normalize.ts";
import { type AwsKindReader, clampPageSize, type ItemWhere, malformed } from "./kind.ts";
import { cloudWatchKeysOf } from "../metric-table.ts";
import { awsSdk } from "../sdk.ts";

/**
 * EKS clusters: ListClusters per region gives names only, so each cluster is read with
 * DescribeCluster, which carries its status, version, network settings and tags.
 */
export interface EksClusterDetail {
  /** DescribeCluster's cluster, or just the listed name when it could not be read. */
  Cluster: Cluster;
  /** Set when DescribeCluster answered with this code (the cluster went away meanwhile). */
  DetailError?: string;
}

export const eksClusterStatus: Readonly<Record<string, ResourceStatus>> = {
  CREATING: "provisioning",
  // PENDING: an EKS Anywhere or connected cluster not yet registered.
  PENDING: "provisioning",
  ACTIVE: "running",
  // A version or configuration update keeps the API server serving.
  UPDATING: "running",
  DELETING: "stopping",
  FAILED: "error",
};

/** Codes after which the cluster is skipped rather than the whole region failed. */
const skippableDetailErrors = new Set(["ResourceNotFoundException"]);

export function normalizeEksCluster(raw: EksClusterDetail, where: ItemWhere): NormalizedResource {
  const cluster = raw.Cluster;
  if (raw.DetailError) throw malformed(where, cluster.arn ?? cluster.name, `DescribeCluster answered ${raw.DetailError}; the cluster was probably deleted while being listed`);
  const arn = cluster.arn;
  if (!arn) throw malformed(where, cluster.name, "cluster without arn");
  const status = lookupStatus(eksClusterStatus, cluster.status);
  if (!status) throw malformed(where, arn, `unknown cluster status ${JSON.stringify(cluster.status ?? null)}`);
  const tags = { ...(cluster.tags ?? {}) };
  // The certificate authority is a public certificate of no use to any query; it only takes room.
  const { certificateAuthority: _ca, ...kept } = cluster;
  return {
    cloud: "aws",
    account: where.account,
    regionCode: where.region,
    kind: "eks_cluster",
    resourceId: arn,
    name: displayName(tags, cluster.name, arn),
    resourceType: "compute",
    status,
    // The control plane has no size of its own: its capacity is its node groups' instances.
    sizeCategory: "custom",
    tags,
    configuration: configurationOf(kept),
    providerCreatedAt: isoDate(cluster.createdAt),
  };
}

type EksSdk = typeof import("@aws-sdk/client-eks");

async function detail(sdk: EksSdk, client: EKSClient, name: string, signal: AbortSignal | undefined): Promise<EksClusterDetail> {
  try {
    const out = await client.send(new sdk.DescribeClusterCommand({ name }), { abortSignal: signal });
    return { Cluster: out.cluster ?? { name } };
  } catch (error) {
    const code = errorCode(error);
    if (code && skippableDetailErrors.has(code)) return { Cluster: { name }, DetailError: code };
    throw error;
  }
}

export const eksClusterReader: AwsKindReader<EksClusterDetail> = {
  kind: "eks_cluster",
  resourceType: "compute",
  fanout: "account_region",
  service: "eks",
  operation: "ListClusters",
  metricKeys: cloudWatchKeysOf("eks_cluster"),
  relations: [],
  async *pages(ctx) {
    // Imported here, not at the top: a process that never reads EKS never loads its SDK.
    const sdk: EksSdk = awsSdk("@aws-sdk/client-eks");
    const client = ctx.clients.client("eks", (config) => new sdk.EKSClient(config));
    const pages = sdk.paginateListClusters({ client, pageSize: clampPageSize(ctx.pageSize, 1, 100) }, {}, { abortSignal: ctx.signal });
    for await (const page of pages) {
      const out: EksClusterDetail[] = [];
      // One at a time: DescribeCluster shares the account's EKS control-plane rate.
      for (const name of page.clusters ?? []) out.push(await detail(sdk, client, name, ctx.signal));
      yield out;
    }
  },
  normalize: normalizeEksCluster,
};
