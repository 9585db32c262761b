import type { NormalizedResource } from "../../types.ts";
import { regionFromScopeKey, regionFromUrl, str } from "../normalize.ts";
import { aggregatedPages, listPages } from "../paging.ts";
import { buildResource, identityOf, malformed } from "./common.ts";
import type { GcpKindReader } from "./kind.ts";

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
  return buildResource(item, {
    project,
    identity,
    kind: "gcp_forwarding_rule",
    regionCode,
    resourceType: "load_balancer",
    status: "running",
    sizeCategory: "medium",
  });
}

export function normalizeGlobalForwardingRule(item: Record<string, unknown>, project: string): NormalizedResource {
  return buildResource(item, {
    project,
    identity: identityOf(item, project),
    kind: "gcp_global_forwarding_rule",
    regionCode: "global",
    resourceType: "load_balancer",
    status: "running",
    sizeCategory: "medium",
  });
}

export const forwardingRulesReader: GcpKindReader = {
  kind: "gcp_forwarding_rule",
  resourceType: "load_balancer",
  coverage: "aggregated",
  apiPath: "aggregated/forwardingRules",
  pages: (clients, request) => aggregatedPages(clients.forwardingRules, "forwardingRules", request),
  normalize: normalizeForwardingRule,
};

export const globalForwardingRulesReader: GcpKindReader = {
  kind: "gcp_global_forwarding_rule",
  resourceType: "load_balancer",
  coverage: "global",
  apiPath: "global/forwardingRules",
  pages: (clients, request) => listPages(clients.globalForwardingRules, request),
  normalize: (item, project) => normalizeGlobalForwardingRule(item, project),
};
