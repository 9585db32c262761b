import type { BackupFrequency } from "../types.ts";

/**
 * How often a volume's or disk's on-demand snapshots are taken (EBS, Compute Engine), from the
 * median gap between consecutive starts: up to 2 hours hourly, up to 2 days daily, up to 10 days
 * weekly, more (or a single snapshot, which has no gap) monthly.
 */
export function frequencyOfStarts(starts: readonly Date[]): BackupFrequency {
  const sorted = [...starts].map((d) => d.getTime()).sort((a, b) => a - b);
  const gaps = sorted.slice(1).map((t, i) => t - (sorted[i] as number));
  if (gaps.length === 0) return "monthly";
  gaps.sort((a, b) => a - b);
  const mid = Math.floor(gaps.length / 2);
  const median = gaps.length % 2 === 1 ? (gaps[mid] as number) : ((gaps[mid - 1] as number) + (gaps[mid] as number)) / 2;
  const hours = median / 3_600_000;
  if (hours <= 2) return "hourly";
  if (hours <= 48) return "daily";
  if (hours <= 240) return "weekly";
  return "monthly";
}
