import { type Instance, paginateDescribeInstances } from "@aws-sdk/client-ec2";
import type { NormalizedResource } from "../../types.ts";
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
  };
}

export const ec2InstanceReader: AwsKindReader<Instance> = {
  kind: "ec2_instance",
  resourceType: "compute",
  fanout: "account_region",
  service: "ec2",
  operation: "DescribeInstances",
  metricKeys: cloudWatchKeysOf("ec2_instance"),
  relations: [],
  async *pages(ctx) {
    const pages = paginateDescribeInstances(
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
