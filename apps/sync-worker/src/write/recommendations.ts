import {
  type CloudName,
  createPriceBook,
  defaultRuleThresholds,
  evaluateRecommendations,
  type Finding,
  type RecommendationKind,
  type ResourceEvidence,
  type ResourceStatus,
  type RuleThresholds,
  recommendationFacts,
  regionGeography,
  type UsageFacts,
} from "@cloudsync/cloud";
import { type DbOrTx, queryRows } from "@cloudsync/db";
import { sql } from "drizzle-orm";
import { environmentFromTags } from "../resources/tag-flags.ts";
import { loadPrices } from "./prices.ts";

export interface RecommendationRefreshOptions {
  /** The usage window the rules judge, in hours. Default 30 days. */
  windowHours?: number;
  /** The metrics sync's period, so a window's expected sample count is known. Default 300 s. */
  samplePeriodSeconds?: number;
  thresholds?: RuleThresholds;
  now?: Date;
}

export interface RecommendationRefreshCounts {
  recommendationsOpened: number;
  recommendationsUpdated: number;
  recommendationsExpired: number;
}

/** How hard each type is to carry out and how risky, for the columns the design document has. */
const effort: Record<RecommendationKind, { complexity: string; risk: string; impact: string }> = {
  unused_resources: { complexity: "low", risk: "medium", impact: "low" },
  rightsizing: { complexity: "medium", risk: "medium", impact: "medium" },
  reserved_instances: { complexity: "low", risk: "low", impact: "low" },
  spot_instances: { complexity: "medium", risk: "high", impact: "medium" },
  storage_optimization: { complexity: "low", risk: "low", impact: "low" },
  region_optimization: { complexity: "high", risk: "high", impact: "high" },
};

/**
 * Reads the organization's live resources, the window's samples and the cached prices, runs
 * the rules (docs/recommendations.md), and brings `cost_optimization_recommendations` in line,
 * inside the caller's `withOrganization` transaction:
 * - a finding seen before (same `finding_key`) updates its open row's savings and evidence; a
 *   row someone approved keeps its status, one someone rejected is left as it is;
 * - a new finding opens a row;
 * - an `identified` row whose finding no longer holds is expired, as are the flat-30 % rows
 *   the old SQL analysis opened (they have no finding key).
 */
export async function refreshRecommendations(tx: DbOrTx, org: string, options: RecommendationRefreshOptions = {}): Promise<RecommendationRefreshCounts & { findings: Finding[] }> {
  const now = options.now ?? new Date();
  const windowHours = options.windowHours ?? 30 * 24;
  const period = options.samplePeriodSeconds ?? 300;
  const evidence = [...(await readEvidence(tx, org, now, windowHours, period)), ...(await readSnapshotEvidence(tx, org, now))];
  const currency = await billingCurrency(tx, org);
  const clouds = [...new Set(evidence.map((e) => e.facts.cloud))];
  const prices = createPriceBook(await loadPrices(tx, clouds));
  const thresholds = options.thresholds ?? defaultRuleThresholds;
  const findings = evaluateRecommendations(evidence, {
    prices,
    currency,
    geographyOf: regionGeography,
    // Unknown environment counts as production: spot is only proposed where we know it is not.
    isProduction: (tags) => (environmentFromTags(tags) ?? "production") === "production",
    thresholds,
  });
  const counts = await writeFindings(tx, org, findings, { windowHours, thresholds, asOf: now });
  return { ...counts, findings };
}

