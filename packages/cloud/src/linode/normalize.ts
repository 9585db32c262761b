/**
 * Pure translations from Linode's vocabulary to cloudsync's. No I/O, table-tested
 * (test/linode-normalize.test.ts); the rules are written down in docs/coverage.md ("Linode").
 */
import { MalformedItemError } from "../errors.ts";
import type { ResourceStatus, SizeCategory } from "../types.ts";

/**
 * Linode ids are integers counted per product (Linode 123 and Volume 123 can both exist), so a
 * resource id is the API's entity type and its id: `linode/123`, `volume/123`. Objects without
 * a numeric id are named by what identifies them: `bucket/<region>/<label>`, `ip/<address>`.
 */
export function linodeResourceId(entityType: string, id: number | string): string {
  return `${entityType}/${id}`;
}

/**
 * Linode tags are plain strings. `key:value` and `key=value` (split at the first separator)
 * become that pair, so `env:prod` says `environment` as an AWS tag `env=prod` would; a bare tag
 * becomes `<tag>: "true"`, so a tag `wedding-critical` marks the resource critical. Blank tags
 * are dropped; of two values for one key the last wins, as Linode lists them.
 */
export function linodeTags(tags: readonly unknown[] | null | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const tag of tags ?? []) {
    if (typeof tag !== "string" || !tag.trim()) continue;
    const at = tag.search(/[:=]/);
    if (at > 0) out[tag.slice(0, at).trim()] = tag.slice(at + 1).trim();
    else out[tag.trim()] = "true";
  }
  return out;
}

const instanceStates: Record<string, ResourceStatus> = {
  provisioning: "provisioning",
  booting: "starting",
  rebooting: "starting",
  running: "running",
  shutting_down: "stopping",
  offline: "stopped",
  stopped: "stopped",
  deleting: "stopping",
  // Busy with an operation the owner started; the Linode is not serving meanwhile.
  cloning: "provisioning",
  migrating: "provisioning",
  rebuilding: "provisioning",
  restoring: "provisioning",
  resizing: "provisioning",
};

const volumeStates: Record<string, ResourceStatus> = {
  creating: "provisioning",
  active: "running",
  resizing: "provisioning",
  key_rotating: "running",
  // Linode's own word for "something is wrong, open a ticket".
  contact_support: "error",
};

const databaseStates: Record<string, ResourceStatus> = {
  provisioning: "provisioning",
  active: "running",
  suspending: "stopping",
  suspended: "stopped",
  resuming: "starting",
  restoring: "provisioning",
  failed: "error",
  degraded: "error",
  updating: "running",
  migrating: "running",
  migrated: "running",
  resizing: "running",
  backing_up: "running",
};

const clusterStates: Record<string, ResourceStatus> = { ready: "running", not_ready: "provisioning" };

const firewallStates: Record<string, ResourceStatus> = { enabled: "running", disabled: "stopped", deleted: "terminated" };

const tables = { instance: instanceStates, volume: volumeStates, database: databaseStates, cluster: clusterStates, firewall: firewallStates };

/** A product's status word → ours; null when Linode says something we do not know (the item is then skipped). */
export function linodeStatus(product: keyof typeof tables, status: unknown): ResourceStatus | null {
  return typeof status === "string" ? (tables[product][status] ?? null) : null;
}

/**
 * A Linode's size from its memory (`specs.memory`, MB), Linode's own plan ladder: Nanode 1 GB →
 * nano, 2 GB → micro, 4 GB → small, 8 GB → medium, 16–32 GB → large, more → xlarge. Missing or
 * not a number → custom.
 */
export function memorySize(memoryMb: unknown): SizeCategory {
  const mb = typeof memoryMb === "number" ? memoryMb : Number.NaN;
  if (!Number.isFinite(mb) || mb <= 0) return "custom";
  if (mb <= 1024) return "nano";
  if (mb <= 2048) return "micro";
  if (mb <= 4096) return "small";
  if (mb <= 8192) return "medium";
  if (mb <= 32768) return "large";
  return "xlarge";
}

/**
 * A plan id's size where only the id is given (a database's `type`): `g6-nanode-1` → nano;
 * otherwise the trailing number of `g6-standard-N` / `g6-dedicated-N` / `g7-highmem-N`, which
 * is the plan's vCPU count: 1 → micro, 2 → small, 4 → medium, ≤ 16 → large, more → xlarge;
 * anything else → custom.
 */
export function planSize(planId: unknown): SizeCategory {
  if (typeof planId !== "string") return "custom";
  if (/-nanode-\d+$/.test(planId)) return "nano";
  const match = /^g\d+-[a-z-]+-(\d+)$/.exec(planId);
  if (!match) return "custom";
  const n = Number(match[1]);
  if (n <= 1) return "micro";
  if (n <= 2) return "small";
  if (n <= 4) return "medium";
  if (n <= 16) return "large";
  return "xlarge";
}

/**
 * Stored bytes or GB → size: ≤10 GB micro, ≤100 small, ≤500 medium, ≤2048 large, more xlarge
 * (the GCP disk ladder, so volumes compare across clouds); unknown → small.
 */
export function gbSize(gb: unknown): SizeCategory {
  const n = typeof gb === "number" ? gb : Number.NaN;
  if (!Number.isFinite(n) || n < 0) return "small";
  if (n <= 10) return "micro";
  if (n <= 100) return "small";
  if (n <= 500) return "medium";
  if (n <= 2048) return "large";
  return "xlarge";
}

/** Linode's timestamps (`2018-01-01T00:01:01`) are UTC without a zone; ISO 8601 with `Z`, or null. */
export function linodeTime(value: unknown): string | null {
  if (typeof value !== "string" || !value) return null;
  const withZone = /(Z|[+-]\d{2}:?\d{2})$/.test(value) ? value : `${value}Z`;
  const ms = Date.parse(withZone);
  return Number.isNaN(ms) ? null : new Date(ms).toISOString();
}

/** The raw item as a JSON-safe record, for `configuration`. */
export function configurationOf(raw: object): Record<string, unknown> {
  return JSON.parse(JSON.stringify(raw)) as Record<string, unknown>;
}

export function malformed(account: string, itemId: string | null, reason: string): MalformedItemError {
  return new MalformedItemError("linode", account, itemId, reason);
}

/**
 * The numeric id every Linode object carries, or a MalformedItemError naming the product. Its
 * item id is null (unidentified): a label is not an id, and only a null tells the writer that
 * it cannot know which resource was skipped, so the scope then terminates nothing.
 */
export function requireId(raw: { id?: unknown; label?: unknown }, account: string, product: string): number {
  if (typeof raw.id !== "number" || !Number.isInteger(raw.id)) {
    throw malformed(account, null, `${product}${typeof raw.label === "string" ? ` ${JSON.stringify(raw.label)}` : ""} without a numeric id`);
  }
  return raw.id;
}
