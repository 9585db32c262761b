import type { CloudName } from "../types.ts";
import {
  azureVmSizes,
  ec2InstanceTypes,
  gcpMachineTypes,
  HOURS_PER_MONTH,
  rdsInstanceClasses,
  type SizeSpec,
  volumeTypes,
} from "./size-table.ts";

/**
 * What a resource's size is, read from its configuration (the raw item the cloud returned):
 * the fields a resize changes, and what the size table says of them. Only the fields that apply
 * are present, so two sizings compare by value.
 */
export interface ResourceSizing {
  /** Instance type, DB class, VM size, machine type (for a group: its members'). */
  size?: string;
  vcpus?: number;
  memoryGib?: number;
  /** A disk's or a database's allocated storage. */
  storageGib?: number;
  volumeType?: string;
  /** How many members a group (Auto Scaling group, scale set, managed instance group) asks for. */
  desiredCapacity?: number;
  /** List price per month of the whole resource (all members of a group), when the table knows it. */
  monthlyUsd?: number;
}

/**
 * The configuration keys (top level) a sizing is read from. The worker asks the database for
 * the old values of these keys only, when one of them changed.
 */
export const sizingConfigurationKeys = [
  // AWS: EC2, RDS, EBS, Auto Scaling groups
  "InstanceType",
  "DBInstanceClass",
  "AllocatedStorage",
  "StorageType",
  "Size",
  "VolumeType",
  "DesiredCapacity",
  "Instances",
  // Azure: a VM's size arrives with its status; a scale set's in its SKU
  "vmStatus",
  "sku",
  // GCP: instances, disks, managed instance groups
  "machineType",
  "sizeGb",
  "type",
  "targetSize",
] as const;

const num = (v: unknown): number | undefined => {
  const n = typeof v === "string" && v.trim() !== "" ? Number(v) : v;
  return typeof n === "number" && Number.isFinite(n) ? n : undefined;
};
const text = (v: unknown): string | undefined => (typeof v === "string" && v.trim() ? v.trim() : undefined);
const record = (v: unknown): Record<string, unknown> | undefined =>
  v && typeof v === "object" && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
/** The last path segment of a GCP URL (`…/machineTypes/e2-medium` → `e2-medium`). */
const lastSegment = (v: unknown): string | undefined => text(v)?.split("/").pop();

function compute(size: string | undefined, table: Readonly<Record<string, SizeSpec>>, key = size): ResourceSizing {
  if (!size) return {};
  const s = key ? table[key] : undefined;
  return s ? { size, vcpus: s.vcpus, memoryGib: s.memoryGib, monthlyUsd: round(s.hourlyUsd * HOURS_PER_MONTH) } : { size };
}

function disk(storageGib: number | undefined, volumeType: string | undefined): ResourceSizing {
  const price = volumeType ? volumeTypes[volumeType] : undefined;
  return {
    ...(storageGib !== undefined ? { storageGib } : {}),
    ...(volumeType ? { volumeType } : {}),
    ...(price && storageGib !== undefined ? { monthlyUsd: round(price.gibMonthUsd * storageGib) } : {}),
  };
}

/** A group: its desired capacity, its members' size, and the price of all of them. */
function group(desiredCapacity: number, member: ResourceSizing): ResourceSizing {
  const { monthlyUsd, ...rest } = member;
  return { ...rest, desiredCapacity, ...(monthlyUsd !== undefined ? { monthlyUsd: round(monthlyUsd * desiredCapacity) } : {}) };
}

/** The instance type most members of an Auto Scaling group run (the first on a tie). */
function dominantInstanceType(instances: unknown): string | undefined {
  if (!Array.isArray(instances)) return undefined;
  const counts = new Map<string, number>();
  for (const i of instances) {
    const type = text(record(i)?.InstanceType);
    if (type) counts.set(type, (counts.get(type) ?? 0) + 1);
  }
  let best: string | undefined;
  for (const [type, n] of counts) if (best === undefined || n > (counts.get(best) as number)) best = type;
  return best;
}

/**
 * The sizing a configuration describes, or null when it has no size this knows how to read.
 * Read by field, not by kind, so a kind added later (an Auto Scaling group with its
 * `DesiredCapacity`) is covered as soon as its configuration carries the field.
 */
export function sizingOf(cloud: CloudName, configuration: Record<string, unknown>): ResourceSizing | null {
  const c = configuration;
  let sizing: ResourceSizing = {};
  if (cloud === "aws") {
    const desired = num(c.DesiredCapacity);
    if (desired !== undefined) sizing = group(desired, compute(dominantInstanceType(c.Instances), ec2InstanceTypes));
    else if (text(c.InstanceType)) sizing = compute(text(c.InstanceType), ec2InstanceTypes);
    else if (text(c.DBInstanceClass)) {
      const db = compute(text(c.DBInstanceClass), rdsInstanceClasses);
      const storage = disk(num(c.AllocatedStorage), text(c.StorageType));
      sizing = { ...db, ...storage, ...(db.monthlyUsd !== undefined ? { monthlyUsd: round(db.monthlyUsd + (storage.monthlyUsd ?? 0)) } : {}) };
    } else if (text(c.VolumeId) || text(c.VolumeType)) sizing = disk(num(c.Size), text(c.VolumeType));
  } else if (cloud === "azure") {
    const sku = record(c.sku);
    const capacity = num(sku?.capacity);
    const vmSize = text(record(c.vmStatus)?.vmSize);
    if (capacity !== undefined) sizing = group(capacity, compute(text(sku?.name), azureVmSizes, text(sku?.name)?.toLowerCase()));
    else if (vmSize) sizing = compute(vmSize, azureVmSizes, vmSize.toLowerCase());
  } else if (cloud === "gcp") {
    const target = num(c.targetSize);
    if (target !== undefined) sizing = { desiredCapacity: target };
    else if (text(c.machineType)) sizing = compute(lastSegment(c.machineType), gcpMachineTypes);
    else if (c.sizeGb !== undefined) sizing = disk(num(c.sizeGb), lastSegment(c.type));
  }
  return Object.keys(sizing).length > 0 ? sizing : null;
}

function round(n: number): number {
  return Math.round(n * 100) / 100;
}
