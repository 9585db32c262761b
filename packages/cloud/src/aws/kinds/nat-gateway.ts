import { dependencyOf, withDependencies } from "../../core/relations.ts";
import type { NatGateway } from "@aws-sdk/client-ec2";
import type { NormalizedResource, ResourceStatus } from "../../types.ts";
import { configurationOf, displayName, isoDate, lookupStatus, tagsToRecord } from "../normalize.ts";
import { type AwsKindReader, clampPageSize, type ItemWhere, malformed } from "./kind.ts";
import { awsSdk } from "../sdk.ts";

export const natGatewayStatus: Readonly<Record<string, ResourceStatus>> = {
  pending: "provisioning",
  available: "running",
  deleting: "stopping",
  // Deleted gateways stay listed for about an hour; emitting them lets the writer record the end.
  deleted: "terminated",
  failed: "error",
};

/** NAT gateways: DescribeNatGateways per region (tags inline). A gateway has no size, hence `custom`. */
export function normalizeNatGateway(raw: NatGateway, where: ItemWhere): NormalizedResource {
  const id = raw.NatGatewayId;
  if (!id) throw malformed(where, null, "NAT gateway without NatGatewayId");
  const status = lookupStatus(natGatewayStatus, raw.State);
  if (!status) throw malformed(where, id, `unknown NAT gateway state ${JSON.stringify(raw.State ?? null)}`);
  const tags = tagsToRecord(raw.Tags);
  return {
    cloud: "aws",
    account: where.account,
    regionCode: where.region,
    kind: "nat_gateway",
    resourceId: id,
    name: displayName(tags, id),
    resourceType: "network",
    status,
    sizeCategory: "custom",
    tags,
    configuration: configurationOf(raw),
    providerCreatedAt: isoDate(raw.CreateTime),
    ...withDependencies([
      raw.SubnetId ? dependencyOf("in_subnet", raw.SubnetId) : null,
      ...(raw.NatGatewayAddresses ?? []).map((a) => (a.AllocationId ? dependencyOf("nat_address", a.AllocationId) : null)),
    ]),
  };
}

export const natGatewayReader: AwsKindReader<NatGateway> = {
  kind: "nat_gateway",
  resourceType: "network",
  fanout: "account_region",
  service: "ec2",
  operation: "DescribeNatGateways",
  metricKeys: [],
  relations: [
    { name: "in_subnet", targetKind: "subnet" },
    { name: "nat_address", targetKind: "elastic_ip" },
  ],
  async *pages(ctx) {
    const pages = awsSdk("@aws-sdk/client-ec2").paginateDescribeNatGateways(
      { client: ctx.clients.ec2(), pageSize: clampPageSize(ctx.pageSize, 5, 1000) },
      {},
      { abortSignal: ctx.signal },
    );
    for await (const page of pages) yield page.NatGateways ?? [];
  },
  normalize: normalizeNatGateway,
};
