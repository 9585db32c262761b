import type { BackupRecord, NormalizedBackupConfiguration, NormalizedBackupExecution, ScopeRef } from "@cloudsync/cloud";
import { type DbOrTx, queryRows, withOrganization } from "@cloudsync/db";
import { type SQL, sql } from "drizzle-orm";

/**
 * The clouds' backup settings and runs into `backup_configurations` and `backup_executions`
 * (docs/coverage.md, "Backups"). Idempotent and never deleting: a configuration is keyed by
 * (organization, resource, the cloud's `source_id`), a run by (organization, the cloud's job
 * id); reading the same job twice updates its row. A record whose resource is not in the
 * provider's inventory (not synced yet, or another provider's) is counted and left out, so no
 * row points at a guess.
 */

export interface BackupWriteContext {
  organizationId: string;
  providerId: string;
}

export interface BackupWriteCounts {
  configurations: number;
  executions: number;
  /** Records naming a resource the provider's inventory does not hold. */
  unknownResource: number;
  /** Runs whose configuration was not read (an on-demand job, or a plan since deleted). */
  withoutConfiguration: number;
  /** Snapshots stored before that a complete listing of their scope no longer has (deleted in the cloud). */
  snapshotsGone: number;
}

/**
 * Snapshot listings (EBS DescribeSnapshots, GCP snapshots.list) say what exists now, unlike job
 * histories: a snapshot a complete listing of its scope no longer returns was deleted. Its
 * execution row stays (it is history) and gets `performance_metrics.deleted_at`, so the
 * snapshot-retention rule never advises deleting it again. A scope `<cloud>:<account>:<region>:
 * <listing>_snapshots` covers the executions whose details say `snapshot: <listing>` with that
 * account and region (`*`: every region).
 */
export function snapshotListingOf(scope: ScopeRef): string | null {
  const m = /^(.+)_snapshots$/.exec(scope.kind);
  return m ? (m[1] as string) : null;
}

function markGoneStatement(ctx: BackupWriteContext, scope: ScopeRef, listing: string, seen: readonly string[]): SQL {
  return sql`
    with gone as (
      update backup_executions e
         set performance_metrics = e.performance_metrics || jsonb_build_object('deleted_at', now())
       where e.organization_id = ${ctx.organizationId}::uuid
         and e.performance_metrics ->> 'snapshot' = ${listing}
         and e.performance_metrics ->> 'account' = ${scope.account}
         and (${scope.region} = '*' or e.performance_metrics ->> 'region' = ${scope.region})
         and not (e.performance_metrics ? 'deleted_at')
         and e.source_id not in (select jsonb_array_elements_text(${JSON.stringify(seen)}::jsonb))
         and exists (select 1 from backup_configurations b join cloud_resources r on r.id = b.resource_id
                      where b.id = e.backup_config_id and r.provider_id = ${ctx.providerId}::uuid)
      returning 1
    )
    select count(*)::int as gone from gone`;
}

const gib = 1024 ** 3;

/** `retention_policy` from a retention in days: every recovery point is kept that long. */
export function retentionPolicyOf(days: number | null): Record<string, unknown> {
  return {
    daily_retention_days: days ?? 0,
    weekly_retention_weeks: 0,
    monthly_retention_months: 0,
    yearly_retention_years: 0,
    ...(days === null ? { kept_until_deleted: true } : {}),
  };
}

/**
 * `backup_status` as the cloud states it: active when it runs; disabled when it neither runs nor
 * keeps anything (retention 0 days: RDS with BackupRetentionPeriod 0); paused otherwise (stopped
 * protection, on-demand snapshots nothing schedules). `failed` is the refresh's to set.
 */
export function statusOf(c: Pick<NormalizedBackupConfiguration, "enabled" | "retentionDays">): "active" | "paused" | "disabled" {
  if (c.enabled) return "active";
  return c.retentionDays === 0 ? "disabled" : "paused";
}

function configurationRow(c: NormalizedBackupConfiguration) {
  return {
    resource: c.resourceId,
    source_id: `${c.cloud}:${c.sourceId}`,
    backup_type: c.backupType,
    backup_frequency: c.frequency,
    // A next run the cloud's schedule states (RDS's window, a Compute Engine snapshot schedule) travels in the schedule; the refresh reads it.
    backup_schedule: { expression: c.schedule, ...c.details, ...(c.nextBackupAt !== undefined ? { next_backup_at: c.nextBackupAt } : {}) },
    retention_policy: retentionPolicyOf(c.retentionDays),
    backup_destination: c.destination,
    backup_status: statusOf(c),
  };
}

