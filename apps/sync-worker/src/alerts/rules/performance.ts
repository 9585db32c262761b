import type { SeverityLevel } from "@cloudsync/db";
import type { ResourceFacts, RuleResult, SampleFacts } from "./types.ts";
import { isRunning } from "./types.ts";

export interface PerformanceRuleOptions {
  /** Threshold lines per metric (higher is worse; at or above breaches), as the samples were scored. */
  thresholds: { warning: Partial<Record<string, number>>; critical: Partial<Record<string, number>> };
  /** How many of the latest samples must all breach (default 3). */
  consecutive?: number;
}

/**
 * `performance_degradation`: the latest `consecutive` samples of a running resource all breach
 * the warning line of the same metric. `critical` when they all breach its critical line too.
 * One alert per resource names every metric that breaches. A running resource with fewer
 * samples than that is not judged (it keeps any alert it has); a resource no longer running is
 * judged, and its alert clears.
 */
export function performanceRule(resources: readonly ResourceFacts[], samples: readonly SampleFacts[], options: PerformanceRuleOptions): RuleResult {
  const n = options.consecutive ?? 3;
  const byResource = groupLatest(samples, n);
  const judged = new Set<string>();
  const candidates: RuleResult["candidates"] = [];
  for (const r of resources) {
    if (!isRunning(r)) {
      judged.add(r.id);
      continue;
    }
    const latest = byResource.get(r.id);
    if (!latest || latest.length < n) continue;
    judged.add(r.id);
    const breaches: { metric: string; level: "warning" | "critical"; values: number[]; warning: number; critical: number | undefined }[] = [];
    for (const [metric, warning] of Object.entries(options.thresholds.warning)) {
      if (warning === undefined) continue;
      const values = latest.map((s) => s.metrics[metric]);
      if (!values.every((v): v is number => typeof v === "number" && v >= warning)) continue;
      const critical = options.thresholds.critical[metric];
      const level = critical !== undefined && values.every((v) => v >= critical) ? "critical" : "warning";
      breaches.push({ metric, level, values, warning, critical });
    }
    if (breaches.length === 0) continue;
    const severity: SeverityLevel = breaches.some((b) => b.level === "critical") ? "critical" : "warning";
    candidates.push({
      alertType: "performance_degradation",
      resourceId: r.id,
      providerId: r.providerId,
      severity,
      name: `${r.name}: ${breaches.map((b) => b.metric).join(", ")} above threshold for ${n} samples`,
      conditions: { consecutive_samples: n, warning: options.thresholds.warning, critical: options.thresholds.critical },
      currentValues: {
        // Oldest first, as they were measured.
        breaches: breaches.map((b) => ({ metric: b.metric, level: b.level, values: [...b.values].reverse(), warning: b.warning, critical: b.critical ?? null })),
        latest_sample_at: new Date(latest[0]!.at).toISOString(),
      },
      weddingDayEscalation: false,
    });
  }
  return {
    alertType: "performance_degradation",
    candidates,
    judged,
    clearedNote: `no metric breaches its warning threshold in all of the latest ${n} samples any more (or the resource is no longer running)`,
  };
}

/** Each resource's latest `n` samples, newest first. */
function groupLatest(samples: readonly SampleFacts[], n: number): Map<string, SampleFacts[]> {
  const out = new Map<string, SampleFacts[]>();
  for (const s of samples) {
    const list = out.get(s.resourceId) ?? [];
    list.push(s);
    out.set(s.resourceId, list);
  }
  for (const [id, list] of out) out.set(id, list.sort((a, b) => b.at - a.at).slice(0, n));
  return out;
}
