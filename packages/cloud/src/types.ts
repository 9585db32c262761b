/**
 * The contract between the clouds and the rest of cloudsync.
 *
 * Adapters speak SDKs and emit normalized records; they never see the database. The worker
 * turns these records into rows. The allowed values below mirror the CHECK lists of
 * `@cloudsync/db` (the worker asserts at compile time that both agree) because this package
 * must not import the database package.
 */

import type { StatusCheckSignal } from "./metrics/health.ts";

export const cloudNames = ["aws", "azure", "gcp", "digitalocean", "linode", "vultr"] as const;
export type CloudName = (typeof cloudNames)[number];

export const resourceTypes = [
  "compute",
  "storage",
  "database",
  "network",
  "load_balancer",
  "cdn",
  "analytics",
] as const;
export type ResourceType = (typeof resourceTypes)[number];

export const resourceStatuses = [
  "provisioning",
  "running",
  "stopped",
  "stopping",
  "starting",
  "error",
  "terminated",
] as const;
export type ResourceStatus = (typeof resourceStatuses)[number];

export const sizeCategories = ["nano", "micro", "small", "medium", "large", "xlarge", "custom"] as const;
export type SizeCategory = (typeof sizeCategories)[number];

/** Where a resource was read from: one account/subscription/project, one region, one kind. */
export interface ScopeRef {
  cloud: CloudName;
  /** AWS account id, Azure subscription id, GCP project id. */
  account: string;
  /**
   * Region code (`us-east-1`, `eastus`, `us-central1`); `global` for global kinds (S3, GCP
   * networks); `*` when one API call covers every region of the account (Azure `resources.list`,
   * GCP aggregated lists), so completing the scope vouches for every region.
   */
  region: string;
  /**
   * The resource kind, which is also the row's `resource_subtype` (`ec2_instance`, `azure_vm`, …);
   * `*` when one API call covers every kind the adapter reads (Azure `resources.list`).
   */
  kind: string;
}

export function scopeKey(scope: ScopeRef): string {
  return `${scope.cloud}:${scope.account}:${scope.region}:${scope.kind}`;
}

export interface GeographicLocation {
  continent: string;
  country: string;
  city: string;
  coordinates: { lat: number; lng: number };
}

export interface RegionInfo {
  cloud: CloudName;
  code: string;
  name: string;
  availabilityZones: string[];
  geographicLocation: GeographicLocation;
}

/** One cloud resource, normalized onto the seed's vocabulary. */
export interface NormalizedResource {
  cloud: CloudName;
  account: string;
  regionCode: string;
  /** `resource_subtype`: ec2_instance, ebs_volume, s3_bucket, rds_postgres, azure_vm, gce_instance, … */
  kind: string;
  /** The provider's own id, verbatim (instance id, ARM id, GCP selfLink id). Unique per provider. */
  resourceId: string;
  name: string;
  resourceType: ResourceType;
  status: ResourceStatus;
  sizeCategory: SizeCategory;
  tags: Record<string, string>;
  /** The raw item as the SDK returned it (JSON-safe), so nothing the cloud said is lost. */
  configuration: Record<string, unknown>;
  /** When the provider says the resource was created, ISO 8601, if it says. */
  providerCreatedAt?: string | null;
  /**
   * The other resources this one names in what the API returned (its subnet, its volumes, its
   * origins…), each by the target's provider id or a field of its configuration. Present only
   * when the kind declares relations and the item names some (see core/relations.ts).
   */
  dependencies?: ResourceDependency[];
}

// Mirrors `dependency_type` and `dependency_strength` of @cloudsync/db (checked in the worker).
export const dependencyTypes = ["network", "storage", "database", "load_balancer", "security"] as const;
export type DependencyType = (typeof dependencyTypes)[number];

export const dependencyStrengths = ["soft", "hard", "critical"] as const;
export type DependencyStrength = (typeof dependencyStrengths)[number];

