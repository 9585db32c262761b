import type { CloudName, PriceQuote, ResourceStatus } from "../types.ts";

/**
 * What a rule may know about one resource, cloud-agnostic. Each field is a signal: undefined
 * means the cloud (or our reader) does not say, and a rule that needs it then does not fire.
 */
export interface ResourceFacts {
  /** The caller's key for the resource (cloudsync's row id); echoed in findings. */
  key: string;
  cloud: CloudName;
  kind: string;
  region: string;
  status: ResourceStatus;
  tags: Record<string, string>;
  /** What the resource is, for pricing: a VM, a disk, a public address, a load balancer, a bucket. */
  role: ResourceRole;
  /** Compute size (instance type, VM size, machine type) or volume type (gp2, pd-ssd). */
  size?: string;
  /** Volume size in GiB. */
  sizeGb?: number;
  /** Volumes and disks: attached to a machine. */
  attached?: boolean;
  /** Public IPs: associated with an instance or interface. */
  associated?: boolean;
  /** Load balancers: registered targets (all target groups / backend pools). */
  targetCount?: number;
  /** Compute: the auto scaling group, scale set or managed instance group it belongs to, or null when it belongs to none. */
  scalingGroup?: string | null;
  /** Buckets: whether a lifecycle policy moves or expires objects (an enabled rule that transitions or expires). */
  hasLifecycleRules?: boolean;
  /** Buckets: the class new objects are stored in (S3: `STANDARD`, objects default to it; GCS: the bucket's `storageClass`). */
  storageClass?: string;
  /** Snapshots: age in days. */
  ageDays?: number;
  /**
   * Snapshots: how long the configuration or policy that made it says to keep it, in days;
   * undefined when nothing declares a retention (kept until deleted), and the rule then uses
   * `thresholds.snapshotRetentionDays`.
   */
  retentionDays?: number;
  /** Snapshots: the key of the resource it was taken of, the advice's target; the snapshot's own key otherwise. */
  snapshotOf?: string;
}

export type ResourceRole = "compute" | "volume" | "public_ip" | "load_balancer" | "snapshot" | "bucket" | "other";

/**
 * What the samples of the window say about one resource (infrastructure_monitoring). Averages
 * are over the samples that carry the key; undefined when none does.
 */
export interface UsageFacts {
  /** Distinct sample periods seen in the window. */
  samples: number;
  /** Samples the window holds when the resource runs all along (window / sample period). */
  expectedSamples: number;
  cpuMean?: number;
  cpuMax?: number;
  memoryMean?: number;
  memoryMax?: number;
  /** Mean of network in + out, Mbps. */
  networkMbpsMean?: number;
  /** Mean requests per second (load balancers). */
  requestsPerSecondMean?: number;
  /** Buckets: the latest `storage_bytes` sample of the window (S3 BucketSizeBytes of StandardStorage, GCS storage/total_bytes). */
  storageBytesLatest?: number;
}

/** The prices, looked up by cloud, region, product, sku and term. */
export interface PriceBook {
  find(cloud: CloudName, region: string, product: PriceQuote["product"], sku: string, term: PriceQuote["term"]): PriceQuote | undefined;
  /** Every quote of a product and term in one cloud (all regions, all skus). */
  all(cloud: CloudName, product: PriceQuote["product"], term: PriceQuote["term"]): readonly PriceQuote[];
}

export function createPriceBook(quotes: readonly PriceQuote[]): PriceBook {
  const byKey = new Map<string, PriceQuote>();
  const byProduct = new Map<string, PriceQuote[]>();
  for (const q of quotes) {
    byKey.set(`${q.cloud}|${q.region}|${q.product}|${q.sku}|${q.term}`, q);
    const k = `${q.cloud}|${q.product}|${q.term}`;
    const list = byProduct.get(k) ?? [];
    list.push(q);
    byProduct.set(k, list);
  }
  return {
    find: (cloud, region, product, sku, term) => byKey.get(`${cloud}|${region}|${product}|${sku}|${term}`),
    all: (cloud, product, term) => byProduct.get(`${cloud}|${product}|${term}`) ?? [],
  };
}

/** Everything the rules share: the window's knobs, the prices, where regions are. */
export interface RuleContext {
  prices: PriceBook;
  /** The organization's billing currency; prices in another currency are not used. */
  currency: string;
  /** The geography a region belongs to (its country), for region optimization; undefined when unknown. */
  geographyOf(cloud: CloudName, region: string): string | undefined;
  /** Whether a resource is production (its `env`-style tag); spot is only proposed for the rest. */
  isProduction(tags: Record<string, string>): boolean;
  thresholds: RuleThresholds;
}