function executionRow(e: NormalizedBackupExecution) {
  const duration = e.completedAt ? Math.max(0, Math.round((Date.parse(e.completedAt) - Date.parse(e.startedAt)) / 1000)) : null;
  return {
    resource: e.resourceId,
    source_id: `${e.cloud}:${e.sourceId}`,
    config_source_id: e.configurationSourceId === null ? null : `${e.cloud}:${e.configurationSourceId}`,
    execution_status: e.status,
    started_at: e.startedAt,
    completed_at: e.completedAt,
    duration_seconds: duration,
    backup_size_gb: e.sizeBytes === null ? null : (e.sizeBytes / gib).toFixed(3),
    backup_location: e.recoveryPoint ?? e.location,
    error_message: e.error,
    performance_metrics: { ...e.details, location: e.location, recovery_point: e.recoveryPoint },
  };
}

function upsertConfigurations(ctx: BackupWriteContext, rows: ReturnType<typeof configurationRow>[]): SQL {
  return sql`
    with input as (
      select * from jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) as i(
        resource text, source_id text, backup_type text, backup_frequency text, backup_schedule jsonb,
        retention_policy jsonb, backup_destination jsonb, backup_status text, next_backup_at timestamptz)
    ), written as (
      insert into backup_configurations (organization_id, resource_id, source_id, backup_type, backup_frequency,
                                         backup_schedule, retention_policy, backup_destination, backup_status, next_backup_at)
      select distinct on (r.id, i.source_id) ${ctx.organizationId}::uuid, r.id, i.source_id, i.backup_type, i.backup_frequency,
             i.backup_schedule, i.retention_policy, i.backup_destination, i.backup_status, i.next_backup_at
        from input i
        join cloud_resources r on r.organization_id = ${ctx.organizationId}::uuid and r.provider_id = ${ctx.providerId}::uuid
                              and r.resource_id = i.resource
      on conflict (organization_id, resource_id, source_id) do update
        set backup_type = excluded.backup_type, backup_frequency = excluded.backup_frequency,
            backup_schedule = excluded.backup_schedule, retention_policy = excluded.retention_policy,
            backup_destination = excluded.backup_destination,
            -- A next run the schedule set replaces the stored one; without one the refresh derives it.
            next_backup_at = coalesce(excluded.next_backup_at, backup_configurations.next_backup_at),
            -- A configuration the clouds says runs again is active again; 'failed' is set by the refresh.
            backup_status = case when backup_configurations.backup_status = 'failed' and excluded.backup_status = 'active'
                                 then backup_configurations.backup_status else excluded.backup_status end,
            updated_at = now()
        -- A row the cloud describes as before is not rewritten (it still counts as written).
        where (backup_configurations.backup_type, backup_configurations.backup_frequency, backup_configurations.backup_schedule,
               backup_configurations.retention_policy, backup_configurations.backup_destination,
               case when backup_configurations.backup_status = 'failed' then 'active' else backup_configurations.backup_status end)
              is distinct from (excluded.backup_type, excluded.backup_frequency, excluded.backup_schedule,
               excluded.retention_policy, excluded.backup_destination, excluded.backup_status)
      returning 1
    )
    select (select count(*) from written)::int as written,
           (select count(*) from input i where not exists (
              select 1 from cloud_resources r where r.organization_id = ${ctx.organizationId}::uuid
                 and r.provider_id = ${ctx.providerId}::uuid and r.resource_id = i.resource))::int as unknown`;
}

