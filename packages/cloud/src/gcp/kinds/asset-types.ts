import type { KindDescription, ResourceStatus, ResourceType } from "../../types.ts";

/**
 * Cloud Asset Inventory asset types → cloudsync kinds, for the catch-all reader
 * (./cloud-asset.ts). Three rules, in order (docs/coverage.md, `## Catch-all readers`):
 * 1. a type a dedicated kind reads is skipped (`coveredAssetTypes`), so nothing is read twice;
 * 2. a type in `assetKindTable` gets that kind and resource type;
 * 3. any other type of a service in `serviceResourceTypes` gets the derived kind
 *    `gcp_<service>_<type in snake case>` (`alloydb.googleapis.com/Cluster` →
 *    `gcp_alloydb_cluster`) and the service's resource type; types of other services
 *    (IAM, KMS, logging, service usage…) are not infrastructure cloudsync models and are left out.
 */
export const coveredAssetTypes: ReadonlySet<string> = new Set([
  "compute.googleapis.com/Instance",
  "compute.googleapis.com/Disk",
  "compute.googleapis.com/Network",
  "compute.googleapis.com/Subnetwork",
  "compute.googleapis.com/Firewall",
  "compute.googleapis.com/Address",
  "compute.googleapis.com/ForwardingRule",
  "compute.googleapis.com/GlobalForwardingRule",
  "compute.googleapis.com/BackendService",
  "compute.googleapis.com/RegionBackendService",
  "compute.googleapis.com/InstanceGroupManager",
  "compute.googleapis.com/RegionInstanceGroupManager",
  "storage.googleapis.com/Bucket",
  "sqladmin.googleapis.com/Instance",
  "container.googleapis.com/Cluster",
  "cloudfunctions.googleapis.com/CloudFunction",
  "cloudfunctions.googleapis.com/Function",
  "run.googleapis.com/Service",
  "bigquery.googleapis.com/Dataset",
]);

export interface AssetKindInfo {
  assetType: string;
  kind: string;
  resourceType: ResourceType;
}

/** The types cloudsync names on purpose; a caller may ask for these kinds by name. */
export const assetKindTable: readonly AssetKindInfo[] = [
  { assetType: "pubsub.googleapis.com/Topic", kind: "gcp_pubsub_topic", resourceType: "analytics" },
  { assetType: "pubsub.googleapis.com/Subscription", kind: "gcp_pubsub_subscription", resourceType: "analytics" },
  { assetType: "dataflow.googleapis.com/Job", kind: "gcp_dataflow_job", resourceType: "analytics" },
  { assetType: "dataproc.googleapis.com/Cluster", kind: "gcp_dataproc_cluster", resourceType: "analytics" },
  { assetType: "bigquery.googleapis.com/Table", kind: "gcp_bigquery_table", resourceType: "analytics" },
  { assetType: "spanner.googleapis.com/Instance", kind: "gcp_spanner_instance", resourceType: "database" },
  { assetType: "redis.googleapis.com/Instance", kind: "gcp_redis_instance", resourceType: "database" },
  { assetType: "bigtableadmin.googleapis.com/Instance", kind: "gcp_bigtable_instance", resourceType: "database" },
  { assetType: "firestore.googleapis.com/Database", kind: "gcp_firestore_database", resourceType: "database" },
  { assetType: "file.googleapis.com/Instance", kind: "gcp_filestore_instance", resourceType: "storage" },
  { assetType: "compute.googleapis.com/Snapshot", kind: "gce_snapshot", resourceType: "storage" },
  { assetType: "compute.googleapis.com/Image", kind: "gce_image", resourceType: "storage" },
  { assetType: "dns.googleapis.com/ManagedZone", kind: "gcp_dns_managed_zone", resourceType: "network" },
  { assetType: "compute.googleapis.com/Router", kind: "gcp_router", resourceType: "network" },
  { assetType: "compute.googleapis.com/VpnTunnel", kind: "gcp_vpn_tunnel", resourceType: "network" },
  { assetType: "compute.googleapis.com/UrlMap", kind: "gcp_url_map", resourceType: "load_balancer" },
  { assetType: "compute.googleapis.com/TargetHttpsProxy", kind: "gcp_target_https_proxy", resourceType: "load_balancer" },
  { assetType: "appengine.googleapis.com/Application", kind: "gcp_app_engine_application", resourceType: "compute" },
];

