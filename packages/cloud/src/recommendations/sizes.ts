import type { CloudName } from "../types.ts";

/**
 * Where a compute size sits in its family, so "the next smaller size" can be found among the
 * sizes the price list has. `family` groups sizes that differ only in capacity; `rank` orders them.
 * - AWS `m5.xlarge`: family `m5`, rank from the documented size ladder (nano … metal).
 * - Azure `Standard_D4s_v3`: family `Standard_D#s_v3`, rank 4 (the vCPU count in the name).
 * - GCP `n2-standard-8`: family `n2-standard`, rank 8 (vCPUs); shared-core names have no rank.
 */
export interface SizePosition {
  family: string;
  rank: number;
}

const awsLadder = ["nano", "micro", "small", "medium", "large", "xlarge"];

export function sizePosition(cloud: CloudName, size: string): SizePosition | undefined {
  if (cloud === "aws") {
    const m = /^([a-z0-9-]+)\.([a-z0-9]+)$/.exec(size);
    if (!m) return undefined;
    const [, family, step] = m as unknown as [string, string, string];
    const ladder = awsLadder.indexOf(step);
    if (ladder >= 0) return { family, rank: ladder };
    const multiple = /^(\d+)xlarge$/.exec(step);
    // 2xlarge is twice an xlarge: rank grows with the multiple, above every named step.
    if (multiple) return { family, rank: awsLadder.length - 1 + Number(multiple[1]) };
    return undefined; // metal and other one-offs have no smaller sibling by name
  }
  if (cloud === "azure") {
    const m = /^(Standard_[A-Z]+)(\d+)([a-z]*(?:_v\d+)?)$/.exec(size);
    if (!m) return undefined;
    const [, prefix, count, suffix] = m as unknown as [string, string, string, string];
    return { family: `${prefix}#${suffix}`, rank: Number(count) };
  }
  const m = /^([a-z0-9]+-[a-z]+)-(\d+)$/.exec(size);
  if (!m) return undefined;
  const [, family, count] = m as unknown as [string, string, string];
  return { family, rank: Number(count) };
}

/** Of `candidates`, the largest size of the same family that is smaller than `size`. */
export function nextSmallerSize(cloud: CloudName, size: string, candidates: Iterable<string>): string | undefined {
  const here = sizePosition(cloud, size);
  if (!here) return undefined;
  let best: { size: string; rank: number } | undefined;
  for (const c of candidates) {
    const p = sizePosition(cloud, c);
    if (!p || p.family !== here.family || p.rank >= here.rank) continue;
    if (!best || p.rank > best.rank) best = { size: c, rank: p.rank };
  }
  return best?.size;
}

/**
 * The sizes worth pricing for a size in use: itself and up to three smaller siblings of its
 * family by name, so rightsizing finds "the next smaller size" in the price list even when a
 * pricing API is asked one size at a time (AWS filters GetProducts by instance type).
 */
export function sizesToPrice(cloud: CloudName, size: string): string[] {
  const here = sizePosition(cloud, size);
  if (!here) return [size];
  const smaller: string[] = [];
  if (cloud === "aws") {
    const names = [...awsLadder, ...[2, 3, 4, 6, 8, 9, 12, 16, 18, 24, 32, 48].map((n) => `${n}xlarge`)];
    for (const step of names) {
      const p = sizePosition(cloud, `${here.family}.${step}`);
      if (p && p.rank < here.rank) smaller.push(`${here.family}.${step}`);
    }
  } else {
    for (let n = Math.floor(here.rank / 2); n >= 1 && smaller.length < 3; n = Math.floor(n / 2)) {
      smaller.push(cloud === "azure" ? size.replace(/^(Standard_[A-Z]+)\d+/, `$1${n}`) : `${here.family}-${n}`);
    }
  }
  return [size, ...smaller.slice(-3)];
}
