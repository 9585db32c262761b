import type { ItemWhere } from "../../core/kind-reader.ts";
import type { NormalizedResource } from "../../types.ts";
import { createdAt, requireId, requireRegion } from "../normalize.ts";
import { vultrKind, type VultrRaw } from "./kind.ts";

/** VPC networks (`GET /v2/vpcs`) and VPC 2.0 (`GET /v2/vpc2`): no state, no tags; named by `description`. */
function normalizeNetwork(kind: "vultr_vpc" | "vultr_vpc2") {
  return (raw: VultrRaw, where: ItemWhere): NormalizedResource => {
    const id = requireId(raw, where.account, raw.description);
    return {
      cloud: "vultr",
      account: where.account,
      regionCode: requireRegion(raw.region, where.account, id),
      kind,
      resourceId: id,
      name: typeof raw.description === "string" && raw.description ? raw.description : id,
      resourceType: "network",
      // A listed network exists and carries traffic; the API reports no other state.
      status: "running",
      sizeCategory: "medium",
      tags: {},
      configuration: raw,
      providerCreatedAt: createdAt(raw.date_created),
    };
  };
}

export const normalizeVpc = normalizeNetwork("vultr_vpc");
export const normalizeVpc2 = normalizeNetwork("vultr_vpc2");

export const vpcReader = vultrKind({
  kind: "vultr_vpc",
  resourceType: "network",
  endpoint: "vpcs",
  listKey: "vpcs",
  operation: "GET /v2/vpcs",
  metricKeys: [],
  relations: [],
  normalize: normalizeVpc,
});

export const vpc2Reader = vultrKind({
  kind: "vultr_vpc2",
  resourceType: "network",
  endpoint: "vpc2",
  listKey: "vpcs",
  operation: "GET /v2/vpc2",
  metricKeys: [],
  relations: [],
  normalize: normalizeVpc2,
});
