import { readFile, writeFile } from "node:fs/promises";
import { type QueriesComparison, scaleName } from "./compare.ts";
import { isQueriesOnly } from "./options.ts";
import type { Figure } from "./report.ts";
import type { BenchResults } from "./run.ts";
import { latencyBudgetMs } from "./steps/queries.ts";

/**
 * The generated blocks of docs/performance.md: a full run's results, a large end-to-end-only
 * run's, and a large queries-only run's (set beside the full run's queries).
 */
export type DocBlock = "results" | "e2e-large" | "queries-large";

const markers = (block: DocBlock) => [`<!-- bench:${block}:start -->`, `<!-- bench:${block}:end -->`] as const;

function num(value: number | null | undefined): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return "–";
  const abs = Math.abs(value);
  if (abs >= 1000) return Math.round(value).toLocaleString("en-US");
  if (abs >= 100) return value.toFixed(0);
  if (abs >= 10) return value.toFixed(1);
  return value.toFixed(2);
}

function table(header: string[], rows: string[][]): string {
  return [`| ${header.join(" | ")} |`, `| ${header.map(() => "---").join(" | ")} |`, ...rows.map((r) => `| ${r.join(" | ")} |`)].join("\n");
}

function runLine(r: BenchResults): string {
  const m = r.machine;
  const pg = m.postgres.version.split(" on ")[0] ?? m.postgres.version;
  const p = r.parameters;
  const e2eOnly = p.steps.length === 1 && p.steps[0] === "e2e";
  const queriesOnly = p.steps.length === 1 && p.steps[0] === "queries";
  return (
    `Measured ${r.generatedAt.slice(0, 16).replace("T", " ")} UTC in ${Math.round(r.durationSeconds / 60)} min on ${m.cpus} × ${m.cpuModel}, ` +
    `${m.memoryGb} GB, ${pg} (shared_buffers ${m.postgres.settings.shared_buffers ?? "?"}), Node ${m.node}; ` +
    `load average ${m.loadAverageStart[0]} at the start${m.loadAverageEnd ? `, ${m.loadAverageEnd[0]} at the end` : ""} (the machine is shared). ` +
    (e2eOnly
      ? `${p.e2eResources.toLocaleString("en-US")} resources end to end, ${p.e2eRuns} run(s), seed ${p.seed}`
      : queriesOnly
        ? `${p.resources.toLocaleString("en-US")} resources, ${p.samples.toLocaleString("en-US")} samples, up to ${p.queryRuns} timed executions per query, seed ${p.seed}`
        : `${p.resources.toLocaleString("en-US")} resources, ${p.samples.toLocaleString("en-US")} samples, ${p.runs} run(s) per figure ` +
        `(the end-to-end sync: ${p.e2eResources.toLocaleString("en-US")} resources, ${p.e2eRuns} run(s)), seed ${p.seed}`) +
    `${p.quick ? " (quick run)" : ""}. Raw numbers: \`bench/results/${e2eOnly ? "e2e-latest" : queriesOnly ? "queries-large-latest" : "latest"}.json\`.`
  );
}

function figureRows(figures: readonly Figure[]): string[][] {
  return figures.map((f) => [
    f.label,
    `${num(f.value)} ${f.unit}`,
    `${num(f.min)}–${num(f.max)}`,
    f.baseline === null && f.ratio === 1 ? "baseline" : f.ratio === null ? "–" : `${num(f.ratio)} ${f.ratioMeaning}`,
  ]);
}

/** The end-to-end processes' own peaks (one per cloud), which the RSS figure is the largest of. */
function processLine(r: BenchResults): string[] {
  const detail = r.figures.find((f) => f.id === "e2e.peak_rss")?.detail;
  const processes = detail?.processes as Record<string, { peakRssMb: number }> | undefined;
  if (!processes) return [];
  const each = Object.entries(processes).map(([cloud, p]) => `${cloud} ${num(p.peakRssMb)} MB`);
  return [`Peak RSS per end-to-end process (one per cloud, run at once, node ${String(detail?.nodeOptions) || "without flags"}): ${each.join(", ")}; sum ${num(detail?.sumOfPeaksMb as number)} MB.`, ""];
}

