import { type MetricKey, defaultThresholds, evaluateHealth } from "@cloudsync/cloud";
import type { BenchContext } from "../context.ts";
import type { Sql } from "postgres";
import { copyInto, copyLine, quoteIdent } from "../copy.ts";
import { reserved } from "../database.ts";
import { indexOfResourceId } from "../estate.ts";
import { timed } from "../stats.ts";

/** Days of daily cost lines per resource, ending yesterday. */
export const costDays = 30;
/** Samples reach this far back, so they span several monthly partitions. */
export const sampleWindowDays = 70;
/** Idle resources report nothing for this long: `analyze_cost_optimization`'s unused ones. */
const idleDays = 35;
const DAY = 86_400_000;

/** Our rows of the estate, by estate index. */
export interface StoredEstate {
  ids: string[];
  providerIds: string[];
  resourceIds: string[];
  types: string[];
  status: string[];
}

export async function loadStoredEstate(ctx: BenchContext): Promise<StoredEstate> {
  const n = ctx.estate.size;
  const stored: StoredEstate = { ids: new Array(n), providerIds: new Array(n), resourceIds: new Array(n), types: new Array(n), status: new Array(n) };
  const cursor = ctx.db.sql<{ id: string; provider_id: string; resource_id: string; resource_type: string; resource_status: string }[]>`
    select id, provider_id, resource_id, resource_type, resource_status
      from cloud_resources where organization_id = ${ctx.tenant.organizationId}`.cursor(10_000);
  for await (const rows of cursor) {
    for (const r of rows) {
      const i = indexOfResourceId(r.resource_id);
      stored.ids[i] = r.id;
      stored.providerIds[i] = r.provider_id;
      stored.resourceIds[i] = r.resource_id;
      stored.types[i] = r.resource_type;
      stored.status[i] = r.resource_status;
    }
  }
  for (let i = 0; i < n; i++) if (!stored.ids[i]) throw new Error(`resource ${i} of the estate is not stored; did the writer step run?`);
  return stored;
}

const categoryOf: Record<string, string> = {
  compute: "compute",
  storage: "storage",
  database: "database",
  load_balancer: "network",
  network: "network",
  cdn: "network",
  analytics: "compute",
};

/**
 * COPY for setup data, with foreign-key triggers off (session_replication_role = replica): the
 * rows reference what the generator just read back from the database, and checking a few
 * million references one by one would double the setup time without measuring anything.
 */
async function setupCopy(ctx: BenchContext, table: string, columns: readonly string[], lines: Iterable<string>, total: number): Promise<void> {
  await reserved(ctx.db.sql, async (conn) => {
    const rebuild = await dropIndexes(conn, table);
    // A 30M-row load or a 20M-row index build runs for minutes: no server-wide statement
    // timeout may cut it short (the benchmark's own connection, for this load only).
    await conn`set statement_timeout = 0`;
    await conn`set session_replication_role = replica`;
    try {
      await copyInto(conn, table, columns, { lines: withProgress(lines, total, table, ctx.log) });
    } finally {
      await conn`reset session_replication_role`;
    }
    await conn`set maintenance_work_mem = '256MB'`;
    for (const statement of rebuild) {
      const started = performance.now();
      await conn.unsafe(statement);
      if (!statement.startsWith("comment on")) ctx.log(`setup: ${table}: rebuilt in ${((performance.now() - started) / 1000).toFixed(1)} s: ${statement.slice(0, 100)}`);
    }
    await conn`reset maintenance_work_mem`;
    await conn`reset statement_timeout`;
  });
}

/** Seconds between progress lines of a long load (at 1M resources the sample COPY takes many minutes). */
const progressEverySeconds = 30;

/** Passes the lines through, saying every 30 s how far the load has got. */
function* withProgress(lines: Iterable<string>, total: number, what: string, log: (message: string) => void): Generator<string> {
  const started = performance.now();
  let next = started + progressEverySeconds * 1000;
  let n = 0;
  for (const line of lines) {
    yield line;
    // Reading the clock on every line would cost more than the check is worth.
    if (++n % 10_000 === 0 && performance.now() >= next) {
      next += progressEverySeconds * 1000;
      const seconds = (performance.now() - started) / 1000;
      const left = total > n ? ((total - n) * seconds) / n : 0;
      log(`setup: ${what}: ${n.toLocaleString("en-US")} of ${total.toLocaleString("en-US")} rows (${Math.floor((100 * n) / Math.max(1, total))} %) in ${seconds.toFixed(0)} s, about ${left.toFixed(0)} s to go`);
    }
  }
}

