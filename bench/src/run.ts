import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import type { BenchContext } from "./context.ts";
import { type BenchDatabase, createTenant, openBenchDatabase } from "./database.ts";
import { Estate } from "./estate.ts";
import type { QueriesComparison } from "./compare.ts";
import { type MachineInfo, machineInfo } from "./machine.ts";
import { missingIntended } from "./plans.ts";
import type { BenchOptions, Step } from "./options.ts";
import { type Figure, type QueryResult, type Target, target } from "./report.ts";
import { round } from "./stats.ts";
import { measureBaseline } from "./steps/baseline.ts";
import { measureE2e, rssBudgetMb } from "./steps/e2e.ts";
import { measureScale } from "./steps/scale.ts";
import { costDays, loadCosts, loadSamples, loadStoredEstate, planSamples, sampleWindowDays } from "./steps/history.ts";
import { measureIngest } from "./steps/ingest.ts";
import { loadDependencies } from "./steps/dependencies.ts";
import { latencyBudgetMs, measureQueries } from "./steps/queries.ts";
import { loadEstate, measureWriter } from "./steps/writer.ts";

export interface BenchResults {
  schema: "cloudsync-bench/1";
  generatedAt: string;
  durationSeconds: number;
  parameters: {
    seed: number;
    resources: number;
    samples: number;
    ingestSamples: number;
    runs: number;
    queryRuns: number;
    e2eResources: number;
    e2eRuns: number;
    scaleAccounts: number;
    pageSize: number;
    costDaysPerResource: number;
    sampleWindowDays: number;
    steps: Step[];
    quick: boolean;
  };
  machine: MachineInfo;
  /** Untimed preparation, for the record (how long loading the history took). */
  setup: Record<string, unknown>;
  figures: Figure[];
  queries: QueryResult[];
  targets: Target[];
  /** A queries-only run's figures beside the reference run's (added by main.ts, which reads that file). */
  comparison?: QueriesComparison;
}

