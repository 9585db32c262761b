/** What `pnpm bench` measures and at what scale. */
export interface BenchOptions {
  seed: number;
  /** Resources in the synthetic estate. */
  resources: number;
  /** Monitoring samples loaded (with COPY) before the queries run. */
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
  /** The document whose results block is regenerated, or null for none. */
  doc: string | null;
  quick: boolean;
  /** Measure nothing: regenerate the document from the results file (--out) as it is. */
  renderOnly: boolean;
}

export const steps = ["baseline", "writer", "ingest", "queries", "e2e", "scale"] as const;
export type Step = (typeof steps)[number];

export class UsageError extends Error {
  override name = "UsageError";
}

export const usage = `pnpm bench [flags]

  --resources N        resources in the estate (default 100000, at most 1000000)
  --samples N          monitoring samples loaded before the queries (default 5000000)
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
                       scale-only runs: bench/results/scale-latest.json)
  --no-doc             do not regenerate docs/performance.md
  --render             measure nothing: regenerate docs/performance.md from the results file (--out)

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
  const known = new Set([...flags, "--resources", "--samples", "--runs", "--seed", "--ingest-samples", "--query-runs", "--e2e-resources", "--e2e-runs", "--scale-accounts", "--only", "--out"]);
  for (const name of given.keys()) if (!known.has(name)) throw new UsageError(`unknown flag ${name}\n\n${usage}`);

  const quick = given.has("--quick");
  const resources = given.has("--resources") ? int("--resources", given.get("--resources"), 10, 1_000_000) : quick ? 2_000 : 100_000;
  const samples = given.has("--samples") ? int("--samples", given.get("--samples"), 100, 50_000_000) : quick ? 20_000 : 5_000_000;
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
    out: given.get("--out") ?? (e2eOnly ? paths.defaultE2eOut : scaleOnly ? (paths.defaultScaleOut ?? paths.defaultOut) : paths.defaultOut),
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