function upsertExecutions(ctx: BackupWriteContext, rows: ReturnType<typeof executionRow>[]): SQL {
  return sql`
    with input as (
      select * from jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) as i(
        resource text, source_id text, config_source_id text, execution_status text, started_at timestamptz,
        completed_at timestamptz, duration_seconds integer, backup_size_gb numeric, backup_location text,
        error_message text, performance_metrics jsonb)
    ), resolved as (
      select i.*, r.id as resource_row,
             (select b.id from backup_configurations b
               where b.organization_id = ${ctx.organizationId}::uuid and b.resource_id = r.id and b.source_id = i.config_source_id) as config_id
        from input i
        left join cloud_resources r on r.organization_id = ${ctx.organizationId}::uuid and r.provider_id = ${ctx.providerId}::uuid
                                   and r.resource_id = i.resource
    ), written as (
      insert into backup_executions (organization_id, backup_config_id, source_id, execution_status, started_at, completed_at,
                                     duration_seconds, backup_size_gb, data_transferred_gb, backup_location, error_message,
                                     performance_metrics)
      select distinct on (source_id) ${ctx.organizationId}::uuid, config_id, source_id, execution_status, started_at, completed_at,
             duration_seconds, backup_size_gb, backup_size_gb, backup_location, error_message, performance_metrics
        from resolved where config_id is not null
      on conflict (organization_id, source_id) do update
        set execution_status = excluded.execution_status, completed_at = excluded.completed_at,
            duration_seconds = excluded.duration_seconds, backup_size_gb = excluded.backup_size_gb,
            data_transferred_gb = excluded.data_transferred_gb, backup_location = excluded.backup_location,
            error_message = excluded.error_message, performance_metrics = excluded.performance_metrics
        where (backup_executions.execution_status, backup_executions.completed_at, backup_executions.backup_size_gb,
               backup_executions.backup_location, backup_executions.error_message, backup_executions.performance_metrics)
              is distinct from (excluded.execution_status, excluded.completed_at, excluded.backup_size_gb,
               excluded.backup_location, excluded.error_message, excluded.performance_metrics)
      returning 1
    )
    select (select count(*) from written)::int as written,
           (select count(*) from resolved where resource_row is null)::int as unknown,
           (select count(*) from resolved where resource_row is not null and config_id is null)::int as orphan`;
}

/**
 * What the runs say about each of the provider's configurations, and `backup_enabled` of their
 * resources (docs/disaster-recovery.md, "Evaluating a DR plan from the clouds' backups"):
 * - `last_backup_at`: the newest completed run's end; `backup_size_gb`: that run's size;
 * - `success_rate`: completed runs among finished ones (completed, failed), in percent;
 * - `next_backup_at`: the next run the cloud's own schedule states, when the reader found one
 *   (`backup_schedule.next_backup_at`, null when it will not run: RDS's window, RDS backups
 *   disabled, a Compute Engine snapshot schedule); else the newest run's start plus the frequency's period (hourly 1 h, daily 1 d,
 *   weekly 7 d, monthly 1 month; continuous: none);
 * - `backup_status`: `failed` when the newest finished run failed, else as the cloud said;
 * - a resource is `backup_enabled` when one of its configurations is active or failed.
 */
function refreshStatement(ctx: BackupWriteContext): SQL {
  return sql`
    with mine as (
      select b.id, b.resource_id, b.backup_frequency, b.backup_schedule from backup_configurations b
        join cloud_resources r on r.id = b.resource_id
       where b.organization_id = ${ctx.organizationId}::uuid and r.provider_id = ${ctx.providerId}::uuid and b.source_id is not null
    ), facts as (
      select m.id,
             (select e.completed_at from backup_executions e where e.backup_config_id = m.id and e.execution_status = 'completed'
               order by e.completed_at desc nulls last limit 1) as last_ok,
             (select e.backup_size_gb from backup_executions e where e.backup_config_id = m.id and e.execution_status = 'completed'
               order by e.completed_at desc nulls last limit 1) as last_size,
             (select e.execution_status from backup_executions e where e.backup_config_id = m.id and e.execution_status in ('completed', 'failed')
               order by e.started_at desc limit 1) as last_finished,
             (select max(e.started_at) from backup_executions e where e.backup_config_id = m.id) as last_start,
             (select count(*) filter (where e.execution_status = 'completed')::numeric * 100 / nullif(count(*), 0)
                from backup_executions e where e.backup_config_id = m.id and e.execution_status in ('completed', 'failed')) as rate,
             m.backup_frequency, m.backup_schedule
        from mine m
    ), updated as (
      update backup_configurations b
         set last_backup_at = f.last_ok,
             backup_size_gb = f.last_size,
             success_rate = coalesce(round(f.rate, 2), b.success_rate),
             next_backup_at = case when f.backup_schedule ? 'next_backup_at' then (f.backup_schedule ->> 'next_backup_at')::timestamptz
                                   else f.last_start + case f.backup_frequency when 'hourly' then interval '1 hour' when 'daily' then interval '1 day'
                                                 when 'weekly' then interval '7 days' when 'monthly' then interval '1 month' end end,
             backup_status = case when f.last_finished = 'failed' and b.backup_status = 'active' then 'failed'
                                  when f.last_finished = 'completed' and b.backup_status = 'failed' then 'active'
                                  else b.backup_status end
        from facts f where b.id = f.id
      returning b.id, b.resource_id, b.backup_status
    ), wanted as (
      -- Read from this statement's own result for the configurations it updated (a CTE's update
      -- is not visible to its siblings), from the table for the others.
      select r.id, exists (select 1 from backup_configurations b where b.resource_id = r.id and b.id not in (select id from updated)
                             and b.backup_status in ('active', 'failed'))
                   or exists (select 1 from updated u where u.resource_id = r.id and u.backup_status in ('active', 'failed')) as enabled,
             r.backup_enabled
        from cloud_resources r
       where r.organization_id = ${ctx.organizationId}::uuid and r.provider_id = ${ctx.providerId}::uuid
         and (r.id in (select resource_id from mine) or r.backup_enabled)
    )
    -- Only rows whose flag changes are written: an unchanged resource keeps its row version.
    update cloud_resources r set backup_enabled = w.enabled
      from wanted w where r.id = w.id and r.backup_enabled is distinct from w.enabled`;
}