/**
 * Drops a table's secondary indexes and its primary key (when nothing references it) and
 * returns the statements that recreate them exactly: definitions and comments read back from
 * the catalog. Building an index once over millions of rows is several times faster than
 * maintaining it row by row; the measured steps all run on the schema exactly as migrated.
 */
async function dropIndexes(conn: Sql, table: string): Promise<string[]> {
  const indexes = await conn<{ name: string; def: string; comment: string | null }[]>`
    select c.relname as name, pg_get_indexdef(i.indexrelid) as def, obj_description(i.indexrelid, 'pg_class') as comment
      from pg_index i join pg_class c on c.oid = i.indexrelid
     where i.indrelid = ${table}::regclass
       and not exists (select 1 from pg_constraint k where k.conindid = i.indexrelid)`;
  const keys = await conn<{ name: string; def: string }[]>`
    select k.conname as name, pg_get_constraintdef(k.oid) as def
      from pg_constraint k
     where k.conrelid = ${table}::regclass and k.contype = 'p'
       and not exists (select 1 from pg_constraint f where f.contype = 'f' and f.confrelid = k.conrelid)`;
  const rebuild: string[] = [];
  for (const key of keys) {
    await conn.unsafe(`alter table ${quoteIdent(table)} drop constraint ${quoteIdent(key.name)}`);
    rebuild.push(`alter table ${quoteIdent(table)} add constraint ${quoteIdent(key.name)} ${key.def}`);
  }
  for (const index of indexes) {
    await conn.unsafe(`drop index ${quoteIdent(index.name)}`);
    // pg_get_indexdef says "ON ONLY" for a partitioned table's index, which would build the
    // parent's index alone (and leave it invalid): build it on every partition.
    rebuild.push(index.def.replace(" ON ONLY ", " ON "));
    if (index.comment !== null) rebuild.push(`comment on index ${quoteIdent(index.name)} is '${index.comment.replaceAll("'", "''")}'`);
  }
  return rebuild;
}

/** Thirty days of daily cost lines per resource, by COPY; then the monthly summary and each resource's cost_tracking. */
export async function loadCosts(ctx: BenchContext, stored: StoredEstate): Promise<{ rows: number; seconds: number }> {
  const { estate, tenant } = ctx;
  const d = estate.draw;
  const today = Date.UTC(ctx.now.getUTCFullYear(), ctx.now.getUTCMonth(), ctx.now.getUTCDate());
  const days = Array.from({ length: costDays }, (_, k) => new Date(today - (costDays - k) * DAY).toISOString().slice(0, 10));
  let rows = 0;
  function* lines() {
    for (let i = 0; i < estate.size; i++) {
      const type = stored.types[i]!;
      const daily = d.between(i, "daily-cost", type === "compute" || type === "database" ? 2 : 0.05, type === "compute" || type === "database" ? 60 : 8);
      const tags = { team: d.pick(i, "team", ["platform", "mobile", "web", "data", "finance", "ops"]), "cost-center": `cc-${1000 + (d.int(i, "cc") % 40)}` };
      for (let k = 0; k < costDays; k++) {
        rows++;
        const amount = (daily * (0.85 + 0.3 * d.unit(i, "day-cost", k))).toFixed(6);
        yield copyLine([
          tenant.organizationId,
          stored.providerIds[i],
          stored.ids[i],
          days[k],
          days[k],
          amount,
          "USD",
          categoryOf[type] ?? "compute",
          { service: type, sku: `SKU-${d.int(i, "sku") % 500}` },
          { quantity: "24", unit: "Hrs" },
          tags,
        ]);
      }
    }
  }
  const { ms } = await timed(async () => {
    await setupCopy(
      ctx,
      "cloud_costs",
      ["organization_id", "provider_id", "resource_id", "cost_period_start", "cost_period_end", "cost_amount", "cost_currency", "cost_category", "billing_details", "usage_metrics", "cost_allocation_tags"],
      lines(),
      estate.size * costDays,
    );
    ctx.log("setup: refreshing monthly_cost_summary and each resource's cost_tracking");
    await ctx.db.sql`refresh materialized view monthly_cost_summary`;
    await ctx.db.sql`
      update cloud_resources r
         set cost_tracking = jsonb_build_object('hourly_cost', round(c.total / ${costDays} / 24, 4), 'daily_cost', round(c.total / ${costDays}, 4),
                                                'monthly_cost', round(c.total, 4), 'total_cost', round(c.total, 4), 'currency', 'USD', 'last_updated', now())
        from (select resource_id, sum(cost_amount) as total from cloud_costs where organization_id = ${tenant.organizationId} group by resource_id) c
       where r.id = c.resource_id`;
  });
  return { rows, seconds: ms / 1000 };
}

