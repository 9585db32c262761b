/** What `pnpm bench` measures and at what scale. */
export interface BenchOptions {
  seed: number;
  /** Resources in the synthetic estate. */
  resources: number;
  /** Monitoring samples loaded (with COPY) before the queries run (default: defaultSamples(resources)). */
  samples: number;
  /** Samples ingested by MetricWriter and by raw COPY in the ingest comparison. */
  ingestSamples: number;
  /** Repetitions of every throughput measurement. */
  runs: number;
  /** Timed executions of each query (after warm-up), unless its time budget runs out first. */
  queryRuns: number;
  /** Seconds one query may spend on its timed executions (at least 3 run whatever it costs). */
  queryBudgetSeconds: number;
  /** Resources the end-to-end sync reads through the SDKs, split over the three emulators. */
  e2eResources: number;
  e2eRuns: number;
  /** Member accounts of the organization the scale step syncs. */
  scaleAccounts: number;
  /** Resources per page handed to ResourceWriter, and samples per page to MetricWriter. */
  pageSize: number;
  /** Only these steps (the others are skipped and absent from the results). */
  only: readonly Step[] | null;
  /** Keep the benchmark database instead of dropping it, to investigate plans by hand. */
  keep: boolean;
  /** Where the results JSON goes. */
  out: string;
  /** The results a queries-only run is compared with (the 100k reference run's). */
  reference: string;
  /** The document whose results block is regenerated, or null for none. */
  doc: string | null;
  quick: boolean;
  /** Measure nothing: regenerate the document from the results file (--out) as it is. */
  renderOnly: boolean;
}

export const steps = ["baseline", "writer", "ingest", "queries", "e2e", "scale"] as const;
export type Step = (typeof steps)[number];

/** Samples per resource the estate carries by default: 20 × 1M = the "at least 20 million" at 1M. */
export const samplesPerResource = 20;
/** The floor of the default: the 5M samples the 100k reference run has always loaded. */
export const minimumDefaultSamples = 5_000_000;

/**
 * Samples scale with the estate (a larger estate reports more), never below the 5M the query
 * targets were first defined at: 100k → 5M, 250k → 5M, 500k → 10M, 1M → 20M.
 */
export function defaultSamples(resources: number): number {
  return Math.max(minimumDefaultSamples, samplesPerResource * resources);
}

/**
 * A queries-only run at another scale than the reference (e.g. 1M resources): it writes its own
 * results file and its own block of docs/performance.md, and leaves the reference run's alone.
 */
export function isQueriesOnly(only: readonly Step[] | null): boolean {
  return only !== null && only.length === 1 && only[0] === "queries";
}

export class UsageError extends Error {
  override name = "UsageError";
}

export const usage = `pnpm bench [flags]

  --resources N        resources in the estate (default 100000, at most 1000000)
  --samples N          monitoring samples loaded before the queries (default max(5000000, 20 × resources):
                       5M at 100k resources, 20M at 1M)
  --runs N             repetitions of each throughput measurement (default 3)
  --seed N             the estate's seed (default 1)
  --quick              a tiny run: 2000 resources, 20000 samples, 1 run
  --ingest-samples N   samples in the MetricWriter-vs-COPY comparison (default samples/20, at most 250000)
  --query-runs N       timed executions per query (default 50)
  --e2e-resources N    resources of the end-to-end sync over the emulators (default min(N, 90000); N when N >= 1000000)
  --e2e-runs N         repetitions of the end-to-end sync (default --runs; 1 above 30000 resources)
  --scale-accounts N   accounts of the organization the scale step syncs (default 200; --quick 20)
  --only a,b           only these steps: ${steps.join(", ")}
  --keep               keep the benchmark database (its name is printed) for EXPLAIN by hand
  --out FILE           results JSON (default bench/results/latest.json; e2e-only runs: bench/results/e2e-latest.json;
                       scale-only runs: bench/results/scale-latest.json; queries-only runs:
                       bench/results/queries-large-latest.json)
  --reference FILE     a queries-only run's figures are set beside this run's (default bench/results/latest.json,
                       the 100k reference run)
  --no-doc             do not regenerate docs/performance.md
  --render             measure nothing: regenerate docs/performance.md from the results file (--out)

The 1M query run (issue #20) is one command:

  pnpm bench --resources 1000000 --only queries

It loads 1M resources through the worker's writer (twice: base and churned), 30M daily cost lines and
20M samples by COPY (indexes dropped during the load, rebuilt after), a dependency graph, then times
every listed query and checks its plan for the intended index. Expect 35–45 min on a quiet 2-core
machine (most of it loading: progress lines every 30 s) and about 50 GB free on PostgreSQL's disk.
It writes bench/results/queries-large-latest.json and the bench:queries-large block of
docs/performance.md (each query's p95 beside its p95 in bench/results/latest.json), and exits with
status 1 when a query's plan missed its intended index. bench/results/latest.json and the 100k block
are left as they are.

The scale step syncs one emulated AWS organization (200 accounts by default) (50–150 ms per API call, one
call in 25 throttled) by 1, 2 and 4 worker processes sharing one Redis (REDIS_URL, default
redis://127.0.0.1:6379), its inventory fanned out in shards of 5 accounts.

The end-to-end step runs one process per cloud, at once, as deployed, with the worker image's
NODE_OPTIONS (apps/sync-worker/Dockerfile); CLOUDSYNC_BENCH_E2E_NODE_OPTIONS replaces them
(empty: no flags).`;

