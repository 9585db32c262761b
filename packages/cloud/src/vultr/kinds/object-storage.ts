import type { ItemWhere } from "../../core/kind-reader.ts";
import type { NormalizedResource } from "../../types.ts";
import { createdAt, requireId, requireRegion, subscriptionStatus } from "../normalize.ts";
import { vultrKind, type VultrRaw } from "./kind.ts";

/** Object storage subscriptions (`GET /v2/object-storage`); the S3 secret is never kept. */
export function normalizeObjectStorage(raw: VultrRaw, where: ItemWhere): NormalizedResource {
  const id = requireId(raw, where.account, raw.label);
  const { s3_access_key: _a, s3_secret_key: _s, ...configuration } = raw;
  return {
    cloud: "vultr",
    account: where.account,
    regionCode: requireRegion(raw.region, where.account, id),
    kind: "vultr_object_storage",
    resourceId: id,
    name: typeof raw.label === "string" && raw.label ? raw.label : id,
    resourceType: "storage",
    status: subscriptionStatus(raw.status as string),
    sizeCategory: "medium",
    tags: {},
    configuration,
    providerCreatedAt: createdAt(raw.date_created),
  };
}

export const objectStorageReader = vultrKind({
  kind: "vultr_object_storage",
  resourceType: "storage",
  endpoint: "objectStorage",
  listKey: "object_storages",
  operation: "GET /v2/object-storage",
  metricKeys: [],
  relations: [],
  normalize: normalizeObjectStorage,
});