export interface SamplePlan {
  /** Resources sampled every five minutes over the last day (the "last 24 hours" query reads one). */
  hot: number[];
  perHot: number;
  idleShare: number;
}

/** Which resources are hot, and how many samples each gets, for a total of `samples`. */
export function planSamples(ctx: BenchContext): SamplePlan {
  const { estate } = ctx;
  const hot: number[] = [];
  for (let i = 0; i < estate.size; i++) if (estate.draw.unit(i, "hot") < 0.005 && !estate.vanishes(i)) hot.push(i);
  if (hot.length === 0) hot.push(estate.vanishes(0) ? 1 : 0);
  const perHot = Math.max(1, Math.min(288, Math.floor((0.2 * ctx.options.samples) / hot.length)));
  return { hot, perHot, idleShare: 0.05 };
}

/** The metrics of one sample: low utilization for the under-used 10 %, memory missing where EC2 has no agent. */
export function sampleMetrics(ctx: BenchContext, i: number, k: number, cloud: string): Partial<Record<MetricKey, number>> {
  const d = ctx.estate.draw;
  const r2 = (x: number) => Math.round(x * 100) / 100;
  const underused = d.unit(i, "util") < 0.1;
  const spike = d.unit(i, "spike", k) < 0.02;
  const metrics: Partial<Record<MetricKey, number>> = {
    cpu_utilization: r2(underused ? d.between(i, "cpu", 1, 15, k) : spike ? d.between(i, "cpu", 90, 99, k) : d.between(i, "cpu", 20, 85, k)),
  };
  if (!(cloud === "aws" && d.unit(i, "agent") < 0.5)) metrics.memory_utilization = r2(underused ? d.between(i, "mem", 5, 25, k) : d.between(i, "mem", 30, 90, k));
  metrics.disk_utilization = r2(d.between(i, "disk", 10, 80, k));
  metrics.network_in_mbps = r2(d.between(i, "net-in", 0, 200, k));
  metrics.network_out_mbps = r2(d.between(i, "net-out", 0, 120, k));
  metrics.response_time_ms = r2(spike ? d.between(i, "rt", 900, 2000, k) : d.between(i, "rt", 20, 400, k));
  metrics.error_rate = r2(d.between(i, "err", 0, 0.6, k));
  metrics.requests_per_second = r2(d.between(i, "rps", 0, 500, k));
  return metrics;
}

export const sampleColumns = [
  "organization_id",
  "resource_id",
  "monitoring_timestamp",
  "monitoring_type",
  "metrics",
  "thresholds",
  "alerts_triggered",
  "health_score",
] as const;

/** The fields MetricWriter stores for one sample (the id aside). */
export function sampleFields(organizationId: string, resourceUuid: string, at: Date, metrics: Partial<Record<MetricKey, number>>): unknown[] {
  const health = evaluateHealth(metrics, defaultThresholds);
  const alerts = [...health.criticals.map((k) => ({ metric: k, level: "critical" })), ...health.warnings.map((k) => ({ metric: k, level: "warning" }))];
  return [organizationId, resourceUuid, at.toISOString(), "performance", metrics, thresholdsJson, alerts, health.healthScore];
}
const thresholdsJson = JSON.stringify(defaultThresholds);

/**
 * `samples` monitoring samples by COPY over the last 70 days (monthly partitions created first):
 * hot resources every five minutes over the last day, everyone else evenly spread, idle
 * resources (5 %) nothing in the last 35 days.
 */
