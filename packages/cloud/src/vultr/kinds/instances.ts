import { dependencyOf, withDependencies } from "../../core/relations.ts";
import type { ItemWhere } from "../../core/kind-reader.ts";
import type { NormalizedResource } from "../../types.ts";
import { cpuSize, createdAt, requireId, requireRegion, serverStatus, tagsFromVultr } from "../normalize.ts";
import { vultrKind, type VultrRaw } from "./kind.ts";
import { bandwidthMetricKeys } from "../metrics.ts";

/** Cloud Compute instances (`GET /v2/instances`); the firewall group it sits in is a hard edge. */
export function normalizeInstance(raw: VultrRaw, where: ItemWhere): NormalizedResource {
  const id = requireId(raw, where.account, raw.label);
  const firewall = typeof raw.firewall_group_id === "string" ? raw.firewall_group_id : "";
  return {
    cloud: "vultr",
    account: where.account,
    regionCode: requireRegion(raw.region, where.account, id),
    kind: "vultr_instance",
    resourceId: id,
    name: typeof raw.label === "string" && raw.label ? raw.label : id,
    resourceType: "compute",
    status: serverStatus(raw.status as string, raw.power_status as string),
    sizeCategory: cpuSize(raw.vcpu_count as number, raw.ram as number),
    tags: tagsFromVultr(raw.tags as string[]),
    configuration: raw,
    providerCreatedAt: createdAt(raw.date_created),
    ...withDependencies([firewall ? dependencyOf("security_group", firewall) : null]),
  };
}

export const instanceReader = vultrKind({
  kind: "vultr_instance",
  resourceType: "compute",
  endpoint: "instances",
  listKey: "instances",
  operation: "GET /v2/instances",
  metricKeys: bandwidthMetricKeys,
  relations: [{ name: "security_group", targetKind: "vultr_firewall_group" }],
  normalize: normalizeInstance,
});