async function readEvidence(tx: DbOrTx, org: string, now: Date, windowHours: number, periodSeconds: number): Promise<ResourceEvidence[]> {
  const since = new Date(now.getTime() - windowHours * 3_600_000);
  const rows = await queryRows<{
    id: string;
    cloud: string;
    kind: string | null;
    region: string;
    status: ResourceStatus;
    tags: Record<string, string> | null;
    configuration: Record<string, unknown>;
    samples: number | null;
    cpu_mean: number | null;
    cpu_max: number | null;
    memory_mean: number | null;
    memory_max: number | null;
    network_mean: number | null;
    rps_mean: number | null;
    storage_bytes: number | null;
  }>(
    tx,
    sql`with usage as (
          select im.resource_id,
                 count(distinct im.monitoring_timestamp)::int as samples,
                 avg((im.metrics ->> 'cpu_utilization')::float8) as cpu_mean,
                 max((im.metrics ->> 'cpu_utilization')::float8) as cpu_max,
                 avg((im.metrics ->> 'memory_utilization')::float8) as memory_mean,
                 max((im.metrics ->> 'memory_utilization')::float8) as memory_max,
                 avg((im.metrics ->> 'network_in_mbps')::float8 + (im.metrics ->> 'network_out_mbps')::float8) as network_mean,
                 avg((im.metrics ->> 'requests_per_second')::float8) as rps_mean,
                 -- A bucket's size is what it holds now: the window's latest sample, not its mean.
                 (array_agg((im.metrics ->> 'storage_bytes')::float8 order by im.monitoring_timestamp desc)
                    filter (where im.metrics ? 'storage_bytes'))[1] as storage_bytes
            from infrastructure_monitoring im
           -- A sample is stamped with the start of its period: the window [since, now) holds
           -- exactly window / period of them for a resource that reported all along.
           where im.organization_id = ${org}::uuid and im.monitoring_timestamp >= ${since.toISOString()}::timestamptz
             and im.monitoring_timestamp < ${now.toISOString()}::timestamptz
           group by im.resource_id)
        select cr.id, p.provider_name as cloud, cr.resource_subtype as kind, rg.region_code as region,
               cr.resource_status as status, cr.tags, cr.configuration,
               u.samples, u.cpu_mean, u.cpu_max, u.memory_mean, u.memory_max, u.network_mean, u.rps_mean, u.storage_bytes
          from cloud_resources cr
          join cloud_providers p on p.organization_id = cr.organization_id and p.id = cr.provider_id
          join cloud_regions rg on rg.organization_id = cr.organization_id and rg.id = cr.region_id
          left join usage u on u.resource_id = cr.id
         where cr.organization_id = ${org}::uuid and cr.resource_status <> 'terminated'
           and p.provider_name in ('aws', 'azure', 'gcp')
         order by cr.id`,
  );
  const expectedSamples = Math.floor((windowHours * 3600) / periodSeconds);
  return rows.map((r) => {
    const usage: UsageFacts | undefined =
      r.samples === null
        ? undefined
        : {
            samples: r.samples,
            expectedSamples,
            ...(r.cpu_mean !== null ? { cpuMean: r.cpu_mean } : {}),
            ...(r.cpu_max !== null ? { cpuMax: r.cpu_max } : {}),
            ...(r.memory_mean !== null ? { memoryMean: r.memory_mean } : {}),
            ...(r.memory_max !== null ? { memoryMax: r.memory_max } : {}),
            ...(r.network_mean !== null ? { networkMbpsMean: r.network_mean } : {}),
            ...(r.rps_mean !== null ? { requestsPerSecondMean: r.rps_mean } : {}),
            ...(r.storage_bytes !== null ? { storageBytesLatest: r.storage_bytes } : {}),
          };
    const facts = recommendationFacts({
      key: r.id,
      cloud: r.cloud as CloudName,
      kind: r.kind ?? "",
      region: r.region,
      status: r.status,
      tags: r.tags ?? {},
      configuration: r.configuration,
    });
    return { facts, usage };
  });
}

/**
 * The snapshots the clouds list (backup executions a snapshot listing wrote, `performance_metrics
 * .snapshot` set) that still exist (no `deleted_at`) and completed, as facts for the snapshot-
 * retention rule (docs/recommendations.md): age from the start, size from the row, retention
 * from the configuration's `retention_policy` (none when it keeps recovery points until
 * deleted), priced in the region of the resource it was taken of. Jobs of backup services (AWS
 * Backup, Azure Backup, Cloud SQL) are left out: those services delete their own recovery points.
 * RDS DB snapshots are left out too: RDS deletes its automated ones itself, and manual ones are
 * billed at RDS's backup-storage price, which is not read yet (the EBS snapshot price would
 * misstate the savings).
 */
export async function readSnapshotEvidence(tx: DbOrTx, org: string, now: Date): Promise<ResourceEvidence[]> {
  const rows = await queryRows<{
    id: string;
    cloud: string;
    region: string;
    resource: string;
    status: ResourceStatus;
    listing: string;
    started_at: string;
    size_gb: string | null;
    retention_policy: Record<string, unknown> | null;
  }>(
    tx,
    sql`select e.id, p.provider_name as cloud, rg.region_code as region, cr.id as resource, cr.resource_status as status,
               e.performance_metrics ->> 'snapshot' as listing, e.started_at, e.backup_size_gb as size_gb, b.retention_policy
          from backup_executions e
          join backup_configurations b on b.id = e.backup_config_id
          join cloud_resources cr on cr.id = b.resource_id
          join cloud_providers p on p.organization_id = cr.organization_id and p.id = cr.provider_id
          join cloud_regions rg on rg.organization_id = cr.organization_id and rg.id = cr.region_id
         where e.organization_id = ${org}::uuid and e.execution_status = 'completed'
           and e.performance_metrics ? 'snapshot' and not (e.performance_metrics ? 'deleted_at')
           and e.performance_metrics ->> 'snapshot' <> 'rds'
           and p.provider_name in ('aws', 'azure', 'gcp')
         order by e.id`,
  );
  return rows.map((r) => {
    const policy = r.retention_policy ?? {};
    const days = Number(policy.daily_retention_days);
    const declared = policy.kept_until_deleted !== true && Number.isFinite(days) && days > 0;
    const facts: ResourceEvidence["facts"] = {
      key: r.id,
      cloud: r.cloud as CloudName,
      kind: `${r.listing}_snapshot`,
      region: r.region,
      status: r.status,
      tags: {},
      role: "snapshot",
      ageDays: Math.floor((now.getTime() - Date.parse(r.started_at)) / 86_400_000),
      snapshotOf: r.resource,
      ...(r.size_gb !== null ? { sizeGb: Number(r.size_gb) } : {}),
      ...(declared ? { retentionDays: days } : {}),
    };
    return { facts, usage: undefined };
  });
}

