import type { ResourceFacts } from "../recommendations/facts.ts";

type Known = Omit<ResourceFacts, "key" | "cloud" | "kind" | "region" | "status" | "tags">;

/**
 * The signals the recommendation rules read, from the raw SDK item an AWS reader stored as
 * `configuration` (field names as DescribeInstances, DescribeVolumes, DescribeAddresses and
 * DescribeLoadBalancers answer). A kind not listed is `other`: no rule judges it.
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
    default:
      return { role: "other" };
  }
}

function str(v: unknown): string | undefined {
  return typeof v === "string" && v ? v : undefined;
}
