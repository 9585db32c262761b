/**
 * Pure translations from Compute Engine's vocabulary to cloudsync's. No I/O, table-tested.
 */
import type { ResourceStatus, SizeCategory } from "../types.ts";

/** Instance states (GCP TERMINATED means "stopped", not deleted: the VM can be started again). */
const instanceStates: Record<string, ResourceStatus> = {
  PROVISIONING: "provisioning",
  STAGING: "provisioning",
  RUNNING: "running",
  STOPPING: "stopping",
  SUSPENDING: "stopping",
  SUSPENDED: "stopped",
  TERMINATED: "stopped",
  REPAIRING: "error",
};

const diskStates: Record<string, ResourceStatus> = {
  CREATING: "provisioning",
  RESTORING: "provisioning",
  READY: "running",
  FAILED: "error",
  DELETING: "stopping",
  // UNAVAILABLE: a regional disk lost a replica; it still serves but needs attention.
  UNAVAILABLE: "error",
};

export function instanceStatus(state: string | null | undefined): ResourceStatus | null {
  return state ? (instanceStates[state] ?? null) : null;
}

export function diskStatus(state: string | null | undefined): ResourceStatus | null {
  return state ? (diskStates[state] ?? null) : null;
}

/** The last path segment of a Compute URL (`…/machineTypes/e2-medium` → `e2-medium`). */
export function lastSegment(urlOrName: string | null | undefined): string {
  if (!urlOrName) return "";
  const parts = urlOrName.split("/");
  return parts[parts.length - 1] ?? "";
}

/** `…/zones/us-central1-a` or `us-central1-a` → `us-central1`. */
export function zoneToRegion(zoneUrlOrName: string | null | undefined): string | null {
  const zone = lastSegment(zoneUrlOrName);
  const match = /^([a-z]+(?:-[a-z]+)*\d+)-[a-z]$/.exec(zone);
  return match?.[1] ?? null;
}

/** `…/regions/europe-west1` → `europe-west1`. */
export function regionFromUrl(regionUrl: string | null | undefined): string | null {
  const region = lastSegment(regionUrl);
  return /^[a-z]+(?:-[a-z]+)*\d+$/.test(region) ? region : null;
}

/** Aggregated-list keys: `zones/us-east1-b` or `regions/us-east1` → `us-east1`. */
export function regionFromScopeKey(key: string): string | null {
  if (key.startsWith("zones/")) return zoneToRegion(key);
  if (key.startsWith("regions/")) return regionFromUrl(key);
  return null;
}

/**
 * Machine type → size category. The rule:
 * - shared-core `*-micro` (e2-micro, f1-micro) → micro; `*-small` (e2-small, g1-small) → small;
 *   `e2-medium` → medium;
 * - custom machine types (`custom-6-23040`, `n2-custom-8-16384`) → custom;
 * - otherwise the trailing vCPU count of `family-class-N`: 1 → small, 2 → medium, 3–7 → large,
 *   8 or more → xlarge;
 * - anything we cannot place on that scale (e.g. `a2-highgpu-1g`) → custom.
 * GCP has no machine type small enough for `nano`.
 */
export function machineTypeSize(machineTypeUrl: string | null | undefined): SizeCategory {
  const type = lastSegment(machineTypeUrl);
  if (/(^|-)custom-/.test(type)) return "custom";
  if (type.endsWith("-micro")) return "micro";
  if (type.endsWith("-small")) return "small";
  if (type.endsWith("-medium")) return "medium";
  const match = /^[a-z0-9]+-[a-z]+(?:-[a-z]+)?-(\d+)$/.exec(type);
  if (!match) return "custom";
  const vcpus = Number(match[1]);
  if (vcpus <= 1) return "small";
  if (vcpus <= 2) return "medium";
  if (vcpus < 8) return "large";
  return "xlarge";
}

/**
 * Disk size (GB, an int64 that arrives as a string) → size category:
 * ≤10 micro, ≤100 small, ≤500 medium, ≤2048 large, more → xlarge; unknown → small.
 */
export function diskSize(sizeGb: string | number | null | undefined): SizeCategory {
  const gb = Number(sizeGb);
  if (sizeGb === null || sizeGb === undefined || sizeGb === "" || !Number.isFinite(gb)) return "small";
  if (gb <= 10) return "micro";
  if (gb <= 100) return "small";
  if (gb <= 500) return "medium";
  if (gb <= 2048) return "large";
  return "xlarge";
}

/** GCP labels are already a flat string map; this only drops what is not a string pair. */
export function labelsToTags(labels: unknown): Record<string, string> {
  const tags: Record<string, string> = {};
  if (!labels || typeof labels !== "object") return tags;
  for (const [key, value] of Object.entries(labels as Record<string, unknown>)) {
    if (typeof value === "string") tags[key] = value;
    else if (typeof value === "number" || typeof value === "boolean") tags[key] = String(value);
  }
  return tags;
}

/** `2023-04-12T08:15:30.123-07:00` → `2023-04-12T15:15:30.123Z`; null when absent or unparsable. */
export function creationTimestampToIso(timestamp: unknown): string | null {
  if (typeof timestamp !== "string" || timestamp === "") return null;
  const ms = Date.parse(timestamp);
  return Number.isNaN(ms) ? null : new Date(ms).toISOString();
}

/**
 * The SDK's object as plain JSON. The REST transport decodes through protobuf, which adds
 * `_field: "field"` markers for proto3 optional fields; they are not part of the API, so they go.
 */
export function toConfiguration(item: object): Record<string, unknown> {
  return jsonSafe(item) as Record<string, unknown>;
}

function jsonSafe(value: unknown): unknown {
  if (value === null || typeof value === "string" || typeof value === "boolean") return value;
  if (typeof value === "number") return Number.isFinite(value) ? value : String(value);
  if (typeof value === "bigint") return value.toString();
  if (Array.isArray(value)) return value.map(jsonSafe);
  if (value instanceof Uint8Array) return Buffer.from(value).toString("base64");
  if (typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const [key, v] of Object.entries(value as Record<string, unknown>)) {
      if (v === undefined || typeof v === "function") continue;
      if (key.startsWith("_") && v === key.slice(1)) continue;
      out[key] = jsonSafe(v);
    }
    return out;
  }
  return null;
}

/** Reads a string field of a decoded item, treating protobuf's empty defaults as absent. */
export function str(item: Record<string, unknown>, field: string): string | null {
  const value = item[field];
  if (typeof value === "string" && value !== "") return value;
  if (typeof value === "number" || typeof value === "bigint") return String(value);
  return null;
}
