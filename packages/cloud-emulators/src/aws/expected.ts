import type { AwsExpectedResource, EmulatedResource } from "./model.ts";

/**
 * What a correct adapter reports for one emulated resource. Written separately from the
 * adapter's normalizer on purpose: the two tables check each other.
 */
const statusByKind: Record<string, Record<string, string>> = {
  ec2_instance: {
    pending: "provisioning",
    running: "running",
    stopping: "stopping",
    stopped: "stopped",
    "shutting-down": "stopping",
    terminated: "terminated",
  },
  ebs_volume: {
    creating: "provisioning",
    available: "stopped",
    "in-use": "running",
    deleting: "stopping",
    deleted: "terminated",
    error: "error",
  },
  vpc: { pending: "provisioning", available: "running" },
  subnet: { pending: "provisioning", available: "running" },
  elb_load_balancer: { active: "running", provisioning: "provisioning", active_impaired: "error", failed: "error" },
  rds_instance: {
    available: "running",
    stopped: "stopped",
    creating: "provisioning",
    "backing-up": "running",
    modifying: "running",
    starting: "starting",
    stopping: "stopping",
    deleting: "stopping",
    failed: "error",
    "storage-full": "error",
    "incompatible-parameters": "error",
  },
  s3_bucket: { exists: "running" },
  dynamodb_table: {
    CREATING: "provisioning",
    UPDATING: "running",
    ACTIVE: "running",
    DELETING: "stopping",
    INACCESSIBLE_ENCRYPTION_CREDENTIALS: "error",
    ARCHIVING: "stopping",
    ARCHIVED: "stopped",
  },
  security_group: { exists: "running" },
  // An unassociated address is still billed but serves nothing, like an unattached volume.
  elastic_ip: { associated: "running", unassociated: "stopped" },
  nat_gateway: { pending: "provisioning", available: "running", deleting: "stopping", deleted: "terminated", failed: "error" },
  cloudfront_distribution: { Deployed: "running", InProgress: "provisioning" },
  lambda_function: { Pending: "provisioning", Active: "running", Inactive: "stopped", Failed: "error" },
  eks_cluster: { ACTIVE: "running", CREATING: "provisioning", PENDING: "provisioning", UPDATING: "running", DELETING: "stopping", FAILED: "error" },
  ecs_cluster: { ACTIVE: "running", PROVISIONING: "provisioning", DEPROVISIONING: "stopping", FAILED: "error" },
  ecs_service: { ACTIVE: "running", DRAINING: "stopping" },
  autoscaling_group: { "in service": "running", empty: "stopped", "Delete in progress": "stopping" },
  elasticache_cluster: {
    available: "running",
    creating: "provisioning",
    modifying: "running",
    snapshotting: "running",
    "rebooting cluster nodes": "starting",
    deleting: "stopping",
    "restore-failed": "error",
    "incompatible-network": "error",
  },
  efs_file_system: { available: "running", creating: "provisioning", updating: "running", deleting: "stopping", error: "error" },
  redshift_cluster: {
    available: "running",
    paused: "stopped",
    creating: "provisioning",
    resizing: "running",
    modifying: "running",
    rebooting: "starting",
    deleting: "stopping",
    "final-snapshot": "stopping",
    "hardware-failure": "error",
    "incompatible-network": "error",
    "storage-full": "error",
  },
  // The Tagging API says nothing of state: a listed resource exists.
  tagged_resource: { exists: "running" },
};

export function expectedOf(item: EmulatedResource): AwsExpectedResource {
  return {
    account: item.account,
    scopeRegion: item.scopeRegion,
    scopeKind: item.kind,
    region: item.region,
    kind:
      item.kind === "rds_instance"
        ? `rds_${(item.extra.engine ?? "").replace(/-(ee|se2?|ex|web)$/, "").replace(/-/g, "_")}`
        : item.kind === "tagged_resource"
          ? (item.extra.expectedKind ?? "")
          : item.kind,
    resourceId: item.id,
    name: item.tags.Name ?? item.naturalName ?? item.id,
    rawState: item.state,
    // A disabled distribution serves nothing whatever its deployment status.
    status: item.kind === "cloudfront_distribution" && item.extra.enabled === "false" ? "stopped" : (statusByKind[item.kind]?.[item.state] ?? "unknown"),
    tags: { ...item.tags },
  };
}
