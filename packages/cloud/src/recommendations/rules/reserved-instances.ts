import { coverage, type Finding, monthlyOf, onDemandQuote, type ResourceFacts, roundCents, type RuleContext, type UsageFacts } from "../facts.ts";
import { sizePosition } from "../sizes.ts";

/**
 * `reserved_instances`: machines whose samples cover at least `reservedMinRunning` of the window
 * (they ran all along), grouped by cloud, region and family; each group is one commitment advice.
 * Savings: per machine, on-demand minus the price list's one-year, no-upfront rate for its size.
 * Sizes the price list has no commitment rate for are left out of the group.
 */
export function reservedInstances(
  candidates: readonly { facts: ResourceFacts; usage: UsageFacts | undefined }[],
  ctx: RuleContext,
): Finding[] {
  const groups = new Map<string, { cloud: string; region: string; family: string; keys: string[]; onDemand: number; committed: number; sizes: Record<string, number> }>();
  for (const { facts: r, usage } of candidates) {
    if (r.role !== "compute" || r.status !== "running" || !r.size) continue;
    if (coverage(usage) < ctx.thresholds.reservedMinRunning) continue;
    const onDemand = onDemandQuote(ctx, r, "compute", r.size);
    const reserved = ctx.prices.find(r.cloud, r.region, "compute", r.size, "reserved_1y");
    if (!onDemand || !reserved || reserved.currency !== ctx.currency) continue;
    const now = monthlyOf(onDemand);
    const then = monthlyOf(reserved);
    if (now === undefined || then === undefined || then >= now) continue;
    const family = sizePosition(r.cloud, r.size)?.family ?? r.size;
    const key = `${r.cloud}:${r.region}:${family}`;
    const g = groups.get(key) ?? { cloud: r.cloud, region: r.region, family, keys: [], onDemand: 0, committed: 0, sizes: {} };
    g.keys.push(r.key);
    g.onDemand += now;
    g.committed += then;
    g.sizes[r.size] = (g.sizes[r.size] ?? 0) + 1;
    groups.set(key, g);
  }
  return [...groups.entries()].map(([key, g]) => ({
    type: "reserved_instances" as const,
    resourceKeys: g.keys.sort(),
    findingKey: `reserved_instances:${key}`,
    action: `Commit for one year to ${g.keys.length} machine(s) in ${g.region}: ${Object.entries(g.sizes)
      .sort()
      .map(([size, n]) => `${n} × ${size}`)
      .join(", ")}`,
    currentMonthly: roundCents(g.onDemand),
    proposedMonthly: roundCents(g.committed),
    monthlySavings: roundCents(g.onDemand - g.committed),
    currency: ctx.currency,
    evidence: { family: g.family, region: g.region, sizes: g.sizes, term: "1 year, no upfront", min_running: ctx.thresholds.reservedMinRunning },
  }));
}
