import type { CloudFrontClient, DistributionSummary, Tag } from "@aws-sdk/client-cloudfront";
import { dependencyOf, withDependencies } from "../../core/relations.ts";
import type { NormalizedResource, ResourceDependency, ResourceStatus } from "../../types.ts";
import { errorCode } from "../aws-errors.ts";
import { configurationOf, displayName, isoDate, lookupStatus, tagsToRecord } from "../normalize.ts";
import { cloudWatchKeysOf } from "../metric-table.ts";
import { type AwsKindReader, clampPageSize, type ItemWhere, malformed } from "./kind.ts";
import { awsSdk } from "../sdk.ts";

/**
 * CloudFront distributions: one ListDistributions per account (CloudFront is global; its one
 * endpoint signs for us-east-1), then ListTagsForResource per distribution, since summaries carry
 * no tags. Scope and region are `global`: a distribution serves from every edge location.
 */
export interface CloudFrontDistributionDetail {
  Summary: DistributionSummary;
  Tags?: Tag[] | undefined;
  /** Set when ListTagsForResource answered with this code (the distribution went away meanwhile). */
  TagsError?: string;
}

/** Deployment status of an enabled distribution; a disabled one is `stopped` whatever its status. */
export const cloudFrontDeploymentStatus: Readonly<Record<string, ResourceStatus>> = {
  Deployed: "running",
  // Changes are still propagating to the edge locations.
  InProgress: "provisioning",
};

export function cloudFrontStatus(summary: Pick<DistributionSummary, "Status" | "Enabled">): ResourceStatus | undefined {
  const deployment = lookupStatus(cloudFrontDeploymentStatus, summary.Status);
  if (!deployment) return undefined;
  return summary.Enabled === false ? "stopped" : deployment;
}

/** Codes after which the distribution is skipped rather than the whole account failed. */
const skippableTagErrors = new Set(["NoSuchResource", "NoSuchDistribution"]);

export function normalizeCloudFrontDistribution(raw: CloudFrontDistributionDetail, where: ItemWhere): NormalizedResource {
  const summary = raw.Summary;
  // The ARN names the account; the bare id does not.
  const arn = summary.ARN;
  if (!arn) throw malformed(where, summary.Id, "distribution without ARN");
  if (raw.TagsError) throw malformed(where, arn, `ListTagsForResource answered ${raw.TagsError}; the distribution was probably deleted while being listed`);
  const status = cloudFrontStatus(summary);
  if (!status) throw malformed(where, arn, `unknown distribution status ${JSON.stringify(summary.Status ?? null)}`);
  const tags = tagsToRecord(raw.Tags);
  return {
    cloud: "aws",
    account: where.account,
    regionCode: where.region,
    kind: "cloudfront_distribution",
    resourceId: arn,
    name: displayName(tags, summary.Comment?.trim() || undefined, summary.Aliases?.Items?.[0], summary.DomainName, arn),
    resourceType: "cdn",
    status,
    // A distribution has no size; its price class is geography, not capacity.
    sizeCategory: "custom",
    tags,
    configuration: configurationOf(summary),
    // CloudFront reports no creation time; LastModifiedTime is the closest it says.
    providerCreatedAt: isoDate(summary.LastModifiedTime),
    ...withDependencies((summary.Origins?.Items ?? []).map((o) => originDependency(o.DomainName))),
  };
}

/** `name.s3.amazonaws.com`, `name.s3.eu-west-1.amazonaws.com`, `name.s3-website-us-east-1.amazonaws.com`… */
const s3OriginPattern = /^(.+)\.s3(?:[.-][a-z0-9-]+)*\.amazonaws\.com$/i;
/** `name-123.eu-west-1.elb.amazonaws.com`, `internal-name-123.us-east-1.elb.amazonaws.com`. */
const elbOriginPattern = /\.elb\.amazonaws\.com$/i;

/**
 * An origin, by its domain: an S3 bucket (the bucket's name is its id) or an ELB (named by its
 * DNS name, which its configuration carries); any other origin is outside the clouds we read.
 */
export function originDependency(domain: string | undefined): ResourceDependency | null {
  if (!domain) return null;
  const bucket = s3OriginPattern.exec(domain)?.[1];
  if (bucket) return dependencyOf("origin_bucket", bucket);
  if (elbOriginPattern.test(domain)) return dependencyOf("origin_load_balancer", domain.toLowerCase(), { targetKey: "DNSName" });
  return null;
}

type CloudFrontSdk = typeof import("@aws-sdk/client-cloudfront");

async function withTags(sdk: CloudFrontSdk, client: CloudFrontClient, summary: DistributionSummary, signal: AbortSignal | undefined): Promise<CloudFrontDistributionDetail> {
  if (!summary.ARN) return { Summary: summary };
  try {
    const out = await client.send(new sdk.ListTagsForResourceCommand({ Resource: summary.ARN }), { abortSignal: signal });
    return { Summary: summary, Tags: out.Tags?.Items ?? [] };
  } catch (error) {
    const code = errorCode(error);
    if (code && skippableTagErrors.has(code)) return { Summary: summary, TagsError: code };
    throw error;
  }
}

export const cloudFrontDistributionReader: AwsKindReader<CloudFrontDistributionDetail> = {
  kind: "cloudfront_distribution",
  resourceType: "cdn",
  fanout: "account_global",
  service: "cloudfront",
  operation: "ListDistributions",
  metricKeys: cloudWatchKeysOf("cloudfront_distribution"),
  relations: [
    { name: "origin_bucket", targetKind: "s3_bucket" },
    { name: "origin_load_balancer", targetKind: "elb_load_balancer" },
  ],
  async *pages(ctx) {
    // Imported here, not at the top: a process that never reads CloudFront never loads its SDK.
    const sdk: CloudFrontSdk = awsSdk("@aws-sdk/client-cloudfront");
    const client = ctx.clients.client("cloudfront", (config) => new sdk.CloudFrontClient(config));
    const pages = sdk.paginateListDistributions({ client, pageSize: clampPageSize(ctx.pageSize, 1, 1000) }, {}, { abortSignal: ctx.signal });
    for await (const page of pages) {
      const out: CloudFrontDistributionDetail[] = [];
      // One at a time: CloudFront's control-plane rate is per account, and low.
      for (const summary of page.DistributionList?.Items ?? []) out.push(await withTags(sdk, client, summary, ctx.signal));
      yield out;
    }
  },
  normalize: normalizeCloudFrontDistribution,
};
