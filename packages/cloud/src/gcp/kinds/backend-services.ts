import { BackendServicesClient } from "@google-cloud/compute/build/src/v1/backend_services_client.js";
import type { NormalizedResource } from "../../types.ts";
import { regionFromScopeKey, regionFromUrl, str } from "../normalize.ts";
import { completeAggregatedPages } from "../paging.ts";
import { countSize } from "../sizes.ts";
import { buildResource, identityOf } from "./common.ts";
import type { GcpKindReader } from "./kind.ts";
import { gcpKeysOf } from "../metric-table.ts";

/**
 * A backend service is the part of a GCP load balancer that holds its backends; with Cloud CDN
 * enabled (`enableCDN`) it is what caches and serves content at Google's edge, so it is a `cdn`
 * resource, otherwise a `load_balancer`. Backend services have no lifecycle state (a listed one
 * is in use) and no labels in the Compute API. Size: how many backends it spreads traffic over
 * (`countSize`). Global ones (external Application Load Balancers) are in region `global`.
 */
export function normalizeBackendService(
  item: Record<string, unknown>,
  project: string,
  scopeKey: string | null,
): NormalizedResource {
  const identity = identityOf(item, project);
  const regionCode = regionFromUrl(str(item, "region")) ?? (scopeKey ? regionFromScopeKey(scopeKey) : null) ?? "global";
  const backends = Array.isArray(item.backends) ? item.backends.length : 0;
  return buildResource(item, {
    project,
    identity,
    kind: "gcp_backend_service",
    regionCode,
    resourceType: item.enableCDN === true ? "cdn" : "load_balancer",
    status: "running",
    sizeCategory: countSize(backends),
  });
}

/** Backend services: one aggregated list per project covers the global and every regional collection. */
export const backendServicesReader: GcpKindReader = {
  kind: "gcp_backend_service",
  // The kind's usual type; those with Cloud CDN enabled are reported as `cdn`.
  resourceType: "load_balancer",
  fanout: "project",
  operation: "aggregated/backendServices",
  metricKeys: gcpKeysOf("gcp_backend_service"),
  // getHealth per backend group (status-checks.ts, normalizeBackendHealth).
  statusChecks: ["backend_health"],
  relations: [],
  pages: (ctx) => completeAggregatedPages(ctx.clients.get(BackendServicesClient), "backendServices", ctx),
  normalize: (raw, where) => normalizeBackendService(raw.item as Record<string, unknown>, where.account, raw.scopeKey),
};
