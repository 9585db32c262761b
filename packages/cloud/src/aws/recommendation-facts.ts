import type { ResourceFacts } from "../recommendations/facts.ts";

type Known = Omit<ResourceFacts, "key" | "cloud" | "kind" | "region" | "status" | "tags">;

/**
 * The signals the recommendation rules read, from the raw SDK item an AWS reader stored as
 * `configuration` (field names as DescribeInstances, DescribeVolumes, DescribeAddresses and
 * DescribeLoadBalancers answer; for buckets the reader's `LifecycleRules`). A kind not listed is
 * `other`: no rule judges it.
 */
export function awsRecommendationFacts(kind: string, config: Record<string, unknown>, tags: Record<string, string>): Known {
  switch (kind) {
    case "ec2_instance":
      return {
        role: "compute",
        size: str(config.InstanceType),
        // EC2 Auto Scaling tags every instance it launches with its group's name.
        scalingGroup: tags["aws:autoscaling:groupName"] ?? null,
      };
    case "ebs_volume": {
      const attachments = Array.isArray(config.Attachments) ? config.Attachments : undefined;
      return {
        role: "volume",
        size: str(config.VolumeType),
        sizeGb: typeof config.Size === "number" ? config.Size : undefined,
        // `available` is DescribeVolumes' word for attached to nothing.
        attached: config.State === "available" ? false : attachments ? attachments.length > 0 : undefined,
      };
    }
    case "elastic_ip":
      return { role: "public_ip", associated: Boolean(config.AssociationId ?? config.InstanceId ?? config.NetworkInterfaceId) };
    case "elb_load_balancer": {
      // The reader adds DescribeTargetHealth's counts (kinds/load-balancer.ts). Targets that can
      // take traffic: healthy, still registering (initial), or without health checks
      // (unavailable). Unhealthy, draining and unused ones serve nothing.
      const summary = config.TargetHealthSummary as { byState?: Record<string, number> } | undefined;
      const byState = summary?.byState;
      return {
        role: "load_balancer",
        targetCount: byState ? (byState.healthy ?? 0) + (byState.initial ?? 0) + (byState.unavailable ?? 0) : undefined,
      };
    }
    case "s3_bucket": {
      // The reader stores GetBucketLifecycleConfiguration's rules as LifecycleRules ([] for
      // NoSuchLifecycleConfiguration); absent means it could not ask, so nothing is judged.
      const rules = Array.isArray(config.LifecycleRules) ? (config.LifecycleRules as S3LifecycleRule[]) : undefined;
      return {
        role: "bucket",
        // BucketSizeBytes is read for StorageType StandardStorage: the size judged is STANDARD's.
        storageClass: "STANDARD",
        ...(rules ? { hasLifecycleRules: rules.some(movesOrExpires) } : {}),
      };
    }
    default:
      return { role: "other" };
  }
}

/** The fields of an S3 LifecycleRule read here. */
interface S3LifecycleRule {
  Status?: string;
  Transitions?: unknown[];
  Expiration?: unknown;
  NoncurrentVersionTransitions?: unknown[];
  NoncurrentVersionExpiration?: unknown;
}

/**
 * An enabled rule that moves objects to another class or expires them. A configuration that only
 * aborts incomplete multipart uploads (a common default) leaves every object where it is.
 */
function movesOrExpires(r: S3LifecycleRule): boolean {
  return r.Status === "Enabled" && (Boolean(r.Transitions?.length) || r.Expiration !== undefined || Boolean(r.NoncurrentVersionTransitions?.length) || r.NoncurrentVersionExpiration !== undefined);
}

function str(v: unknown): string | undefined {
  return typeof v === "string" && v ? v : undefined;
}
