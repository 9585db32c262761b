/**
 * The emulator's own picture of GCP: regions with their real zone letters, machine and disk
 * types, and the state tables with the seed status each state should become. It deliberately
 * does not import the adapter's catalog, so a test compares two independent sources.
 */

export interface EmulatorRegion {
  code: string;
  description: string;
  zones: readonly string[];
  /** Relative share of the estate placed here. */
  weight: number;
}

// europe-west12 is real but absent from the adapter's catalog: it exercises "unknown region".
export const emulatorRegions: readonly EmulatorRegion[] = [
  { code: "us-central1", description: "us-central1", zones: ["a", "b", "c", "f"], weight: 30 },
  { code: "us-east1", description: "us-east1", zones: ["b", "c", "d"], weight: 14 },
  { code: "us-east4", description: "us-east4", zones: ["a", "b", "c"], weight: 8 },
  { code: "us-west1", description: "us-west1", zones: ["a", "b", "c"], weight: 8 },
  { code: "europe-west1", description: "europe-west1", zones: ["b", "c", "d"], weight: 10 },
  { code: "europe-west3", description: "europe-west3", zones: ["a", "b", "c"], weight: 6 },
  { code: "europe-west4", description: "europe-west4", zones: ["a", "b", "c"], weight: 6 },
  { code: "asia-northeast1", description: "asia-northeast1", zones: ["a", "b", "c"], weight: 5 },
  { code: "asia-southeast1", description: "asia-southeast1", zones: ["a", "b", "c"], weight: 5 },
  { code: "australia-southeast1", description: "australia-southeast1", zones: ["a", "b", "c"], weight: 3 },
  { code: "southamerica-east1", description: "southamerica-east1", zones: ["a", "b", "c"], weight: 3 },
  { code: "europe-west12", description: "europe-west12", zones: ["a", "b", "c"], weight: 2 },
];

export const emulatorZones: readonly string[] = emulatorRegions.flatMap((r) => r.zones.map((z) => `${r.code}-${z}`));

/** [provider state, seed status, weight] */
export type StateRow = readonly [string, string, number];

export const instanceStates: readonly StateRow[] = [
  ["RUNNING", "running", 70],
  ["TERMINATED", "stopped", 12],
  ["STOPPING", "stopping", 3],
  ["PROVISIONING", "provisioning", 3],
  ["STAGING", "provisioning", 3],
  ["SUSPENDED", "stopped", 3],
  ["SUSPENDING", "stopping", 3],
  ["REPAIRING", "error", 3],
];

export const diskStates: readonly StateRow[] = [
  ["READY", "running", 85],
  ["CREATING", "provisioning", 5],
  ["RESTORING", "provisioning", 2],
  ["FAILED", "error", 3],
  ["DELETING", "stopping", 5],
];

export const addressStates: readonly StateRow[] = [
  ["IN_USE", "running", 75],
  ["RESERVED", "stopped", 20],
  ["RESERVING", "provisioning", 5],
];

export const machineTypes: readonly string[] = [
  "e2-micro",
  "e2-small",
  "e2-medium",
  "e2-medium",
  "e2-standard-2",
  "e2-standard-4",
  "n2-standard-2",
  "n2-standard-4",
  "n2-standard-8",
  "n2-highmem-16",
  "c2-standard-30",
  "n1-standard-1",
  "f1-micro",
  "g1-small",
  "t2d-standard-1",
  "custom-6-23040",
];

export const diskTypes: readonly string[] = ["pd-balanced", "pd-balanced", "pd-ssd", "pd-standard", "hyperdisk-balanced"];

export const roles: readonly string[] = ["web", "api", "worker", "db", "cache", "batch", "etl", "ml", "gateway", "bastion"];
export const environments: readonly string[] = ["prod", "prod", "staging", "dev"];
export const teams: readonly string[] = ["platform", "data", "web", "payments", "ml", "sre"];

/** Cloud SQL: a RUNNABLE instance with activation policy NEVER is stopped (decided in the generator). */
export const sqlInstanceStates: readonly StateRow[] = [
  ["RUNNABLE", "running", 80],
  ["PENDING_CREATE", "provisioning", 5],
  ["MAINTENANCE", "running", 5],
  ["SUSPENDED", "stopped", 4],
  ["FAILED", "error", 3],
  ["PENDING_DELETE", "stopping", 3],
];

