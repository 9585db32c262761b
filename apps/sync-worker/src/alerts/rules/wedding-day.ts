import type { AlertCandidate, BackupCoverageFacts, ResourceFacts, RuleResult } from "./types.ts";
import { isRunning } from "./types.ts";

/** Resource types that hold data a backup could restore (the DR plan evaluation covers the same ones). */
export const dataHoldingTypes: readonly string[] = ["compute", "storage", "database"];

const conditions = {
  is_wedding_critical: true,
  resource_status: "running",
  any_of: [
    { health_status: ["warning", "critical"] },
    { resource_type: dataHoldingTypes, backup_configurations_not_disabled: 0 },
  ],
};

/**
 * `wedding_day_critical`: a running wedding-critical resource that is degraded (`health_status`
 * `warning` or `critical`), or that holds data (compute, storage, database) and has no backup
 * configuration other than disabled ones. Escalated (`wedding_day_escalation`). Severity: one
 * step above the health (`emergency` when critical, `critical` when warning); `warning` when the
 * only trouble is the missing backup (a risk, not an outage).
 *
 * Both conditions are one rule because the database keeps one open alert per resource and type,
 * and a rule resolves the open alerts of its type that it has no candidate for: two rules of
 * this type would resolve each other's alerts. A resource both degraded and unprotected has one
 * alert saying both; when one condition clears, the alert is kept (its name and severity follow)
 * until neither holds.
 *
 * `backups` lists the running wedding-critical resources with their configuration counts; a
 * resource missing from it is not judged unprotected.
 */
export function weddingDayRule(resources: readonly ResourceFacts[], backups: readonly BackupCoverageFacts[]): RuleResult {
  const coverage = new Map(backups.map((b) => [b.resourceId, b]));
  const candidates: AlertCandidate[] = [];
  for (const r of resources) {
    if (!r.isWeddingCritical || !isRunning(r)) continue;
    const degraded = r.healthStatus === "warning" || r.healthStatus === "critical";
    const backup = coverage.get(r.id);
    const unprotected = backup !== undefined && dataHoldingTypes.includes(backup.resourceType) && backup.configurations === 0;
    if (!degraded && !unprotected) continue;
    const trouble = [degraded ? `is ${r.healthStatus}` : null, unprotected ? "has no backup" : null].filter(Boolean).join(" and ");
    candidates.push({
      alertType: "wedding_day_critical",
      resourceId: r.id,
      providerId: r.providerId,
      severity: r.healthStatus === "critical" ? "emergency" : degraded ? "critical" : "warning",
      name: `Wedding-critical ${r.name} ${trouble}`,
      conditions,
      currentValues: {
        resource_status: r.status,
        health_status: r.healthStatus,
        ...(backup ? { resource_type: backup.resourceType, backup_configurations_not_disabled: backup.configurations } : {}),
        ...(unprotected ? { next_step: "add a backup configuration (a cloud's backup plan or a hand-written one), or untag the resource as wedding-critical" } : {}),
      },
      weddingDayEscalation: true,
    });
  }
  return {
    alertType: "wedding_day_critical",
    candidates,
    // Every resource given: one retagged as no longer wedding-critical clears too.
    judged: new Set(resources.map((r) => r.id)),
    clearedNote: "the resource is no longer a running wedding-critical resource that is degraded (health_status warning or critical) or holds data without a backup configuration",
  };
}
