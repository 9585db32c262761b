import type { ItemWhere } from "../../core/kind-reader.ts";
import type { NormalizedResource } from "../../types.ts";
import { createdAt, nodeCountSize, requireId, requireRegion, subscriptionStatus } from "../normalize.ts";
import { vultrKind, type VultrRaw } from "./kind.ts";

/**
 * VKE clusters (`GET /v2/kubernetes/clusters`): compute, sized by the nodes of all its pools.
 * The cluster has no tags; its node pools' `tag` is kept in `configuration` only.
 */
export function normalizeKubernetesCluster(raw: VultrRaw, where: ItemWhere): NormalizedResource {
  const id = requireId(raw, where.account, raw.label);
  const pools = Array.isArray(raw.node_pools) ? (raw.node_pools as { node_quantity?: unknown }[]) : [];
  const nodes = pools.reduce((n, p) => n + (typeof p.node_quantity === "number" ? p.node_quantity : 0), 0);
  return {
    cloud: "vultr",
    account: where.account,
    regionCode: requireRegion(raw.region, where.account, id),
    kind: "vultr_kubernetes_cluster",
    resourceId: id,
    name: typeof raw.label === "string" && raw.label ? raw.label : id,
    resourceType: "compute",
    status: subscriptionStatus(raw.status as string),
    sizeCategory: nodeCountSize(nodes),
    tags: {},
    configuration: raw,
    providerCreatedAt: createdAt(raw.date_created),
  };
}

export const kubernetesClusterReader = vultrKind({
  kind: "vultr_kubernetes_cluster",
  resourceType: "compute",
  endpoint: "kubernetesClusters",
  listKey: "vke_clusters",
  operation: "GET /v2/kubernetes/clusters",
  metricKeys: [],
  relations: [],
  normalize: normalizeKubernetesCluster,
});
