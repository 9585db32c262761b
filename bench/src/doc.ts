import { readFile, writeFile } from "node:fs/promises";
import type { Figure } from "./report.ts";
import type { BenchResults } from "./run.ts";

/** The generated blocks of docs/performance.md: a full run's results, and a large end-to-end-only run's. */
export type DocBlock = "results" | "e2e-large";

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
  return (
    `Measured ${r.generatedAt.slice(0, 16).replace("T", " ")} UTC in ${Math.round(r.durationSeconds / 60)} min on ${m.cpus} × ${m.cpuModel}, ` +
    `${m.memoryGb} GB, ${pg} (shared_buffers ${m.postgres.settings.shared_buffers ?? "?"}), Node ${m.node}; ` +
    `load average ${m.loadAverageStart[0]} at the start${m.loadAverageEnd ? `, ${m.loadAverageEnd[0]} at the end` : ""} (the machine is shared). ` +
    (e2eOnly
      ? `${p.e2eResources.toLocaleString("en-US")} resources end to end, ${p.e2eRuns} run(s), seed ${p.seed}`
      : `${p.resources.toLocaleString("en-US")} resources, ${p.samples.toLocaleString("en-US")} samples, ${p.runs} run(s) per figure ` +
        `(the end-to-end sync: ${p.e2eResources.toLocaleString("en-US")} resources, ${p.e2eRuns} run(s)), seed ${p.seed}`) +
    `${p.quick ? " (quick run)" : ""}. Raw numbers: \`bench/results/${e2eOnly ? "e2e-latest" : "latest"}.json\`.`
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

/** The markdown of one block. */
export function renderBlock(block: DocBlock, r: BenchResults): string {
  const parts: string[] = [runLine(r), ""];
  const targets = r.targets.map((t) => [
    t.description,
    `${t.unit === "×" ? `${num(t.measured)} ×` : `${num(t.measured)} ${t.unit}`}`,
    `${t.comparator === ">=" ? "≥" : "<"} ${num(t.threshold)}${t.unit === "×" ? " ×" : ` ${t.unit}`}`,
    `${t.pass ? "**pass**" : "**miss**"}${t.atDefinedScale ? "" : ` (not at ${t.definedAt})`}`,
  ]);
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