/** Services (the asset type's host) whose other types are still kept, with the resource type they get. */
export const serviceResourceTypes: Readonly<Record<string, ResourceType>> = {
  "compute.googleapis.com": "compute",
  "run.googleapis.com": "compute",
  "appengine.googleapis.com": "compute",
  "batch.googleapis.com": "compute",
  "workflows.googleapis.com": "compute",
  "storage.googleapis.com": "storage",
  "file.googleapis.com": "storage",
  "sqladmin.googleapis.com": "database",
  "spanner.googleapis.com": "database",
  "redis.googleapis.com": "database",
  "memcache.googleapis.com": "database",
  "bigtableadmin.googleapis.com": "database",
  "firestore.googleapis.com": "database",
  "alloydb.googleapis.com": "database",
  "bigquery.googleapis.com": "analytics",
  "pubsub.googleapis.com": "analytics",
  "dataflow.googleapis.com": "analytics",
  "dataproc.googleapis.com": "analytics",
  "composer.googleapis.com": "analytics",
  "datafusion.googleapis.com": "analytics",
  "dns.googleapis.com": "network",
  "vpcaccess.googleapis.com": "network",
  "networkconnectivity.googleapis.com": "network",
  "networkservices.googleapis.com": "network",
};

const byAssetType = new Map(assetKindTable.map((k) => [k.assetType, k]));

/** What the catch-all makes of an asset type: its kind and resource type, or null to leave it out. */
export function assetTypeKind(assetType: string | null | undefined): { kind: string; resourceType: ResourceType } | null {
  if (!assetType || coveredAssetTypes.has(assetType)) return null;
  const known = byAssetType.get(assetType);
  if (known) return { kind: known.kind, resourceType: known.resourceType };
  const match = /^([a-z0-9-]+)\.googleapis\.com\/([A-Za-z0-9]+)$/.exec(assetType);
  if (!match) return null;
  const resourceType = serviceResourceTypes[`${match[1]}.googleapis.com`];
  if (!resourceType) return null;
  const type = (match[2] as string).replace(/([a-z0-9])([A-Z])/g, "$1_$2").toLowerCase();
  return { kind: `gcp_${match[1]?.replace(/-/g, "_")}_${type}`, resourceType };
}

/** Whether a kind is one the catch-all can report (named in the table, or derived). */
export function isAssetKind(kind: string): boolean {
  return assetKindTable.some((k) => k.kind === kind) || /^gcp_[a-z0-9_]+$/.test(kind);
}

/**
 * Resource states of the many asset types, by word: each service spells its own, so the words
 * below are grouped by meaning; a result without a state is `running` (listed means it exists),
 * and a word not listed here is `running` too, kept as `configuration.state` for the record.
 */
const stateWords: Record<string, ResourceStatus> = {
  ACTIVE: "running",
  READY: "running",
  RUNNING: "running",
  RUNNABLE: "running",
  ENABLED: "running",
  AVAILABLE: "running",
  UPDATING: "running",
  MAINTENANCE: "running",
  CREATING: "provisioning",
  PROVISIONING: "provisioning",
  PENDING: "provisioning",
  PENDING_CREATE: "provisioning",
  STARTING: "starting",
  RESTORING: "provisioning",
  STOPPING: "stopping",
  DELETING: "stopping",
  PENDING_DELETE: "stopping",
  DRAINING: "stopping",
  STOPPED: "stopped",
  SUSPENDED: "stopped",
  TERMINATED: "stopped",
  DISABLED: "stopped",
  INACTIVE: "stopped",
  ERROR: "error",
  FAILED: "error",
  DEGRADED: "error",
  REPAIRING: "error",
};

export function assetStatus(state: string | null | undefined): ResourceStatus {
  return state ? (stateWords[state.toUpperCase()] ?? "running") : "running";
}

/** The table's kinds as consumers see them: one read per project covers them all. */
export const assetKindDescriptions: readonly KindDescription[] = assetKindTable.map((k) => ({
  kind: k.kind,
  resourceType: k.resourceType,
  fanout: "project",
  metricKeys: [],
  relations: [],
}));