/** What the unchanged re-sync wrote (it should write only its sync_runs rows). */
function writesLine(r: BenchResults): string[] {
  const f = r.figures.find((x) => x.id === "writer.resync_unchanged_writes");
  if (!f?.detail) return [];
  const d = f.detail as { tablesWritten: string[]; walBytes: number; walRecords: number; walBytesByTable: Record<string, number>; rowsWrittenByTable: Record<string, number> };
  const per = (m: Record<string, number>, unit: string) =>
    Object.entries(m)
      .sort((a, b) => b[1] - a[1])
      .map(([t, v]) => `${t} ${num(v)}${unit}`)
      .join(", ") || "none";
  return [
    `What the unchanged re-sync wrote: ${num(d.walBytes)} bytes of WAL in ${num(d.walRecords)} records (${per(d.walBytesByTable, " B")}); ` +
      `rows inserted, updated or deleted: ${per(d.rowsWrittenByTable, "")}; tables written besides sync_runs: ${d.tablesWritten.length ? d.tablesWritten.join(", ") : "none"}.`,
    "",
  ];
}

/** How long the untimed loading took, from the results' setup record. */
function loadLine(r: BenchResults): string {
  const s = r.setup as {
    estateLoadSeconds?: number;
    costLines?: { rows: number; seconds: number };
    samples?: { rows: number; seconds: number };
    dependencies?: { rows: number; seconds: number };
    vacuumAnalyzeSeconds?: number;
    tableSizes?: { resources: string; monitoring: string; costs: string };
  };
  const part = (what: string, x?: { rows: number; seconds: number }) => (x ? `${num(x.rows)} ${what} in ${num(x.seconds)} s` : null);
  const parts = [
    s.estateLoadSeconds === undefined ? null : `the estate through the writer (base and churned) in ${num(s.estateLoadSeconds)} s`,
    part("cost lines", s.costLines),
    part("samples", s.samples),
    part("dependencies", s.dependencies),
    s.vacuumAnalyzeSeconds === undefined ? null : `vacuum analyze in ${num(s.vacuumAnalyzeSeconds)} s`,
  ].filter(Boolean);
  const sizes = s.tableSizes ? ` Table sizes: cloud_resources ${s.tableSizes.resources}, infrastructure_monitoring ${s.tableSizes.monitoring}, cloud_costs ${s.tableSizes.costs}.` : "";
  return `Loading (not timed as a figure): ${parts.join("; ") || "–"}.${sizes}`;
}

/** Each query's p95 at this run's scale beside its p95 in the reference run, the ratio and the verdict. */
function comparisonTable(c: QueriesComparison): string[] {
  const here = scaleName(c.resources);
  const there = c.reference ? scaleName(c.reference.resources) : "reference";
  const source = c.reference
    ? `Beside each: its p95 in the ${there}-resource run of ${c.reference.generatedAt.slice(0, 16).replace("T", " ")} UTC (${num(c.reference.samples)} samples, \`${c.reference.file}\`); ` +
      `the ratio is p95 at ${here} ÷ p95 at ${there} (about 1: the query's cost does not grow with the estate; about ${(c.resources / c.reference.resources).toLocaleString("en-US", { maximumFractionDigits: 1 })}: it grows in proportion).`
    : "No reference run to set these beside (its results file was missing or had no queries): run the full `pnpm bench` first.";
  return [
    source,
    "",
    table(
      ["query", `p50 at ${here}`, `p95 at ${here}`, `p95 at ${there}`, "ratio", "indexes used", "intended used", `< ${latencyBudgetMs} ms at ${here}`],
      c.rows.map((q) => [
        q.label,
        `${num(q.p50Ms)} ms`,
        `${num(q.p95Ms)} ms`,
        q.referenceP95Ms === null ? "–" : `${num(q.referenceP95Ms)} ms`,
        q.ratio === null ? "–" : `${num(q.ratio)} ×`,
        q.indexesUsed.map((i) => `\`${i}\``).join(", ") || "–",
        q.intendedUsed === null ? "–" : q.intendedUsed ? "yes" : "**no**",
        q.verdict === "pass" ? "**pass**" : q.verdict === "not judged" ? "not judged" : `**${q.verdict}**`,
      ]),
    ),
    "",
  ];
}

