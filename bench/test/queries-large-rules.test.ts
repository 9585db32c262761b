import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { compareQueries, scaleName, verdictOf, withComparison } from "../src/compare.ts";
import { docBlockFor, renderBlock } from "../src/doc.ts";
import { defaultSamples, parseOptions } from "../src/options.ts";
import { intendedIndexUsed, missingIntended } from "../src/plans.ts";
import type { QueryResult } from "../src/report.ts";
import { type BenchResults, evaluateTargets, queryScaleOf } from "../src/run.ts";

/**
 * The rules of the 1M query run on hand-computed figures: the default sample count, the scale
 * a run is judged at, each query's ratio to the 100k run and its verdict, and the block that
 * shows them. No database, no timing.
 */
const paths = { defaultOut: "/r/latest.json", defaultE2eOut: "/r/e2e.json", defaultScaleOut: "/r/scale.json", defaultQueriesOut: "/r/queries-large.json", defaultDoc: "/d.md" };

describe("samples scale with the estate", () => {
  it.each([
    [10, 5_000_000],
    [100_000, 5_000_000],
    [250_000, 5_000_000],
    [250_001, 5_000_020],
    [500_000, 10_000_000],
    [1_000_000, 20_000_000],
  ])("%i resources → %i samples", (resources, samples) => {
    expect(defaultSamples(resources)).toBe(samples);
    expect(parseOptions(["--resources", String(resources)], paths).samples).toBe(samples);
  });

  it("keeps an explicit --samples and the quick run's 20,000", () => {
    expect(parseOptions(["--resources", "1000000", "--samples", "3000"], paths).samples).toBe(3000);
    expect(parseOptions(["--quick"], paths).samples).toBe(20_000);
  });
});

describe("where a queries-only run writes", () => {
  it.each([
    [["--resources", "1000000", "--only", "queries"], "/r/queries-large.json", "/r/latest.json"],
    [["--only", "queries", "--reference", "/x/100k.json"], "/r/queries-large.json", "/x/100k.json"],
    [["--only", "queries", "--out", "/tmp/q.json"], "/tmp/q.json", "/r/latest.json"],
    [["--only", "queries,ingest"], "/r/latest.json", "/r/latest.json"],
    [[], "/r/latest.json", "/r/latest.json"],
  ])("%j → out %s, reference %s", (argv, out, reference) => {
    const options = parseOptions(argv, paths);
    expect(options.out).toBe(out);
    expect(options.reference).toBe(reference);
  });
});

describe("the scale a run's query latencies are judged at", () => {
  it.each([
    [100_000, 5_000_000, "100000 resources, 5000000 samples", true],
    [50_000, 5_000_000, "100000 resources, 5000000 samples", false],
    [200_000, 5_000_000, "100000 resources, 5000000 samples", true],
    [1_000_000, 20_000_000, "1000000 resources, 20000000 samples", true],
    [1_000_000, 5_000_000, "1000000 resources, 20000000 samples", false],
  ])("%i resources, %i samples → defined at %s, at scale %s", (resources, samples, definedAt, atScale) => {
    expect(queryScaleOf({ resources, samples })).toMatchObject({ definedAt, atScale });
  });

  it.each([
    [1_000_000, "1M"],
    [200_000, "200k"],
    [100_000, "100k"],
    [300, "300"],
    [1_500, "1,500"],
  ])("%i resources are called %s", (resources, name) => {
    expect(scaleName(resources)).toBe(name);
  });
});

describe("an intended index, or one of its alternatives", () => {
  it.each([
    ["cloud_resources_pkey", ["cloud_resources_pkey"], true],
    ["cloud_resources_pkey", ["cloud_resources_organization_id_id_key"], false],
    ["cloud_resources_pkey|cloud_resources_organization_id_id_key", ["cloud_resources_organization_id_id_key"], true],
    ["cloud_resources_pkey|cloud_resources_organization_id_id_key", ["cloud_resources_pkey", "organizations_pkey"], true],
    ["cloud_resources_pkey|cloud_resources_organization_id_id_key", ["organizations_pkey"], false],
    ["cloud_resources_pkey", [], false],
  ] as const)("%s with %j used → %s", (intended, used, met) => {
    expect(intendedIndexUsed(intended, used)).toBe(met);
    expect(intendedIndexUsed(intended, new Set(used))).toBe(met);
  });

  it("counts the entries a plan missed, alternatives once", () => {
    expect(missingIntended(["a|b", "c", "d"], ["b", "d"])).toEqual(["c"]);
    expect(missingIntended(["a|b", "c"], [])).toEqual(["a|b", "c"]);
    expect(missingIntended([], ["a"])).toEqual([]);
  });
});

