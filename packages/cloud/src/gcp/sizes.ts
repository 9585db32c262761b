/**
 * Size categories of the GCP kinds that have no machine type or disk size (see
 * docs/coverage.md, `## GCP`). Pure and table-tested.
 */
import type { SizeCategory } from "../types.ts";

/**
 * How many machines a group or cluster runs (a managed instance group's target size, a GKE
 * cluster's node count), and how many backends a backend service spreads traffic over:
 *
 * | count  | size   |
 * | ------ | ------ |
 * | 0      | nano   |
 * | 1–2    | small  |
 * | 3–9    | medium |
 * | 10–49  | large  |
 * | 50+    | xlarge |
 *
 * An unknown count is `custom`.
 */
export function countSize(count: number | string | null | undefined): SizeCategory {
  const n = typeof count === "string" && count !== "" ? Number(count) : count;
  if (typeof n !== "number" || !Number.isInteger(n) || n < 0) return "custom";
  if (n === 0) return "nano";
  if (n <= 2) return "small";
  if (n <= 9) return "medium";
  if (n <= 49) return "large";
  return "xlarge";
}

/**
 * Memory given to each instance of a serverless function or service (`256M`, `512Mi`, `2Gi`,
 * Kubernetes notation: M and G are powers of 1000, Mi and Gi of 1024), in MiB:
 *
 * | memory          | size   |
 * | --------------- | ------ |
 * | ≤ 256 MiB       | micro  |
 * | ≤ 512 MiB       | small  |
 * | ≤ 2 GiB         | medium |
 * | ≤ 8 GiB         | large  |
 * | more            | xlarge |
 *
 * Anything unreadable is `custom`.
 */
export function memorySize(memory: string | null | undefined): SizeCategory {
  const mib = memoryMiB(memory);
  if (mib === null) return "custom";
  if (mib <= 256) return "micro";
  if (mib <= 512) return "small";
  if (mib <= 2048) return "medium";
  if (mib <= 8192) return "large";
  return "xlarge";
}

const units: Record<string, number> = {
  "": 1 / (1024 * 1024),
  k: 1000 / (1024 * 1024),
  Ki: 1 / 1024,
  M: 1_000_000 / (1024 * 1024),
  Mi: 1,
  G: 1_000_000_000 / (1024 * 1024),
  Gi: 1024,
};

export function memoryMiB(memory: string | null | undefined): number | null {
  const match = /^(\d+(?:\.\d+)?)(|k|Ki|M|Mi|G|Gi)$/.exec(memory ?? "");
  if (!match) return null;
  return Number(match[1]) * (units[match[2] as string] as number);
}

/**
 * Cloud SQL tier → size category, by vCPUs as for VMs: shared-core `db-f1-micro` → micro,
 * `db-g1-small` → small; `db-custom-N-MB` and `db-<family>-<class>-N` (db-n1-standard-4,
 * db-perf-optimized-N-8) by N: 1 → small, 2 → medium, 3–7 → large, 8 or more → xlarge;
 * anything else → custom.
 */
export function sqlTierSize(tier: string | null | undefined): SizeCategory {
  const t = tier ?? "";
  if (t.endsWith("-micro")) return "micro";
  if (t.endsWith("-small")) return "small";
  const match = /^db-custom-(\d+)-\d+$/.exec(t) ?? /^db-[a-z0-9]+-[a-z-]+-(\d+)$/i.exec(t);
  if (!match) return "custom";
  const vcpus = Number(match[1]);
  if (vcpus <= 1) return "small";
  if (vcpus <= 2) return "medium";
  if (vcpus < 8) return "large";
  return "xlarge";
}
