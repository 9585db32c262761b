import { type CloudName, cloudNames, latestScalingActivity, scalingChangeOf, scalingTriggerOf, sizingOf } from "@cloudsync/cloud";
import { type SQL, sql } from "drizzle-orm";
import type { ResourceRow } from "../resources/row.ts";
import type { WriteContext } from "./resource-sql.ts";

/** A row the upsert reports with a changed sizing key: the old values of its changed configuration keys. */
export interface ResizedRow {
  id: string;
  resource_id: string;
  old_configuration: Record<string, unknown> | null;
  /** `cost_tracking.daily_cost` before the change, as text. */
  old_daily_cost: string | number | null;
}

/** One `resource_scaling_history` row, as the insert statement takes it. */
export interface ScalingRow {
  resource_id: string;
  scaling_action: string;
  previous_configuration: Record<string, unknown>;
  new_configuration: Record<string, unknown>;
  scaling_trigger: string;
  scaling_reason: string;
  cost_impact: number | null;
  triggered_at: string;
  completed_at: string;
  scaling_duration_seconds: number | null;
}

function cloudOf(row: ResourceRow): CloudName | undefined {
  const cloud = row.sync_scope.slice(0, row.sync_scope.indexOf(":"));
  return (cloudNames as readonly string[]).includes(cloud) ? (cloud as CloudName) : undefined;
}

/**
 * The scaling rows for a page's resized resources (docs/coverage.md, "Scaling history"): the
 * sizes before and after are read from the configurations (before = the new configuration with
 * the changed keys' old values), judged by `scalingChangeOf`; the trigger and times come from
 * the newest scaling activity the configuration carries, else `manual` at the time seen.
 */
export function scalingRowsFor(resized: readonly ResizedRow[], rows: ReadonlyMap<string, ResourceRow>, seenAt: Date): ScalingRow[] {
  const out: ScalingRow[] = [];
  for (const r of resized) {
    const row = rows.get(r.resource_id);
    const cloud = row && cloudOf(row);
    if (!row || !cloud) continue;
    const after = row.configuration;
    const before = { ...after, ...(r.old_configuration ?? {}) };
    const previous = sizingOf(cloud, before);
    const next = sizingOf(cloud, after);
    const daily = r.old_daily_cost === null ? null : Number(r.old_daily_cost);
    const change = scalingChangeOf(previous, next, daily);
    if (!change || !previous || !next) continue;
    const activity = latestScalingActivity(after);
    const triggeredAt = activity?.startedAt ?? seenAt.toISOString();
    const completedAt = activity?.endedAt ?? seenAt.toISOString();
    const duration = activity?.startedAt && activity.endedAt ? Math.max(0, Math.round((Date.parse(activity.endedAt) - Date.parse(activity.startedAt)) / 1000)) : null;
    out.push({
      resource_id: r.id,
      scaling_action: change.action,
      previous_configuration: { ...previous },
      new_configuration: { ...next },
      scaling_trigger: scalingTriggerOf(activity?.cause),
      scaling_reason: `${change.reason}${change.costBasis ? ` (cost from the ${change.costBasis === "price_table" ? "list price table" : "daily cost before"})` : ""}; seen by sync run`,
      cost_impact: change.monthlyCostImpact,
      triggered_at: triggeredAt,
      completed_at: completedAt,
      scaling_duration_seconds: duration !== null && Number.isFinite(duration) ? duration : null,
    });
  }
  return out;
}

/** Inserts a page's scaling rows in one statement (the rows travel as one JSON document). */
export function insertScalingStatement(rows: readonly ScalingRow[], ctx: WriteContext): SQL {
  return sql`
    insert into resource_scaling_history (organization_id, resource_id, scaling_action, previous_configuration,
                                          new_configuration, scaling_trigger, scaling_reason, cost_impact,
                                          scaling_duration_seconds, triggered_at, completed_at)
    select ${ctx.organizationId}::uuid, s.resource_id, s.scaling_action, s.previous_configuration, s.new_configuration,
           s.scaling_trigger, s.scaling_reason || ' ' || ${ctx.syncRunId}::text, s.cost_impact, s.scaling_duration_seconds,
           s.triggered_at, s.completed_at
      from jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) as s(
             resource_id uuid, scaling_action text, previous_configuration jsonb, new_configuration jsonb,
             scaling_trigger text, scaling_reason text, cost_impact numeric, scaling_duration_seconds integer,
             triggered_at timestamptz, completed_at timestamptz)`;
}
