import { fileURLToPath } from "node:url";
import { dependencyQueries, refreshResourceUtilization, withOrganization } from "@cloudsync/db";
import { runChild } from "../child.ts";
import type { BenchContext } from "../context.ts";
import { checkPlans, partitionIndexParents, plansFromNotices } from "../plans.ts";
import type { QueryChildInput, QueryChildResult } from "../query-types.ts";
import type { Figure, QueryResult } from "../report.ts";
import { quantile, round } from "../stats.ts";
import type { StoredEstate, SamplePlan } from "./history.ts";
import { seedFunctionsSql } from "./seed-functions.ts";

/** The latency every listed query must stay under at 100k resources / 5M samples (p95). */
export const latencyBudgetMs = 20;

interface QuerySpec {
  id: string;
  label: string;
  sql: string;
  /** Parameters of the k-th execution. */
  params: (k: number) => (string | number)[];
  /** Indexes the plan is meant to use (partition indexes count as their parent; "a|b": either). */
  intended: string[];
  counterpartOf?: string;
  /** Reported, not judged against the budget: why (the answer is a bulk export, not a page). */
  informational?: string;
  /** Settings the helper makes in its transaction first (the dependency walks turn JIT off). */
  settings?: string[];
}

const childScript = fileURLToPath(new URL("../query-child.mjs", import.meta.url));

const nilUuid = "00000000-0000-0000-0000-000000000000";

/** A helper's statement as a spec: its text once, its parameters per execution. */
function helperSpec(
  base: Omit<QuerySpec, "sql" | "params">,
  query: (k: number) => { sql: string; params: unknown[] },
): QuerySpec {
  return { ...base, sql: query(0).sql, params: (k) => query(k).params as (string | number)[] };
}

/** Where a page of running wedding-critical resources starts: after this (name, id). */
interface NameCursor {
  name: string;
  id: string;
}