/**
 * The configuration fields a dependency may name its target by, when the API gives no id (a GCP
 * self link, a load balancer's DNS name in a CloudFront origin). Fixed so the worker can look
 * each up with a plain join.
 */
export const dependencyTargetKeys = ["selfLink", "DNSName"] as const;
export type DependencyTargetKey = (typeof dependencyTargetKeys)[number];

/** One edge a resource reports, built by `dependencyOf` from the relation rules. */
export interface ResourceDependency {
  /** The relation's name (a key of `relationRules`). */
  relation: string;
  /** The target's provider id (`vol-…`, an ARN, an ARM id), or the value of `targetKey` in its configuration. */
  target: string;
  /** Set when `target` is a configuration field's value rather than the provider id. */
  targetKey?: DependencyTargetKey;
  dependencyType: DependencyType;
  dependencyStrength: DependencyStrength;
  /**
   * True when the target depends on the reporting resource rather than the other way round
   * (an EBS volume reports the instance it is attached to; the instance is the dependent).
   */
  reverse?: true;
}

/**
 * Where a discovered account stands: `active` ones are read as scopes; `suspended` ones (AWS
 * suspended, GCP pending deletion, Azure disabled or warned) and `excluded` ones (left out by the
 * provider's include/exclude rules) are members that are not read.
 */
export const discoveredAccountStates = ["active", "suspended", "excluded"] as const;
export type DiscoveredAccountState = (typeof discoveredAccountStates)[number];

/** One account, subscription or project an organization root lists. */
export interface DiscoveredAccount {
  /** AWS account id, Azure subscription id, GCP project id (what its scopes carry). */
  account: string;
  name: string;
  state: DiscoveredAccountState;
  /** Where it sits under the root (OU, management group or folder path), when known. */
  parentPath: string | null;
  /** Why it is not read, for `suspended` and `excluded` ones. */
  reason: string | null;
}

/** What `discoverAccounts` found under an organization root: every member, read or not. */
export interface AccountDiscovery {
  /** The root as the cloud names it (`o-…`, a management group, `organizations/123`, `folders/456`). */
  root: string;
  /** A complete list: a member missing from it has left the organization. */
  accounts: DiscoveredAccount[];
}

/**
 * What a resource stream yields. A scope is reported exactly once as completed or failed, after
 * all of its pages: a writer may mark resources terminated only in scopes that completed.
 */
export type InventoryEvent =
  | { type: "page"; scope: ScopeRef; resources: NormalizedResource[] }
  | { type: "item_skipped"; scope: ScopeRef; itemId: string | null; reason: string }
  | { type: "scope_completed"; scope: ScopeRef; resourceCount: number }
  | { type: "scope_failed"; scope: ScopeRef; error: Error };


export interface StreamOptions {
  /** Only these kinds (default: every kind the adapter knows). */
  kinds?: readonly string[];
  /**
   * Only these accounts (subscriptions, projects), and no discovery at the stream's start: the
   * caller discovered already (or named configured accounts) and hands each subset to another
   * process, which reads just its share. Name accounts of `accounts` only: where an adapter has a
   * credential per account (DigitalOcean, Linode, Vultr) any other is not read at all.
   * Default: every account of `accounts`, discovering first when never asked.
   */
  accounts?: readonly string[];
  /** Stop early; the stream ends with the scopes in flight reported as failed. */
  signal?: AbortSignal;
}

/** Settings every adapter accepts. Nothing is read from the environment. */
export interface AdapterOptions {
  /** Regions to read; default: every enabled region the cloud reports. */
  regions?: readonly string[];
  /** Base URL of an emulator or private endpoint, e.g. `http://127.0.0.1:4566`. */
  endpoint?: string;
  /** Items per API page (the API's own maximum is used when omitted). */
  pageSize?: number;
  /** Per-request timeout in milliseconds. */
  timeoutMs?: number;
  /** Attempts per request, including the first, before a throttle or 5xx becomes an error. */
  maxAttempts?: number;
  /** Proactive limit per scope (account × region × API), so large estates avoid throttling storms. */
  requestsPerSecond?: number;
  /** How many scopes are read at the same time. */
  concurrency?: number;
  /** Optional structured logger; receives no credentials. */
  logger?: AdapterLogger;
  /**
   * Called for every API answer that asks to slow down (HTTP 429, AWS `Throttling`/`SlowDown`…,
   * GCP `RESOURCE_EXHAUSTED`), including those a retry then gets past: the worker counts them to
   * spot a throttling storm before scopes start failing.
   */
  onThrottle?: () => void;
}

