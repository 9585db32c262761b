import type { Bucket, LifecycleRule, S3Client } from "@aws-sdk/client-s3";
import type { NormalizedResource } from "../../types.ts";
import { errorCode } from "../aws-errors.ts";
import { bucketRegionFromLocation, configurationOf, isoDate } from "../normalize.ts";
import { cloudWatchKeysOf } from "../metric-table.ts";
import { type AwsKindReader, clampPageSize, type ItemWhere, malformed } from "./kind.ts";
import { awsSdk } from "../sdk.ts";

/**
 * S3 buckets: one global ListBuckets per account (scope region `global`), then the bucket's own
 * region from BucketRegion when S3 sends it, else from GetBucketLocation. Then each bucket's
 * lifecycle rules (GetBucketLifecycleConfiguration; the client follows S3's redirect to the
 * bucket's region) as
 * `LifecycleRules`: `[]` when S3 answers NoSuchLifecycleConfiguration (the bucket has none),
 * absent when the call is refused (unknown, so no rule judges it). Bucket tags need a call per
 * bucket (GetBucketTagging) and are not read.
 */
export type LocatedBucket = Bucket & { LocationError?: string; LifecycleRules?: LifecycleRule[]; LifecycleError?: string };

/** GetBucketLocation calls in flight per page. */
const locateConcurrency = 8;

/** Buckets that cannot be located are reported, not fatal: they may be gone or locked down. */
const skippableLocationErrors = new Set(["NoSuchBucket", "AccessDenied", "AllAccessDisabled"]);

/** S3's answer for a bucket that has no lifecycle configuration (HTTP 404). */
const noLifecycle = "NoSuchLifecycleConfiguration";

export function normalizeBucket(raw: LocatedBucket, where: ItemWhere): NormalizedResource {
  const name = raw.Name;
  if (!name) throw malformed(where, null, "bucket without Name");
  if (!raw.BucketRegion) throw malformed(where, name, `bucket region unknown (${raw.LocationError ?? "no BucketRegion"})`);
  return {
    cloud: "aws",
    account: where.account,
    regionCode: raw.BucketRegion,
    kind: "s3_bucket",
    resourceId: name,
    name,
    resourceType: "storage",
    // A listed bucket exists and serves; S3 has no other lifecycle state.
    status: "running",
    sizeCategory: "custom",
    tags: {},
    configuration: configurationOf(raw),
    providerCreatedAt: isoDate(raw.CreationDate),
  };
}

async function locate(client: S3Client, bucket: Bucket, signal: AbortSignal | undefined): Promise<LocatedBucket> {
  if (bucket.BucketRegion || !bucket.Name) return { ...bucket };
  try {
    const out = await client.send(new (awsSdk("@aws-sdk/client-s3").GetBucketLocationCommand)({ Bucket: bucket.Name }), { abortSignal: signal });
    return { ...bucket, BucketRegion: bucketRegionFromLocation(out.LocationConstraint) };
  } catch (error) {
    const code = errorCode(error);
    if (code && skippableLocationErrors.has(code)) return { ...bucket, LocationError: code };
    throw error;
  }
}

/** The bucket's lifecycle rules. A bucket that could not be located is not asked. */
async function withLifecycle(client: S3Client, bucket: LocatedBucket, signal: AbortSignal | undefined): Promise<LocatedBucket> {
  if (!bucket.Name || !bucket.BucketRegion) return bucket;
  try {
    const out = await client.send(new (awsSdk("@aws-sdk/client-s3").GetBucketLifecycleConfigurationCommand)({ Bucket: bucket.Name }), { abortSignal: signal });
    return { ...bucket, LifecycleRules: out.Rules ?? [] };
  } catch (error) {
    const code = errorCode(error);
    if (code === noLifecycle) return { ...bucket, LifecycleRules: [] };
    if (code && skippableLocationErrors.has(code)) return { ...bucket, LifecycleError: code };
    throw error;
  }
}

async function locateAll(client: S3Client, buckets: readonly Bucket[], signal: AbortSignal | undefined): Promise<LocatedBucket[]> {
  const out: LocatedBucket[] = new Array(buckets.length);
  let next = 0;
  const worker = async () => {
    while (next < buckets.length) {
      const i = next++;
      out[i] = await withLifecycle(client, await locate(client, buckets[i] as Bucket, signal), signal);
    }
  };
  await Promise.all(Array.from({ length: Math.min(locateConcurrency, buckets.length) }, worker));
  return out;
}

export const s3BucketReader: AwsKindReader<LocatedBucket> = {
  kind: "s3_bucket",
  resourceType: "storage",
  fanout: "account_global",
  service: "s3",
  operation: "ListBuckets",
  metricKeys: cloudWatchKeysOf("s3_bucket"),
  relations: [],
  async *pages(ctx) {
    const client = ctx.clients.s3();
    const pages = awsSdk("@aws-sdk/client-s3").paginateListBuckets(
      { client, pageSize: clampPageSize(ctx.pageSize, 1, 10_000) },
      {},
      { abortSignal: ctx.signal },
    );
    for await (const page of pages) yield await locateAll(client, page.Buckets ?? [], ctx.signal);
  },
  normalize: normalizeBucket,
};
