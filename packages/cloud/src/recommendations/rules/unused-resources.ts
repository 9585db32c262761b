import { coverage, type Finding, finding, monthlyOf, onDemandQuote, type ResourceFacts, type RuleContext, type UsageFacts } from "../facts.ts";

/**
 * `unused_resources`: only from signals that mean unused (docs/recommendations.md):
 * - a volume or disk attached to nothing;
 * - a public IP associated with nothing;
 * - a load balancer with no registered targets, or whose requests stayed at zero over a covered window;
 * - a running machine idle by CPU (peak) and network (mean) over a covered window.
 * A resource whose kind gives none of these signals is never called unused. Savings: its whole
 * on-demand price (nothing is left once deleted).
 */
export function unusedResource(r: ResourceFacts, usage: UsageFacts | undefined, ctx: RuleContext): Finding | undefined {
  if (r.status === "terminated") return undefined;
  const t = ctx.thresholds;
  const base = (reason: string, action: string, evidence: Record<string, unknown>) => ({
    type: "unused_resources" as const,
    resourceKeys: [r.key],
    findingKey: `unused_resources:${r.key}`,
    action,
    currency: ctx.currency,
    evidence: { reason, ...evidence },
  });
  if (r.role === "volume" && r.attached === false) {
    const q = onDemandQuote(ctx, r, "volume", r.size);
    const monthly = q && monthlyOf(q, r.sizeGb);
    if (monthly === undefined) return undefined;
    return finding(base("unattached", `Snapshot if needed, then delete the unattached ${r.size} volume`, { size_gb: r.sizeGb, price: q?.unitPrice, price_unit: q?.unit, price_id: q?.sourceId }), monthly, 0);
  }
  if (r.role === "public_ip" && r.associated === false) {
    const q = onDemandQuote(ctx, r, "public_ip", "standard");
    const monthly = q && monthlyOf(q);
    if (monthly === undefined) return undefined;
    return finding(base("unassociated", "Release the unassociated public IP", { price: q?.unitPrice, price_id: q?.sourceId }), monthly, 0);
  }
  if (r.role === "load_balancer") {
    const noTargets = r.targetCount === 0;
    const noRequests = usage?.requestsPerSecondMean === 0 && coverage(usage) >= t.minCoverage;
    if (!noTargets && !noRequests) return undefined;
    const q = onDemandQuote(ctx, r, "load_balancer", "standard");
    const monthly = q && monthlyOf(q);
    if (monthly === undefined) return undefined;
    const reason = noTargets ? "no_targets" : "no_requests";
    return finding(base(reason, "Delete the load balancer: nothing is behind it or nothing reaches it", { target_count: r.targetCount, requests_per_second_mean: usage?.requestsPerSecondMean, price: q?.unitPrice, price_id: q?.sourceId }), monthly, 0);
  }
  if (r.role === "compute" && r.status === "running" && isIdle(usage, ctx)) {
    const q = onDemandQuote(ctx, r, "compute", r.size);
    const monthly = q && monthlyOf(q);
    if (monthly === undefined) return undefined;
    return finding(
      base("idle", `Stop or delete the idle ${r.size} machine`, { cpu_max: usage?.cpuMax, network_mbps_mean: usage?.networkMbpsMean, coverage: coverage(usage), price: q?.unitPrice, price_id: q?.sourceId }),
      monthly,
      0,
    );
  }
  return undefined;
}

/** Idle: the window is covered, CPU never rose above the idle peak and the network stayed near silent. */
export function isIdle(usage: UsageFacts | undefined, ctx: RuleContext): boolean {
  const t = ctx.thresholds;
  return (
    usage !== undefined &&
    coverage(usage) >= t.minCoverage &&
    usage.cpuMax !== undefined &&
    usage.cpuMax < t.idleCpuMax &&
    usage.networkMbpsMean !== undefined &&
    usage.networkMbpsMean < t.idleNetworkMbpsMean
  );
}