/**
 * The organization's billing currency: the currency most of its billed lines of the last 60
 * days are in; USD when it has no bill yet.
 */
export async function billingCurrency(tx: DbOrTx, org: string): Promise<string> {
  const [row] = await queryRows<{ currency: string }>(
    tx,
    sql`select cost_currency as currency from cloud_costs
         where organization_id = ${org}::uuid and cost_period_start >= current_date - 60 and cost_currency is not null
         group by cost_currency order by count(*) desc, cost_currency limit 1`,
  );
  return row?.currency ?? "USD";
}

async function writeFindings(
  tx: DbOrTx,
  org: string,
  findings: readonly Finding[],
  context: { windowHours: number; thresholds: RuleThresholds; asOf: Date },
): Promise<RecommendationRefreshCounts> {
  const rows = findings.map((f) => ({
    finding_key: f.findingKey,
    type: f.type,
    targets: f.resourceKeys,
    rules: { source: "recommendation_rules", rule: f.type, finding_key: f.findingKey, window_hours: context.windowHours, as_of: context.asOf.toISOString(), evidence: f.evidence },
    savings: {
      monthly_savings: f.monthlySavings,
      annual_savings: Math.round(f.monthlySavings * 12 * 100) / 100,
      percentage_savings: f.currentMonthly > 0 ? Math.round((f.monthlySavings / f.currentMonthly) * 1000) / 10 : 0,
      currency: f.currency,
      current_monthly_cost: f.currentMonthly,
      proposed_monthly_cost: f.proposedMonthly,
    },
    details: f.action,
    ...effort[f.type],
  }));
  const [r] = await queryRows<{ opened: number; updated: number; expired: number }>(
    tx,
    sql`with input as (
          select * from jsonb_to_recordset(${JSON.stringify(rows)}::jsonb)
            as x(finding_key text, type text, targets jsonb, rules jsonb, savings jsonb, details text, complexity text, risk text, impact text)
        ), live as (
          select id, finding_key, recommendation_status from cost_optimization_recommendations
           where organization_id = ${org}::uuid and finding_key is not null
             and recommendation_status not in ('expired', 'completed')
        ), updated as (
          -- Savings and evidence follow the latest prices and usage; the status is the user's.
          update cost_optimization_recommendations c
             set target_resources = i.targets, optimization_rules = i.rules, estimated_savings = i.savings,
                 recommendation_details = i.details, updated_at = now()
            from input i, live l
           where c.id = l.id and l.finding_key = i.finding_key and l.recommendation_status <> 'rejected'
             and (c.estimated_savings is distinct from i.savings or c.target_resources is distinct from i.targets
                  or c.recommendation_details is distinct from i.details)
          returning 1
        ), opened as (
          insert into cost_optimization_recommendations (organization_id, recommendation_type, target_resources, optimization_rules,
                                                         estimated_savings, recommendation_details, finding_key,
                                                         implementation_complexity, implementation_risk, business_impact)
          select ${org}::uuid, i.type, i.targets, i.rules, i.savings, i.details, i.finding_key, i.complexity, i.risk, i.impact
            from input i
           where not exists (select 1 from live l where l.finding_key = i.finding_key)
          returning 1
        ), expired as (
          update cost_optimization_recommendations c
             set recommendation_status = 'expired', expires_at = now(), updated_at = now()
           where c.organization_id = ${org}::uuid and c.recommendation_status = 'identified'
             and (c.finding_key is null and c.optimization_rules ->> 'source' = 'analyze_cost_optimization'
                  or c.finding_key is not null and not exists (select 1 from input i where i.finding_key = c.finding_key))
          returning 1
        )
        select (select count(*) from opened)::int as opened, (select count(*) from updated)::int as updated,
               (select count(*) from expired)::int as expired`,
  );
  return { recommendationsOpened: r?.opened ?? 0, recommendationsUpdated: r?.updated ?? 0, recommendationsExpired: r?.expired ?? 0 };
}
