import type { LinodeRaw } from "../wire.ts";
import { dependencyList, dependencyOf } from "../../core/relations.ts";
import type { NormalizedResource } from "../../types.ts";
import { configurationOf, linodeResourceId, linodeStatus, linodeTags, linodeTime, malformed, memorySize, requireId } from "../normalize.ts";
import { type LinodeKindReader, linodePages } from "./kind.ts";
import { linodeMetricKeys } from "../metrics.ts";

/**
 * A Linode (virtual machine). Size from its memory; a Linode that is a node of an LKE cluster
 * reports the cluster as its group (`group_member`, the cluster depends on it).
 */
export function normalizeInstance(raw: LinodeRaw, where: { account: string }): NormalizedResource {
  const id = requireId(raw, where.account, "Linode");
  const status = linodeStatus("instance", raw.status);
  if (!status) throw malformed(where.account, linodeResourceId("linode", id), `unknown Linode status ${JSON.stringify(raw.status)}`);
  if (typeof raw.region !== "string" || !raw.region) throw malformed(where.account, linodeResourceId("linode", id), "Linode without a region");
  return {
    cloud: "linode",
    account: where.account,
    regionCode: raw.region,
    kind: "linode_instance",
    resourceId: linodeResourceId("linode", id),
    name: raw.label || String(id),
    resourceType: "compute",
    status,
    sizeCategory: memorySize(raw.specs?.memory),
    tags: linodeTags(raw.tags),
    configuration: configurationOf(raw),
    providerCreatedAt: linodeTime(raw.created),
    ...withEdges(
      dependencyList([typeof raw.lke_cluster_id === "number" ? dependencyOf("group_member", linodeResourceId("lkecluster", raw.lke_cluster_id), { reverse: true }) : null]),
    ),
  };
}

export function withEdges(edges: NormalizedResource["dependencies"]): Pick<NormalizedResource, "dependencies"> {
  return edges ? { dependencies: edges } : {};
}

export const instancesReader: LinodeKindReader<LinodeRaw> = {
  kind: "linode_instance",
  resourceType: "compute",
  fanout: "account_global",
  operation: "GET /linode/instances",
  metricKeys: linodeMetricKeys,
  relations: [{ name: "group_member", targetKind: "linode_lke_cluster" }],
  pages: (ctx) => linodePages(ctx, "GET /linode/instances", (sdk, params) => sdk.getLinodes(params)),
  normalize: normalizeInstance,
};