export async function loadSamples(ctx: BenchContext, stored: StoredEstate, plan: SamplePlan): Promise<{ rows: number; seconds: number; partitions: string[] }> {
  const { estate, tenant } = ctx;
  const d = estate.draw;
  const now = ctx.now.getTime();
  const windowStart = now - sampleWindowDays * DAY;
  const fromMonth = new Date(windowStart).toISOString().slice(0, 7) + "-01";
  const created = await ctx.db.sql<{ name: string }[]>`select ensure_monitoring_partitions(${fromMonth}::date, 3) as name`;
  const hot = new Set(plan.hot);
  const rest = Math.max(0, ctx.options.samples - plan.hot.length * plan.perHot);
  const base = Math.floor(rest / estate.size);
  const extra = rest % estate.size;
  const regular = (i: number) => base + (i < extra ? 1 : 0);
  const count = (i: number) => regular(i) + (hot.has(i) ? plan.perHot : 0);
  const spanOf = (i: number) => (d.unit(i, "idle") < plan.idleShare && !hot.has(i) ? now - idleDays * DAY : now - 60_000) - windowStart;
  const phaseOf = (i: number) => d.unit(i, "phase");
  /** The instant of resource i's j-th sample: evenly spread over its span, then the hot day's five-minute steps. */
  const instant = (i: number, j: number, k: number, span: number, phase: number) =>
    j < k ? Math.floor((windowStart + ((j + phase) * span) / k) / 1000) * 1000 : Math.floor((now - (j - k + 1) * 300_000 + (i % 300) * 1000) / 1000) * 1000;

  // Samples arrive in time order in production (each metrics sync writes the latest minutes of
  // every resource), so the table's physical order follows time. Emit them hour by hour
  // (a counting sort on the hour), or the "last hour" reads would scatter over the whole table.
  const HOUR = 3_600_000;
  const hours = Math.ceil((now - windowStart) / HOUR) + 1;
  const bucket = (t: number) => Math.min(hours - 1, Math.max(0, Math.floor((t - windowStart) / HOUR)));
  const starts = new Int32Array(hours + 1);
  let total = 0;
  for (let i = 0; i < estate.size; i++) {
    const [k, n, span, phase] = [regular(i), count(i), spanOf(i), phaseOf(i)];
    for (let j = 0; j < n; j++) starts[bucket(instant(i, j, k, span, phase)) + 1]!++;
    total += n;
  }
  for (let h = 0; h < hours; h++) starts[h + 1]! += starts[h]!;
  const next = starts.slice(0, hours);
  const refs = new Int32Array(total * 2);
  for (let i = 0; i < estate.size; i++) {
    const [k, n, span, phase] = [regular(i), count(i), spanOf(i), phaseOf(i)];
    for (let j = 0; j < n; j++) {
      const at = next[bucket(instant(i, j, k, span, phase))]!++;
      refs[2 * at] = i;
      refs[2 * at + 1] = j;
    }
  }
  let rows = 0;
  function* lines() {
    for (let r = 0; r < total; r++) {
      const i = refs[2 * r]!;
      const j = refs[2 * r + 1]!;
      const k = regular(i);
      const cloud = estate.scopeAt(i).cloud;
      rows++;
      const at = new Date(instant(i, j, k, spanOf(i), phaseOf(i)));
      yield copyLine(sampleFields(tenant.organizationId, stored.ids[i]!, at, sampleMetrics(ctx, i, j < k ? j : 1_000_000 + j - k, cloud)));
    }
  }
  const { ms } = await timed(() => setupCopy(ctx, "infrastructure_monitoring", sampleColumns, lines(), total));
  // The COPY ran with triggers off, so response_time_minutes (what the health score sums) knows
  // none of these samples: count their minutes from the samples, or the score would measure a
  // wrong answer (migration 0038). Part of the load's time.
  const rebuilt = await timed(() =>
    reserved(ctx.db.sql, async (conn) => {
      await conn`set statement_timeout = 0`;
      await conn`select rebuild_response_time_minutes(${tenant.organizationId}::uuid)`;
      await conn`reset statement_timeout`;
    }),
  );
  ctx.log(`setup: response_time_minutes rebuilt from the samples in ${(rebuilt.ms / 1000).toFixed(1)} s`);
  return { rows, seconds: (ms + rebuilt.ms) / 1000, partitions: created.map((r) => r.name) };
}
