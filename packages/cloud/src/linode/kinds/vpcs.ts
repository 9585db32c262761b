import type { VpcRaw } from "../wire.ts";
import type { NormalizedResource } from "../../types.ts";
import { configurationOf, linodeResourceId, linodeTime, requireId, malformed } from "../normalize.ts";
import { type LinodeKindReader, linodePages } from "./kind.ts";

/**
 * A VPC with its subnets (the API lists them inside the VPC). No status and no size of its own:
 * a listed VPC is `running` and `medium`, as GCP networks are.
 */
export function normalizeVpc(raw: VpcRaw, where: { account: string }): NormalizedResource {
  const id = requireId(raw, where.account, "VPC");
  if (typeof raw.region !== "string" || !raw.region) throw malformed(where.account, linodeResourceId("vpc", id), "VPC without a region");
  return {
    cloud: "linode",
    account: where.account,
    regionCode: raw.region,
    kind: "linode_vpc",
    resourceId: linodeResourceId("vpc", id),
    name: raw.label || String(id),
    resourceType: "network",
    status: "running",
    sizeCategory: "medium",
    tags: {},
    configuration: configurationOf(raw),
    providerCreatedAt: linodeTime(raw.created),
  };
}

export const vpcsReader: LinodeKindReader<VpcRaw> = {
  kind: "linode_vpc",
  resourceType: "network",
  fanout: "account_global",
  operation: "GET /vpcs",
  metricKeys: [],
  relations: [],
  pages: (ctx) => linodePages(ctx, "GET /vpcs", (sdk, params) => sdk.getVPCs(params)),
  normalize: normalizeVpc,
};
