import type { Vpc } from "@aws-sdk/client-ec2";
import type { NormalizedResource } from "../../types.ts";
import { configurationOf, displayName, lookupStatus, networkStatus, tagsToRecord } from "../normalize.ts";
import { type AwsKindReader, clampPageSize, type ItemWhere, malformed } from "./kind.ts";
import { awsSdk } from "../sdk.ts";

/** VPCs: DescribeVpcs per region. A network has no size, hence `custom`. */
export function normalizeVpc(raw: Vpc, where: ItemWhere): NormalizedResource {
  const id = raw.VpcId;
  if (!id) throw malformed(where, null, "VPC without VpcId");
  const status = lookupStatus(networkStatus, raw.State);
  if (!status) throw malformed(where, id, `unknown VPC state ${JSON.stringify(raw.State ?? null)}`);
  const tags = tagsToRecord(raw.Tags);
  return {
    cloud: "aws",
    account: where.account,
    regionCode: where.region,
    kind: "vpc",
    resourceId: id,
    name: displayName(tags, id),
    resourceType: "network",
    status,
    sizeCategory: "custom",
    tags,
    configuration: configurationOf(raw),
    providerCreatedAt: null,
  };
}

export const vpcReader: AwsKindReader<Vpc> = {
  kind: "vpc",
  resourceType: "network",
  fanout: "account_region",
  service: "ec2",
  operation: "DescribeVpcs",
  metricKeys: [],
  relations: [],
  async *pages(ctx) {
    const pages = awsSdk("@aws-sdk/client-ec2").paginateDescribeVpcs(
      { client: ctx.clients.ec2(), pageSize: clampPageSize(ctx.pageSize, 5, 1000) },
      {},
      { abortSignal: ctx.signal },
    );
    for await (const page of pages) yield page.Vpcs ?? [];
  },
  normalize: normalizeVpc,
};
