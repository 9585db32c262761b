import type { Instance } from "@aws-sdk/client-ec2";
import { dependencyOf, withDependencies } from "../../core/relations.ts";
import type { NormalizedResource, ResourceDependency } from "../../types.ts";
import {
  configurationOf,
  displayName,
  ec2InstanceStatus,
  isoDate,
  lookupStatus,
  sizeCategoryOf,
  tagsToRecord,
  zoneToRegion,
} from "../normalize.ts";
import { cloudWatchKeysOf } from "../metric-table.ts";
import { type AwsKindReader, clampPageSize, type ItemWhere, malformed } from "./kind.ts";
import { awsSdk } from "../sdk.ts";

/** EC2 instances: DescribeInstances per region; reservations are flattened into instances. */
export function normalizeEc2Instance(raw: Instance, where: ItemWhere): NormalizedResource {
  const id = raw.InstanceId;
  if (!id) throw malformed(where, null, "instance without InstanceId");
  const status = lookupStatus(ec2InstanceStatus, raw.State?.Name);
  if (!status) throw malformed(where, id, `unknown instance state ${JSON.stringify(raw.State?.Name ?? null)}`);
  const tags = tagsToRecord(raw.Tags);
  const zone = raw.Placement?.AvailabilityZone;
  return {
    cloud: "aws",
    account: where.account,
    regionCode: zone ? zoneToRegion(zone) : where.region,
    kind: "ec2_instance",
    resourceId: id,
    name: displayName(tags, id),
    resourceType: "compute",
    status,
    sizeCategory: sizeCategoryOf(raw.InstanceType),
    tags,
    configuration: configurationOf(raw),
    providerCreatedAt: isoDate(raw.LaunchTime),
    ...withDependencies(ec2InstanceDependencies(raw)),
  };
}

/**
 * Its EBS volumes (the one mapped at the root device is the boot volume), its subnet (or its VPC
 * when it has no subnet) and its security groups, as DescribeInstances lists them.
 */
export function ec2InstanceDependencies(raw: Instance): ResourceDependency[] {
  const edges: ResourceDependency[] = [];
  for (const mapping of raw.BlockDeviceMappings ?? []) {
    const volume = mapping.Ebs?.VolumeId;
    if (!volume) continue;
    const boot = !!raw.RootDeviceName && mapping.DeviceName === raw.RootDeviceName;
    edges.push(dependencyOf(boot ? "boot_volume" : "data_volume", volume));
  }
  if (raw.SubnetId) edges.push(dependencyOf("in_subnet", raw.SubnetId));
  else if (raw.VpcId) edges.push(dependencyOf("in_network", raw.VpcId));
  for (const group of raw.SecurityGroups ?? []) if (group.GroupId) edges.push(dependencyOf("security_group", group.GroupId));
  return edges;
}

export const ec2InstanceReader: AwsKindReader<Instance> = {
  kind: "ec2_instance",
  resourceType: "compute",
  fanout: "account_region",
  service: "ec2",
  operation: "DescribeInstances",
  metricKeys: cloudWatchKeysOf("ec2_instance"),
  statusChecks: ["ec2_system_status", "ec2_instance_status"],
  relations: [
    { name: "boot_volume", targetKind: "ebs_volume" },
    { name: "data_volume", targetKind: "ebs_volume" },
    { name: "in_subnet", targetKind: "subnet" },
    { name: "in_network", targetKind: "vpc" },
    { name: "security_group", targetKind: "security_group" },
  ],
  async *pages(ctx) {
    const pages = awsSdk("@aws-sdk/client-ec2").paginateDescribeInstances(
      { client: ctx.clients.ec2(), pageSize: clampPageSize(ctx.pageSize, 5, 1000) },
      {},
      { abortSignal: ctx.signal },
    );
    for await (const page of pages) {
      yield (page.Reservations ?? []).flatMap((r) => r.Instances ?? []);
    }
  },
  normalize: normalizeEc2Instance,
};
