import { dependencyOf, withDependencies } from "../../core/relations.ts";
import type { ItemWhere } from "../../core/kind-reader.ts";
import type { NormalizedResource, SizeCategory } from "../../types.ts";
import { configurationOf, type DoRaw, kubernetesStatuses, lookup, malformed, num, obj, regionSlug, str, tagsFromDo } from "../normalize.ts";
import { type DoKindReader, listPages } from "./kind.ts";

/** Nodes over every pool on the scale: 1 nano, 2–3 micro, 4–10 small, 11–30 medium, 31–100 large, more xlarge. */
export function nodeCountSizeCategory(nodes: number | undefined): SizeCategory {
  if (nodes === undefined || nodes < 1) return "custom";
  if (nodes <= 1) return "nano";
  if (nodes <= 3) return "micro";
  if (nodes <= 10) return "small";
  if (nodes <= 30) return "medium";
  if (nodes <= 100) return "large";
  return "xlarge";
}

export function normalizeKubernetesCluster(raw: DoRaw, where: ItemWhere): NormalizedResource {
  const id = str(raw, "id");
  if (!id) throw malformed(where.account, str(raw, "name") ?? null, "Kubernetes cluster without id");
  const state = obj(raw, "status");
  const status = lookup(kubernetesStatuses, state ? str(state, "state") : undefined);
  if (!status) throw malformed(where.account, id, `unknown cluster state ${String(state?.state)}`);
  const region = regionSlug(raw);
  if (!region) throw malformed(where.account, id, "Kubernetes cluster without region");
  const pools = Array.isArray(raw.node_pools) ? (raw.node_pools as DoRaw[]) : [];
  const nodes = pools.reduce((sum, p) => sum + (num(p, "count") ?? 0), 0);
  const vpc = str(raw, "vpc_uuid");
  return {
    cloud: "digitalocean",
    account: where.account,
    regionCode: region,
    kind: "do_kubernetes_cluster",
    resourceId: id,
    name: str(raw, "name") ?? id,
    resourceType: "compute",
    status,
    sizeCategory: nodeCountSizeCategory(pools.length > 0 ? nodes : undefined),
    tags: tagsFromDo(raw.tags),
    configuration: configurationOf(raw),
    providerCreatedAt: str(raw, "created_at") ?? null,
    ...withDependencies([vpc ? dependencyOf("in_network", vpc) : null]),
  };
}

/** DOKS clusters: `GET /v2/kubernetes/clusters`, paged; node pools come inline. */
export const kubernetesClustersReader: DoKindReader = {
  kind: "do_kubernetes_cluster",
  resourceType: "compute",
  fanout: "account_global",
  operation: "kubernetes/clusters",
  metricKeys: [],
  relations: [{ name: "in_network", targetKind: "do_vpc" }],
  pages: (ctx) => listPages(ctx, "kubernetes/clusters", "kubernetes_clusters", (v2) => v2.kubernetes.clusters),
  normalize: normalizeKubernetesCluster,
};
