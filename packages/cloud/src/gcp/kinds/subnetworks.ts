import { SubnetworksClient } from "@google-cloud/compute/build/src/v1/subnetworks_client.js";
import type { NormalizedResource, ResourceStatus, SizeCategory } from "../../types.ts";
import { regionFromScopeKey, regionFromUrl, str } from "../normalize.ts";
import { completeAggregatedPages } from "../paging.ts";
import { buildResource, identityOf, malformed } from "./common.ts";
import type { GcpKindReader } from "./kind.ts";
import { withDependencies } from "../../core/relations.ts";
import { selfLinkDependency } from "./relations.ts";

/**
 * A subnetwork's size is how many addresses its primary range holds, from its prefix length:
 *
 * | prefix      | addresses       | size   |
 * | ----------- | --------------- | ------ |
 * | /29 … /32   | 8 or fewer      | nano   |
 * | /25 … /28   | 16 … 128        | micro  |
 * | /22 … /24   | 256 … 1,024     | small  |
 * | /19 … /21   | 2,048 … 8,192   | medium |
 * | /16 … /18   | 16,384 … 65,536 | large  |
 * | /8 … /15    | more            | xlarge |
 *
 * An IPv6-only subnetwork has no primary IPv4 range: `custom`.
 */
export function subnetworkSize(ipCidrRange: string | null | undefined): SizeCategory {
  const prefix = /^\d{1,3}(?:\.\d{1,3}){3}\/(\d{1,2})$/.exec(ipCidrRange ?? "")?.[1];
  if (prefix === undefined) return "custom";
  const bits = Number(prefix);
  if (bits >= 29) return "nano";
  if (bits >= 25) return "micro";
  if (bits >= 22) return "small";
  if (bits >= 19) return "medium";
  if (bits >= 16) return "large";
  return "xlarge";
}

/**
 * Only proxy-only subnetworks have a `state` (READY, or DRAINING while their role moves from
 * ACTIVE to BACKUP); every other listed subnetwork serves traffic.
 */
export function subnetworkStatus(state: string | null | undefined): ResourceStatus | null {
  if (state === undefined || state === null || state === "" || state === "READY") return "running";
  if (state === "DRAINING") return "stopping";
  return null;
}

/** Subnetworks carry no labels in the Compute API, so their tags are always empty. */
export function normalizeSubnetwork(
  item: Record<string, unknown>,
  project: string,
  scopeKey: string | null,
): NormalizedResource {
  const identity = identityOf(item, project);
  const regionCode = regionFromUrl(str(item, "region")) ?? (scopeKey ? regionFromScopeKey(scopeKey) : null);
  if (!regionCode) throw malformed(project, identity.id, "the subnetwork has no region");
  const state = str(item, "state");
  const status = subnetworkStatus(state);
  if (!status) throw malformed(project, identity.id, `the subnetwork has an unknown state ${state}`);
  const resource = buildResource(item, {
    project,
    identity,
    kind: "gcp_subnetwork",
    regionCode,
    resourceType: "network",
    status,
    sizeCategory: subnetworkSize(str(item, "ipCidrRange")),
  });
  return { ...resource, ...withDependencies([selfLinkDependency("in_network", item.network)]) };
}

export const subnetworksReader: GcpKindReader = {
  kind: "gcp_subnetwork",
  resourceType: "network",
  fanout: "project",
  operation: "aggregated/subnetworks",
  metricKeys: [],
  relations: [{ name: "in_network", targetKind: "gcp_network" }],
  pages: (ctx) => completeAggregatedPages(ctx.clients.get(SubnetworksClient), "subnetworks", ctx),
  normalize: (raw, where) => normalizeSubnetwork(raw.item as Record<string, unknown>, where.account, raw.scopeKey),
};
