import type { CloudName } from "../../types.ts";
import { type Finding, finding, monthlyOf, onDemandQuote, type ResourceFacts, type RuleContext, type UsageFacts } from "../facts.ts";

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
 * Bucket storage classes a lifecycle rule moves data between (docs/recommendations.md, "Buckets
 * without lifecycle rules"): the class objects are written to by default → the infrequent-access
 * class that keeps millisecond reads (so nothing breaks for a reader of an old object). The
 * names are the clouds' own (S3 `StorageClass`, GCS `storageClass`).
 */
export const bucketCoolClasses: Readonly<Partial<Record<CloudName, { hot: string; cool: string }>>> = {
  aws: { hot: "STANDARD", cool: "STANDARD_IA" },
  gcp: { hot: "STANDARD", cool: "NEARLINE" },
};

/** Bytes in the GB that S3 and Cloud Storage bill by the month (both use 2^30). */
const bytesPerGb = 1024 ** 3;

/**
 * `storage_optimization`: an attached volume of an older type moves to its cheaper successor
 * (savings: GiB × the GB-month difference); a snapshot past retention is deleted (savings: its
 * GiB × the snapshot GB-month price); a bucket without lifecycle rules, of a known size above
 * the minimum, gets one moving cold data to the infrequent-access class (savings: GiB × cold
 * share × the GB-month difference). Unattached volumes are `unused_resources`, counted once.
 */
export function storageOptimization(r: ResourceFacts, ctx: RuleContext, usage?: UsageFacts): Finding | undefined {
  if (r.status === "terminated") return undefined;
  if (r.role === "bucket") return bucketLifecycle(r, usage, ctx);
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

/**
 * A bucket with no lifecycle rule, whose default class is the hot one and whose size the window
 * measured (no size, no advice), at least `lifecycleMinGb` GiB. Nothing says how old its objects
 * are, so `lifecycleColdShare` of the bytes are assumed cold:
 *   current  = GiB × hot
 *   proposed = GiB × (1 − share) × hot + GiB × share × cool
 *   savings  = GiB × share × (hot − cool)
 * Lifecycle rules act on an object's age, not on its reads (S3 and GCS alike), so the advice is a
 * 30-day transition (S3's minimum for STANDARD_IA) and the share stands for "older than 30 days
 * and rarely read". Retrieval and transition request fees are left out: they depend on reads
 * the window does not show.
 */
function bucketLifecycle(r: ResourceFacts, usage: UsageFacts | undefined, ctx: RuleContext): Finding | undefined {
  const classes = bucketCoolClasses[r.cloud];
  const bytes = usage?.storageBytesLatest;
  if (!classes || r.hasLifecycleRules !== false || r.storageClass !== classes.hot || bytes === undefined) return undefined;
  const sizeGb = bytes / bytesPerGb;
  const t = ctx.thresholds;
  if (sizeGb < t.lifecycleMinGb) return undefined;
  const hot = onDemandQuote(ctx, r, "object_storage", classes.hot);
  const cool = onDemandQuote(ctx, r, "object_storage", classes.cool);
  const hotMonthly = hot && monthlyOf(hot, sizeGb);
  const coolMonthly = cool && monthlyOf(cool, sizeGb);
  if (hotMonthly === undefined || coolMonthly === undefined) return undefined;
  const share = t.lifecycleColdShare;
  return finding(
    {
      type: "storage_optimization",
      resourceKeys: [r.key],
      findingKey: `storage_optimization:${r.key}:lifecycle-${classes.cool}`,
      action: `Add a lifecycle rule moving objects older than 30 days from ${classes.hot} to ${classes.cool}`,
      currency: ctx.currency,
      evidence: {
        reason: "no_lifecycle_rule",
        from: classes.hot,
        to: classes.cool,
        size_gb: Math.round(sizeGb * 100) / 100,
        cold_share: share,
        min_size_gb: t.lifecycleMinGb,
        price_from: hot?.unitPrice,
        price_to: cool?.unitPrice,
        price_ids: [hot?.sourceId, cool?.sourceId],
      },
    },
    hotMonthly,
    (1 - share) * hotMonthly + share * coolMonthly,
  );
}
