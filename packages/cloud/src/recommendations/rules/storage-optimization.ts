import type { CloudName } from "../../types.ts";
import { type Finding, finding, monthlyOf, onDemandQuote, type ResourceFacts, type RuleContext } from "../facts.ts";

/**
 * Volume types with a cheaper successor of the same class (docs/recommendations.md): a change
 * of type in place, without detaching the volume.
 */
export const volumeSuccessors: Readonly<Record<CloudName, Readonly<Record<string, string>>>> = {
  // gp3 gives gp2's baseline performance at a lower GB-month price.
  aws: { gp2: "gp3" },
  // Azure managed disk tiers are chosen for performance; none is a drop-in successor.
  azure: {},
  // pd-balanced is the SSD-backed default that replaced pd-ssd for general workloads.
  gcp: { "pd-ssd": "pd-balanced" },
  // DigitalOcean volumes have one type (SSD block storage): nothing to move to.
  digitalocean: {},
  // Linode Block Storage has one volume type.
  linode: {},
  // Vultr block storage has two classes (HDD, NVMe) of different performance; neither replaces the other.
  vultr: {},
};

/**
 * `storage_optimization`: an attached volume of an older type moves to its cheaper successor
 * (savings: GiB × the GB-month difference); a snapshot past retention is deleted (savings: its
 * GiB × the snapshot GB-month price). Unattached volumes are `unused_resources`, counted once.
 */
export function storageOptimization(r: ResourceFacts, ctx: RuleContext): Finding | undefined {
  if (r.status === "terminated") return undefined;
  if (r.role === "volume" && r.attached === true && r.size && r.sizeGb !== undefined) {
    const successor = volumeSuccessors[r.cloud][r.size];
    if (!successor) return undefined;
    const from = onDemandQuote(ctx, r, "volume", r.size);
    const to = onDemandQuote(ctx, r, "volume", successor);
    const now = from && monthlyOf(from, r.sizeGb);
    const then = to && monthlyOf(to, r.sizeGb);
    if (now === undefined || then === undefined) return undefined;
    return finding(
      {
        type: "storage_optimization",
        resourceKeys: [r.key],
        findingKey: `storage_optimization:${r.key}:${successor}`,
        action: `Change the volume type from ${r.size} to ${successor}`,
        currency: ctx.currency,
        evidence: { reason: "older_type", from: r.size, to: successor, size_gb: r.sizeGb, price_from: from?.unitPrice, price_to: to?.unitPrice },
      },
      now,
      then,
    );
  }
  if (r.role === "snapshot" && r.ageDays !== undefined && r.sizeGb !== undefined) {
    // The retention the snapshot's own configuration declares wins; the default covers the
    // snapshots nobody declared one for (on-demand snapshots, policies kept "until deleted").
    const declared = r.retentionDays !== undefined && r.retentionDays > 0;
    const retention = declared ? (r.retentionDays as number) : ctx.thresholds.snapshotRetentionDays;
    if (r.ageDays <= retention) return undefined;
    const q = onDemandQuote(ctx, r, "volume", "snapshot");
    const now = q && monthlyOf(q, r.sizeGb);
    if (now === undefined) return undefined;
    return finding(
      {
        type: "storage_optimization",
        resourceKeys: [r.snapshotOf ?? r.key],
        findingKey: `storage_optimization:${r.key}:expired-snapshot`,
        action: `Delete the snapshot, ${r.ageDays} days old, past its ${retention}-day ${declared ? "retention" : "default retention"}`,
        currency: ctx.currency,
        evidence: {
          reason: "past_retention",
          age_days: r.ageDays,
          retention_days: retention,
          retention_source: declared ? "configuration" : "default",
          size_gb: r.sizeGb,
          price: q?.unitPrice,
        },
      },
      now,
      0,
    );
  }
  return undefined;
}
