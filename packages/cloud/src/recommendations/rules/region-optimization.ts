import { type Finding, finding, monthlyOf, onDemandQuote, type ResourceFacts, type RuleContext } from "../facts.ts";

/** Tag keys (case-insensitive) that pin a resource to its region: residency, compliance, latency promises. */
export const regionPinTags = ["data-residency", "data_residency", "residency", "compliance", "region-pinned", "pinned-region", "pin-region"];

/**
 * `region_optimization`: a running machine whose size costs at least `regionMinSaving` less in
 * another region of the same geography (country), with no tag pinning it, moves to the
 * cheapest such region. Savings: the on-demand price difference of the same size.
 */
export function regionOptimization(r: ResourceFacts, ctx: RuleContext): Finding | undefined {
  if (r.role !== "compute" || r.status !== "running" || !r.size) return undefined;
  const pinned = Object.keys(r.tags).some((k) => regionPinTags.includes(k.toLowerCase()));
  if (pinned) return undefined;
  const here = ctx.geographyOf(r.cloud, r.region);
  const current = onDemandQuote(ctx, r, "compute", r.size);
  if (here === undefined || !current) return undefined;
  const now = monthlyOf(current);
  if (now === undefined) return undefined;
  let best: { region: string; monthly: number; price: string } | undefined;
  for (const q of ctx.prices.all(r.cloud, "compute", "on_demand")) {
    if (q.sku !== r.size || q.region === r.region || q.currency !== ctx.currency) continue;
    if (ctx.geographyOf(r.cloud, q.region) !== here) continue;
    const m = monthlyOf(q);
    if (m !== undefined && (!best || m < best.monthly)) best = { region: q.region, monthly: m, price: q.unitPrice };
  }
  if (!best || now - best.monthly < now * ctx.thresholds.regionMinSaving) return undefined;
  return finding(
    {
      type: "region_optimization",
      resourceKeys: [r.key],
      findingKey: `region_optimization:${r.key}:${best.region}`,
      action: `Move the ${r.size} machine from ${r.region} to ${best.region}`,
      currency: ctx.currency,
      evidence: { from: r.region, to: best.region, geography: here, size: r.size, price_from: current.unitPrice, price_to: best.price },
    },
    now,
    best.monthly,
  );
}
