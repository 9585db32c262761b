import { MalformedItemError } from "../errors.ts";
import type { ResourceStatus, SizeCategory } from "../types.ts";

/** Shared pure pieces of the DigitalOcean kinds: tags, statuses, sizes, field access. */

export type DoRaw = Record<string, unknown>;

export function malformed(account: string, itemId: string | null, reason: string): MalformedItemError {
  return new MalformedItemError("digitalocean", account, itemId, reason);
}

export function str(raw: DoRaw, key: string): string | undefined {
  const v = raw[key];
  return typeof v === "string" && v !== "" ? v : undefined;
}

export function num(raw: DoRaw, key: string): number | undefined {
  const v = raw[key];
  return typeof v === "number" && Number.isFinite(v) ? v : undefined;
}

/** A nested object, or undefined. */
export function obj(raw: DoRaw, key: string): DoRaw | undefined {
  const v = raw[key];
  return typeof v === "object" && v !== null && !Array.isArray(v) ? (v as DoRaw) : undefined;
}

/** Ids in an array field (`volume_ids`, `droplet_ids`), as strings, whatever the API's number or string form. */
export function ids(raw: DoRaw, key: string): string[] {
  const v = raw[key];
  if (!Array.isArray(v)) return [];
  return v.filter((x) => typeof x === "string" || typeof x === "number").map(String);
}

/**
 * DigitalOcean tags are flat strings (`env:prod`, `wedding-critical`); the worker reads
 * `environment`/`env` and `wedding-critical` from a key → value map, as for the big three. So a
 * tag with a colon is split at its first colon (`env:prod` → env = prod); a bare tag says its
 * key holds (`wedding-critical` → wedding-critical = "true"). When two tags give the same key,
 * the later one in the API's list wins.
 */
export function tagsFromDo(tags: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (!Array.isArray(tags)) return out;
  for (const tag of tags) {
    if (typeof tag !== "string" || tag === "") continue;
    const i = tag.indexOf(":");
    if (i < 0) out[tag] = "true";
    else out[tag.slice(0, i)] = tag.slice(i + 1);
  }
  return out;
}

/** The region slug of an item: a `region` object (`{slug, name}`) on droplets, volumes, LBs; a plain slug on databases, VPCs, clusters. */
export function regionSlug(raw: DoRaw): string | undefined {
  const r = raw.region;
  if (typeof r === "string" && r !== "") return r;
  const o = obj(raw, "region");
  return o ? str(o, "slug") : undefined;
}

export function lookup(table: Readonly<Record<string, ResourceStatus>>, value: string | undefined): ResourceStatus | undefined {
  return value !== undefined && Object.hasOwn(table, value) ? table[value] : undefined;
}

/** Droplet `status`: new, active, off, archive (API reference). */
export const dropletStatuses: Readonly<Record<string, ResourceStatus>> = { new: "provisioning", active: "running", off: "stopped", archive: "terminated" };
/** Managed database cluster `status`. A resize or migration keeps serving. */
export const databaseStatuses: Readonly<Record<string, ResourceStatus>> = {
  creating: "provisioning",
  online: "running",
  resizing: "running",
  migrating: "running",
  forking: "provisioning",
};
/** Firewall `status`: whether its rules are applied. */
export const firewallStatuses: Readonly<Record<string, ResourceStatus>> = { waiting: "provisioning", succeeded: "running", failed: "error" };
/** Load balancer `status`. */
export const loadBalancerStatuses: Readonly<Record<string, ResourceStatus>> = { new: "provisioning", active: "running", errored: "error" };
/**
 * Kubernetes cluster `status.state`. `degraded` (some component unhealthy) is an error: the
 * cluster may not run what it should. An upgrade keeps serving.
 */
export const kubernetesStatuses: Readonly<Record<string, ResourceStatus>> = {
  running: "running",
  provisioning: "provisioning",
  degraded: "error",
  error: "error",
  invalid: "error",
  upgrading: "running",
  deleting: "stopping",
  deleted: "terminated",
};

/**
 * A droplet on the t-shirt scale by memory, its binding constraint for most workloads:
 * ≤512 MiB nano, ≤1 GiB micro, ≤4 GiB small, ≤16 GiB medium, ≤64 GiB large, above xlarge.
 */
export function memorySizeCategory(memoryMiB: number | undefined): SizeCategory {
  if (memoryMiB === undefined || memoryMiB <= 0) return "custom";
  if (memoryMiB <= 512) return "nano";
  if (memoryMiB <= 1024) return "micro";
  if (memoryMiB <= 4096) return "small";
  if (memoryMiB <= 16384) return "medium";
  if (memoryMiB <= 65536) return "large";
  return "xlarge";
}

/** Volume size in GiB on the scale AWS's volumes use (≤8 nano … >2048 xlarge). */
export function volumeSizeCategory(gib: number | undefined): SizeCategory {
  if (gib === undefined || gib <= 0) return "custom";
  if (gib <= 8) return "nano";
  if (gib <= 32) return "micro";
  if (gib <= 128) return "small";
  if (gib <= 512) return "medium";
  if (gib <= 2048) return "large";
  return "xlarge";
}

/**
 * A size slug's memory (`s-2vcpu-4gb` → 4096, `db-s-1vcpu-1gb` → 1024, `s-1vcpu-512mb-10gb` →
 * 512), for kinds whose API names a slug only (databases, node pools); the first `<n>gb`/`<n>mb`
 * after the vCPU count is the memory.
 */
export function memoryOfSlug(slug: string | undefined): number | undefined {
  if (!slug) return undefined;
  const m = /(?:^|-)(\d+)(gb|mb)(?:-|$)/.exec(slug.replace(/^(db-|gd-|so1_5-|m-|c-|g-)/, ""));
  if (!m) return undefined;
  return Number(m[1]) * (m[2] === "gb" ? 1024 : 1);
}

/** Load balancer `size_unit` (1–100 nodes, each 10k connections) on the scale: 1 small, 2–3 medium, 4–10 large, more xlarge. */
export function loadBalancerSizeCategory(units: number | undefined): SizeCategory {
  if (units === undefined || units <= 0) return "custom";
  if (units <= 1) return "small";
  if (units <= 3) return "medium";
  if (units <= 10) return "large";
  return "xlarge";
}

/** The configuration kept for a row: the wire item as the API sent it (already plain JSON). */
export function configurationOf(raw: DoRaw): Record<string, unknown> {
  return { ...raw };
}
