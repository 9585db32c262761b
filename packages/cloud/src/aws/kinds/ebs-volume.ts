import type { Volume } from "@aws-sdk/client-ec2";
import { dependencyOf, withDependencies } from "../../core/relations.ts";
import type { NormalizedResource } from "../../types.ts";
import {
  configurationOf,
  displayName,
  ebsVolumeStatus,
  isoDate,
  lookupStatus,
  tagsToRecord,
  volumeSizeCategory,
  zoneToRegion,
} from "../normalize.ts";
import { cloudWatchKeysOf } from "../metric-table.ts";
import { type AwsKindReader, clampPageSize, type ItemWhere, malformed } from "./kind.ts";
import { awsSdk } from "../sdk.ts";

/** EBS volumes: DescribeVolumes per region; size category comes from the size in GiB. */
export function normalizeEbsVolume(raw: Volume, where: ItemWhere): NormalizedResource {
  const id = raw.VolumeId;
  if (!id) throw malformed(where, null, "volume without VolumeId");
  const status = lookupStatus(ebsVolumeStatus, raw.State);
  if (!status) throw malformed(where, id, `unknown volume state ${JSON.stringify(raw.State ?? null)}`);
  const tags = tagsToRecord(raw.Tags);
  return {
    cloud: "aws",
    account: where.account,
    regionCode: raw.AvailabilityZone ? zoneToRegion(raw.AvailabilityZone) : where.region,
    kind: "ebs_volume",
    resourceId: id,
    name: displayName(tags, id),
    resourceType: "storage",
    status,
    sizeCategory: volumeSizeCategory(raw.Size),
    tags,
    configuration: configurationOf(raw),
    providerCreatedAt: isoDate(raw.CreateTime),
    // The instance depends on the volume. The volume cannot tell a boot volume (the instance's
    // root device) from a data one, so it reports the weaker edge; the instance's own report
    // of its boot volume is the stronger one and wins.
    ...withDependencies((raw.Attachments ?? []).map((a) => (a.InstanceId ? dependencyOf("data_volume", a.InstanceId, { reverse: true }) : null))),
  };
}

export const ebsVolumeReader: AwsKindReader<Volume> = {
  kind: "ebs_volume",
  resourceType: "storage",
  fanout: "account_region",
  service: "ec2",
  operation: "DescribeVolumes",
  metricKeys: cloudWatchKeysOf("ebs_volume"),
  relations: [{ name: "data_volume", targetKind: "ec2_instance" }],
  async *pages(ctx) {
    const pages = awsSdk("@aws-sdk/client-ec2").paginateDescribeVolumes(
      { client: ctx.clients.ec2(), pageSize: clampPageSize(ctx.pageSize, 5, 500) },
      {},
      { abortSignal: ctx.signal },
    );
    for await (const page of pages) yield page.Volumes ?? [];
  },
  normalize: normalizeEbsVolume,
};