/** Runs the steps asked for on a fresh database and returns every figure; writes nothing. */
export async function runBenchmark(options: BenchOptions, log: (message: string) => void = () => {}): Promise<BenchResults> {
  const started = performance.now();
  const enabled = (step: Step) => options.only === null || options.only.includes(step);
  const ran = (["baseline", "writer", "ingest", "queries", "e2e", "scale"] as const).filter(enabled);
  const db: BenchDatabase = await openBenchDatabase();
  log(`database ${db.name}${options.keep ? " (kept at the end)" : ""}`);
  const scratch = await mkdtemp(path.join(os.tmpdir(), "cloudsync-bench-"));
  const figures: Figure[] = [];
  const queries: QueryResult[] = [];
  const setup: Record<string, unknown> = {};
  let machine: MachineInfo | undefined;
  try {
    // At 1M resources some setup statements (the cost_tracking update, the utilization refresh)
    // and the design document's functions run for minutes: a server-wide statement_timeout must
    // not cut them off. For the benchmark's own database only, and every session opened later.
    await db.sql.unsafe(`alter database "${db.name}" set statement_timeout = 0`);
    machine = await machineInfo(db.sql);
    const now = new Date(Math.floor(Date.now() / 60_000) * 60_000);
    const ctx: BenchContext = {
      options,
      estate: new Estate(options.seed, options.resources),
      db,
      tenant: await createTenant(db.sql, `bench-${options.seed}`),
      now,
      scratch,
      log,
    };

    const baseline = enabled("baseline") ? await measureBaseline(ctx) : null;
    if (baseline) figures.push(baseline.real, baseline.like);
    const writer = enabled("writer") ? await measureWriter(ctx, baseline?.real ?? null) : null;
    if (writer) figures.push(writer.firstSync, writer.unchanged, writer.churned, writer.unchangedWrites);
    else if (enabled("ingest") || enabled("queries")) {
      log(`loading the estate through the writer (not measured): ${ctx.estate.size} resources, base then churned`);
      const loadStarted = performance.now();
      await loadEstate(ctx);
      setup.estateLoadSeconds = round((performance.now() - loadStarted) / 1000);
      log(`setup: estate loaded in ${setup.estateLoadSeconds} s`);
    }

    if (enabled("ingest") || enabled("queries")) {
      const stored = await loadStoredEstate(ctx);
      const samplePlan = planSamples(ctx);
      if (enabled("queries")) {
        log(`setup: ${ctx.estate.size * costDays} cost lines by COPY`);
        const costs = await loadCosts(ctx, stored);
        log(`setup: cost lines in ${costs.seconds.toFixed(1)} s; ${options.samples} samples by COPY`);
        const samples = await loadSamples(ctx, stored, samplePlan);
        log(`setup: samples in ${samples.seconds.toFixed(1)} s; vacuum analyze`);
        const vacuumStarted = performance.now();
        for (const table of ["cloud_resources", "cloud_costs", "infrastructure_monitoring", "resource_changes"]) await db.sql.unsafe(`vacuum (analyze) ${table}`);
        setup.costLines = { rows: costs.rows, seconds: round(costs.seconds) };
        setup.samples = { rows: samples.rows, seconds: round(samples.seconds), partitionsCreated: samples.partitions, hotResources: samplePlan.hot.length, hotSamplesEach: samplePlan.perHot };
        setup.vacuumAnalyzeSeconds = round((performance.now() - vacuumStarted) / 1000);
        const [sizes] = await db.sql<{ resources: string; monitoring: string; costs: string }[]>`
          select pg_size_pretty(pg_total_relation_size('cloud_resources')) as resources,
                 pg_size_pretty((select sum(pg_total_relation_size(inhrelid)) from pg_inherits where inhparent = 'infrastructure_monitoring'::regclass)) as monitoring,
                 pg_size_pretty(pg_total_relation_size('cloud_costs')) as costs`;
        setup.tableSizes = sizes;
        const edges = await loadDependencies(ctx, stored);
        log(`setup: ${edges.rows} resource dependencies in ${edges.seconds.toFixed(1)} s`);
        setup.dependencies = { rows: edges.rows, seconds: round(edges.seconds) };
      }
      if (enabled("ingest")) {
        const ingest = await measureIngest(ctx, stored);
        figures.push(ingest.copy, ingest.writer);
      }
      if (enabled("queries")) {
        const measured = await measureQueries(ctx, stored, samplePlan);
        Object.assign(setup, measured.setup);
        queries.push(...measured.queries);
        figures.push(...measured.figures);
      }
    }

    if (enabled("e2e")) {
      const e2e = await measureE2e(ctx, writer?.firstSync ?? null);
      figures.push(e2e.throughput, e2e.rss, e2e.cpu);
    }
    if (enabled("scale")) figures.push(...(await measureScale(ctx)));
    machine.loadAverageEnd = os.loadavg().map((v) => Math.round(v * 100) / 100);
  } finally {
    await db.close({ keep: options.keep });
    await rm(scratch, { recursive: true, force: true });
  }
  return {
    schema: "cloudsync-bench/1",
    generatedAt: new Date().toISOString(),
    durationSeconds: round((performance.now() - started) / 1000),
    parameters: {
      seed: options.seed,
      resources: options.resources,
      samples: options.samples,
      ingestSamples: options.ingestSamples,
      runs: options.runs,
      queryRuns: options.queryRuns,
      e2eResources: options.e2eResources,
      e2eRuns: options.e2eRuns,
      scaleAccounts: options.scaleAccounts,
      pageSize: options.pageSize,
      costDaysPerResource: costDays,
      sampleWindowDays,
      steps: ran,
      quick: options.quick,
    },
    machine: machine!,
    setup,
    figures,
    queries,
    targets: evaluateTargets(options, figures, queries),
  };
}

/**
 * The scale a run's query latencies are judged at: the first target was p95 < 20 ms at 100k
 * resources / 5M samples; issue #20 holds the same budget at 1M resources / 20M samples. A run
 * of 1M resources or more is judged against the second, any other against the first.
 */
export function queryScaleOf(options: Pick<BenchOptions, "resources" | "samples">): { label: string; definedAt: string; atScale: boolean } {
  if (options.resources >= 1_000_000) {
    return { label: "1M resources / 20M samples", definedAt: "1000000 resources, 20000000 samples", atScale: options.samples >= 20_000_000 };
  }
  return { label: "100k resources / 5M samples", definedAt: "100000 resources, 5000000 samples", atScale: options.resources >= 100_000 && options.samples >= 5_000_000 };
}

