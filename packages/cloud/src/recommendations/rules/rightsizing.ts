import { coverage, type Finding, finding, monthlyOf, onDemandQuote, type ResourceFacts, type RuleContext, type UsageFacts } from "../facts.ts";
import { nextSmallerSize } from "../sizes.ts";

/**
 * `rightsizing`: a running machine whose CPU stayed low (mean and peak) over a covered window,
 * and whose memory stayed low too when its cloud reports memory, moves to the next smaller size
 * of its family that the price list has in its region. Savings: the on-demand price difference.
 */
export function rightsizing(r: ResourceFacts, usage: UsageFacts | undefined, ctx: RuleContext): Finding | undefined {
  const t = ctx.thresholds;
  if (r.role !== "compute" || r.status !== "running" || !r.size || !usage) return undefined;
  if (coverage(usage) < t.minCoverage || usage.cpuMean === undefined || usage.cpuMax === undefined) return undefined;
  if (usage.cpuMean >= t.lowCpuMean || usage.cpuMax >= t.lowCpuMax) return undefined;
  if (usage.memoryMean !== undefined && usage.memoryMean >= t.lowMemoryMean) return undefined;
  const current = onDemandQuote(ctx, r, "compute", r.size);
  if (!current) return undefined;
  const sameRegion = ctx.prices
    .all(r.cloud, "compute", "on_demand")
    .filter((q) => q.region === r.region && q.currency === ctx.currency)
    .map((q) => q.sku);
  const smaller = nextSmallerSize(r.cloud, r.size, sameRegion);
  if (!smaller) return undefined;
  const proposed = onDemandQuote(ctx, r, "compute", smaller);
  const now = monthlyOf(current);
  const then = proposed && monthlyOf(proposed);
  if (!proposed || now === undefined || then === undefined) return undefined;
  return finding(
    {
      type: "rightsizing",
      resourceKeys: [r.key],
      findingKey: `rightsizing:${r.key}:${smaller}`,
      action: `Resize ${r.size} to ${smaller}`,
      currency: ctx.currency,
      evidence: {
        from: r.size,
        to: smaller,
        cpu_mean: usage.cpuMean,
        cpu_max: usage.cpuMax,
        memory_mean: usage.memoryMean ?? "not reported",
        coverage: coverage(usage),
        price_from: current.unitPrice,
        price_to: proposed.unitPrice,
      },
    },
    now,
    then,
  );
}
