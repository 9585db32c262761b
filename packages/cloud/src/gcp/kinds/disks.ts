import { DisksClient } from "@google-cloud/compute/build/src/v1/disks_client.js";
import type { NormalizedResource } from "../../types.ts";
import { diskSize, diskStatus, regionFromScopeKey, regionFromUrl, str, zoneToRegion } from "../normalize.ts";
import { completeAggregatedPages } from "../paging.ts";
import { buildResource, identityOf, malformed } from "./common.ts";
import type { GcpKindReader } from "./kind.ts";

export function normalizeDisk(item: Record<string, unknown>, project: string, scopeKey: string | null): NormalizedResource {
  const identity = identityOf(item, project);
  const state = str(item, "status");
  const status = diskStatus(state);
  if (!status) throw malformed(project, identity.id, state ? `unknown disk status ${state}` : "the disk has no status");
  // Zonal disks carry `zone`, regional (replicated) disks carry `region`.
  const regionCode =
    zoneToRegion(str(item, "zone")) ??
    regionFromUrl(str(item, "region")) ??
    (scopeKey ? regionFromScopeKey(scopeKey) : null);
  if (!regionCode) throw malformed(project, identity.id, "the disk has neither zone nor region");
  return buildResource(item, {
    project,
    identity,
    kind: "gce_disk",
    regionCode,
    resourceType: "storage",
    status,
    sizeCategory: diskSize(str(item, "sizeGb")),
  });
}

/** Persistent disks: one aggregated list per project covers every zone and region. */
export const disksReader: GcpKindReader = {
  kind: "gce_disk",
  resourceType: "storage",
  fanout: "project",
  operation: "aggregated/disks",
  metricKeys: [],
  relations: [],
  pages: (ctx) => completeAggregatedPages(ctx.clients.get(DisksClient), "disks", ctx),
  normalize: (raw, where) => normalizeDisk(raw.item as Record<string, unknown>, where.account, raw.scopeKey),
};