/** The issue's targets, each judged on the figure it names; none is asserted anywhere. */
export function evaluateTargets(options: BenchOptions, figures: readonly Figure[], queries: readonly QueryResult[]): Target[] {
  const fig = (id: string) => figures.find((f) => f.id === id);
  const targets: Target[] = [];
  const ratioTarget = (id: string, figure: string, description: string, threshold: number) => {
    const f = fig(figure);
    if (f?.ratio === null || f?.ratio === undefined) return;
    targets.push(target({ id, description, figure, measured: f.ratio, comparator: ">=", threshold, unit: "×", definedAt: "any scale", atDefinedScale: true }));
  };
  ratioTarget("first_sync_vs_copy", "writer.first_sync", "first full sync ≥ 0.6 × raw COPY rows/s", 0.6);
  ratioTarget("resync_unchanged_vs_copy", "writer.resync_unchanged", "re-sync with nothing changed ≥ 3 × raw COPY rows/s", 3);
  ratioTarget("resync_churned_vs_copy", "writer.resync_churned", "re-sync with 10 % changed and 1 % vanished ≥ 2 × raw COPY rows/s", 2);
  const writes = fig("writer.resync_unchanged_writes");
  if (writes) {
    targets.push(
      target({
        id: "resync_unchanged_writes_nothing",
        description: "an unchanged re-sync writes nothing but its sync_runs rows: 0 rows, 0 dead tuples, no WAL on any other table",
        figure: writes.id,
        measured: writes.value,
        comparator: "<",
        threshold: 1,
        unit: "tables",
        definedAt: "any scale",
        atDefinedScale: true,
      }),
    );
  }
  ratioTarget("metrics_ingest_vs_copy", "ingest.metric_writer", "metrics ingest ≥ 0.7 × raw COPY rows/s", 0.7);
  const scale = queryScaleOf(options);
  for (const q of queries.filter((q) => !q.counterpartOf && !q.informational)) {
    targets.push(
      target({
        id: `query_p95.${q.id}`,
        description: `${q.label}: p95 < ${latencyBudgetMs} ms at ${scale.label}`,
        figure: `queries.${q.id}`,
        measured: q.p95Ms,
        comparator: "<",
        threshold: latencyBudgetMs,
        unit: "ms",
        definedAt: scale.definedAt,
        atDefinedScale: scale.atScale,
      }),
    );
  }
  // A fast answer from the wrong plan would not stay fast as the estate grows: each query's plan
  // must use every index it was written for (the design-document versions name none).
  for (const q of queries.filter((q) => q.plan.intended.length > 0)) {
    const missing = missingIntended(q.plan.intended, q.plan.indexesUsed);
    targets.push(
      target({
        id: `query_plan.${q.id}`,
        description: `${q.label}: plan uses ${q.plan.intended.map((i) => i.split("|").map((a) => `\`${a}\``).join(" or ")).join(", ")}`,
        figure: `queries.${q.id}`,
        measured: missing.length,
        comparator: "<",
        threshold: 1,
        unit: "indexes missing",
        definedAt: "any scale",
        atDefinedScale: true,
      }),
    );
  }
  const rss = fig("e2e.peak_rss");
  if (rss) {
    targets.push(
      target({
        id: "e2e_peak_rss",
        description: `peak RSS of a 1M-resource end-to-end sync < ${rssBudgetMb} MB`,
        figure: rss.id,
        measured: rss.value,
        comparator: "<",
        threshold: rssBudgetMb,
        unit: "MB",
        definedAt: "1000000 resources end to end",
        atDefinedScale: options.e2eResources >= 1_000_000,
      }),
    );
  }
  // Work bound by API latency must scale with the processes that share it (issue #20).
  const scaleTarget = (processes: number, threshold: number) => {
    const f = fig(`scale.processes_${processes}`);
    if (f?.ratio === null || f?.ratio === undefined) return;
    targets.push(
      target({
        id: `scale_${processes}_processes`,
        description: `sync of a 200-account organization (API-latency bound) by ${processes} worker processes ≥ ${threshold} × one process`,
        figure: f.id,
        measured: f.ratio,
        comparator: ">=",
        threshold,
        unit: "×",
        definedAt: "200 accounts",
        atDefinedScale: options.scaleAccounts >= 200,
      }),
    );
  };
  scaleTarget(2, 1.7);
  scaleTarget(4, 3);
  return targets;
}
