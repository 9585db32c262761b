import type { EmulatedResource } from "./model.ts";
import type { AwsGroupInstance } from "./status-checks.ts";
import { el, wrap } from "./xml.ts";

/**
 * Query-protocol XML bodies of Auto Scaling (`member` lists), ElastiCache and Redshift (lists
 * named after their element: `<CacheCluster>`, `<Cluster>`, `<Tag>`).
 */

export function renderAutoScalingGroup(item: EmulatedResource, malformed: boolean, members: readonly AwsGroupInstance[]): string {
  const name = item.naturalName ?? "";
  const template = wrap("LaunchTemplate", el("LaunchTemplateId", `lt-0${item.id.slice(-16)}`) + el("LaunchTemplateName", item.extra.launchTemplate) + el("Version", "$Default"));
  const instances = members
    .map((m, n) =>
      wrap(
        "member",
        el("InstanceId", m.instanceId) +
          el("InstanceType", item.size) +
          el("AvailabilityZone", `${item.region}${"abc"[n % 3]}`) +
          el("LifecycleState", m.lifecycleState) +
          el("HealthStatus", m.healthStatus) +
          template +
          el("ProtectedFromScaleIn", false),
      ),
    )
    .join("");
  const tags = Object.entries(item.tags)
    .map(([k, v]) => wrap("member", el("ResourceId", name) + el("ResourceType", "auto-scaling-group") + el("Key", k) + el("Value", v) + el("PropagateAtLaunch", true)))
    .join("");
  return wrap(
    "member",
    el("AutoScalingGroupName", name) +
      el("AutoScalingGroupARN", item.id) +
      template +
      el("MinSize", item.extra.min) +
      el("MaxSize", item.extra.max) +
      (malformed ? "" : el("DesiredCapacity", item.extra.desired)) +
      el("DefaultCooldown", 300) +
      wrap("AvailabilityZones", wrap("member", `${item.region}a`) + wrap("member", `${item.region}b`)) +
      "<LoadBalancerNames/><TargetGroupARNs/>" +
      el("HealthCheckType", "EC2") +
      el("HealthCheckGracePeriod", 300) +
      wrap("Instances", instances) +
      el("CreatedTime", item.createdAt) +
      "<SuspendedProcesses/>" +
      el("VPCZoneIdentifier", `subnet-0${item.id.slice(-16)}`) +
      "<EnabledMetrics/>" +
      (item.state === "Delete in progress" ? el("Status", item.state) : "") +
      wrap("Tags", tags) +
      wrap("TerminationPolicies", wrap("member", "Default")) +
      el("NewInstancesProtectedFromScaleIn", false) +
      el("ServiceLinkedRoleARN", `arn:aws:iam::${item.account}:role/aws-service-role/autoscaling.amazonaws.com/AWSServiceRoleForAutoScaling`) +
      el("CapacityRebalance", false),
  );
}

export function renderCacheCluster(item: EmulatedResource, malformed: boolean): string {
  const name = item.naturalName ?? "";
  const memcached = item.extra.engine === "memcached";
  return wrap(
    "CacheCluster",
    el("CacheClusterId", name) +
      (memcached ? wrap("ConfigurationEndpoint", el("Address", `${name}.abc123.cfg.use1.cache.amazonaws.com`) + el("Port", 11211)) : "") +
      el("ClientDownloadLandingPage", "https://console.aws.amazon.com/elasticache/home#client-download:") +
      el("CacheNodeType", item.size) +
      el("Engine", item.extra.engine) +
      el("EngineVersion", item.extra.engineVersion) +
      (malformed ? "" : el("CacheClusterStatus", item.state)) +
      el("NumCacheNodes", item.extra.nodes) +
      el("PreferredAvailabilityZone", item.zone) +
      el("CacheClusterCreateTime", item.createdAt) +
      el("PreferredMaintenanceWindow", "sun:05:00-sun:06:00") +
      "<CacheSecurityGroups/>" +
      wrap("CacheParameterGroup", el("CacheParameterGroupName", `default.${item.extra.engine}`) + el("ParameterApplyStatus", "in-sync") + "<CacheNodeIdsToReboot/>") +
      el("CacheSubnetGroupName", "default") +
      el("AutoMinorVersionUpgrade", true) +
      el("SnapshotRetentionLimit", memcached ? 0 : 1) +
      el("AuthTokenEnabled", false) +
      el("TransitEncryptionEnabled", item.tags.env === "prod") +
      el("AtRestEncryptionEnabled", item.tags.env === "prod") +
      el("ARN", item.id) +
      el("ReplicationGroupLogDeliveryEnabled", false) +
      "<LogDeliveryConfigurations/>" +
      el("NetworkType", "ipv4") +
      el("IpDiscovery", "ipv4"),
  );
}

export function renderTagList(tags: Record<string, string>): string {
  return wrap("TagList", Object.entries(tags).map(([k, v]) => wrap("Tag", el("Key", k) + el("Value", v))).join(""));
}

export function renderRedshiftCluster(item: EmulatedResource, malformed: boolean): string {
  const identifier = item.naturalName ?? "";
  const paused = item.state === "paused";
  const availability = item.state === "available" ? "Available" : paused ? "Paused" : item.state === "creating" ? "Unavailable" : item.state.includes("-") ? "Failed" : "Modifying";
  return wrap(
    "Cluster",
    el("ClusterIdentifier", identifier) +
      el("NodeType", item.size) +
      (malformed ? "" : el("ClusterStatus", item.state)) +
      el("ClusterAvailabilityStatus", availability) +
      el("MasterUsername", "admin") +
      el("DBName", item.extra.database) +
      wrap("Endpoint", el("Address", `${identifier}.c${item.id.slice(-10)}.${item.region}.redshift.amazonaws.com`) + el("Port", 5439)) +
      el("ClusterCreateTime", item.createdAt) +
      el("AutomatedSnapshotRetentionPeriod", 1) +
      el("ManualSnapshotRetentionPeriod", -1) +
      "<ClusterSecurityGroups/>" +
      wrap("VpcSecurityGroups", wrap("VpcSecurityGroup", el("VpcSecurityGroupId", `sg-0${item.id.slice(-16)}`) + el("Status", "active"))) +
      wrap("ClusterParameterGroups", wrap("ClusterParameterGroup", el("ParameterGroupName", "default.redshift-1.0") + el("ParameterApplyStatus", "in-sync"))) +
      el("ClusterSubnetGroupName", "default") +
      el("AvailabilityZone", item.zone) +
      el("PreferredMaintenanceWindow", "sat:07:00-sat:07:30") +
      "<PendingModifiedValues/>" +
      el("ClusterVersion", "1.0") +
      el("AllowVersionUpgrade", true) +
      el("NumberOfNodes", item.extra.nodes) +
      el("PubliclyAccessible", false) +
      el("Encrypted", true) +
      wrap("Tags", Object.entries(item.tags).map(([k, v]) => wrap("Tag", el("Key", k) + el("Value", v))).join("")) +
      el("EnhancedVpcRouting", false) +
      el("ClusterNamespaceArn", `arn:aws:redshift:${item.region}:${item.account}:namespace:${item.id.slice(-16)}-0000-4000-8000-000000000000`) +
      el("MultiAZ", "Disabled"),
  );
}
