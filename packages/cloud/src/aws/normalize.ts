import type { ResourceStatus, SizeCategory } from "../types.ts";

/**
 * Pure mappings from AWS's vocabulary onto the seed's. Every function here is table-tested;
 * none touches the network. `undefined` from a status map means "AWS said something we do not
 * understand", which the kind readers report as a skipped item rather than guess.
 */

export const ec2InstanceStatus: Readonly<Record<string, ResourceStatus>> = {
  pending: "provisioning",
  running: "running",
  stopping: "stopping",
  stopped: "stopped",
  "shutting-down": "stopping",
  // Terminated instances stay visible for about an hour; emitting them lets the writer record the end.
  terminated: "terminated",
};

export const ebsVolumeStatus: Readonly<Record<string, ResourceStatus>> = {
  creating: "provisioning",
  // An unattached volume still costs money but serves nothing: closest to a stopped machine.
  available: "stopped",
  "in-use": "running",
  deleting: "stopping",
  deleted: "terminated",
  error: "error",
};

/** VPCs and subnets share one lifecycle. */
export const networkStatus: Readonly<Record<string, ResourceStatus>> = {
  pending: "provisioning",
  available: "running",
};

export const loadBalancerStatus: Readonly<Record<string, ResourceStatus>> = {
  active: "running",
  provisioning: "provisioning",
  active_impaired: "error",
  failed: "error",
};

const rdsExactStatus: Readonly<Record<string, ResourceStatus>> = {
  available: "running",
  creating: "provisioning",
  starting: "starting",
  rebooting: "starting",
  stopping: "stopping",
  stopped: "stopped",
  deleting: "stopping",
  "delete-precheck": "stopping",
  failed: "error",
  "insufficient-capacity": "error",
  "restore-error": "error",
  "storage-full": "error",
  // Maintenance-style states: the database keeps serving (or will shortly) while AWS works on it.
  "backing-up": "running",
  maintenance: "running",
  modifying: "running",
  renaming: "running",
  "resetting-master-credentials": "running",
  upgrading: "running",
  "moving-to-vpc": "running",
  "converting-to-vpc": "running",
  "storage-optimization": "running",
  "storage-config-upgrade": "running",
  "storage-initialization": "running",
};

/** RDS has dozens of statuses; the families (`configuring-*`, `incompatible-*`, …) map by prefix. */
export function rdsStatus(raw: string | undefined): ResourceStatus | undefined {
  if (!raw) return undefined;
  const exact = rdsExactStatus[raw];
  if (exact) return exact;
  if (raw.startsWith("configuring-")) return "running";
  if (raw.startsWith("incompatible-") || raw.startsWith("inaccessible-")) return "error";
  return undefined;
}

export function lookupStatus(table: Readonly<Record<string, ResourceStatus>>, raw: string | undefined): ResourceStatus | undefined {
  return raw !== undefined && Object.hasOwn(table, raw) ? table[raw] : undefined;
}

const namedSizes: Readonly<Record<string, SizeCategory>> = {
  nano: "nano",
  micro: "micro",
  small: "small",
  medium: "medium",
  large: "large",
  xlarge: "xlarge",
};

/**
 * `t3.micro` → micro, `m5.4xlarge` → xlarge, `db.r6g.large` → large. Bare metal, serverless
 * and anything unrecognised are `custom`: they do not sit on the t-shirt scale.
 */
export function sizeCategoryOf(instanceType: string | undefined): SizeCategory {
  if (!instanceType) return "custom";
  const parts = instanceType.replace(/^db\./, "").split(".");
  const size = parts.length >= 2 ? (parts[parts.length - 1] as string) : "";
  if (Object.hasOwn(namedSizes, size)) return namedSizes[size] as SizeCategory;
  if (/^\d+xlarge$/.test(size)) return "xlarge";
  return "custom";
}

/** EBS volumes have no instance class; their size in GiB is put on the same scale. */
export function volumeSizeCategory(sizeGiB: number | undefined): SizeCategory {
  if (sizeGiB === undefined || !Number.isFinite(sizeGiB)) return "custom";
  if (sizeGiB <= 8) return "nano";
  if (sizeGiB <= 32) return "micro";
  if (sizeGiB <= 128) return "small";
  if (sizeGiB <= 512) return "medium";
  if (sizeGiB <= 2048) return "large";
  return "xlarge";
}

const gb = 1_000_000_000;

/**
 * Stored bytes on the t-shirt scale, for kinds whose size is their data (file systems):
 * ≤100 MB nano, ≤1 GB micro, ≤10 GB small, ≤100 GB medium, ≤1 TB large, above that xlarge.
 */