export const sqlTiers: readonly string[] = [
  "db-f1-micro",
  "db-g1-small",
  "db-custom-2-7680",
  "db-custom-4-15360",
  "db-n1-standard-8",
  "db-perf-optimized-N-8",
];

export const gkeClusterStates: readonly StateRow[] = [
  ["RUNNING", "running", 80],
  ["RECONCILING", "running", 6],
  ["PROVISIONING", "provisioning", 5],
  ["STOPPING", "stopping", 3],
  ["DEGRADED", "error", 3],
  ["ERROR", "error", 3],
];

export const functionStates: readonly StateRow[] = [
  ["ACTIVE", "running", 85],
  ["DEPLOYING", "provisioning", 6],
  ["DELETING", "stopping", 3],
  ["FAILED", "error", 6],
];

/**
 * Cloud Run v2 `terminalCondition.state`: a rollout in progress (RECONCILING) still serves its
 * last ready revision; PENDING is a first deployment that has none yet.
 */
export const cloudRunStates: readonly StateRow[] = [
  ["CONDITION_SUCCEEDED", "running", 84],
  ["CONDITION_RECONCILING", "running", 5],
  ["CONDITION_PENDING", "provisioning", 4],
  ["CONDITION_FAILED", "error", 7],
];

/** Cloud Run instance sizes: CPU and memory limits as deployers write them (null: Cloud Run's defaults). */
export const cloudRunLimits: readonly ({ cpu: string; memory: string } | null)[] = [
  { cpu: "1", memory: "512Mi" },
  { cpu: "1000m", memory: "512Mi" },
  { cpu: "2", memory: "1Gi" },
  { cpu: "1", memory: "2Gi" },
  { cpu: "4", memory: "8Gi" },
  { cpu: "8", memory: "32Gi" },
  { cpu: "0.5", memory: "256Mi" },
  null,
];

/** Cloud Storage locations: multi-regions, dual-regions and regions, as the API spells them. */
export const bucketLocations: readonly { location: string; locationType: string }[] = [
  { location: "US", locationType: "multi-region" },
  { location: "EU", locationType: "multi-region" },
  { location: "NAM4", locationType: "dual-region" },
  { location: "US-CENTRAL1", locationType: "region" },
  { location: "EUROPE-WEST1", locationType: "region" },
  { location: "ASIA-NORTHEAST1", locationType: "region" },
];

/** BigQuery dataset locations (multi-regions `US`/`EU`, or a region in lower case). */
export const datasetLocations: readonly string[] = ["US", "EU", "us-central1", "europe-west3", "asia-southeast1"];

/**
 * Asset types Cloud Asset Inventory reports that no dedicated kind covers, with the kind the
 * adapter should derive (independently of its own table), where they live and their states.
 */
export const catchAllAssetTypes: readonly {
  assetType: string;
  kind: string;
  placement: "global" | "region" | "zone";
  states: readonly StateRow[] | null;
}[] = [
  { assetType: "pubsub.googleapis.com/Topic", kind: "gcp_pubsub_topic", placement: "global", states: null },
  { assetType: "pubsub.googleapis.com/Subscription", kind: "gcp_pubsub_subscription", placement: "global", states: null },
  { assetType: "spanner.googleapis.com/Instance", kind: "gcp_spanner_instance", placement: "region", states: [["READY", "running", 9], ["CREATING", "provisioning", 1]] },
  { assetType: "redis.googleapis.com/Instance", kind: "gcp_redis_instance", placement: "region", states: [["READY", "running", 8], ["UPDATING", "running", 1], ["CREATING", "provisioning", 1]] },
  { assetType: "dns.googleapis.com/ManagedZone", kind: "gcp_dns_managed_zone", placement: "global", states: null },
  { assetType: "file.googleapis.com/Instance", kind: "gcp_filestore_instance", placement: "zone", states: [["READY", "running", 9], ["ERROR", "error", 1]] },
  { assetType: "dataproc.googleapis.com/Cluster", kind: "gcp_dataproc_cluster", placement: "region", states: [["RUNNING", "running", 7], ["STOPPED", "stopped", 2], ["ERROR", "error", 1]] },
  { assetType: "compute.googleapis.com/Snapshot", kind: "gce_snapshot", placement: "global", states: [["READY", "running", 9], ["CREATING", "provisioning", 1]] },
  // Not in the adapter's table: its kind is derived from the asset type.
  { assetType: "alloydb.googleapis.com/Cluster", kind: "gcp_alloydb_cluster", placement: "region", states: [["READY", "running", 9], ["STOPPED", "stopped", 1]] },
];
