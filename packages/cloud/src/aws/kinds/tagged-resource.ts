import type { ResourceTagMapping } from "@aws-sdk/client-resource-groups-tagging-api";
import type { NormalizedResource } from "../../types.ts";
import { displayName, tagsToRecord } from "../normalize.ts";
import { catchAllTypeFilters, derivedKind, isDedicatedArn, parseArn, resourceTypeOfArn } from "./arn-types.ts";
import { type AwsKindReader, clampPageSize, type ItemWhere, malformed } from "./kind.ts";
import { awsSdk } from "../sdk.ts";

/**
 * Every other taggable resource of a region, through the Resource Groups Tagging API
 * (GetResources): one call per page lists ARNs and tags of all services at once, filtered to
 * the services and EC2 types the tables map (`catchAllTypeFilters`). The kind and resource_type
 * come from the ARN (./arn-types.ts); ARNs a dedicated kind reads are left out, so each resource
 * belongs to one scope. The API lists only resources that carry (or once
 * carried) a tag, and says nothing of state or size: a listed resource is `running` (it exists)
 * and `custom`-sized.
 */

export function normalizeTaggedResource(mapping: ResourceTagMapping, where: ItemWhere): NormalizedResource {
  const raw = mapping.ResourceARN;
  if (!raw) throw malformed(where, null, "tag mapping without ResourceARN");
  const arn = parseArn(raw);
  if (!arn) throw malformed(where, raw, "ResourceARN is not an ARN with a resource part");
  const resourceType = resourceTypeOfArn(arn);
  if (!resourceType) {
    throw malformed(where, raw, `no resource_type is mapped for ${arn.service}${arn.type ? ` ${arn.type}` : ""} resources (see docs/coverage.md, Catch-all readers)`);
  }
  const tags = tagsToRecord(mapping.Tags);
  return {
    cloud: "aws",
    account: where.account,
    // Global services (Route 53, CloudFront) answer in us-east-1 with no region in the ARN.
    regionCode: arn.region || "global",
    kind: derivedKind(arn),
    resourceId: raw,
    name: displayName(tags, arn.id, raw),
    resourceType,
    status: "running",
    sizeCategory: "custom",
    tags,
    configuration: { ResourceARN: raw, service: arn.service, type: arn.type },
    providerCreatedAt: null,
  };
}

/** Whether the catch-all reports this mapping, i.e. no dedicated kind reads its ARN. */
export function isCatchAllMapping(mapping: ResourceTagMapping): boolean {
  const arn = mapping.ResourceARN ? parseArn(mapping.ResourceARN) : undefined;
  // An ARN that does not parse is kept, so the normalizer reports it as skipped.
  return !arn || !isDedicatedArn(arn);
}

type TaggingSdk = typeof import("@aws-sdk/client-resource-groups-tagging-api");

const resourceTypeFilters = catchAllTypeFilters();

export const taggedResourceReader: AwsKindReader<ResourceTagMapping> = {
  kind: "aws_tagged_resource",
  // Its resources each carry their own resource_type (./arn-types.ts); this is the description's only.
  resourceType: "analytics",
  fanout: "account_region",
  service: "tagging",
  operation: "GetResources",
  metricKeys: [],
  relations: [],
  async *pages(ctx) {
    // Imported here, not at the top: a process that never reads the catch-all never loads its SDK.
    const sdk: TaggingSdk = awsSdk("@aws-sdk/client-resource-groups-tagging-api");
    const client = ctx.clients.client("tagging", (config) => new sdk.ResourceGroupsTaggingAPIClient(config));
    const pages = sdk.paginateGetResources(
      { client, pageSize: clampPageSize(ctx.pageSize, 1, 100) },
      { ResourceTypeFilters: resourceTypeFilters },
      { abortSignal: ctx.signal },
    );
    for await (const page of pages) yield (page.ResourceTagMappingList ?? []).filter(isCatchAllMapping);
  },
  normalize: normalizeTaggedResource,
};