function querySpecs(
  ctx: BenchContext,
  cursors: string[],
  hot: string[],
  month: string,
  computeIds: string[],
  criticalCursors: NameCursor[],
): QuerySpec[] {
  const org = ctx.tenant.organizationId;
  return [
    helperSpec(
      {
        id: "dependencies_upstream",
        label: "getResourceDependencyGraph: one resource's upstream to depth 5",
        intended: ["idx_resource_dependencies_dependent"],
        settings: ["jit = off"],
      },
      // Running instances: each has a volume, a subnet and the subnet's VPC upstream.
      (k) => dependencyQueries.graph({ organizationId: org, resourceId: computeIds[k % computeIds.length]!, direction: "upstream", maxDepth: 5 }),
    ),
    helperSpec(
      {
        id: "wedding_critical_dependents",
        label: "getWeddingCriticalDependencies: what depends on each of a page of 100 running wedding-critical resources, depth 3",
        // The unique (parent, dependent) key, under the name PostgreSQL truncated it to (63 bytes).
        intended: ["idx_cloud_resources_wedding_critical_running", "resource_dependencies_parent_resource_id_dependent_resource_id_"],
        settings: ["jit = off"],
      },
      () => dependencyQueries.weddingCritical({ organizationId: org, direction: "downstream", maxDepth: 3, limit: 100 }),
    ),
    helperSpec(
      {
        id: "wedding_critical_dependents_all",
        label: "getWeddingCriticalDependencies without a limit: every running wedding-critical resource's dependents at once, depth 3",
        intended: ["idx_cloud_resources_wedding_critical_running", "resource_dependencies_parent_resource_id_dependent_resource_id_"],
        settings: ["jit = off"],
        informational:
          "a bulk answer (about 2,500 walks and 5,400 rows at 100k resources: one index probe per node reached), reported so its growth shows; pages of 100 are the judged figure",
      },
      () => dependencyQueries.weddingCritical({ organizationId: org, direction: "downstream", maxDepth: 3 }),
    ),
    {
      id: "health_score",
      label: "get_infrastructure_health_score(org)",
      sql: "select get_infrastructure_health_score($1::uuid) as result",
      params: () => [org],
      // The counts the triggers on cloud_resources keep, by their unique key; the last hour's
      // samples by organization and time.
      intended: ["resource_health_counts_key", "idx_infra_monitoring_org_time"],
    },
    {
      id: "cost_optimization",
      label: "analyze_cost_optimization(org)",
      sql: "select * from analyze_cost_optimization($1::uuid)",
      params: () => [org],
      // The answer the snapshot's refresh (below, as the metrics job does after an ingest) stored
      // in cost_optimization_results: two rows per organization. With one tenant a sequential
      // scan of that table is the right plan; with many, cost_optimization_results_pkey
      // (organization_id first) serves it.
      intended: [],
    },
    {
      id: "monthly_cost_summary",
      label: "get_monthly_cost_summary(org, month, month)",
      sql: "select * from get_monthly_cost_summary($1::uuid, $2::date, $2::date)",
      params: () => [org, month],
      // One row per organization × provider × month × category × currency: a handful per
      // tenant. With one tenant a sequential scan of the view is the right plan; with many,
      // monthly_cost_summary_key (organization_id first) serves it.
      intended: [],
    },
    {
      id: "resources_page",
      label: "keyset page of 50: environment = production, status = running, id > cursor",
      sql: `select id, resource_id, resource_name, resource_type, resource_subtype, region_id, health_status, last_updated
              from cloud_resources
             where organization_id = $1::uuid and environment = $2 and resource_status = $3 and id > $4::uuid
             order by id
             limit 50`,
      params: (k) => [org, "production", "running", cursors[k % cursors.length]!],
      // Either key walks id order from the cursor and stops after 50 matches; the planner took the
      // primary key at 100k resources and the (organization_id, id) key at 200k (one tenant: the
      // same rows either way; with many, the second reads only this organization's).
      intended: ["cloud_resources_pkey|cloud_resources_organization_id_id_key"],
    },
    {
      id: "wedding_critical_running",
      label: "keyset page of 100 running wedding-critical resources by name, (name, id) > cursor",
      sql: `select id, resource_id, resource_name, resource_type, region_id, health_status
              from cloud_resources
             where organization_id = $1::uuid and is_wedding_critical and resource_status = 'running'
               and (resource_name, id) > ($2::text, $3::uuid)
             order by resource_name, id
             limit 100`,
      // Pages from the start to the end of the list, as a dashboard walks it (the
      // getWeddingCriticalDependencies helper pages the same way): text and uuid comparisons are
      // leakproof, so under row-level security the cursor bounds the index scan.
      params: (k) => {
        const c = criticalCursors[k % criticalCursors.length]!;
        return [org, c.name, c.id];
      },
      // Index-only, already in resource_name order: no heap fetch; ties on the name sorted by id.
      intended: ["idx_cloud_resources_wedding_critical_running"],
    },
    {
      id: "wedding_critical_running_all",
      label: "every running wedding-critical resource at once (no limit)",
      sql: `select id, resource_id, resource_name, resource_type, region_id, health_status
              from cloud_resources
             where organization_id = $1::uuid and is_wedding_critical and resource_status = 'running'
             order by resource_name`,
      params: () => [org],
      intended: ["idx_cloud_resources_wedding_critical_running"],
      informational:
        "a bulk answer (2,454 rows at 100k resources, 24,222 at 1M: the time is the rows themselves), reported so its growth shows; pages of 100 are the judged figure",
    },
    {
      id: "samples_24h",
      label: "last 24 hours of samples of one resource",
      sql: `select monitoring_timestamp, metrics, health_score, alerts_triggered
              from infrastructure_monitoring
             where resource_id = $1::uuid and monitoring_timestamp > now() - interval '24 hours'
             order by monitoring_timestamp desc`,
      params: (k) => [hot[k % hot.length]!],
      intended: ["idx_infra_monitoring_resource_time"],
    },
    {
      id: "seed_health_score",
      label: "design document's get_infrastructure_health_score(org)",
      sql: "select seed_get_infrastructure_health_score($1::uuid) as result",
      params: () => [org],
      intended: [],
      counterpartOf: "health_score",
    },
    {
      id: "seed_cost_optimization",
      label: "design document's analyze_cost_optimization(org)",
      sql: "select * from seed_analyze_cost_optimization($1::uuid)",
      params: () => [org],
      intended: [],
      counterpartOf: "cost_optimization",
    },
  ];
}

export interface QueryMeasurements {
  queries: QueryResult[];
  figures: Figure[];
  /** Untimed preparation: the utilization snapshot's refresh, for the record. */
  setup: { utilizationRefresh: { rows: number; seconds: number } };
}

/**
 * The samples were loaded by COPY, not through the metrics job, which refreshes the
 * organization's utilization snapshot after each ingest: refresh it the way that job does (as
 * the worker role), then vacuum it as the setup vacuums the tables it loaded.
 */
async function refreshUtilization(ctx: BenchContext): Promise<{ rows: number; seconds: number }> {
  const org = ctx.tenant.organizationId;
  const started = performance.now();
  const rows = await withOrganization(ctx.db.test.db, org, (tx) => refreshResourceUtilization(tx, { organizationId: org }), {
    role: "cloudsync_worker",
  });
  const seconds = (performance.now() - started) / 1000;
  await ctx.db.sql`vacuum (analyze) resource_utilization`;
  ctx.log(`setup: resource_utilization refreshed (${rows} rows) in ${seconds.toFixed(1)} s`);
  return { rows, seconds: round(seconds) };
}

