import { defaultThresholds } from "@cloudsync/cloud";
import { type AlertType, type Database, organizations, withOrganization } from "@cloudsync/db";
import { eq } from "drizzle-orm";
import { channelsForAlert, parseOrganizationChannels } from "../notifications/channels.ts";
import { type AlertWriteCounts, reconcileAlerts } from "../write/alerts.ts";
import { type FactScope, loadBackupCoverage, loadDailyCosts, loadLatestSamples, loadMetricTrends, loadResourceFacts } from "./facts.ts";
import { type RuleResult, capacityRule, costAnomalyRule, performanceRule, resourceHealthRule, weddingDayRule } from "./rules/index.ts";

/** The rules, by the alert type each raises; `cost_anomaly` is the per-resource part of `cost_threshold` (budgets raise the rest). */
export const alertRuleNames = ["resource_health", "wedding_day_critical", "performance_degradation", "capacity_planning", "cost_anomaly"] as const;
export type AlertRuleName = (typeof alertRuleNames)[number];

/** What a metrics sync judges: what its samples changed. Capacity and cost need longer histories (maintenance, costs). */
export const metricRules: readonly AlertRuleName[] = ["resource_health", "wedding_day_critical", "performance_degradation"];

export interface EvaluateAlertsOptions extends FactScope {
  rules: readonly AlertRuleName[];
  now: Date;
  /** Samples of a breach (default 3). */
  consecutiveSamples?: number;
}

const day = 86_400_000;

/**
 * Runs the named rules over an organization's facts (or one provider's) and reconciles its open
 * alerts with them, in one transaction for that organization as the worker's own role. Returns
 * the alerts raised and resolved; delivering them is the notifications queue's job.
 */
export function evaluateAlerts(db: Database, options: EvaluateAlertsOptions): Promise<AlertWriteCounts> {
  const scope: FactScope = { organizationId: options.organizationId, providerId: options.providerId };
  const wants = (rule: AlertRuleName) => options.rules.includes(rule);
  return withOrganization(
    db,
    options.organizationId,
    async (tx) => {
      const resources = await loadResourceFacts(tx, scope);
      const results: RuleResult[] = [];
      if (wants("resource_health")) results.push(resourceHealthRule(resources));
      if (wants("wedding_day_critical")) results.push(weddingDayRule(resources, await loadBackupCoverage(tx, scope)));
      if (wants("performance_degradation")) {
        const n = options.consecutiveSamples ?? 3;
        const samples = await loadLatestSamples(tx, scope, new Date(options.now.getTime() - day), n);
        results.push(performanceRule(resources, samples, { thresholds: defaultThresholds, consecutive: n }));
      }
      if (wants("capacity_planning")) {
        const metrics = ["disk_utilization", "memory_utilization"];
        const trends = await loadMetricTrends(tx, scope, new Date(options.now.getTime() - 7 * day), options.now, metrics);
        results.push(capacityRule(resources, trends, { metrics, now: options.now.getTime() }));
      }
      if (wants("cost_anomaly")) {
        const from = new Date(options.now.getTime() - 45 * day).toISOString().slice(0, 10);
        results.push(costAnomalyRule(resources, await loadDailyCosts(tx, scope, from)));
      }
      const [org] = await tx.select({ settings: organizations.settings }).from(organizations).where(eq(organizations.id, options.organizationId));
      const channels = parseOrganizationChannels(org?.settings);
      return reconcileAlerts(tx, options.organizationId, results, {
        now: options.now,
        channelsFor: (c) => channelsForAlert(channels, { alertType: c.alertType as AlertType, severity: c.severity }),
      });
    },
    { role: null },
  );
}
