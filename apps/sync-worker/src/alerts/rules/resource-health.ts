import type { ResourceFacts, RuleResult } from "./types.ts";
import { isRunning } from "./types.ts";

/**
 * `resource_health`: a running resource whose `health_status` is `critical` (its latest sample
 * breached a critical threshold). Only running resources are judged by their health: a stopped
 * one reports nothing, and its alert clears. Every resource given is judged.
 */
export function resourceHealthRule(resources: readonly ResourceFacts[]): RuleResult {
  const candidates = resources
    .filter((r) => isRunning(r) && r.healthStatus === "critical")
    .map((r) => ({
      alertType: "resource_health" as const,
      resourceId: r.id,
      providerId: r.providerId,
      severity: "critical" as const,
      name: `${r.name} is critical`,
      conditions: { resource_status: "running", health_status: "critical" },
      currentValues: { resource_status: r.status, health_status: r.healthStatus },
      weddingDayEscalation: false,
    }));
  return {
    alertType: "resource_health",
    candidates,
    judged: new Set(resources.map((r) => r.id)),
    clearedNote: "the resource is no longer running with health_status critical",
  };
}