/** Every number a rule compares against, in one place (docs/recommendations.md explains each). */
export interface RuleThresholds {
  /** Share of expected samples a window needs before usage is believed (idle, rightsizing). */
  minCoverage: number;
  idleCpuMax: number;
  idleNetworkMbpsMean: number;
  lowCpuMean: number;
  lowCpuMax: number;
  lowMemoryMean: number;
  /** Share of the window a resource must run to be worth a commitment. */
  reservedMinRunning: number;
  /** How much cheaper another region must be to move (fraction of the current price). */
  regionMinSaving: number;
  /** Snapshots whose configuration declares no retention are past it at this age (days). */
  snapshotRetentionDays: number;
  /** Buckets smaller than this (GiB) are not worth a lifecycle rule. */
  lifecycleMinGb: number;
  /** Share of a bucket's bytes assumed cold enough to move to the infrequent-access class. */
  lifecycleColdShare: number;
}

export const defaultRuleThresholds: RuleThresholds = {
  minCoverage: 0.9,
  idleCpuMax: 5,
  idleNetworkMbpsMean: 0.1,
  lowCpuMean: 20,
  lowCpuMax: 50,
  lowMemoryMean: 30,
  reservedMinRunning: 0.95,
  regionMinSaving: 0.1,
  snapshotRetentionDays: 90,
  // Below 100 GiB a rule saves well under a dollar a month (100 × (0.023 − 0.0125) × 0.5 = $0.53 on S3).
  lifecycleMinGb: 100,
  // No signal says how old a bucket's objects are; half is the documented assumption
  // (docs/recommendations.md, "Buckets without lifecycle rules"): the evidence records it.
  lifecycleColdShare: 0.5,
};

/** Hours in a month as the clouds price them (AWS, Azure and GCP all use 730). */
export const hoursPerMonth = 730;

/** One resource a rule would change, with what it saves a month in the billing currency. */
export interface Finding {
  type: RecommendationKind;
  /** The resources the advice covers (one, or a family's worth for a commitment). */
  resourceKeys: string[];
  /** Stable identity of the finding across refreshes: the same advice for the same resource. */
  findingKey: string;
  /** What to do, in one line. */
  action: string;
  /** Monthly cost now and after, rounded to cents. */
  currentMonthly: number;
  proposedMonthly: number;
  monthlySavings: number;
  currency: string;
  /** The signals and prices the judgement used, for the recommendation's rules column. */
  evidence: Record<string, unknown>;
}

export const recommendationKinds = [
  "unused_resources",
  "rightsizing",
  "reserved_instances",
  "spot_instances",
  "storage_optimization",
  "region_optimization",
] as const;
export type RecommendationKind = (typeof recommendationKinds)[number];

export function roundCents(n: number): number {
  return Math.round(n * 100) / 100;
}

/** Monthly cost of a quote for a resource: hours × rate, GiB × GB-month rate, or the monthly amount itself. */
export function monthlyOf(quote: PriceQuote, sizeGb?: number): number | undefined {
  const price = Number(quote.unitPrice);
  if (!Number.isFinite(price)) return undefined;
  if (quote.unit === "hour") return price * hoursPerMonth;
  if (quote.unit === "month") return price;
  return sizeGb === undefined ? undefined : price * sizeGb;
}

/** A finding from two monthly figures, rounded to cents; none when nothing is saved. */
export function finding(
  base: Omit<Finding, "currentMonthly" | "proposedMonthly" | "monthlySavings">,
  current: number,
  proposed: number,
): Finding | undefined {
  const currentMonthly = roundCents(current);
  const proposedMonthly = roundCents(proposed);
  const monthlySavings = roundCents(current - proposed);
  if (monthlySavings <= 0) return undefined;
  return { ...base, currentMonthly, proposedMonthly, monthlySavings };
}

/** The on-demand quote of a resource in the billing currency, when the price list has it. */
export function onDemandQuote(ctx: RuleContext, r: ResourceFacts, product: PriceQuote["product"], sku: string | undefined): PriceQuote | undefined {
  if (sku === undefined) return undefined;
  const q = ctx.prices.find(r.cloud, r.region, product, sku, "on_demand");
  return q && q.currency === ctx.currency ? q : undefined;
}

export function coverage(u: UsageFacts | undefined): number {
  if (!u || u.expectedSamples <= 0) return 0;
  return Math.min(1, u.samples / u.expectedSamples);
}