export function storedBytesSizeCategory(bytes: number | undefined): SizeCategory {
  if (bytes === undefined || !Number.isFinite(bytes) || bytes < 0) return "custom";
  if (bytes <= 0.1 * gb) return "nano";
  if (bytes <= gb) return "micro";
  if (bytes <= 10 * gb) return "small";
  if (bytes <= 100 * gb) return "medium";
  if (bytes <= 1000 * gb) return "large";
  return "xlarge";
}

/**
 * A count of running copies (ECS tasks) on the same scale: 0–1 nano, 2–3 micro, 4–10 small,
 * 11–30 medium, 31–100 large, above that xlarge. A task's own CPU and memory sit in its task
 * definition, which would cost one more call per service.
 */
export function taskCountSizeCategory(count: number | undefined): SizeCategory {
  if (count === undefined || !Number.isInteger(count) || count < 0) return "custom";
  if (count <= 1) return "nano";
  if (count <= 3) return "micro";
  if (count <= 10) return "small";
  if (count <= 30) return "medium";
  if (count <= 100) return "large";
  return "xlarge";
}

export interface AwsTag {
  Key?: string | undefined;
  Value?: string | undefined;
}

/** `[{Key, Value}]` → `{key: value}`; a tag without a key is meaningless and dropped. */
export function tagsToRecord(tags: readonly AwsTag[] | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const tag of tags ?? []) {
    if (tag.Key !== undefined && tag.Key !== "") out[tag.Key] = tag.Value ?? "";
  }
  return out;
}

/**
 * `us-east-1a` → `us-east-1`; Local and Wavelength Zones (`us-east-1-bos-1a`,
 * `us-east-1-wl1-bos-wlz-1`) belong to their parent region too.
 */
export function zoneToRegion(zone: string): string {
  const match = /^([a-z]{2}(?:-gov|-iso[a-z]?)?-[a-z]+-\d+)/.exec(zone);
  return match ? (match[1] as string) : zone;
}

/**
 * GetBucketLocation's answer → region code. An empty constraint means us-east-1 and `EU`
 * is the legacy name of eu-west-1, quirks that date from S3's first years.
 */
export function bucketRegionFromLocation(constraint: string | null | undefined): string {
  if (!constraint) return "us-east-1";
  if (constraint === "EU") return "eu-west-1";
  return constraint;
}

/**
 * The engine-specific subtype of a DB instance: `postgres` → rds_postgres,
 * `aurora-postgresql` → rds_aurora_postgresql, `oracle-ee` → rds_oracle. Editions are
 * licensing detail and stay in the configuration.
 */
/**
 * The kinds `rdsKindOf` gives the engines RDS lists (DocumentDB and Neptune instances appear in
 * DescribeDBInstances too), so the metrics sync finds `rds_<engine>` rows by asking the adapter.
 */
export const rdsResourceKinds: readonly string[] = [
  "rds_postgres",
  "rds_mysql",
  "rds_mariadb",
  "rds_aurora_mysql",
  "rds_aurora_postgresql",
  "rds_oracle",
  "rds_sqlserver",
  "rds_db2",
  "rds_docdb",
  "rds_neptune",
];

export function rdsKindOf(engine: string): string {
  const e = engine.toLowerCase().replace(/^custom-/, "");
  if (e === "aurora") return "rds_aurora_mysql";
  if (e.startsWith("oracle")) return "rds_oracle";
  if (e.startsWith("sqlserver")) return "rds_sqlserver";
  if (e.startsWith("db2")) return "rds_db2";
  return `rds_${e.replace(/[^a-z0-9]+/g, "_")}`;
}

/** The `Name` tag when set, else the resource's own name, else its id. */
export function displayName(tags: Record<string, string>, ...fallbacks: (string | undefined)[]): string {
  const tagged = tags.Name?.trim();
  if (tagged) return tagged;
  for (const f of fallbacks) if (f) return f;
  return "";
}

export function isoDate(value: Date | string | undefined): string | null {
  if (value === undefined) return null;
  const date = value instanceof Date ? value : new Date(value);
  return Number.isNaN(date.getTime()) ? null : date.toISOString();
}

/** The SDK's objects hold Dates, byte arrays and undefined members; the database wants JSON. */
export function toJsonSafe(value: unknown): unknown {
  if (value === null || typeof value === "string" || typeof value === "boolean") return value;
  if (typeof value === "number") return Number.isFinite(value) ? value : null;
  if (typeof value === "bigint") return value.toString();
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? null : value.toISOString();
  if (value instanceof Uint8Array) return Buffer.from(value).toString("base64");
  if (Array.isArray(value)) return value.map((v) => toJsonSafe(v) ?? null);
  if (typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      if (k === "$metadata") continue;
      const safe = toJsonSafe(v);
      if (safe !== undefined) out[k] = safe;
    }
    return out;
  }
  return undefined;
}

export function configurationOf(item: object): Record<string, unknown> {
  return toJsonSafe(item) as Record<string, unknown>;
}
