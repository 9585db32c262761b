import type { LkeClusterRaw } from "../wire.ts";
import type { NormalizedResource } from "../../types.ts";
import { configurationOf, linodeResourceId, linodeStatus, linodeTags, linodeTime, malformed, requireId } from "../normalize.ts";
import { type LinodeKindReader, linodePages } from "./kind.ts";

/**
 * An LKE (Kubernetes) cluster: its control plane; the nodes are Linodes of their own, each
 * reporting the cluster (`lke_cluster_id`). Size from the control plane: `high_availability`
 * → large, otherwise medium.
 */
export function normalizeLkeCluster(raw: LkeClusterRaw, where: { account: string }): NormalizedResource {
  const id = requireId(raw, where.account, "LKE cluster");
  const status = linodeStatus("cluster", raw.status);
  if (!status) throw malformed(where.account, linodeResourceId("lkecluster", id), `unknown LKE cluster status ${JSON.stringify(raw.status)}`);
  if (typeof raw.region !== "string" || !raw.region) throw malformed(where.account, linodeResourceId("lkecluster", id), "LKE cluster without a region");
  return {
    cloud: "linode",
    account: where.account,
    regionCode: raw.region,
    kind: "linode_lke_cluster",
    resourceId: linodeResourceId("lkecluster", id),
    name: raw.label || String(id),
    resourceType: "compute",
    status,
    sizeCategory: raw.control_plane?.high_availability ? "large" : "medium",
    tags: linodeTags(raw.tags),
    configuration: configurationOf(raw),
    providerCreatedAt: linodeTime(raw.created),
  };
}

export const lkeClustersReader: LinodeKindReader<LkeClusterRaw> = {
  kind: "linode_lke_cluster",
  resourceType: "compute",
  fanout: "account_global",
  operation: "GET /lke/clusters",
  metricKeys: [],
  relations: [],
  pages: (ctx) => linodePages(ctx, "GET /lke/clusters", (sdk, params) => sdk.getKubernetesClusters(params)),
  normalize: normalizeLkeCluster,
};