export interface AdapterLogger {
  debug(obj: Record<string, unknown>, msg?: string): void;
  warn(obj: Record<string, unknown>, msg?: string): void;
}

/**
 * How a kind's reads fan out over an estate, i.e. what one read of it covers:
 * - `account_region`: one read per AWS account × enabled region (EC2, RDS…);
 * - `account_global`: one read per AWS account, for a global API (S3 ListBuckets);
 * - `subscription`: one read per Azure subscription (`resources.list` covers every region);
 * - `project`: one read per GCP project covering every region (aggregated lists);
 * - `project_global`: one read per GCP project of a global collection (networks);
 * - `project_region`: one read per GCP project × region (regional lists);
 * - `organization`: one read per organization / billing account (organization-wide APIs).
 */
export const kindFanouts = [
  "account_region",
  "account_global",
  "subscription",
  "project",
  "project_global",
  "project_region",
  "organization",
] as const;
export type KindFanout = (typeof kindFanouts)[number];

/**
 * A relation a kind can report between one of its resources and another resource (an instance's
 * `boot_volume`, a subnet `in_network` of its VPC). Declared per kind so consumers know what to
 * expect; each resource then reports the edges it has in `NormalizedResource.dependencies`.
 */
export interface KindRelation {
  /** The relation's name, e.g. `attached_to`, `part_of`, `routes_to`. */
  name: string;
  /** The kind at the other end. */
  targetKind: string;
}

/** What an adapter says about one kind it reads: everything a consumer may rely on without knowing the cloud. */
export interface KindDescription {
  /** `resource_subtype` and `ScopeRef.kind` (`ec2_instance`, `azure_vm`, `gce_instance`, …). */
  readonly kind: string;
  readonly resourceType: ResourceType;
  readonly fanout: KindFanout;
  /** The metric keys `streamMetrics` reports for resources of this kind; empty when it reports none. */
  readonly metricKeys: readonly MetricKey[];
  readonly relations: readonly KindRelation[];
  /**
   * The `resource_subtype`s its resources carry when they are not `kind` itself (the
   * `rds_instance` reader reports `rds_postgres`, `rds_mysql`, …); absent when they are `kind`.
   */
  readonly resourceKinds?: readonly string[];
  /**
   * The cloud's own status checks `streamStatusChecks` reports for this kind (`ec2_system_status`,
   * `mig_status`, …); absent when it reports none. A kind with checks but no metric keys (a
   * managed instance group) is still a health target.
   */
  readonly statusChecks?: readonly string[];
}

/**
 * Everything a consumer needs from one cloud: its kinds, and streams of resources, bills and
 * metrics that all follow the scope protocol (see README.md). Nothing else is checked at run time.
 */