function query(id: string, p95Ms: number, plan: { intended: string[]; used: string[] }, extra: Partial<QueryResult> = {}): QueryResult {
  return {
    id,
    label: `query ${id}`,
    sql: "select 1",
    executions: 3,
    p50Ms: p95Ms / 2,
    p95Ms,
    minMs: p95Ms / 4,
    maxMs: p95Ms,
    meanMs: p95Ms / 2,
    rowsReturned: 1,
    latenciesMs: [p95Ms / 4, p95Ms / 2, p95Ms],
    plan: {
      indexesUsed: plan.used,
      seqScans: [],
      intended: plan.intended,
      intendedUsed: plan.intended.every((i) => i.split("|").some((a) => plan.used.includes(a))),
      plans: [{ Plan: { "Node Type": "Result" } }],
    },
    ...extra,
  };
}

function results(resources: number, samples: number, queries: QueryResult[]): BenchResults {
  return {
    schema: "cloudsync-bench/1",
    generatedAt: "2026-12-06T12:00:00.000Z",
    durationSeconds: 2700,
    parameters: {
      seed: 1,
      resources,
      samples,
      ingestSamples: 250_000,
      runs: 3,
      queryRuns: 50,
      e2eResources: 90_000,
      e2eRuns: 1,
      scaleAccounts: 200,
      pageSize: 1000,
      costDaysPerResource: 30,
      sampleWindowDays: 70,
      steps: ["queries"],
      quick: false,
    },
    machine: {
      cpuModel: "test",
      cpus: 2,
      memoryGb: 8,
      platform: "Linux",
      arch: "x64",
      node: "v20",
      loadAverageStart: [0.5, 0.5, 0.5],
      postgres: { version: "PostgreSQL 15.20 on x86_64", settings: { shared_buffers: "128MB" } },
    },
    setup: { estateLoadSeconds: 540, costLines: { rows: 30_000_000, seconds: 480 }, samples: { rows: 20_000_000, seconds: 420 } },
    figures: [],
    queries,
    targets: [],
  };
}

const idx = "idx_cloud_resources_wedding_critical_running";
// At 1M: a keyset page that does not grow, a list that grows tenfold past the budget, a fast
// query on the wrong plan, a query slow and on the wrong plan, the design document's version,
// a bulk walk reported only, and a query the 100k run did not have.
const page = "cloud_resources_pkey|cloud_resources_organization_id_id_key";
const at1m = [
  query("resources_page", 3.3, { intended: [page], used: ["cloud_resources_organization_id_id_key"] }),
  query("wedding_critical_running", 85, { intended: [idx], used: [idx] }),
  query("samples_24h", 4, { intended: ["idx_infra_monitoring_resource_time"], used: ["idx_infra_monitoring_org_time"] }),
  query("health_score", 40, { intended: ["resource_health_counts_key"], used: [] }),
  query("seed_health_score", 750, { intended: [], used: [] }, { counterpartOf: "health_score" }),
  query("wedding_critical_dependents_all", 400, { intended: [idx], used: [idx] }, { informational: "a bulk answer" }),
  query("monthly_cost_summary", 19.9, { intended: [], used: [] }),
];
const at100k = [
  query("resources_page", 3, { intended: ["cloud_resources_pkey"], used: ["cloud_resources_pkey"] }),
  query("wedding_critical_running", 8.5, { intended: [idx], used: [idx] }),
  query("samples_24h", 2.5, { intended: ["idx_infra_monitoring_resource_time"], used: ["idx_infra_monitoring_resource_time"] }),
  query("health_score", 10, { intended: ["resource_health_counts_key"], used: ["resource_health_counts_key"] }),
  query("seed_health_score", 75, { intended: [], used: [] }, { counterpartOf: "health_score" }),
  query("wedding_critical_dependents_all", 50, { intended: [idx], used: [idx] }, { informational: "a bulk answer" }),
];

