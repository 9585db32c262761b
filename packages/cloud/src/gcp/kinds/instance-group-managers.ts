import { InstanceGroupManagersClient } from "@google-cloud/compute/build/src/v1/instance_group_managers_client.js";
import type { NormalizedResource, ResourceStatus } from "../../types.ts";
import { regionFromScopeKey, regionFromUrl, str, zoneToRegion } from "../normalize.ts";
import { completeAggregatedPages } from "../paging.ts";
import { countSize } from "../sizes.ts";
import { buildResource, identityOf, malformed } from "./common.ts";
import type { GcpKindReader } from "./kind.ts";

/**
 * A managed instance group has no lifecycle state of its own: scaled to a target size of 0 it
 * runs nothing but keeps its template (`stopped`), otherwise it is `running` (whether it is
 * still creating or recreating machines is `status.isStable`, kept in the configuration with
 * `targetSize` and `currentActions`). A group without a target size cannot be judged.
 */
export function instanceGroupStatus(targetSize: unknown): ResourceStatus | null {
  const n = typeof targetSize === "string" && targetSize !== "" ? Number(targetSize) : targetSize;
  if (typeof n !== "number" || !Number.isInteger(n) || n < 0) return null;
  return n === 0 ? "stopped" : "running";
}

/**
 * Zonal groups carry `zone`, regional ones `region`. Size: the target size (`countSize`).
 * Instance group managers have no labels in the Compute API.
 */
export function normalizeInstanceGroupManager(
  item: Record<string, unknown>,
  project: string,
  scopeKey: string | null,
): NormalizedResource {
  const identity = identityOf(item, project);
  const regionCode =
    zoneToRegion(str(item, "zone")) ?? regionFromUrl(str(item, "region")) ?? (scopeKey ? regionFromScopeKey(scopeKey) : null);
  if (!regionCode) throw malformed(project, identity.id, "the instance group manager has neither zone nor region");
  const status = instanceGroupStatus(item.targetSize);
  if (!status) throw malformed(project, identity.id, "the instance group manager has no target size");
  return buildResource(item, {
    project,
    identity,
    kind: "gce_instance_group_manager",
    regionCode,
    resourceType: "compute",
    status,
    sizeCategory: countSize(item.targetSize as number),
  });
}

/** Managed instance groups, zonal and regional: one aggregated list per project. */
export const instanceGroupManagersReader: GcpKindReader = {
  kind: "gce_instance_group_manager",
  resourceType: "compute",
  fanout: "project",
  operation: "aggregated/instanceGroupManagers",
  metricKeys: [],
  // Health from the group's own status (status-checks.ts, normalizeInstanceGroupCheck).
  statusChecks: ["mig_status"],
  relations: [],
  pages: (ctx) => completeAggregatedPages(ctx.clients.get(InstanceGroupManagersClient), "instanceGroupManagers", ctx),
  normalize: (raw, where) => normalizeInstanceGroupManager(raw.item as Record<string, unknown>, where.account, raw.scopeKey),
};