export interface CloudAdapter {
  readonly cloud: CloudName;
  /**
   * Every account/subscription/project this adapter reads, each a scope of its own: the
   * configured ones, plus the active members the last successful discovery found.
   */
  readonly accounts: readonly string[];
  /**
   * Lists the organization root the provider names (absent or resolving to null when it names
   * none) and reads its active members from then on. Throws a CloudError when the listing
   * fails; the adapter then reads only the configured accounts, and a caller must not take any
   * member for gone. Streams discover once by themselves when this was not called.
   */
  discoverAccounts?(options?: { signal?: AbortSignal }): Promise<AccountDiscovery | null>;
  /** Regions, merged from the API's answer and the package's catalog (geography, zones). */
  listRegions(): Promise<RegionInfo[]>;
  /** The kinds this adapter can read, with their metric keys, e.g. `ec2_instance` with five. */
  readonly kinds: readonly KindDescription[];
  /** Streams the inventory page by page; never holds the whole estate in memory. */
  streamResources(options?: StreamOptions): AsyncIterable<InventoryEvent>;
  /** Streams the bill of every account, one scope per account. */
  streamCosts(query: CostQuery): AsyncIterable<CostEvent>;
  /** Streams samples of the targets whose kind has metric keys; targets of other kinds are ignored. */
  streamMetrics(query: MetricQuery): AsyncIterable<MetricEvent>;
  /**
   * Streams the cloud's own status checks of the targets it can check (EC2 instance and system
   * status checks, …); targets of other kinds are ignored. Absent where no check is read yet:
   * such targets have no status-check signal, which is not a healthy one.
   */
  streamStatusChecks?(query: StatusCheckQuery): AsyncIterable<StatusCheckEvent>;
}

/** The resource kinds (`resource_subtype`s) of an adapter that report metrics, by name. */
export function kindsWithMetrics(kinds: readonly KindDescription[]): string[] {
  return kinds.filter((k) => k.metricKeys.length > 0).flatMap((k) => [k.kind, ...(k.resourceKinds ?? [])]);
}

/** The resource kinds with any health signal: metrics, or the cloud's own status checks. */
export function kindsWithHealthSignals(kinds: readonly KindDescription[]): string[] {
  return kinds.filter((k) => k.metricKeys.length > 0 || (k.statusChecks?.length ?? 0) > 0).flatMap((k) => [k.kind, ...(k.resourceKinds ?? [])]);
}

// ---------------------------------------------------------------------------------------------
// Costs and metrics (mirroring `cost_category` and the metric keys of @cloudsync/db).

export const costCategories = ["compute", "storage", "network", "database", "monitoring", "support", "tax"] as const;
export type CostCategory = (typeof costCategories)[number];

/** One billed line, organization-agnostic. */
export interface NormalizedCostLine {
  cloud: CloudName;
  account: string;
  /** First and last day the line covers, `YYYY-MM-DD`, both inclusive (a daily line has start = end). */
  periodStart: string;
  periodEnd: string;
  /** Exact decimal string as the cloud reported it (never a float), e.g. "12.3400000001" or "-1.25". */
  amount: string;
  /** ISO 4217 code. */
  currency: string;
  category: CostCategory;
  /** The cloud's own service name (`Amazon Elastic Compute Cloud - Compute`, `Virtual Machines`, `Compute Engine`). */
  service: string;
  /** The provider's id of the resource the line is for, when the cloud says (same form as NormalizedResource.resourceId). */
  resourceId: string | null;
  /** What else the bill says (meter, SKU, usage type, invoice section …). */
  billingDetails: Record<string, unknown>;
  /** Usage that generated the cost, e.g. `{ quantity: "24", unit: "Hrs" }`. */
  usage: Record<string, unknown>;
  /** Cost-allocation tags / labels. */
  tags: Record<string, string>;
}

export type CostEvent =
  | { type: "cost_page"; scope: ScopeRef; lines: NormalizedCostLine[] }
  | { type: "item_skipped"; scope: ScopeRef; itemId: string | null; reason: string }
  | { type: "scope_completed"; scope: ScopeRef; resourceCount: number }
  | { type: "scope_failed"; scope: ScopeRef; error: Error };

export interface CostQuery {
  /** First day, `YYYY-MM-DD`, inclusive. */
  start: string;
  /** Last day, `YYYY-MM-DD`, inclusive. */
  end: string;
  signal?: AbortSignal;
}

/**
 * The design document's eight keys, then those of databases, disks, functions and buckets
 * (issue #15), then those of caches and file systems; mirrors `metricKeys` of @cloudsync/db.
 * Units: percent 0–100 (`*_utilization`, `error_rate`), megabits per second (every `*_mbps`,
 * disks included), milliseconds (`*_ms`), per second (`requests_per_second`,
 * `invocations_per_second`, `disk_*_iops`, `evictions_per_second`), a count (`connections`,
 * `object_count`) and bytes (`storage_bytes`, `burst_credit_bytes`).
 */
