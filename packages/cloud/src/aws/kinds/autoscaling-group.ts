import type { AutoScalingGroup } from "@aws-sdk/client-auto-scaling";
import { dependencyOf, withDependencies } from "../../core/relations.ts";
import type { NormalizedResource, ResourceStatus, SizeCategory } from "../../types.ts";
import { configurationOf, displayName, isoDate, sizeCategoryOf, tagsToRecord } from "../normalize.ts";
import { type AwsKindReader, clampPageSize, type ItemWhere, malformed } from "./kind.ts";
import { cloudWatchKeysOf } from "../metric-table.ts";
import { awsSdk } from "../sdk.ts";

/**
 * Auto Scaling groups: DescribeAutoScalingGroups per region answers each group with its
 * capacity (desired, min, max), its instances and its tags in one call per page. The raw group
 * is kept as configuration, so `DesiredCapacity`, `MinSize`, `MaxSize` and `Instances[].InstanceId`
 * are there to query.
 */

/**
 * A group has no lifecycle field of its own: `Status` appears only while it is being deleted.
 * Otherwise a group asked for no instances is stopped (it costs nothing and serves nothing),
 * and any other is running.
 */
export function autoScalingGroupStatus(group: { Status?: string | undefined; DesiredCapacity?: number | undefined }): ResourceStatus | undefined {
  if (group.Status !== undefined && group.Status !== "") return group.Status === "Delete in progress" ? "stopping" : undefined;
  if (group.DesiredCapacity === undefined) return undefined;
  return group.DesiredCapacity === 0 ? "stopped" : "running";
}

/**
 * The size of the group's machines: the instance type most of its instances run (the first
 * such type on a tie), or `custom` when it has none running or mixes types by a policy only.
 */
export function autoScalingGroupSizeCategory(group: { Instances?: readonly { InstanceType?: string | undefined }[] | undefined }): SizeCategory {
  const counts = new Map<string, number>();
  for (const i of group.Instances ?? []) if (i.InstanceType) counts.set(i.InstanceType, (counts.get(i.InstanceType) ?? 0) + 1);
  let best: string | undefined;
  for (const [type, n] of counts) if (best === undefined || n > (counts.get(best) as number)) best = type;
  return sizeCategoryOf(best);
}

export function normalizeAutoScalingGroup(group: AutoScalingGroup, where: ItemWhere): NormalizedResource {
  const arn = group.AutoScalingGroupARN;
  if (!arn) throw malformed(where, group.AutoScalingGroupName, "group without AutoScalingGroupARN");
  if (group.DesiredCapacity === undefined) throw malformed(where, arn, "group without DesiredCapacity");
  const status = autoScalingGroupStatus(group);
  if (!status) throw malformed(where, arn, `unknown group status ${JSON.stringify(group.Status ?? null)}`);
  const tags = tagsToRecord(group.Tags);
  return {
    cloud: "aws",
    account: where.account,
    regionCode: where.region,
    kind: "autoscaling_group",
    resourceId: arn,
    name: displayName(tags, group.AutoScalingGroupName, arn),
    resourceType: "compute",
    status,
    sizeCategory: autoScalingGroupSizeCategory(group),
    tags,
    // Tags are in `tags`; each carries the group name and propagation flag, which only repeat.
    configuration: configurationOf({ ...group, Tags: undefined }),
    providerCreatedAt: isoDate(group.CreatedTime),
    // The group serves through its instances: losing one degrades it (docs/coverage.md, relations).
    ...withDependencies((group.Instances ?? []).map((i) => (i.InstanceId ? dependencyOf("group_member", i.InstanceId) : null))),
  };
}

type AutoScalingSdk = typeof import("@aws-sdk/client-auto-scaling");

export const autoScalingGroupReader: AwsKindReader<AutoScalingGroup> = {
  kind: "autoscaling_group",
  resourceType: "compute",
  fanout: "account_region",
  service: "autoscaling",
  operation: "DescribeAutoScalingGroups",
  metricKeys: cloudWatchKeysOf("autoscaling_group"),
  // Instances in service against desired capacity (normalize-status.ts, normalizeAutoScalingGroupCheck).
  statusChecks: ["asg_in_service"],
  relations: [{ name: "group_member", targetKind: "ec2_instance" }],
  async *pages(ctx) {
    // Imported here, not at the top: a process that never reads Auto Scaling never loads its SDK.
    const sdk: AutoScalingSdk = awsSdk("@aws-sdk/client-auto-scaling");
    const client = ctx.clients.client("autoscaling", (config) => new sdk.AutoScalingClient(config));
    const pages = sdk.paginateDescribeAutoScalingGroups({ client, pageSize: clampPageSize(ctx.pageSize, 1, 100) }, {}, { abortSignal: ctx.signal });
    for await (const page of pages) yield page.AutoScalingGroups ?? [];
  },
  normalize: normalizeAutoScalingGroup,
};
