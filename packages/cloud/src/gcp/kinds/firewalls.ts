import { FirewallsClient } from "@google-cloud/compute/build/src/v1/firewalls_client.js";
import type { NormalizedResource } from "../../types.ts";
import { listEntries } from "../paging.ts";
import { buildResource, identityOf } from "./common.ts";
import type { GcpKindReader } from "./kind.ts";
import { withDependencies } from "../../core/relations.ts";
import { selfLinkDependency } from "./relations.ts";

/**
 * VPC firewall rules are global and carry no labels in the Compute API (their `targetTags` are
 * network tags, which select instances, not resource labels), so their tags are empty. A rule
 * with `disabled: true` is kept but not enforced: `stopped`. Rules have no size: `medium`, as
 * for networks.
 */
export function normalizeFirewall(item: Record<string, unknown>, project: string): NormalizedResource {
  const resource = buildResource(item, {
    project,
    identity: identityOf(item, project),
    kind: "gcp_firewall",
    regionCode: "global",
    resourceType: "network",
    status: item.disabled === true ? "stopped" : "running",
    sizeCategory: "medium",
  });
  return { ...resource, ...withDependencies([selfLinkDependency("in_network", item.network)]) };
}

export const firewallsReader: GcpKindReader = {
  kind: "gcp_firewall",
  resourceType: "network",
  fanout: "project_global",
  operation: "global/firewalls",
  metricKeys: [],
  relations: [{ name: "in_network", targetKind: "gcp_network" }],
  pages: (ctx) => listEntries(ctx.clients.get(FirewallsClient), ctx),
  normalize: (raw, where) => normalizeFirewall(raw.item as Record<string, unknown>, where.account),
};
