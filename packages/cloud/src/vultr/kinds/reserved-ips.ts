import { dependencyOf, withDependencies } from "../../core/relations.ts";
import type { ItemWhere } from "../../core/kind-reader.ts";
import type { NormalizedResource } from "../../types.ts";
import { requireId, requireRegion } from "../normalize.ts";
import { vultrKind, type VultrRaw } from "./kind.ts";

/**
 * Reserved IPs (`GET /v2/reserved-ips`): no creation date and no state in the API. An attached
 * one is the address its instance is reached on (the instance depends on it, softly).
 */
export function normalizeReservedIp(raw: VultrRaw, where: ItemWhere): NormalizedResource {
  const id = requireId(raw, where.account, raw.label);
  const instance = typeof raw.instance_id === "string" ? raw.instance_id : "";
  return {
    cloud: "vultr",
    account: where.account,
    regionCode: requireRegion(raw.region, where.account, id),
    kind: "vultr_reserved_ip",
    resourceId: id,
    name: typeof raw.label === "string" && raw.label ? raw.label : typeof raw.subnet === "string" ? raw.subnet : id,
    resourceType: "network",
    status: "running",
    sizeCategory: "medium",
    tags: {},
    configuration: raw,
    providerCreatedAt: null,
    ...withDependencies([instance ? dependencyOf("address_of", instance, { reverse: true }) : null]),
  };
}

export const reservedIpReader = vultrKind({
  kind: "vultr_reserved_ip",
  resourceType: "network",
  endpoint: "reservedIps",
  listKey: "reserved_ips",
  operation: "GET /v2/reserved-ips",
  metricKeys: [],
  relations: [{ name: "address_of", targetKind: "vultr_instance" }],
  normalize: normalizeReservedIp,
});
