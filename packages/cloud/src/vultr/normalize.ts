/**
 * Pure translations from Vultr's vocabulary to cloudsync's (docs/coverage.md, "Vultr").
 * No I/O, table-tested in test/vultr-normalize.test.ts.
 */
import { MalformedItemError } from "../errors.ts";
import type { ResourceStatus, SizeCategory } from "../types.ts";

/**
 * Vultr tags are plain strings. `key:value` (or `key=value`) becomes `{ key: value }`, split at
 * the first separator; a bare word is a flag and becomes `{ word: "true" }`, so a tag
 * `wedding-critical` marks the resource wedding-critical exactly as a `wedding-critical: true`
 * tag does on the big three; `env:prod` sets the environment. Blank tags are dropped; of two
 * tags with the same key the last wins.
 */
export function tagsFromVultr(tags: readonly unknown[] | string | null | undefined): Record<string, string> {
  const list = typeof tags === "string" ? [tags] : (tags ?? []);
  const out: Record<string, string> = {};
  for (const raw of list) {
    if (typeof raw !== "string") continue;
    const tag = raw.trim();
    if (!tag) continue;
    const at = tag.search(/[:=]/);
    if (at <= 0) out[tag] = "true";
    else out[tag.slice(0, at).trim()] = tag.slice(at + 1).trim();
  }
  return out;
}

/**
 * Instances and bare metal: `status` says whether the subscription is usable, `power_status`
 * whether it runs. pending → provisioning; resizing → provisioning; suspended (billing or abuse
 * hold) → stopped; closed → terminated; active → stopped when powered off, else running.
 */
export function serverStatus(status: string | null | undefined, power: string | null | undefined): ResourceStatus {
  switch (status) {
    case "pending":
    case "resizing":
      return "provisioning";
    case "suspended":
      return "stopped";
    case "closed":
      return "terminated";
    case "active":
      return power === "stopped" ? "stopped" : "running";
    default:
      return "error";
  }
}

/** Managed databases: Running; Rebuilding/Rebalancing/Configuring are changes in progress. */
export function databaseStatus(status: string | null | undefined): ResourceStatus {
  if (status === "Running") return "running";
  if (status === "Rebuilding" || status === "Rebalancing" || status === "Configuring") return "provisioning";
  return "error";
}

/** Subscriptions with a plain `active`/`pending` state (block and object storage, LBs, VKE). */
export function subscriptionStatus(status: string | null | undefined): ResourceStatus {
  if (status === "active") return "running";
  if (status === "pending") return "provisioning";
  return "error";
}

/**
 * CPUs and memory → size, on the same scale as GCP's vCPU rule: 1 vCPU with under 1 GB → nano,
 * with 1 GB → micro, more → small; 2 → medium; 3–7 → large; 8 or more → xlarge; unknown → custom.
 */
export function cpuSize(vcpus: number | null | undefined, ramMb?: number | null): SizeCategory {
  if (!vcpus || !Number.isFinite(vcpus) || vcpus < 1) return "custom";
  if (vcpus === 1) {
    if (ramMb !== undefined && ramMb !== null && ramMb < 1024) return "nano";
    if (ramMb === 1024) return "micro";
    return "small";
  }
  if (vcpus === 2) return "medium";
  if (vcpus < 8) return "large";
  return "xlarge";
}

/** Block storage by GB: under 100 small, under 500 medium, under 2,000 large, else xlarge. */
export function volumeSize(sizeGb: number | null | undefined): SizeCategory {
  if (!sizeGb || !Number.isFinite(sizeGb)) return "custom";
  if (sizeGb < 100) return "small";
  if (sizeGb < 500) return "medium";
  if (sizeGb < 2000) return "large";
  return "xlarge";
}

/** Nodes of a VKE cluster or a load balancer: 1 small, 2–3 medium, 4–9 large, 10 or more xlarge. */
export function nodeCountSize(nodes: number | null | undefined): SizeCategory {
  if (!nodes || !Number.isFinite(nodes) || nodes < 1) return "custom";
  if (nodes === 1) return "small";
  if (nodes <= 3) return "medium";
  if (nodes <= 9) return "large";
  return "xlarge";
}

/**
 * `2024-01-31T14:00:00+00:00` → ISO 8601 in UTC; null when absent or unparseable. Managed
 * databases write `2022-05-09 10:13:31`, without a zone: that is UTC too (Date.parse would
 * read it as the worker's local time).
 */
export function createdAt(value: unknown): string | null {
  if (typeof value !== "string" || !value) return null;
  const zoneless = /^(\d{4}-\d{2}-\d{2})[ T](\d{2}:\d{2}:\d{2})$/.exec(value);
  const t = Date.parse(zoneless ? `${zoneless[1]}T${zoneless[2]}Z` : value);
  return Number.isNaN(t) ? null : new Date(t).toISOString();
}

/** The id every Vultr object carries; an item without one cannot be tracked. */
export function requireId(raw: { id?: unknown }, account: string, label: unknown): string {
  if (typeof raw.id === "string" && raw.id) return raw.id;
  if (typeof raw.id === "number") return String(raw.id);
  throw new MalformedItemError("vultr", account, typeof label === "string" ? label : null, "item without id");
}

/** A Vultr region id (`ewr`), required for regional kinds. */
export function requireRegion(region: unknown, account: string, id: string): string {
  if (typeof region === "string" && /^[a-z]{3,4}$/.test(region)) return region;
  throw new MalformedItemError("vultr", account, id, `item without a region id (got ${JSON.stringify(region ?? null)})`);
}
