import { InstancesClient } from "@google-cloud/compute/build/src/v1/instances_client.js";
import type { NormalizedResource } from "../../types.ts";
import { instanceStatus, machineTypeSize, regionFromScopeKey, str, zoneToRegion } from "../normalize.ts";
import { completeAggregatedPages } from "../paging.ts";
import { buildResource, identityOf, malformed } from "./common.ts";
import { gcpKeysOf } from "../metric-table.ts";
import type { GcpKindReader } from "./kind.ts";
import { withDependencies } from "../../core/relations.ts";
import { instanceDependencies } from "./relations.ts";

export function normalizeInstance(item: Record<string, unknown>, project: string, scopeKey: string | null): NormalizedResource {
  const identity = identityOf(item, project);
  const state = str(item, "status");
  const status = instanceStatus(state);
  if (!status) throw malformed(project, identity.id, state ? `unknown instance status ${state}` : "the instance has no status");
  const regionCode = zoneToRegion(str(item, "zone")) ?? (scopeKey ? regionFromScopeKey(scopeKey) : null);
  if (!regionCode) throw malformed(project, identity.id, "the instance has no zone");
  const resource = buildResource(item, {
    project,
    identity,
    kind: "gce_instance",
    regionCode,
    resourceType: "compute",
    status,
    sizeCategory: machineTypeSize(str(item, "machineType")),
  });
  return { ...resource, ...withDependencies(instanceDependencies(item)) };
}

/** VM instances: one aggregated list per project covers every zone. */
export const instancesReader: GcpKindReader = {
  kind: "gce_instance",
  resourceType: "compute",
  fanout: "project",
  operation: "aggregated/instances",
  metricKeys: gcpKeysOf("gce_instance"),
  statusChecks: ["gce_instance_status"],
  relations: [
    { name: "boot_volume", targetKind: "gce_disk" },
    { name: "data_volume", targetKind: "gce_disk" },
    { name: "in_subnet", targetKind: "gcp_subnetwork" },
    { name: "in_network", targetKind: "gcp_network" },
  ],
  pages: (ctx) => completeAggregatedPages(ctx.clients.get(InstancesClient), "instances", ctx),
  normalize: (raw, where) => normalizeInstance(raw.item as Record<string, unknown>, where.account, raw.scopeKey),
};
