import type { EmulatedResource } from "./model.ts";

/**
 * The Resource Groups Tagging API (JSON 1.1): GetResources lists every tagged resource of a
 * region as `{ResourceARN, Tags}`, whatever its service, and ends with an empty
 * PaginationToken. Resources whose API answers with bare ids (EC2) are named by their ARN here.
 */

const ec2ArnTypes: Readonly<Record<string, string>> = {
  ec2_instance: "instance",
  ebs_volume: "volume",
  vpc: "vpc",
  subnet: "subnet",
  security_group: "security-group",
  nat_gateway: "natgateway",
  elastic_ip: "elastic-ip",
};

export function arnOf(item: EmulatedResource): string {
  const ec2Type = ec2ArnTypes[item.kind];
  if (ec2Type) return `arn:aws:ec2:${item.region}:${item.account}:${ec2Type}/${item.id}`;
  if (item.kind === "s3_bucket") return `arn:aws:s3:::${item.id}`;
  return item.id;
}

export function renderResourceTagMapping(item: EmulatedResource, malformed: boolean): Record<string, unknown> {
  const arn = arnOf(item);
  // Malformed: an ARN cut short before its resource part.
  return {
    ResourceARN: malformed ? arn.split(":").slice(0, 5).join(":") : arn,
    Tags: Object.entries(item.tags).map(([Key, Value]) => ({ Key, Value })),
  };
}