export const metricKeys = [
  "cpu_utilization",
  "memory_utilization",
  "disk_utilization",
  "network_in_mbps",
  "network_out_mbps",
  "response_time_ms",
  "error_rate",
  "requests_per_second",
  "connections",
  "read_latency_ms",
  "write_latency_ms",
  "disk_read_iops",
  "disk_write_iops",
  "disk_read_mbps",
  "disk_write_mbps",
  "invocations_per_second",
  "duration_ms",
  "storage_bytes",
  "object_count",
  "evictions_per_second",
  "io_limit_utilization",
  "burst_credit_bytes",
] as const;
export type MetricKey = (typeof metricKeys)[number];

/** One sample of one resource: only the keys the cloud reported are present (never zero-filled). */
export interface MetricSample {
  cloud: CloudName;
  account: string;
  /** The provider's id of the resource (same form as NormalizedResource.resourceId). */
  resourceId: string;
  /** ISO 8601 instant the sample describes (the start of its period). */
  timestamp: string;
  /** In the units `metricKeys` lists (percent, Mbit/s, ms, per second, counts, bytes). */
  metrics: Partial<Record<MetricKey, number>>;
}

export type MetricEvent =
  | { type: "metric_page"; scope: ScopeRef; samples: MetricSample[] }
  | { type: "item_skipped"; scope: ScopeRef; itemId: string | null; reason: string }
  | { type: "scope_completed"; scope: ScopeRef; resourceCount: number }
  | { type: "scope_failed"; scope: ScopeRef; error: Error };

/** A resource whose metrics are wanted, as the inventory reported it. */
export interface MetricTarget {
  account: string;
  regionCode: string;
  kind: string;
  resourceId: string;
  /**
   * The resource's name, for clouds whose series name a resource by it rather than by its id
   * (Cloud Monitoring's `cluster_name`, `backend_target_name`); a target without one has no such series.
   */
  name?: string;
  /**
   * Configuration fields that decide where a resource's series live (a GCP backend service's
   * load-balancing scheme and protocol pick its Cloud Monitoring resource type); the worker
   * passes them with `metricTargetFieldsOf(configuration)`. A target without them is read as
   * its kind's default says (docs/coverage.md, "Metrics per kind").
   */
  fields?: MetricTargetFields;
}

/**
 * The top-level configuration fields a metric reader may ask for, fixed so the worker can pick
 * them from any resource's stored `configuration` without knowing which cloud needs which.
 */
export const metricTargetFieldNames = ["loadBalancingScheme", "protocol"] as const;
export type MetricTargetFieldName = (typeof metricTargetFieldNames)[number];
export type MetricTargetFields = Partial<Record<MetricTargetFieldName, string>>;

/** The fields of `metricTargetFieldNames` a configuration holds as strings (others are left out). */
export function metricTargetFieldsOf(configuration: Readonly<Record<string, unknown>> | null | undefined): MetricTargetFields {
  const out: MetricTargetFields = {};
  for (const name of metricTargetFieldNames) {
    const value = configuration?.[name];
    if (typeof value === "string" && value !== "") out[name] = value;
  }
  return out;
}

export interface MetricQuery {
  targets: readonly MetricTarget[];
  /** Window start and end (ISO 8601 or Date); samples are aggregated per `periodSeconds`. */
  start: Date;
  end: Date;
  /** Default 300 (5 minutes). */
  periodSeconds?: number;
  signal?: AbortSignal;
}

/** What the cloud's own status checks say about one resource. */
export interface ResourceStatusChecks {
  cloud: CloudName;
  account: string;
  /** The provider's id of the resource (same form as NormalizedResource.resourceId). */
  resourceId: string;
  checks: StatusCheckSignal[];
}

