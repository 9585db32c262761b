import { dependencyOf, withDependencies } from "../../core/relations.ts";
import type { ItemWhere } from "../../core/kind-reader.ts";
import type { NormalizedResource } from "../../types.ts";
import { createdAt, requireId, requireRegion, subscriptionStatus, volumeSize } from "../normalize.ts";
import { vultrKind, type VultrRaw } from "./kind.ts";

/**
 * Block storage (`GET /v2/blocks`). A Vultr block volume is never an instance's boot disk, so
 * the instance it is attached to depends on it as a data volume (the edge points back at it).
 * Blocks carry no tags in the API.
 */
export function normalizeBlockStorage(raw: VultrRaw, where: ItemWhere): NormalizedResource {
  const id = requireId(raw, where.account, raw.label);
  const attached = typeof raw.attached_to_instance === "string" ? raw.attached_to_instance : "";
  return {
    cloud: "vultr",
    account: where.account,
    regionCode: requireRegion(raw.region, where.account, id),
    kind: "vultr_block_storage",
    resourceId: id,
    name: typeof raw.label === "string" && raw.label ? raw.label : id,
    resourceType: "storage",
    status: subscriptionStatus(raw.status as string),
    sizeCategory: volumeSize(raw.size_gb as number),
    tags: {},
    configuration: raw,
    providerCreatedAt: createdAt(raw.date_created),
    ...withDependencies([attached ? dependencyOf("data_volume", attached, { reverse: true }) : null]),
  };
}

export const blockStorageReader = vultrKind({
  kind: "vultr_block_storage",
  resourceType: "storage",
  endpoint: "blocks",
  listKey: "blocks",
  operation: "GET /v2/blocks",
  metricKeys: [],
  relations: [{ name: "data_volume", targetKind: "vultr_instance" }],
  normalize: normalizeBlockStorage,
});
