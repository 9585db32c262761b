import { dependencyOf, withDependencies } from "../../core/relations.ts";
import type { ItemWhere } from "../../core/kind-reader.ts";
import type { NormalizedResource } from "../../types.ts";
import { cpuSize, createdAt, databaseStatus, requireId, requireRegion, tagsFromVultr } from "../normalize.ts";
import { vultrKind, type VultrRaw } from "./kind.ts";

/**
 * Managed databases (`GET /v2/databases`): one `tag` string, not a list; the VPC it is placed in
 * contains it. Credentials the API returns (`password`, its read replicas' too) are never kept.
 */
export function normalizeDatabase(raw: VultrRaw, where: ItemWhere): NormalizedResource {
  const id = requireId(raw, where.account, raw.label);
  const configuration = withoutPasswords(raw);
  const vpc = typeof raw.vpc_id === "string" ? raw.vpc_id : "";
  return {
    cloud: "vultr",
    account: where.account,
    regionCode: requireRegion(typeof raw.region === "string" ? raw.region.toLowerCase() : raw.region, where.account, id),
    kind: "vultr_database",
    resourceId: id,
    name: typeof raw.label === "string" && raw.label ? raw.label : id,
    resourceType: "database",
    status: databaseStatus(raw.status as string),
    sizeCategory: cpuSize(raw.plan_vcpus as number, raw.plan_ram as number),
    tags: tagsFromVultr(typeof raw.tag === "string" ? raw.tag : null),
    configuration,
    providerCreatedAt: createdAt(raw.date_created),
    ...withDependencies([vpc ? dependencyOf("in_network", vpc) : null]),
  };
}

export const databaseReader = vultrKind({
  kind: "vultr_database",
  resourceType: "database",
  endpoint: "databases",
  listKey: "databases",
  operation: "GET /v2/databases",
  metricKeys: [],
  relations: [{ name: "in_network", targetKind: "vultr_vpc" }],
  normalize: normalizeDatabase,
});

/** The item without the admin `password` the API returns, here and in each read replica. */
function withoutPasswords(raw: VultrRaw): VultrRaw {
  const { password: _p, read_replicas: replicas, ...rest } = raw;
  if (!Array.isArray(replicas)) return rest;
  return { ...rest, read_replicas: replicas.map((r) => (r && typeof r === "object" ? withoutPasswords(r as VultrRaw) : r)) };
}
