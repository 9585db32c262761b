import { relations, sql } from "drizzle-orm";
import {
  bigint,
  boolean,
  check,
  decimal,
  doublePrecision,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  text,
  uniqueIndex,
  uuid,
  varchar,
} from "drizzle-orm/pg-core";
import { lastKeyThenInclude, oneOf, organizationKey, sameOrganization, tenantPolicy, timestampNow, timestampTz } from "./columns.ts";
import { cloudProviders } from "./providers.ts";
import { cloudResources } from "./resources.ts";
import { organizations, userProfiles } from "./tenancy.ts";

export const monitoringTypes = ["performance", "availability", "cost", "security", "compliance", "capacity"] as const;
export type MonitoringType = (typeof monitoringTypes)[number];

export const alertTypes = [
  "resource_health",
  "cost_threshold",
  "performance_degradation",
  "security_incident",
  "capacity_planning",
  "wedding_day_critical",
] as const;
export type AlertType = (typeof alertTypes)[number];

export const severityLevels = ["info", "warning", "critical", "emergency"] as const;
export type SeverityLevel = (typeof severityLevels)[number];

export const alertStatuses = ["active", "acknowledged", "resolved", "suppressed", "expired"] as const;
export type AlertStatus = (typeof alertStatuses)[number];

/** The statuses of an alert that still needs someone: raised and not yet resolved. */
export const openAlertStatuses = ["active", "acknowledged"] as const satisfies readonly AlertStatus[];

/** The metric keys the design document names: the column default of `metrics` lists these eight. */
export const designMetricKeys = [
  "cpu_utilization",
  "memory_utilization",
  "disk_utilization",
  "network_in_mbps",
  "network_out_mbps",
  "response_time_ms",
  "error_rate",
  "requests_per_second",
] as const;
export type DesignMetricKey = (typeof designMetricKeys)[number];

/**
 * Every key a sample's `metrics` may carry: the design document's eight, then the keys of
 * databases, disks, functions and buckets (issue #15), then those of caches and file systems
 * (#15's breadth kinds: ElastiCache evictions, EFS I/O limit and burst credits). A sample carries the ones its cloud
 * reported. Units: percent 0–100, megabits per second (`*_mbps`, disks included),
 * milliseconds, operations or requests per second, plain counts and bytes.
 */
export const metricKeys = [
  ...designMetricKeys,
  "connections",
  "read_latency_ms",
  "write_latency_ms",
  "disk_read_iops",
  "disk_write_iops",
  "disk_read_mbps",
  "disk_write_mbps",
  "invocations_per_second",
  "duration_ms",
  "storage_bytes",
  "object_count",
  "evictions_per_second",
  "io_limit_utilization",
  "burst_credit_bytes",
] as const;
export type MetricKey = (typeof metricKeys)[number];
export type Metrics = Partial<Record<MetricKey, number>>;

/** The design document's default sample: its eight keys at zero (the new keys are never zero-filled). */
export const defaultMetrics: Record<DesignMetricKey, number> = {
  cpu_utilization: 0,
  memory_utilization: 0,
  disk_utilization: 0,
  network_in_mbps: 0,
  network_out_mbps: 0,
  response_time_ms: 0,
  error_rate: 0,
  requests_per_second: 0,
};

export interface Thresholds {
  warning: Metrics;
  critical: Metrics;
}

export interface AutoRemediation {
  enabled: boolean;
  actions: unknown[];
  conditions: Record<string, unknown>;
}

/**
 * Metric samples: the largest table. Range-partitioned by month on `monitoring_timestamp` by a
 * SQL migration (Drizzle cannot declare partitions), so the primary key must include the
 * partition key. `organization_id` is added to the design document's columns so row-level
 * security and per-organization queries need no join to `cloud_resources`.
 */
