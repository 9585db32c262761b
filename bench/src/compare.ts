import { readFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { isQueriesOnly } from "./options.ts";
import type { QueryResult } from "./report.ts";
import type { BenchResults } from "./run.ts";
import { round } from "./stats.ts";
import { latencyBudgetMs } from "./steps/queries.ts";

/**
 * A queries-only run at a large scale (1M resources) set beside the reference run (100k, the
 * full `pnpm bench`): per query, both p95s and their ratio, which shows how the query's cost
 * grows with the estate — about 1 for a query that reads a page by index, about the scale factor
 * (10) for one that reads every resource.
 */
export interface QueriesComparison {
  /** The run the figures are set beside, or null when its results file was missing or had no queries. */
  reference: { file: string; generatedAt: string; resources: number; samples: number } | null;
  resources: number;
  samples: number;
  rows: QueryComparison[];
}

export type Verdict = "pass" | "miss: latency" | "miss: plan" | "miss: latency and plan" | "not judged";

export interface QueryComparison {
  id: string;
  label: string;
  p50Ms: number;
  p95Ms: number;
  /** The same query's p95 in the reference run; null when the reference did not run it. */
  referenceP95Ms: number | null;
  /** p95Ms / referenceP95Ms: how many times slower at this scale. */
  ratio: number | null;
  indexesUsed: string[];
  intended: string[];
  /** Whether the plan used every intended index; null when the query names none. */
  intendedUsed: boolean | null;
  /** Why the query is not judged against the budget (a bulk answer, the design document's version), or null. */
  notJudged: string | null;
  verdict: Verdict;
}

/**
 * The rule (issue #20): a listed query passes at this scale when its p95 is under the 20 ms
 * budget *and* its plan used every index it was written for. A fast answer from the wrong plan
 * fails, because it would not stay fast as the estate grows. The design document's versions and
 * the bulk walk are reported with their ratio but not judged.
 */
export function verdictOf(q: Pick<QueryResult, "p95Ms" | "counterpartOf" | "informational" | "plan">): Verdict {
  if (q.counterpartOf || q.informational) return "not judged";
  const fast = q.p95Ms < latencyBudgetMs;
  const planned = q.plan.intendedUsed;
  if (fast && planned) return "pass";
  if (!fast && !planned) return "miss: latency and plan";
  return fast ? "miss: plan" : "miss: latency";
}

/** Each query of `run` beside the same query in `reference` (matched by id). */
export function compareQueries(run: BenchResults, reference: BenchResults | null, referenceFile: string): QueriesComparison {
  const usable = reference !== null && reference.queries.length > 0 ? reference : null;
  return {
    reference: usable
      ? { file: referenceFile, generatedAt: usable.generatedAt, resources: usable.parameters.resources, samples: usable.parameters.samples }
      : null,
    resources: run.parameters.resources,
    samples: run.parameters.samples,
    rows: run.queries.map((q) => {
      const before = usable?.queries.find((r) => r.id === q.id) ?? null;
      const referenceP95Ms = before ? before.p95Ms : null;
      return {
        id: q.id,
        label: q.label,
        p50Ms: q.p50Ms,
        p95Ms: q.p95Ms,
        referenceP95Ms,
        ratio: referenceP95Ms !== null && referenceP95Ms > 0 ? round(q.p95Ms / referenceP95Ms) : null,
        indexesUsed: q.plan.indexesUsed,
        intended: q.plan.intended,
        intendedUsed: q.plan.intended.length === 0 ? null : q.plan.intendedUsed,
        notJudged: q.counterpartOf ? `the design document's version of ${q.counterpartOf}` : (q.informational ?? null),
        verdict: verdictOf(q),
      };
    }),
  };
}

/** "1M", "200k", "300": the scale as the tables' headers name it. */
export function scaleName(resources: number): string {
  if (resources >= 1_000_000 && resources % 1_000_000 === 0) return `${resources / 1_000_000}M`;
  if (resources >= 1_000 && resources % 1_000 === 0) return `${resources / 1_000}k`;
  return resources.toLocaleString("en-US");
}

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");

/**
 * A queries-only run is set beside the reference run (bench/results/latest.json, the 100k
 * figures): read it, and keep the comparison in the results so the block can be re-rendered
 * later from the results file alone. A run compared before is compared again whenever the
 * reference can be read: the reference may have been run since (the 1M run of 17:58 had been set
 * beside a 100k run of 02:55 that predated the dependency queries, and `--render` kept that
 * comparison, so their 100k column stayed "–" beside a latest.json that had them). Only when the
 * reference cannot be read (or has no queries) does the stored comparison stay. Other runs come
 * back as they are.
 */
export async function withComparison(results: BenchResults, referenceFile: string, log: (message: string) => void): Promise<BenchResults> {
  if (!isQueriesOnly(results.parameters.steps)) return results;
  let reference: BenchResults | null = null;
  try {
    reference = JSON.parse(await readFile(referenceFile, "utf8")) as BenchResults;
  } catch (error) {
    log(
      `no reference run read from ${referenceFile} (${(error as Error).message}): ` +
        (results.comparison ? "the comparison stored with the run stays; " : "the reference column stays empty; ") +
        "run the full pnpm bench first, or pass --reference FILE",
    );
  }
  const shown = path.isAbsolute(referenceFile) && referenceFile.startsWith(repoRoot) ? path.relative(repoRoot, referenceFile) : referenceFile;
  const comparison = compareQueries(results, reference, shown);
  const stored = results.comparison?.reference ?? null;
  if (comparison.reference === null && stored !== null) return results;
  if (stored !== null && comparison.reference !== null && stored.generatedAt !== comparison.reference.generatedAt) {
    log(
      `compared with the reference run of ${comparison.reference.generatedAt} (${shown}); ` +
        `the run had been compared with the one of ${stored.generatedAt}`,
    );
  }
  return { ...results, comparison };
}
