/**
 * Memory of Azure VM sizes, for turning Azure Monitor's `Available Memory Bytes` into a
 * utilization. Azure Monitor does not report a VM's total memory, so it comes from the size:
 * the explicit table below, then the regular families (memory per vCPU is fixed within them).
 * A size neither knows gives null, and the sample carries no memory_utilization (absent, not guessed).
 */
const GiB = 1024 ** 3;

/** Sizes whose memory does not follow a family rule (GiB). */
const explicitGiB: Readonly<Record<string, number>> = {
  standard_a0: 0.75,
  standard_a1_v2: 2,
  standard_a2_v2: 4,
  standard_a4_v2: 8,
  standard_a8_v2: 16,
  standard_b1ls: 0.5,
  standard_b1s: 1,
  standard_b1ms: 2,
  standard_b2s: 4,
  standard_b2ms: 8,
  standard_b4ms: 16,
  standard_b8ms: 32,
  standard_b12ms: 48,
  standard_b16ms: 64,
  standard_b20ms: 80,
  standard_nc6s_v3: 112,
  standard_nc12s_v3: 224,
  standard_nc24s_v3: 448,
  standard_m128ms: 3892,
  standard_m128s: 2048,
  standard_m64ms: 1792,
  standard_m64s: 1024,
};

/**
 * Families with a fixed GiB per vCPU, by family letter and generation. The vCPU count is the
 * size's full number (a constrained `E4-2s_v5` has the memory of an `E4s_v5`); `maxVcpus` stops
 * the rule where the family's largest sizes break the ratio.
 */
const familyRules: readonly { family: string; versions: readonly string[]; gibPerVcpu: number; maxVcpus: number; lowMemory?: boolean }[] = [
  { family: "D", versions: ["3", "4", "5"], gibPerVcpu: 4, maxVcpus: 96 },
  { family: "D", versions: ["5"], gibPerVcpu: 2, maxVcpus: 96, lowMemory: true },
  { family: "E", versions: ["3", "4"], gibPerVcpu: 8, maxVcpus: 48 },
  { family: "E", versions: ["5"], gibPerVcpu: 8, maxVcpus: 64 },
  { family: "F", versions: ["2"], gibPerVcpu: 2, maxVcpus: 72 },
];

/** Total memory of a VM size in bytes, or null when the size is not known. */
export function vmMemoryBytes(vmSize: string | null | undefined): number | null {
  const name = vmSize?.trim().toLowerCase();
  if (!name) return null;
  const explicit = explicitGiB[name];
  if (explicit !== undefined) return explicit * GiB;
  const m = /^standard_([a-z])(\d+)(?:-\d+)?([a-z]*)_v(\d+)$/.exec(name);
  if (!m) return null;
  const [family, vcpus, suffix, version] = [(m[1] as string).toUpperCase(), Number(m[2]), m[3] as string, m[4] as string];
  const lowMemory = suffix.includes("l");
  const rule = familyRules.find(
    (r) => r.family === family && r.versions.includes(version) && Boolean(r.lowMemory) === lowMemory && vcpus >= 1 && vcpus <= r.maxVcpus,
  );
  return rule ? rule.gibPerVcpu * vcpus * GiB : null;
}