describe("each query at 1M beside its 100k figure", () => {
  const large = results(1_000_000, 20_000_000, at1m);
  const reference = results(100_000, 5_000_000, at100k);
  const compared = compareQueries(large, reference, "bench/results/latest.json");
  const row = (id: string) => compared.rows.find((r) => r.id === id)!;

  it.each([
    // id, p95 at 100k, ratio (hand-computed: p95 at 1M ÷ p95 at 100k, to 4 significant figures), verdict
    ["resources_page", 3, 1.1, "pass"],
    ["wedding_critical_running", 8.5, 10, "miss: latency"],
    ["samples_24h", 2.5, 1.6, "miss: plan"],
    ["health_score", 10, 4, "miss: latency and plan"],
    ["seed_health_score", 75, 10, "not judged"],
    ["wedding_critical_dependents_all", 50, 8, "not judged"],
    ["monthly_cost_summary", null, null, "pass"],
  ] as const)("%s: 100k p95 %s ms, ratio %s, %s", (id, referenceP95Ms, ratio, verdict) => {
    expect(row(id).referenceP95Ms).toBe(referenceP95Ms);
    expect(row(id).ratio).toBe(ratio);
    expect(row(id).verdict).toBe(verdict);
    expect(verdictOf(at1m.find((q) => q.id === id)!)).toBe(verdict);
  });

  it("says which plan check applied and why a query is not judged", () => {
    expect(row("monthly_cost_summary").intendedUsed).toBeNull();
    expect(row("samples_24h").intendedUsed).toBe(false);
    expect(row("seed_health_score").notJudged).toContain("health_score");
    expect(row("wedding_critical_dependents_all").notJudged).toBe("a bulk answer");
    expect(compared.reference).toEqual({ file: "bench/results/latest.json", generatedAt: reference.generatedAt, resources: 100_000, samples: 5_000_000 });
  });

  it("leaves the 100k column empty when there is no reference run", () => {
    const alone = compareQueries(large, null, "missing.json");
    expect(alone.reference).toBeNull();
    expect(alone.rows.every((r) => r.referenceP95Ms === null && r.ratio === null)).toBe(true);
    expect(alone.rows.map((r) => r.verdict)).toEqual(compared.rows.map((r) => r.verdict));
  });

  it("judges the latency at 1M / 20M and each plan against its intended indexes", () => {
    const options = parseOptions(["--resources", "1000000", "--only", "queries"], paths);
    const targets = evaluateTargets(options, [], at1m);
    const t = (id: string) => targets.find((x) => x.id === id);
    expect(t("query_p95.resources_page")).toMatchObject({ pass: true, atDefinedScale: true, definedAt: "1000000 resources, 20000000 samples" });
    expect(t("query_p95.wedding_critical_running")).toMatchObject({ pass: false, measured: 85 });
    expect(t("query_p95.monthly_cost_summary")).toMatchObject({ pass: true });
    expect(t("query_p95.seed_health_score")).toBeUndefined();
    expect(t("query_p95.wedding_critical_dependents_all")).toBeUndefined();
    expect(t("query_plan.resources_page")).toMatchObject({
      pass: true,
      measured: 0,
      description: "query resources_page: plan uses `cloud_resources_pkey` or `cloud_resources_organization_id_id_key`",
    });
    expect(t("query_plan.samples_24h")).toMatchObject({ pass: false, measured: 1, unit: "indexes missing" });
    expect(t("query_plan.health_score")).toMatchObject({ pass: false, measured: 1 });
    // The bulk walk is not judged on time, but its plan still must use its indexes.
    expect(t("query_plan.wedding_critical_dependents_all")).toMatchObject({ pass: true });
    expect(t("query_plan.monthly_cost_summary")).toBeUndefined();
  });

  it("renders the side-by-side block with both figures, the ratio and the verdict", () => {
    const withTargets = { ...large, targets: evaluateTargets(parseOptions(["--resources", "1000000", "--only", "queries"], paths), [], at1m), comparison: compared };
    expect(docBlockFor(withTargets)).toBe("queries-large");
    const text = renderBlock("queries-large", withTargets);
    expect(text).toContain("| query | p50 at 1M | p95 at 1M | p95 at 100k | ratio | indexes used | intended used | < 20 ms at 1M |");
    expect(text).toContain("| query wedding_critical_running | 42.5 ms | 85.0 ms | 8.50 ms | 10.0 × | `idx_cloud_resources_wedding_critical_running` | yes | **miss: latency** |");
    expect(text).toContain("| query samples_24h | 2.00 ms | 4.00 ms | 2.50 ms | 1.60 × | `idx_infra_monitoring_org_time` | **no** | **miss: plan** |");
    expect(text).toContain("| query monthly_cost_summary | 9.95 ms | 19.9 ms | – | – | – | – | **pass** |");
    expect(text).toContain("| query seed_health_score | 375 ms | 750 ms | 75.0 ms | 10.0 × | – | – | not judged |");
    expect(text).toContain("about 10: it grows in proportion");
    expect(text).toContain("1,000,000 resources, 20,000,000 samples, up to 50 timed executions per query, seed 1");
    expect(text).not.toContain("end-to-end sync");
    expect(text).toContain("Raw numbers: `bench/results/queries-large-latest.json`");
    expect(text).toContain("30,000,000 cost lines in 480 s; 20,000,000 samples in 420 s");
    expect(text).toContain("| query samples_24h: plan uses `idx_infra_monitoring_resource_time` | 1 indexes missing | < 1 indexes missing | **miss** |");
    expect(() => renderBlock("queries-large", large)).toThrow(/comparison/);
  });
});

