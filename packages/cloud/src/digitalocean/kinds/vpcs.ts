import type { ItemWhere } from "../../core/kind-reader.ts";
import type { NormalizedResource } from "../../types.ts";
import { configurationOf, type DoRaw, malformed, regionSlug, str } from "../normalize.ts";
import { type DoKindReader, listPages } from "./kind.ts";

/** A VPC has no state in the API: one that is listed exists and routes (`running`). It carries no tags. */
export function normalizeVpc(raw: DoRaw, where: ItemWhere): NormalizedResource {
  const id = str(raw, "id");
  if (!id) throw malformed(where.account, str(raw, "name") ?? null, "VPC without id");
  const region = regionSlug(raw);
  if (!region) throw malformed(where.account, id, "VPC without region");
  return {
    cloud: "digitalocean",
    account: where.account,
    regionCode: region,
    kind: "do_vpc",
    resourceId: id,
    name: str(raw, "name") ?? id,
    resourceType: "network",
    status: "running",
    sizeCategory: "custom",
    tags: {},
    configuration: configurationOf(raw),
    providerCreatedAt: str(raw, "created_at") ?? null,
  };
}

/** VPCs: `GET /v2/vpcs`, paged. */
export const vpcsReader: DoKindReader = {
  kind: "do_vpc",
  resourceType: "network",
  fanout: "account_global",
  operation: "vpcs",
  metricKeys: [],
  relations: [],
  pages: (ctx) => listPages(ctx, "vpcs", "vpcs", (v2) => v2.vpcs),
  normalize: normalizeVpc,
};
