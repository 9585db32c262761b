import type { ResourceFacts, RuleResult } from "./types.ts";
import { isRunning } from "./types.ts";

/**
 * `wedding_day_critical`: a running wedding-critical resource that is degraded, i.e. whose
 * `health_status` is `warning` or `critical`. Escalated (`wedding_day_escalation`), and one step
 * more severe than the health says: `emergency` when critical, `critical` when warning.
 */
export function weddingDayRule(resources: readonly ResourceFacts[]): RuleResult {
  const candidates = resources
    .filter((r) => r.isWeddingCritical && isRunning(r) && (r.healthStatus === "warning" || r.healthStatus === "critical"))
    .map((r) => ({
      alertType: "wedding_day_critical" as const,
      resourceId: r.id,
      providerId: r.providerId,
      severity: r.healthStatus === "critical" ? ("emergency" as const) : ("critical" as const),
      name: `Wedding-critical ${r.name} is ${r.healthStatus}`,
      conditions: { is_wedding_critical: true, resource_status: "running", health_status: ["warning", "critical"] },
      currentValues: { resource_status: r.status, health_status: r.healthStatus },
      weddingDayEscalation: true,
    }));
  return {
    alertType: "wedding_day_critical",
    candidates,
    // Every resource given: one retagged as no longer wedding-critical clears too.
    judged: new Set(resources.map((r) => r.id)),
    clearedNote: "the resource is no longer a running wedding-critical resource with health_status warning or critical",
  };
}
