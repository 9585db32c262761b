import { type Finding, finding, monthlyOf, onDemandQuote, type ResourceFacts, type RuleContext } from "../facts.ts";

/**
 * `spot_instances`: a running, non-production machine that is interchangeable — a member of an
 * auto scaling group, scale set or managed instance group, which replaces what spare capacity
 * takes back — runs on spot capacity. Savings: on-demand minus the region's spot price for the size.
 */
export function spotInstance(r: ResourceFacts, ctx: RuleContext): Finding | undefined {
  if (r.role !== "compute" || r.status !== "running" || !r.size) return undefined;
  if (r.scalingGroup === undefined || r.scalingGroup === null || ctx.isProduction(r.tags)) return undefined;
  const onDemand = onDemandQuote(ctx, r, "compute", r.size);
  const spot = ctx.prices.find(r.cloud, r.region, "compute", r.size, "spot");
  if (!onDemand || !spot || spot.currency !== ctx.currency) return undefined;
  const now = monthlyOf(onDemand);
  const then = monthlyOf(spot);
  if (now === undefined || then === undefined) return undefined;
  return finding(
    {
      type: "spot_instances",
      resourceKeys: [r.key],
      findingKey: `spot_instances:${r.key}`,
      action: `Run ${r.size} in group ${r.scalingGroup} on spot capacity`,
      currency: ctx.currency,
      evidence: { scaling_group: r.scalingGroup, size: r.size, on_demand: onDemand.unitPrice, spot: spot.unitPrice, spot_id: spot.sourceId },
    },
    now,
    then,
  );
}