export class BackupWriter {
  readonly counts: BackupWriteCounts = { configurations: 0, executions: 0, unknownResource: 0, withoutConfiguration: 0, snapshotsGone: 0 };
  /** Snapshot source ids listed per snapshot scope (its key), and the scopes listed whole. */
  private readonly listed = new Map<string, { scope: ScopeRef; ids: Set<string> }>();
  private readonly listedWhole = new Set<string>();

  constructor(
    private readonly db: DbOrTx,
    private readonly ctx: BackupWriteContext,
  ) {}

  /** One page (of `scope`, when the caller knows it): its configurations first, so the runs of the same page find them. */
  async writePage(records: readonly BackupRecord[], scope?: ScopeRef): Promise<void> {
    if (scope && snapshotListingOf(scope)) {
      const key = scopeKeyOf(scope);
      const entry = this.listed.get(key) ?? { scope, ids: new Set<string>() };
      for (const r of records) if (r.record === "execution") entry.ids.add(`${r.cloud}:${r.sourceId}`);
      this.listed.set(key, entry);
    }
    const configurations = records.filter((r): r is NormalizedBackupConfiguration => r.record === "configuration").map(configurationRow);
    const executions = records.filter((r): r is NormalizedBackupExecution => r.record === "execution").map(executionRow);
    await withOrganization(
      this.db,
      this.ctx.organizationId,
      async (tx) => {
        if (configurations.length > 0) {
          const [c] = await queryRows<{ written: number; unknown: number }>(tx, upsertConfigurations(this.ctx, configurations));
          this.counts.configurations += c?.written ?? 0;
          this.counts.unknownResource += c?.unknown ?? 0;
        }
        if (executions.length > 0) {
          const [e] = await queryRows<{ written: number; unknown: number; orphan: number }>(tx, upsertExecutions(this.ctx, executions));
          this.counts.executions += e?.written ?? 0;
          this.counts.unknownResource += e?.unknown ?? 0;
          this.counts.withoutConfiguration += e?.orphan ?? 0;
        }
      },
      { role: null },
    );
  }

  /** A scope the adapter read whole: a snapshot listing's absent snapshots are then known gone. */
  scopeCompleted(scope: ScopeRef): void {
    if (!snapshotListingOf(scope)) return;
    const key = scopeKeyOf(scope);
    this.listedWhole.add(key);
    if (!this.listed.has(key)) this.listed.set(key, { scope, ids: new Set() });
  }

  /** Once, after every page: snapshots gone from complete listings, the configurations' summary columns and `backup_enabled`. */
  async finish(): Promise<void> {
    await withOrganization(
      this.db,
      this.ctx.organizationId,
      async (tx) => {
        for (const key of this.listedWhole) {
          const entry = this.listed.get(key);
          const listing = entry && snapshotListingOf(entry.scope);
          if (!entry || !listing) continue;
          const [g] = await queryRows<{ gone: number }>(tx, markGoneStatement(this.ctx, entry.scope, listing, [...entry.ids]));
          this.counts.snapshotsGone += g?.gone ?? 0;
        }
        await tx.execute(refreshStatement(this.ctx));
      },
      { role: null },
    );
  }
}

function scopeKeyOf(scope: ScopeRef): string {
  return `${scope.cloud}:${scope.account}:${scope.region}:${scope.kind}`;
}