/** Which generated block of the document a run may replace: complete runs, e2e-only and queries-only runs. */
export function docBlockFor(results: BenchResults): DocBlock | null {
  const steps = results.parameters.steps;
  if (steps.length === 1 && steps[0] === "e2e") return "e2e-large";
  if (isQueriesOnly(steps)) return "queries-large";
  if (["baseline", "writer", "ingest", "queries", "e2e"].every((s) => steps.includes(s as never))) return "results";
  return null;
}

/** The markdown of one block. */
export function renderBlock(block: DocBlock, r: BenchResults): string {
  const parts: string[] = [runLine(r), ""];
  // Counts (indexes missing from a plan) read as whole numbers.
  const value = (t: (typeof r.targets)[number], v: number) => (t.unit === "indexes missing" ? String(v) : num(v));
  const targets = r.targets.map((t) => [
    t.description,
    `${t.unit === "×" ? `${num(t.measured)} ×` : `${value(t, t.measured)} ${t.unit}`}`,
    `${t.comparator === ">=" ? "≥" : "<"} ${value(t, t.threshold)}${t.unit === "×" ? " ×" : ` ${t.unit}`}`,
    `${t.pass ? "**pass**" : "**miss**"}${t.atDefinedScale ? "" : ` (not at ${t.definedAt})`}`,
  ]);
  if (block === "queries-large") {
    if (!r.comparison) throw new Error("a queries-large block needs the run's comparison with the reference run (main.ts adds it); run it again through pnpm bench");
    parts.push(loadLine(r), "", ...comparisonTable(r.comparison), "**Targets**", "", table(["target", "measured", "target", "result"], targets));
    return parts.join("\n");
  }
  if (block === "e2e-large") {
    parts.push(table(["figure", "value", "min–max", "ratio"], figureRows(r.figures)), "", ...processLine(r), table(["target", "measured", "target", "result"], targets));
    return parts.join("\n");
  }
  const throughput = r.figures.filter((f) => !f.id.startsWith("queries."));
  parts.push("**Throughput and memory** (median of the runs; min–max across them)", "", table(["figure", "median", "min–max", "ratio"], figureRows(throughput)), "", ...writesLine(r), ...processLine(r));
  if (r.queries.length > 0) {
    parts.push(
      "**Query latency** (each executed in a transaction acting for the organization, role `cloudsync_app`, prepared)",
      "",
      table(
        ["query", "p50", "p95", "n", "rows", "indexes used", "intended", "vs budget / ours"],
        r.queries.map((q) => {
          const f = r.figures.find((x) => x.id === `queries.${q.id}`);
          return [
            q.label,
            `${num(q.p50Ms)} ms`,
            `${num(q.p95Ms)} ms`,
            String(q.executions),
            String(q.rowsReturned),
            [
              q.plan.indexesUsed.map((i) => `\`${i}\``).join(", "),
              q.plan.seqScans.length ? `seq scan: ${q.plan.seqScans.map((s) => `\`${s}\``).join(", ")}` : "",
            ]
              .filter(Boolean)
              .join("; ") || "–",
            q.plan.intended.length === 0 ? "–" : q.plan.intendedUsed ? "yes" : "**no**",
            f?.ratio === null || f?.ratio === undefined ? "–" : `${num(f.ratio)} ×`,
          ];
        }),
      ),
      "",
    );
  }
  parts.push("**Targets**", "", table(["target", "measured", "target", "result"], targets));
  return parts.join("\n");
}

/** Replaces the block between its markers; the rest of the document is left as written. */
export async function updateDoc(file: string, block: DocBlock, r: BenchResults): Promise<void> {
  const text = await readFile(file, "utf8");
  const [start, end] = markers(block);
  const from = text.indexOf(start);
  const to = text.indexOf(end);
  if (from < 0 || to < from) throw new Error(`${file} has no ${start} … ${end} block to regenerate; put the two markers where the results belong`);
  await writeFile(file, `${text.slice(0, from + start.length)}\n${renderBlock(block, r)}\n${text.slice(to)}`);
}
