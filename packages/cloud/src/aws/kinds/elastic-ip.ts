import { dependencyOf, withDependencies } from "../../core/relations.ts";
import type { Address } from "@aws-sdk/client-ec2";
import type { NormalizedResource } from "../../types.ts";
import { configurationOf, displayName, tagsToRecord } from "../normalize.ts";
import { type AwsKindReader, clampPageSize, type ItemWhere, malformed } from "./kind.ts";
import { awsSdk } from "../sdk.ts";

/**
 * Elastic IPs: DescribeAddresses per region, which is not paginated (a region holds a few
 * dozen addresses at most), so the whole region is one answer, handed on in pages of the asked
 * size so that no consumer sees a page larger than it asked for. An address has no state of its
 * own: associated it serves (`running`); unassociated it is still billed but serves nothing,
 * closest to a stopped machine, as an unattached volume is.
 */
export function normalizeElasticIp(raw: Address, where: ItemWhere): NormalizedResource {
  // VPC addresses are identified by their allocation; EC2-Classic ones (retired in 2023) had none.
  const id = raw.AllocationId;
  if (!id) throw malformed(where, raw.PublicIp, "address without AllocationId");
  const tags = tagsToRecord(raw.Tags);
  return {
    cloud: "aws",
    account: where.account,
    regionCode: where.region,
    kind: "elastic_ip",
    resourceId: id,
    name: displayName(tags, raw.PublicIp, id),
    resourceType: "network",
    status: raw.AssociationId ? "running" : "stopped",
    sizeCategory: "custom",
    tags,
    configuration: configurationOf(raw),
    providerCreatedAt: null,
    // The address is only as reachable as the instance it points at.
    ...withDependencies([raw.InstanceId ? dependencyOf("address_of", raw.InstanceId) : null]),
  };
}

export const elasticIpReader: AwsKindReader<Address> = {
  kind: "elastic_ip",
  resourceType: "network",
  fanout: "account_region",
  service: "ec2",
  operation: "DescribeAddresses",
  metricKeys: [],
  relations: [{ name: "address_of", targetKind: "ec2_instance" }],
  async *pages(ctx) {
    const out = await ctx.clients.ec2().send(new (awsSdk("@aws-sdk/client-ec2").DescribeAddressesCommand)({}), { abortSignal: ctx.signal });
    const addresses = out.Addresses ?? [];
    const size = clampPageSize(ctx.pageSize, 1, 1000);
    for (let i = 0; i < addresses.length; i += size) yield addresses.slice(i, i + size);
  },
  normalize: normalizeElasticIp,
};
