import type { ItemWhere } from "../../core/kind-reader.ts";
import type { NormalizedResource } from "../../types.ts";
import { cpuSize, createdAt, requireId, requireRegion, serverStatus, tagsFromVultr } from "../normalize.ts";
import { vultrKind, type VultrRaw } from "./kind.ts";
import { bandwidthMetricKeys } from "../metrics.ts";

/** Bare-metal servers (`GET /v2/bare-metals`); `ram` is a string there ("32768 MB"), so size is by CPU count. */
export function normalizeBareMetal(raw: VultrRaw, where: ItemWhere): NormalizedResource {
  const id = requireId(raw, where.account, raw.label);
  return {
    cloud: "vultr",
    account: where.account,
    regionCode: requireRegion(raw.region, where.account, id),
    kind: "vultr_bare_metal",
    resourceId: id,
    name: typeof raw.label === "string" && raw.label ? raw.label : id,
    resourceType: "compute",
    status: serverStatus(raw.status as string, raw.power_status as string),
    sizeCategory: cpuSize(raw.cpu_count as number),
    tags: tagsFromVultr(raw.tags as string[]),
    configuration: raw,
    providerCreatedAt: createdAt(raw.date_created),
  };
}

export const bareMetalReader = vultrKind({
  kind: "vultr_bare_metal",
  resourceType: "compute",
  endpoint: "bareMetals",
  listKey: "bare_metals",
  operation: "GET /v2/bare-metals",
  metricKeys: bandwidthMetricKeys,
  relations: [],
  normalize: normalizeBareMetal,
});
