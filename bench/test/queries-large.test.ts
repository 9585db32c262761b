import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { verdictOf, withComparison } from "../src/compare.ts";
import { docBlockFor, updateDoc } from "../src/doc.ts";
import { parseOptions } from "../src/options.ts";
import { type BenchResults, runBenchmark } from "../src/run.ts";

/**
 * The 1M query run's path (`pnpm bench --resources 1000000 --only queries`) at a tiny scale
 * against a fresh database: it loads what the queries need, captures every plan, is set beside a
 * reference run and renders its own block, leaving the reference run's block alone. No timing is
 * judged: the reference's figures are this run's own, doubled, so every ratio is known (0.5).
 */
let dir: string;
let run: BenchResults;
let compared: BenchResults;
let out: string;
const messages: string[] = [];

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), "cloudsync-bench-queries-large-"));
  const options = parseOptions(["--resources", "300", "--samples", "3000", "--query-runs", "3", "--only", "queries"], {
    defaultOut: path.join(dir, "latest.json"),
    defaultE2eOut: path.join(dir, "e2e.json"),
    defaultQueriesOut: path.join(dir, "queries-large-latest.json"),
    defaultDoc: path.join(dir, "performance.md"),
  });
  out = options.out;
  run = await runBenchmark(options, (m) => messages.push(m));
  const reference: BenchResults = {
    ...run,
    parameters: { ...run.parameters, resources: 100, samples: 1000, steps: ["baseline", "writer", "ingest", "queries", "e2e"] },
    queries: run.queries.map((q) => ({ ...q, p95Ms: q.p95Ms * 2 })),
  };
  await writeFile(options.reference, JSON.stringify(reference));
  compared = await withComparison(run, options.reference, (m) => messages.push(m));
}, 600_000);

afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe("the queries-only run at a tiny scale", () => {
  it("writes its own results file, not the reference run's", () => {
    expect(path.basename(out)).toBe("queries-large-latest.json");
    expect(run.parameters.steps).toEqual(["queries"]);
    expect(docBlockFor(compared)).toBe("queries-large");
  });

  it("loads what the queries need and says how long it took", () => {
    expect(run.setup).toMatchObject({ costLines: { rows: 300 * 30 }, samples: { rows: 3000 } });
    expect(typeof run.setup.estateLoadSeconds).toBe("number");
    expect(messages.some((m) => /^setup: base estate, gcp written \(300 of 300 resources/.test(m))).toBe(true);
    expect(messages.some((m) => /^setup: infrastructure_monitoring: rebuilt in/.test(m))).toBe(true);
  });

  it("captures every query's plan and checks it against its intended indexes", () => {
    expect(run.queries).toHaveLength(12);
    for (const q of run.queries) {
      expect(q.plan.plans.length, q.id).toBeGreaterThan(0);
      // An intended entry "a|b" is met by either index.
      const met = (i: string) => i.split("|").some((a) => q.plan.indexesUsed.includes(a));
      expect(q.plan.intendedUsed, q.id).toBe(q.plan.intended.every(met));
      if (q.plan.intended.length > 0) {
        const t = run.targets.find((x) => x.id === `query_plan.${q.id}`)!;
        expect(t.measured, q.id).toBe(q.plan.intended.filter((i) => !met(i)).length);
        expect(t.pass, q.id).toBe(q.plan.intendedUsed);
      }
    }
    // The wedding-critical list is judged on a page (its last execution's rows: at most 100) and
    // reported whole beside it, not judged; both read the partial index.
    const page = run.queries.find((q) => q.id === "wedding_critical_running")!;
    const all = run.queries.find((q) => q.id === "wedding_critical_running_all")!;
    expect(page.rowsReturned).toBeLessThanOrEqual(100);
    expect(page.plan.intendedUsed).toBe(true);
    expect(all.informational).toContain("pages of 100 are the judged figure");
    expect(run.targets.find((t) => t.id === "query_p95.wedding_critical_running_all")).toBeUndefined();
    expect(run.targets.find((t) => t.id === "query_plan.wedding_critical_running_all")).toMatchObject({ pass: true });
    // 300 resources are not the 1M scale: the latency targets say so.
    expect(run.targets.find((t) => t.id === "query_p95.resources_page")).toMatchObject({ atDefinedScale: false, definedAt: "100000 resources, 5000000 samples" });
  });

  it("sets every query beside the reference's, with the ratio and the verdict computed from the figures", () => {
    const c = compared.comparison!;
    expect(c.reference).toMatchObject({ resources: 100, samples: 1000 });
    expect(c.rows.map((r) => r.id)).toEqual(run.queries.map((q) => q.id));
    for (const q of run.queries) {
      const row = c.rows.find((r) => r.id === q.id)!;
      expect(row.p95Ms).toBe(q.p95Ms);
      expect(row.referenceP95Ms).toBe(q.p95Ms * 2);
      expect(row.ratio, q.id).toBeCloseTo(0.5, 2);
      expect(row.verdict).toBe(verdictOf(q));
    }
    expect(c.rows.filter((r) => r.verdict === "not judged").map((r) => r.id).sort()).toEqual(["seed_cost_optimization", "seed_health_score", "wedding_critical_dependents_all", "wedding_critical_running_all"]);
  });

  it("renders its own block and leaves the reference run's block as it was", async () => {
    const doc = path.join(dir, "performance.md");
    const reference = "<!-- bench:results:start -->\nthe 100k figures\n<!-- bench:results:end -->";
    await writeFile(doc, `# Perf\n\n${reference}\n\n<!-- bench:queries-large:start -->\nold\n<!-- bench:queries-large:end -->\n`);
    await updateDoc(doc, "queries-large", compared);
    const text = await readFile(doc, "utf8");
    expect(text).toContain(reference);
    expect(text).not.toContain("\nold\n");
    expect(text).toContain("| query | p50 at 300 | p95 at 300 | p95 at 100 | ratio |");
    for (const q of run.queries) expect(text).toContain(`| ${q.label} |`);
    expect(text).toContain("0.50 ×");
  });

  it("without a reference run, still renders, with the reference column empty", async () => {
    const alone = await withComparison(run, path.join(dir, "missing.json"), (m) => messages.push(m));
    expect(alone.comparison!.reference).toBeNull();
    expect(messages.at(-1)).toMatch(/no reference run read from .*missing\.json.*run the full pnpm bench first/);
  });
});
