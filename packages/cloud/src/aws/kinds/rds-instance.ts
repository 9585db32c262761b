import { dependencyOf, withDependencies } from "../../core/relations.ts";
import type { DBInstance } from "@aws-sdk/client-rds";
import type { NormalizedResource } from "../../types.ts";
import { configurationOf, displayName, isoDate, rdsKindOf, rdsResourceKinds, rdsStatus, sizeCategoryOf, tagsToRecord } from "../normalize.ts";
import { cloudWatchKeysOf } from "../metric-table.ts";
import { type AwsKindReader, clampPageSize, type ItemWhere, malformed } from "./kind.ts";
import { awsSdk } from "../sdk.ts";

/**
 * RDS DB instances: DescribeDBInstances per region (tags come inline in TagList). The scope
 * kind is `rds_instance`; each resource's kind names its engine (`rds_postgres`,
 * `rds_aurora_mysql`, …) so the row's subtype says what database it is.
 */
export function normalizeDbInstance(raw: DBInstance, where: ItemWhere): NormalizedResource {
  // The ARN is unique across accounts and regions; the identifier is only unique within one.
  const arn = raw.DBInstanceArn;
  if (!arn) throw malformed(where, raw.DBInstanceIdentifier ?? null, "DB instance without DBInstanceArn");
  if (!raw.Engine) throw malformed(where, arn, "DB instance without Engine");
  const status = rdsStatus(raw.DBInstanceStatus);
  if (!status) throw malformed(where, arn, `unknown DB instance status ${JSON.stringify(raw.DBInstanceStatus ?? null)}`);
  const tags = tagsToRecord(raw.TagList);
  return {
    cloud: "aws",
    account: where.account,
    regionCode: where.region,
    kind: rdsKindOf(raw.Engine),
    resourceId: arn,
    name: displayName(tags, raw.DBInstanceIdentifier, arn),
    resourceType: "database",
    status,
    sizeCategory: sizeCategoryOf(raw.DBInstanceClass),
    tags,
    configuration: configurationOf(raw),
    providerCreatedAt: isoDate(raw.InstanceCreateTime),
    // Its DB subnet group's subnets (the group itself is not a resource cloudsync reads) and
    // its VPC security groups.
    ...withDependencies([
      ...(raw.DBSubnetGroup?.Subnets ?? []).map((s) => (s.SubnetIdentifier ? dependencyOf("in_subnet", s.SubnetIdentifier) : null)),
      ...(raw.VpcSecurityGroups ?? []).map((g) => (g.VpcSecurityGroupId ? dependencyOf("security_group", g.VpcSecurityGroupId) : null)),
    ]),
  };
}

export const rdsInstanceReader: AwsKindReader<DBInstance> = {
  kind: "rds_instance",
  resourceType: "database",
  fanout: "account_region",
  service: "rds",
  operation: "DescribeDBInstances",
  metricKeys: cloudWatchKeysOf("rds_instance"),
  resourceKinds: rdsResourceKinds,
  relations: [
    { name: "in_subnet", targetKind: "subnet" },
    { name: "security_group", targetKind: "security_group" },
  ],
  async *pages(ctx) {
    const pages = awsSdk("@aws-sdk/client-rds").paginateDescribeDBInstances(
      { client: ctx.clients.rds(), pageSize: clampPageSize(ctx.pageSize, 20, 100) },
      {},
      { abortSignal: ctx.signal },
    );
    for await (const page of pages) yield page.DBInstances ?? [];
  },
  normalize: normalizeDbInstance,
};