export type StatusCheckEvent =
  | { type: "status_page"; scope: ScopeRef; statuses: ResourceStatusChecks[] }
  | { type: "item_skipped"; scope: ScopeRef; itemId: string | null; reason: string }
  | { type: "scope_completed"; scope: ScopeRef; resourceCount: number }
  | { type: "scope_failed"; scope: ScopeRef; error: Error };

export interface StatusCheckQuery {
  targets: readonly MetricTarget[];
  signal?: AbortSignal;
}

/** The bill and metric half of the contract, for code that needs only those. */
export type CostAndMetricSource = Pick<CloudAdapter, "streamCosts" | "streamMetrics">;

// ---------------------------------------------------------------------------------------------
// Prices (the recommendation rules' yardstick; see docs/recommendations.md).

/** What a price is for, across clouds. */
/** `object_storage`: a bucket's storage class (`STANDARD`, `STANDARD_IA`, `NEARLINE`), per GB-month. */
export const pricedProducts = ["compute", "volume", "public_ip", "load_balancer", "object_storage"] as const;
export type PricedProduct = (typeof pricedProducts)[number];

/** How the capacity is bought: pay as you go, a one-year commitment without upfront payment, or spare capacity. */
export const priceTerms = ["on_demand", "reserved_1y", "spot"] as const;
export type PriceTerm = (typeof priceTerms)[number];

/** Per hour of running, per GB stored for a month, or a fixed amount per month (an Azure managed disk's tier). */
export const priceUnits = ["hour", "gb_month", "month"] as const;
export type PriceUnit = (typeof priceUnits)[number];

/** One list price from a cloud's pricing API, normalized. */
export interface PriceQuote {
  cloud: CloudName;
  /** Region code as resources carry it (`us-east-1`, `eastus`, `us-central1`). */
  region: string;
  product: PricedProduct;
  /** The size or type priced: `m5.large`, `gp3`, `Standard_D2s_v3`, `n2-standard-4`, `pd-ssd`; `standard` for IPs and LBs. */
  sku: string;
  term: PriceTerm;
  /** Exact decimal string, as the API said it, per `unit` (a commitment's total is turned into its hourly rate). */
  unitPrice: string;
  unit: PriceUnit;
  /** ISO 4217. */
  currency: string;
  /** The provider's own SKU / meter / rate code, so a price can be traced back. */
  sourceId: string;
}

/** Which prices to read. Every region is read: region optimization compares them. */
export interface PriceQuery {
  /** Compute sizes (instance types, VM sizes, machine types). */
  computeSizes: readonly string[];
  /** Volume / disk types. */
  volumeTypes: readonly string[];
  /** Also read the public IP and load balancer hourly prices. */
  network?: boolean;
  /** Bucket storage classes, by the cloud's own names (`STANDARD`, `STANDARD_IA`, `NEARLINE`). */
  storageClasses?: readonly string[];
  /** Wanted currency; clouds whose price list has only USD answer in USD (the rules then skip other billing currencies). */
  currency?: string;
  signal?: AbortSignal;
}

/** The price half of the contract: adapters that read a pricing API implement it. */
export interface PriceSource {
  listPrices(query: PriceQuery): Promise<PriceQuote[]>;
}

// ---------------------------------------------------------------------------------------------
// Backups (mirroring `backup_type`, `backup_frequency` and `execution_status` of @cloudsync/db;
// see docs/coverage.md, "Backups").

export const backupKinds = ["full", "incremental", "differential", "snapshot", "continuous"] as const;
export type BackupKind = (typeof backupKinds)[number];

export const backupFrequencies = ["continuous", "hourly", "daily", "weekly", "monthly"] as const;
export type BackupFrequency = (typeof backupFrequencies)[number];

export const backupExecutionStatuses = ["in_progress", "completed", "failed", "cancelled"] as const;
export type BackupExecutionStatus = (typeof backupExecutionStatuses)[number];