function int(flag: string, value: string | undefined, min: number, max: number): number {
  const n = Number(value);
  if (value === undefined || !Number.isInteger(n) || n < min || n > max) {
    throw new UsageError(`${flag} takes a whole number from ${min} to ${max}, got ${value === undefined ? "nothing" : JSON.stringify(value)}`);
  }
  return n;
}

export interface Paths {
  defaultOut: string;
  defaultE2eOut: string;
  /** Where scale-only runs go (default: defaultOut). */
  defaultScaleOut?: string;
  /** Where queries-only runs go (default: defaultOut). */
  defaultQueriesOut?: string;
  defaultDoc: string;
}

export function parseOptions(argv: readonly string[], paths: Paths): BenchOptions {
  const given = new Map<string, string | undefined>();
  const flags = new Set(["--quick", "--keep", "--no-doc", "--render"]);
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === "--") continue;
    if (arg === "--help" || arg === "-h") throw new UsageError(usage);
    const [name, inline] = arg.includes("=") ? [arg.slice(0, arg.indexOf("=")), arg.slice(arg.indexOf("=") + 1)] : [arg, undefined];
    if (!name.startsWith("--")) throw new UsageError(`unexpected argument ${JSON.stringify(arg)}\n\n${usage}`);
    if (flags.has(name)) given.set(name, "true");
    else given.set(name, inline ?? argv[++i]);
  }
  const known = new Set([...flags, "--resources", "--samples", "--runs", "--seed", "--ingest-samples", "--query-runs", "--e2e-resources", "--e2e-runs", "--scale-accounts", "--only", "--out", "--reference"]);
  for (const name of given.keys()) if (!known.has(name)) throw new UsageError(`unknown flag ${name}\n\n${usage}`);

  const quick = given.has("--quick");
  const resources = given.has("--resources") ? int("--resources", given.get("--resources"), 10, 1_000_000) : quick ? 2_000 : 100_000;
  const samples = given.has("--samples") ? int("--samples", given.get("--samples"), 100, 50_000_000) : quick ? 20_000 : defaultSamples(resources);
  const runs = given.has("--runs") ? int("--runs", given.get("--runs"), 1, 20) : quick ? 1 : 3;
  const e2eResources = given.has("--e2e-resources")
    ? int("--e2e-resources", given.get("--e2e-resources"), 3, 3_000_000)
    : quick
      ? 150
      : resources >= 1_000_000
        ? resources
        : Math.min(resources, 90_000);
  const only = given.has("--only") ? parseSteps(given.get("--only")) : null;
  const e2eOnly = only !== null && only.length === 1 && only[0] === "e2e";
  const scaleOnly = only !== null && only.length === 1 && only[0] === "scale";
  const queriesOnly = isQueriesOnly(only);
  return {
    seed: given.has("--seed") ? int("--seed", given.get("--seed"), 0, 2 ** 31 - 1) : 1,
    resources,
    samples,
    ingestSamples: given.has("--ingest-samples")
      ? int("--ingest-samples", given.get("--ingest-samples"), 10, 5_000_000)
      : Math.min(samples, Math.max(1_000, Math.min(250_000, Math.round(samples / 20)))),
    runs,
    queryRuns: given.has("--query-runs") ? int("--query-runs", given.get("--query-runs"), 1, 10_000) : quick ? 10 : 50,
    queryBudgetSeconds: quick ? 5 : 30,
    e2eResources,
    // A 90k-resource end-to-end sync takes one to three minutes here: once is enough by default.
    e2eRuns: given.has("--e2e-runs") ? int("--e2e-runs", given.get("--e2e-runs"), 1, 20) : e2eResources > 30_000 ? 1 : runs,
    scaleAccounts: given.has("--scale-accounts") ? int("--scale-accounts", given.get("--scale-accounts"), 10, 5_000) : quick ? 20 : 200,
    pageSize: 1_000,
    only,
    keep: given.has("--keep"),
    out:
      given.get("--out") ??
      (e2eOnly
        ? paths.defaultE2eOut
        : scaleOnly
          ? (paths.defaultScaleOut ?? paths.defaultOut)
          : queriesOnly
            ? (paths.defaultQueriesOut ?? paths.defaultOut)
            : paths.defaultOut),
    reference: given.get("--reference") ?? paths.defaultOut,
    doc: given.has("--no-doc") ? null : paths.defaultDoc,
    quick,
    renderOnly: given.has("--render"),
  };
}

function parseSteps(value: string | undefined): Step[] {
  const names = (value ?? "").split(",").map((s) => s.trim()).filter(Boolean);
  if (names.length === 0) throw new UsageError(`--only takes a comma-separated list of: ${steps.join(", ")}`);
  for (const n of names) if (!(steps as readonly string[]).includes(n)) throw new UsageError(`--only: unknown step ${JSON.stringify(n)}; the steps are ${steps.join(", ")}`);
  return names as Step[];
}