export const infrastructureMonitoring = pgTable(
  "infrastructure_monitoring",
  {
    id: uuid().notNull().defaultRandom(),
    organizationId: uuid()
      .notNull()
      .references(() => organizations.id),
    resourceId: uuid().notNull(),
    monitoringTimestamp: timestampNow().notNull(),
    monitoringType: varchar({ length: 30, enum: monitoringTypes }).notNull(),
    metrics: jsonb().$type<Metrics>().notNull().default(defaultMetrics),
    thresholds: jsonb().$type<Thresholds>().default({ warning: {}, critical: {} }),
    alertsTriggered: jsonb().$type<unknown[]>().default([]),
    anomaliesDetected: jsonb().$type<unknown[]>().default([]),
    healthScore: integer(),
    complianceStatus: jsonb().$type<Record<string, unknown>>().default({}),
  },
  (t) => [
    primaryKey({ name: "infrastructure_monitoring_pkey", columns: [t.id, t.monitoringTimestamp] }),
    index("idx_infra_monitoring_resource_time").on(t.resourceId, t.monitoringTimestamp.desc()),
    index("idx_infra_monitoring_type").on(t.monitoringType, t.monitoringTimestamp.desc()),
    index("idx_infra_monitoring_health").on(t.healthScore, t.monitoringTimestamp.desc()),
    index("idx_infra_monitoring_org_time").on(t.organizationId, t.monitoringTimestamp.desc()),
    sameOrganization("infrastructure_monitoring", t.organizationId, t.resourceId, cloudResources),
    check("infrastructure_monitoring_monitoring_type_check", oneOf(t.monitoringType, monitoringTypes)),
    check("infrastructure_monitoring_health_score_check", sql`${t.healthScore} between 0 and 100`),
    tenantPolicy("infrastructure_monitoring_tenant_isolation", t.organizationId),
  ],
).enableRLS();

/**
 * Per organization, minute (UTC, `date_bin('1 minute', …)`) and provider (the sampled resource's),
 * how many samples carry a numeric `response_time_ms` and their exact sum, kept by
 * statement-level triggers on `infrastructure_monitoring` (migration 0038):
 * get_infrastructure_health_score sums the last hour's whole minutes here and reads only the
 * first, partial minute from the samples. Nobody writes it but those triggers and
 * `rebuild_response_time_minutes` (after loads that bypass triggers); tenants and the worker read it.
 */
export const responseTimeMinutes = pgTable(
  "response_time_minutes",
  {
    organizationId: uuid().notNull(),
    minute: timestampTz().notNull(),
    // No foreign keys, as resource_health_counts: rows follow the samples through the triggers.
    providerId: uuid().notNull(),
    /** Samples whose `response_time_ms` is a JSON number. */
    samples: bigint({ mode: "number" }).notNull(),
    /** Their exact sum (numeric, no rounding). */
    responseTimeSum: decimal().notNull(),
    /** The most decimals any of them has (null when `samples` is 0): the mean's division scale depends on it. */
    maxScale: integer(),
    /** How many of them have `max_scale` decimals: when a delete takes the last, the minute is recounted. */
    samplesAtMaxScale: bigint({ mode: "number" }).notNull(),
    /** Samples whose `response_time_ms` is present but not a JSON number (a string): the score then reads the samples. */
    otherValues: bigint({ mode: "number" }).notNull(),
  },
  (t) => [
    // Organization and time first: the score reads one organization's minutes from a point on.
    primaryKey({ name: "response_time_minutes_pkey", columns: [t.organizationId, t.minute, t.providerId] }),
    tenantPolicy("response_time_minutes_tenant_isolation", t.organizationId),
  ],
).enableRLS();