describe("a stored comparison and a newer reference run", () => {
  // The 1M run was compared with a 100k run that did not have the dependency queries yet; the
  // 100k run made since has them. Re-rendering must set the 1M figures beside the newer run
  // (the bug: the stored comparison was kept, and the column showed "–" for them).
  const deps = "wedding_critical_dependents";
  const large = results(1_000_000, 20_000_000, [...at1m, query(deps, 5.8, { intended: [idx], used: [idx] })]);
  const older = { ...results(100_000, 5_000_000, at100k), generatedAt: "2026-12-06T02:55:00.000Z" };
  const newer = { ...results(100_000, 5_000_000, [...at100k, query(deps, 8.5, { intended: [idx], used: [idx] })]), generatedAt: "2026-12-06T18:11:00.000Z" };

  async function compareWith(stored: BenchResults, reference: BenchResults | null) {
    const dir = mkdtempSync(path.join(tmpdir(), "bench-reference-"));
    try {
      const file = path.join(dir, "latest.json");
      if (reference) writeFileSync(file, JSON.stringify(reference));
      const log: string[] = [];
      const out = await withComparison(stored, file, (m) => log.push(m));
      return { out, log };
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
  const row = (r: BenchResults, id: string) => r.comparison!.rows.find((x) => x.id === id)!;

  it("compares again with the reference as it is now, and says so", async () => {
    const first = (await compareWith(large, older)).out;
    expect(row(first, deps)).toMatchObject({ referenceP95Ms: null, ratio: null });
    const { out, log } = await compareWith(first, newer);
    // 5.8 ÷ 8.5 = 0.682352…, kept to 5 decimals below 1.
    expect(row(out, deps)).toMatchObject({ referenceP95Ms: 8.5, ratio: 0.68235 });
    expect(out.comparison!.reference!.generatedAt).toBe(newer.generatedAt);
    expect(log.join("\n")).toContain("had been compared with the one of 2026-12-06T02:55:00.000Z");
    const text = renderBlock("queries-large", out);
    expect(text).toContain("| query wedding_critical_dependents | 2.90 ms | 5.80 ms | 8.50 ms | 0.68 × |");
    expect(text).toContain("100k-resource run of 2026-12-06 18:11 UTC");
  });

  it("keeps the stored comparison when the reference cannot be read", async () => {
    const first = (await compareWith(large, newer)).out;
    const { out, log } = await compareWith(first, null);
    expect(out.comparison).toEqual(first.comparison);
    expect(log.join("\n")).toContain("the comparison stored with the run stays");
  });
});
