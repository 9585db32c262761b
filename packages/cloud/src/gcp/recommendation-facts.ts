import type { ResourceFacts } from "../recommendations/facts.ts";

type Known = Omit<ResourceFacts, "key" | "cloud" | "kind" | "region" | "status" | "tags">;

/**
 * The signals the recommendation rules read from a Compute Engine item: an instance's machine
 * type and its managed instance group (the `created-by` metadata entry the group manager sets),
 * a disk's type, size and `users` (the instances it is attached to), an address's status
 * (`RESERVED` = held but used by nothing), a bucket's default storage class and lifecycle rules.
 */
export function gcpRecommendationFacts(kind: string, config: Record<string, unknown>, _tags: Record<string, string>): Known {
  switch (kind) {
    case "gce_instance": {
      const metadata = config.metadata as { items?: { key?: string; value?: string }[] } | undefined;
      const createdBy = metadata?.items?.find((i) => i.key === "created-by")?.value;
      return {
        role: "compute",
        size: lastSegment(config.machineType),
        scalingGroup: createdBy?.includes("/instanceGroupManagers/") ? createdBy : null,
      };
    }
    case "gce_disk":
      return {
        role: "volume",
        size: lastSegment(config.type),
        sizeGb: config.sizeGb === undefined ? undefined : Number(config.sizeGb),
        attached: Array.isArray(config.users) ? config.users.length > 0 : false,
      };
    case "gcp_address":
      return config.addressType === "INTERNAL" ? { role: "other" } : { role: "public_ip", associated: config.status === "IN_USE" };
    case "gcs_bucket": {
      // buckets.list answers `lifecycle` only when the bucket has a configuration.
      const lifecycle = config.lifecycle as { rule?: { action?: { type?: string } }[] } | undefined;
      const rules = lifecycle?.rule ?? [];
      return {
        role: "bucket",
        ...(typeof config.storageClass === "string" ? { storageClass: config.storageClass } : {}),
        // Delete and SetStorageClass move or remove objects; AbortIncompleteMultipartUpload does not.
        hasLifecycleRules: rules.some((r) => r.action?.type === "Delete" || r.action?.type === "SetStorageClass"),
      };
    }
    default:
      return { role: "other" };
  }
}

function lastSegment(v: unknown): string | undefined {
  return typeof v === "string" && v ? v.split("/").pop() : undefined;
}