/** Alerts and incidents, from raised to resolved. */
export const infrastructureAlerts = pgTable(
  "infrastructure_alerts",
  {
    id: uuid().primaryKey().defaultRandom(),
    organizationId: uuid()
      .notNull()
      .references(() => organizations.id),
    alertName: varchar({ length: 200 }).notNull(),
    alertType: varchar({ length: 30, enum: alertTypes }).notNull(),
    severityLevel: varchar({ length: 20, enum: severityLevels }).default("warning"),
    resourceId: uuid(),
    providerId: uuid(),
    alertConditions: jsonb().$type<Record<string, unknown>>().notNull(),
    currentValues: jsonb().$type<Record<string, unknown>>().default({}),
    notificationChannels: jsonb().$type<string[]>().default(["email"]),
    recipientList: jsonb().$type<unknown[]>().notNull(),
    escalationRules: jsonb().$type<Record<string, unknown>>().default({}),
    autoRemediation: jsonb()
      .$type<AutoRemediation>()
      .default({ enabled: false, actions: [], conditions: {} }),
    weddingDayEscalation: boolean().default(false),
    triggeredAt: timestampNow(),
    acknowledgedAt: timestampTz(),
    acknowledgedBy: uuid(),
    resolvedAt: timestampTz(),
    resolvedBy: uuid(),
    resolutionNotes: text(),
    alertStatus: varchar({ length: 20, enum: alertStatuses }).default("active"),
  },
  (t) => [
    // The target of alert_deliveries' composite key: a delivery names an alert of its own organization.
    organizationKey("infrastructure_alerts", t.organizationId, t.id),
    // One open alert per resource and type: the alert writer upserts on it, and two workers
    // evaluating the same resource at once cannot both raise one. Alerts of no resource
    // (budgets) are told apart by their conditions instead.
    uniqueIndex("idx_infra_alerts_one_open_per_resource")
      .on(t.organizationId, t.resourceId, t.alertType)
      .where(sql`${t.resourceId} is not null and ${t.alertStatus} in ('active', 'acknowledged')`),
    index("idx_infra_alerts_org_status").on(t.organizationId, t.alertStatus),
    index("idx_infra_alerts_severity").on(t.severityLevel, t.alertStatus),
    index("idx_infra_alerts_resource").on(t.resourceId, t.alertStatus),
    index("idx_infra_alerts_wedding").on(t.weddingDayEscalation, t.alertStatus),
    index("idx_infra_alerts_provider").on(t.providerId),
    sameOrganization("infrastructure_alerts", t.organizationId, t.resourceId, cloudResources),
    sameOrganization("infrastructure_alerts", t.organizationId, t.providerId, cloudProviders),
    sameOrganization("infrastructure_alerts", t.organizationId, t.acknowledgedBy, userProfiles),
    sameOrganization("infrastructure_alerts", t.organizationId, t.resolvedBy, userProfiles),
    check("infrastructure_alerts_alert_type_check", oneOf(t.alertType, alertTypes)),
    check("infrastructure_alerts_severity_level_check", oneOf(t.severityLevel, severityLevels)),
    check("infrastructure_alerts_alert_status_check", oneOf(t.alertStatus, alertStatuses)),
    tenantPolicy("infrastructure_alerts_tenant_isolation", t.organizationId),
  ],
).enableRLS();

/**
 * Each resource's utilization over a window of samples (30 days unless asked otherwise), one
 * row per resource of an organization, as of the organization's last
 * `refresh_resource_utilization()` (the metrics job calls it after each ingest, maintenance
 * hourly). `analyze_cost_optimization(org, days)` answers from these rows when `days` is the
 * snapshot's window instead of reading the window's samples (millions at 100k resources), and
 * reports `refreshed_at` as its `as_of`. The flags are the function's own criteria: `is_unused`
 * running with no sample in the window, `is_underused` running with mean CPU < 20 % and mean
 * memory < 30 % (memory only when reported).
 */
