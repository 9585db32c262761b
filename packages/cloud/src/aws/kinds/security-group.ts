import type { SecurityGroup } from "@aws-sdk/client-ec2";
import { dependencyOf, withDependencies } from "../../core/relations.ts";
import type { NormalizedResource } from "../../types.ts";
import { configurationOf, displayName, tagsToRecord } from "../normalize.ts";
import { type AwsKindReader, clampPageSize, type ItemWhere, malformed } from "./kind.ts";
import { awsSdk } from "../sdk.ts";

/**
 * Security groups: DescribeSecurityGroups per region (tags inline). A group has no lifecycle
 * state — listed means it exists and applies — and no size, hence `running` and `custom`.
 */
export function normalizeSecurityGroup(raw: SecurityGroup, where: ItemWhere): NormalizedResource {
  const id = raw.GroupId;
  if (!id) throw malformed(where, raw.GroupName, "security group without GroupId");
  const tags = tagsToRecord(raw.Tags);
  return {
    cloud: "aws",
    account: where.account,
    regionCode: where.region,
    kind: "security_group",
    resourceId: id,
    name: displayName(tags, raw.GroupName, id),
    resourceType: "network",
    status: "running",
    sizeCategory: "custom",
    tags,
    configuration: configurationOf(raw),
    providerCreatedAt: null,
    ...withDependencies([raw.VpcId ? dependencyOf("in_network", raw.VpcId) : null]),
  };
}

export const securityGroupReader: AwsKindReader<SecurityGroup> = {
  kind: "security_group",
  resourceType: "network",
  fanout: "account_region",
  service: "ec2",
  operation: "DescribeSecurityGroups",
  metricKeys: [],
  relations: [{ name: "in_network", targetKind: "vpc" }],
  async *pages(ctx) {
    const pages = awsSdk("@aws-sdk/client-ec2").paginateDescribeSecurityGroups(
      { client: ctx.clients.ec2(), pageSize: clampPageSize(ctx.pageSize, 5, 1000) },
      {},
      { abortSignal: ctx.signal },
    );
    for await (const page of pages) yield page.SecurityGroups ?? [];
  },
  normalize: normalizeSecurityGroup,
};
