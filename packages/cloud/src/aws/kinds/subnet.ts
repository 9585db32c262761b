import type { Subnet } from "@aws-sdk/client-ec2";
import { dependencyOf, withDependencies } from "../../core/relations.ts";
import type { NormalizedResource } from "../../types.ts";
import { configurationOf, displayName, lookupStatus, networkStatus, tagsToRecord, zoneToRegion } from "../normalize.ts";
import { type AwsKindReader, clampPageSize, type ItemWhere, malformed } from "./kind.ts";
import { awsSdk } from "../sdk.ts";

/** Subnets: DescribeSubnets per region. */
export function normalizeSubnet(raw: Subnet, where: ItemWhere): NormalizedResource {
  const id = raw.SubnetId;
  if (!id) throw malformed(where, null, "subnet without SubnetId");
  const status = lookupStatus(networkStatus, raw.State);
  if (!status) throw malformed(where, id, `unknown subnet state ${JSON.stringify(raw.State ?? null)}`);
  const tags = tagsToRecord(raw.Tags);
  return {
    cloud: "aws",
    account: where.account,
    regionCode: raw.AvailabilityZone ? zoneToRegion(raw.AvailabilityZone) : where.region,
    kind: "subnet",
    resourceId: id,
    name: displayName(tags, id),
    resourceType: "network",
    status,
    sizeCategory: "custom",
    tags,
    configuration: configurationOf(raw),
    providerCreatedAt: null,
    ...withDependencies([raw.VpcId ? dependencyOf("in_network", raw.VpcId) : null]),
  };
}

export const subnetReader: AwsKindReader<Subnet> = {
  kind: "subnet",
  resourceType: "network",
  fanout: "account_region",
  service: "ec2",
  operation: "DescribeSubnets",
  metricKeys: [],
  relations: [{ name: "in_network", targetKind: "vpc" }],
  async *pages(ctx) {
    const pages = awsSdk("@aws-sdk/client-ec2").paginateDescribeSubnets(
      { client: ctx.clients.ec2(), pageSize: clampPageSize(ctx.pageSize, 5, 1000) },
      {},
      { abortSignal: ctx.signal },
    );
    for await (const page of pages) yield page.Subnets ?? [];
  },
  normalize: normalizeSubnet,
};