export const resourceUtilization = pgTable(
  "resource_utilization",
  {
    organizationId: uuid()
      .notNull()
      .references(() => organizations.id),
    // Derived from the resource: it goes when the resource goes (cascade, below).
    resourceId: uuid().notNull(),
    windowDays: integer().notNull(),
    sampleCount: integer().notNull(),
    /** Mean `cpu_utilization` of the window's samples; null when none reported it. */
    avgCpuUtilization: decimal(),
    /** Mean `memory_utilization`; null when none reported it (EC2 without an agent). */
    avgMemoryUtilization: decimal(),
    /** `cost_tracking.monthly_cost` of the resource when refreshed. */
    monthlyCost: decimal(),
    isUnused: boolean().notNull(),
    isUnderused: boolean().notNull(),
    refreshedAt: timestampNow().notNull(),
    /**
     * The order of analyze_cost_optimization's lists, ascending: the monthly saving negated (the
     * whole cost of an unused resource, 30 % of an under-used one; the two never overlap), so
     * that "largest saving first, then id" is one ascending key. A stored column and a double,
     * not an expression over numeric: under row-level security the planner only uses a
     * comparison as an index condition when its operators are leakproof, and numeric's are not
     * (float8's and uuid's are), so cost_optimization_resources' keyset starts at its cursor
     * instead of filtering every earlier row.
     */
    savingsOrder: doublePrecision()
      .notNull()
      .generatedAlwaysAs(
        sql`(-(CASE WHEN is_underused THEN coalesce(monthly_cost, 0) * 0.3 ELSE coalesce(monthly_cost, 0) END))::double precision`,
      ),
  },
  (t) => [
    // Organization first: a refresh upserts one organization's rows, and the function reads
    // the snapshot's window and time from the first of them.
    primaryKey({ name: "resource_utilization_pkey", columns: [t.organizationId, t.resourceId] }),
    // What analyze_cost_optimization and cost_optimization_resources read, in their order:
    // largest monthly saving first (the negated saving ascending), ties by id. The first 100
    // and each page of the full list start at a key; the totals are index-only scans.
    index("idx_resource_utilization_unused")
      .on(t.organizationId, t.savingsOrder, lastKeyThenInclude(t.resourceId, [t.monthlyCost]))
      .where(sql`${t.isUnused}`),
    index("idx_resource_utilization_underused")
      .on(t.organizationId, t.savingsOrder, lastKeyThenInclude(t.resourceId, [t.monthlyCost]))
      .where(sql`${t.isUnderused}`),
    check("resource_utilization_window_days_check", sql`${t.windowDays} between 1 and 3650`),
    sameOrganization("resource_utilization", t.organizationId, t.resourceId, cloudResources).onDelete("cascade"),
    check("resource_utilization_sample_count_check", sql`${t.sampleCount} >= 0`),
    tenantPolicy("resource_utilization_tenant_isolation", t.organizationId),
  ],
).enableRLS();

/**
 * analyze_cost_optimization's answer for an organization's `resource_utilization` snapshot (a
 * cache, unlike the design document's `cost_optimization_recommendations`, which people curate),
 * computed by the refresh that wrote the snapshot (migration 0018): building the JSON lists of
 * ten thousand resource ids was most of each call. Any other change to the organization's
 * snapshot deletes its rows (a trigger), and the function then aggregates the snapshot itself
 * until the next refresh, so what it answers never depends on which path served it.
 */
export const costOptimizationResults = pgTable(
  "cost_optimization_results",
  {
    organizationId: uuid()
      .notNull()
      .references(() => organizations.id),
    optimizationType: varchar({ length: 50 }).notNull(),
    windowDays: integer().notNull(),
    potentialMonthlySavings: decimal({ precision: 12, scale: 2 }).notNull(),
    /** 0 when nothing qualifies: the function then returns no row of this type. */
    affectedResources: integer().notNull(),
    recommendationDetails: jsonb().$type<Record<string, unknown>>().notNull(),
    /** The snapshot's refresh time, also `recommendation_details.as_of`. */
    refreshedAt: timestampTz().notNull(),
  },
  (t) => [
    primaryKey({ name: "cost_optimization_results_pkey", columns: [t.organizationId, t.optimizationType] }),
    check("cost_optimization_results_affected_resources_check", sql`${t.affectedResources} >= 0`),
    tenantPolicy("cost_optimization_results_tenant_isolation", t.organizationId),
  ],
).enableRLS();

export const resourceUtilizationRelations = relations(resourceUtilization, ({ one }) => ({
  organization: one(organizations, { fields: [resourceUtilization.organizationId], references: [organizations.id] }),
  resource: one(cloudResources, { fields: [resourceUtilization.resourceId], references: [cloudResources.id] }),
}));

export const infrastructureMonitoringRelations = relations(infrastructureMonitoring, ({ one }) => ({
  organization: one(organizations, {
    fields: [infrastructureMonitoring.organizationId],
    references: [organizations.id],
  }),
  resource: one(cloudResources, { fields: [infrastructureMonitoring.resourceId], references: [cloudResources.id] }),
}));

export const infrastructureAlertsRelations = relations(infrastructureAlerts, ({ one }) => ({
  organization: one(organizations, { fields: [infrastructureAlerts.organizationId], references: [organizations.id] }),
  resource: one(cloudResources, { fields: [infrastructureAlerts.resourceId], references: [cloudResources.id] }),
  provider: one(cloudProviders, { fields: [infrastructureAlerts.providerId], references: [cloudProviders.id] }),
}));
