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

/** vCPUs of a Kubernetes-style CPU quantity (`1`, `2`, `0.5`, `1000m`), or null when unreadable. */
export function cpuCount(cpu: string | null | undefined): number | null {
  const match = /^(\d+(?:\.\d+)?)(m?)$/.exec(cpu ?? "");
  if (!match) return null;
  return Number(match[1]) / (match[2] === "m" ? 1000 : 1);
}

const sizeOrder = ["nano", "micro", "small", "medium", "large", "xlarge"] as const;

/**
 * A Cloud Run instance's size, from what its containers may use together (their
 * `resources.limits`, summed over the main container and its sidecars; a container without a
 * limit gets Cloud Run's default, 1 vCPU and 512 MiB), as the larger of two readings:
 *
 * | vCPU per instance | size   |   | memory per instance | size   |
 * | ----------------- | ------ | - | ------------------- | ------ |
 * | < 1               | micro  |   | ≤ 256 MiB           | micro  |
 * | 1                 | small  |   | ≤ 512 MiB           | small  |
 * | 2                 | medium |   | ≤ 2 GiB             | medium |
 * | 3–4               | large  |   | ≤ 8 GiB             | large  |
 * | more than 4       | xlarge |   | more                | xlarge |
 *
 * (the memory column is `memorySize`). A limit that cannot be read makes it `custom`, as does
 * a service without containers.
 */
export function cloudRunSize(containers: readonly { cpu?: string | null; memory?: string | null }[]): SizeCategory {
  if (containers.length === 0) return "custom";
  let cpu = 0;
  let mib = 0;
  for (const c of containers) {
    const vcpu = c.cpu ? cpuCount(c.cpu) : 1;
    const memory = c.memory ? memoryMiB(c.memory) : 512;
    if (vcpu === null || memory === null) return "custom";
    cpu += vcpu;
    mib += memory;
  }
  const byCpu: SizeCategory = cpu < 1 ? "micro" : cpu <= 1 ? "small" : cpu <= 2 ? "medium" : cpu <= 4 ? "large" : "xlarge";
  const byMemory = memorySize(`${mib}Mi`);
  const rank = (s: SizeCategory) => sizeOrder.indexOf(s as (typeof sizeOrder)[number]);
  return rank(byMemory) > rank(byCpu) ? byMemory : byCpu;
}
