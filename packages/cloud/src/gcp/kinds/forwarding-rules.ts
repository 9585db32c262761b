import { ForwardingRulesClient } from "@google-cloud/compute/build/src/v1/forwarding_rules_client.js";
import { GlobalForwardingRulesClient } from "@google-cloud/compute/build/src/v1/global_forwarding_rules_client.js";
import type { NormalizedResource } from "../../types.ts";
import { regionFromScopeKey, regionFromUrl, str } from "../normalize.ts";
import { completeAggregatedPages, listEntries } from "../paging.ts";
import { buildResource, identityOf, malformed } from "./common.ts";
import type { GcpKindReader } from "./kind.ts";
import { withDependencies } from "../../core/relations.ts";
import { forwardingRuleDependencies } from "./relations.ts";

/**
 * Forwarding rules are the front door of GCP load balancers. They have no lifecycle state (a
 * listed rule serves traffic) and no size (reported as `medium`). Regional and global rules are
 * different API collections, so they are different kinds and scopes.
 */
export function normalizeForwardingRule(
  item: Record<string, unknown>,
  project: string,
  scopeKey: string | null,
): NormalizedResource {
  const identity = identityOf(item, project);
  const regionCode = regionFromUrl(str(item, "region")) ?? (scopeKey ? regionFromScopeKey(scopeKey) : null);
  if (!regionCode) throw malformed(project, identity.id, "the regional forwarding rule has no region");
  const resource = buildResource(item, {
    project,
    identity,
    kind: "gcp_forwarding_rule",
    regionCode,
    resourceType: "load_balancer",
    status: "running",
    sizeCategory: "medium",
  });
  return { ...resource, ...withDependencies(forwardingRuleDependencies(item)) };
}

export function normalizeGlobalForwardingRule(item: Record<string, unknown>, project: string): NormalizedResource {
  const resource = buildResource(item, {
    project,
    identity: identityOf(item, project),
    kind: "gcp_global_forwarding_rule",
    regionCode: "global",
    resourceType: "load_balancer",
    status: "running",
    sizeCategory: "medium",
  });
  return { ...resource, ...withDependencies(forwardingRuleDependencies(item)) };
}

export const forwardingRulesReader: GcpKindReader = {
  kind: "gcp_forwarding_rule",
  resourceType: "load_balancer",
  fanout: "project",
  operation: "aggregated/forwardingRules",
  metricKeys: [],
  relations: [
    { name: "lb_backend", targetKind: "gcp_target_pool" },
    { name: "in_subnet", targetKind: "gcp_subnetwork" },
  ],
  pages: (ctx) => completeAggregatedPages(ctx.clients.get(ForwardingRulesClient), "forwardingRules", ctx),
  normalize: (raw, where) => normalizeForwardingRule(raw.item as Record<string, unknown>, where.account, raw.scopeKey),
};

export const globalForwardingRulesReader: GcpKindReader = {
  kind: "gcp_global_forwarding_rule",
  resourceType: "load_balancer",
  fanout: "project_global",
  operation: "global/forwardingRules",
  metricKeys: [],
  relations: [
    { name: "lb_backend", targetKind: "gcp_target_pool" },
    { name: "in_subnet", targetKind: "gcp_subnetwork" },
  ],
  pages: (ctx) => listEntries(ctx.clients.get(GlobalForwardingRulesClient), ctx),
  normalize: (raw, where) => normalizeGlobalForwardingRule(raw.item as Record<string, unknown>, where.account),
};