/** How one resource is backed up by one of the cloud's backup settings (a plan rule, a policy). */
export interface NormalizedBackupConfiguration {
  record: "configuration";
  cloud: CloudName;
  account: string;
  /** The cloud's id of the setting, unique per resource (`<planId>/<ruleId>`, a protected item id). */
  sourceId: string;
  /** The protected resource's provider id, in the form its NormalizedResource.resourceId has. */
  resourceId: string;
  backupType: BackupKind;
  frequency: BackupFrequency;
  /** The cloud's own schedule, verbatim (`cron(0 5 ? * * *)`, an ARM schedule policy), if it has one. */
  schedule: string | null;
  /** How long a recovery point is kept; null when the cloud keeps it until deleted. */
  retentionDays: number | null;
  /** Where recovery points go: vault, region, copy targets. */
  destination: Record<string, unknown>;
  /** False when the cloud says protection is stopped or suspended. */
  enabled: boolean;
  /**
   * When the cloud will next run it (ISO 8601), when the cloud's own schedule says so (RDS's
   * preferred backup window, a Compute Engine snapshot schedule); null when it will not run.
   * Undefined: the writer estimates it from the newest run and the frequency.
   */
  nextBackupAt?: string | null;
  /** What else the cloud said (plan and rule names, windows…), JSON-safe. */
  details: Record<string, unknown>;
}

/** One run of a backup of one resource (an AWS Backup job, an Azure backup job, a Cloud SQL backup run). */
export interface NormalizedBackupExecution {
  record: "execution";
  cloud: CloudName;
  account: string;
  /** The cloud's job id. */
  sourceId: string;
  /** The configuration's `sourceId` that made the run; null for an on-demand run. */
  configurationSourceId: string | null;
  resourceId: string;
  status: BackupExecutionStatus;
  /** ISO 8601. */
  startedAt: string;
  completedAt: string | null;
  sizeBytes: number | null;
  /** The recovery point / backup the run produced, when it produced one. */
  recoveryPoint: string | null;
  /** The region the recovery point is stored in. */
  location: string | null;
  /** The cloud's message for a failed or cancelled run. */
  error: string | null;
  details: Record<string, unknown>;
}

export type BackupRecord = NormalizedBackupConfiguration | NormalizedBackupExecution;

/**
 * Scopes are `<cloud>:<account>:<region>:backups` (AWS, GCP) or `azure:<subscription>:*:backups`,
 * and snapshot listings `aws:<account>:<region>:ebs_snapshots`, `gcp:<project>:*:gce_snapshots`.
 */
export type BackupEvent =
  | { type: "backup_page"; scope: ScopeRef; records: BackupRecord[] }
  | { type: "item_skipped"; scope: ScopeRef; itemId: string | null; reason: string }
  | { type: "scope_completed"; scope: ScopeRef; resourceCount: number }
  | { type: "scope_failed"; scope: ScopeRef; error: Error };

export interface BackupQuery {
  /** Runs started at or after this instant are read (clouds keep jobs for a limited time: AWS 30 days). */
  since: Date;
  /** The read's clock, for schedules' next runs (RDS's backup window, Compute Engine snapshot schedules). Default: the system clock. */
  now?: Date;
  signal?: AbortSignal;
}

/**
 * The clouds whose adapters read backups (`BackupSource`) and deployments (`DeploymentSource`).
 * The worker schedules those syncs only for these clouds, without loading any SDK to find out;
 * each adapter's test checks that it implements what is declared here.
 */
export const cloudsWithSource = {
  backups: ["aws", "azure", "gcp"],
  deployments: ["aws", "azure", "gcp"],
} as const satisfies Record<string, readonly CloudName[]>;
export type SourceKind = keyof typeof cloudsWithSource;

/** Whether `cloud`'s adapter reads `source`. */
export function cloudReads(cloud: string, source: SourceKind): boolean {
  return (cloudsWithSource[source] as readonly string[]).includes(cloud);
}

/** The backup half of the contract: adapters that read a backup service implement it. */
export interface BackupSource {
  streamBackups(query: BackupQuery): AsyncIterable<BackupEvent>;
}