/** (e) Latency of each query over many executions, its plan, and the design document's functions beside ours. */
export async function measureQueries(ctx: BenchContext, stored: StoredEstate, samples: SamplePlan): Promise<QueryMeasurements> {
  const { sql } = ctx.db;
  await sql.unsafe(seedFunctionsSql);
  const org = ctx.tenant.organizationId;
  const matching = await sql<{ id: string }[]>`
    select id from cloud_resources
     where organization_id = ${org} and environment = 'production' and resource_status = 'running' order by id`;
  const cursors = [nilUuid];
  const pages = Math.max(1, ctx.options.queryRuns - 1);
  for (let k = 1; k <= pages && matching.length > 0; k++) cursors.push(matching[Math.floor(((k - 1) * matching.length) / pages)]!.id);
  const hot = samples.hot.map((i) => stored.ids[i]!);
  const [{ month } = { month: "" }] = await sql<{ month: string }[]>`
    select to_char(max(cost_period_start), 'YYYY-MM-01') as month from cloud_costs where organization_id = ${org}`;
  const parents = await partitionIndexParents(sql);
  const utilizationRefresh = await refreshUtilization(ctx);

  // Cursors through the running wedding-critical list, as for the keyset page above: the first
  // page, then starts spread evenly to the end (the last pages are as cheap as the first).
  const critical = await sql<{ name: string; id: string }[]>`
    select resource_name as name, id from cloud_resources
     where organization_id = ${org} and is_wedding_critical and resource_status = 'running' order by resource_name, id`;
  const criticalCursors: NameCursor[] = [{ name: "", id: nilUuid }];
  for (let k = 1; k <= pages && critical.length > 0; k++) criticalCursors.push(critical[Math.floor(((k - 1) * critical.length) / pages)]!);
  const computeIds = stored.ids.filter((_, i) => stored.types[i] === "compute" && stored.status[i] === "running").slice(0, 500);
  const specs = querySpecs(ctx, cursors, hot, month, computeIds.length > 0 ? computeIds : hot, criticalCursors);
  const timed = await runChild<QueryChildInput, QueryChildResult>(
    childScript,
    {
      url: ctx.db.url,
      organizationId: org,
      queries: specs.map((spec) => ({
        id: spec.id,
        sql: spec.sql,
        params: Array.from({ length: Math.max(2, ctx.options.queryRuns) }, (_, k) => spec.params(k)),
        ...(spec.settings ? { settings: spec.settings } : {}),
      })),
      queryRuns: ctx.options.queryRuns,
      queryBudgetSeconds: ctx.options.queryBudgetSeconds,
    },
    { what: "the query process" },
  );
  const queries: QueryResult[] = [];
  for (const spec of specs) {
    const measured = timed.queries.find((q) => q.id === spec.id);
    if (!measured) throw new Error(`the query process did not report ${spec.id}`);
    const latencies = measured.latenciesMs;
    const plan = checkPlans(plansFromNotices(measured.notices), spec.intended, parents);
    const result: QueryResult = {
      id: spec.id,
      label: spec.label,
      sql: spec.sql.replace(/\s+/g, " ").trim(),
      ...(spec.counterpartOf ? { counterpartOf: spec.counterpartOf } : {}),
      ...(spec.informational ? { informational: spec.informational } : {}),
      executions: latencies.length,
      p50Ms: round(quantile(latencies, 0.5)),
      p95Ms: round(quantile(latencies, 0.95)),
      minMs: round(Math.min(...latencies)),
      maxMs: round(Math.max(...latencies)),
      meanMs: round(latencies.reduce((a, b) => a + b, 0) / latencies.length),
      rowsReturned: measured.rows,
      latenciesMs: latencies.map((v) => round(v)),
      plan,
    };
    queries.push(result);
    ctx.log(
      `query ${spec.id}: p50 ${result.p50Ms} ms, p95 ${result.p95Ms} ms over ${result.executions}; ` +
        `indexes ${plan.indexesUsed.join(", ") || "none"}${plan.seqScans.length ? `; seq scans ${plan.seqScans.join(", ")}` : ""}`,
    );
  }
  return { queries, figures: queryFigures(queries), setup: { utilizationRefresh } };
}

/** p95 of each query against the budget, and each design-document function against ours. */
function queryFigures(queries: readonly QueryResult[]): Figure[] {
  const budget = { id: "budget.query_p95", label: `latency budget (${latencyBudgetMs} ms)`, value: latencyBudgetMs, unit: "ms" };
  return queries.map((q) => {
    const ours = q.counterpartOf ? queries.find((o) => o.id === q.counterpartOf) : undefined;
    const baseline = ours ? { id: `queries.${ours.id}`, label: ours.label, value: ours.p95Ms, unit: "ms" } : q.informational ? null : budget;
    return {
      id: `queries.${q.id}`,
      label: q.label,
      unit: "ms",
      value: q.p95Ms,
      statistic: "p95",
      min: q.minMs,
      max: q.maxMs,
      runs: q.latenciesMs,
      baseline,
      ratio: baseline && baseline.value > 0 ? round(q.p95Ms / baseline.value) : null,
      ratioMeaning: ours
        ? "× our version's p95 (how much slower the design document's is)"
        : q.informational
          ? `not judged: ${q.informational}`
          : `× the ${latencyBudgetMs} ms budget (below 1 passes)`,
      detail: { p50Ms: q.p50Ms, meanMs: q.meanMs, executions: q.executions, rowsReturned: q.rowsReturned, indexesUsed: q.plan.indexesUsed },
    } satisfies Figure;
  });
}
