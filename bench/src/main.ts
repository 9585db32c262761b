/**
 * `pnpm bench`: builds a synthetic estate on a fresh database, measures the worker's write path
 * against PostgreSQL's own COPY, the end-to-end sync over the emulators and the query latency,
 * then writes bench/results/latest.json and the results block of docs/performance.md.
 */
import { mkdir, readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { type DocBlock, updateDoc } from "./doc.ts";
import { UsageError, parseOptions } from "./options.ts";
import { type BenchResults, runBenchmark } from "./run.ts";

const benchDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

/** Which generated block of the document a run may replace: only complete runs and e2e-only runs. */
export function docBlockFor(results: BenchResults): DocBlock | null {
  const steps = results.parameters.steps;
  if (steps.length === 1 && steps[0] === "e2e") return "e2e-large";
  if (["baseline", "writer", "ingest", "queries", "e2e"].every((s) => steps.includes(s as never))) return "results";
  return null;
}

function summary(results: BenchResults): string {
  const lines = results.figures.map((f) => `  ${f.id.padEnd(36)} ${String(f.value).padStart(12)} ${f.unit.padEnd(12)} ${f.ratio === null ? "" : `ratio ${f.ratio} (${f.ratioMeaning})`}`);
  const targets = results.targets.map((t) => `  ${t.pass ? "pass" : "MISS"}  ${t.description}: ${t.measured} ${t.unit}${t.atDefinedScale ? "" : ` (defined at ${t.definedAt})`}`);
  return [`figures:`, ...lines, `targets:`, ...targets].join("\n");
}

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2), {
    defaultOut: path.join(benchDir, "results", "latest.json"),
    defaultE2eOut: path.join(benchDir, "results", "e2e-latest.json"),
    defaultScaleOut: path.join(benchDir, "results", "scale-latest.json"),
    defaultDoc: path.join(benchDir, "..", "docs", "performance.md"),
  });
  if (options.renderOnly) {
    const results = JSON.parse(await readFile(options.out, "utf8")) as BenchResults;
    const block = docBlockFor(results);
    if (!options.doc || !block) throw new UsageError(`${options.out} is not a complete or e2e-only run, or --no-doc was given: nothing to render`);
    await updateDoc(options.doc, block, results);
    console.log(`${path.relative(process.cwd(), options.doc)}: ${block} block regenerated from ${path.relative(process.cwd(), options.out)}`);
    return;
  }
  const started = Date.now();
  const log = (message: string) => console.log(`[${((Date.now() - started) / 1000).toFixed(0).padStart(4)} s] ${message}`);
  log(
    `cloudsync bench: ${options.resources} resources, ${options.samples} samples, ${options.runs} run(s), ` +
      `e2e ${options.e2eResources} resources, seed ${options.seed}${options.only ? `, only ${options.only.join(",")}` : ""}`,
  );
  const results = await runBenchmark(options, log);
  await mkdir(path.dirname(options.out), { recursive: true });
  await writeFile(options.out, `${JSON.stringify(results, null, 2)}\n`);
  log(`results written to ${path.relative(process.cwd(), options.out)}`);
  const block = docBlockFor(results);
  if (options.doc && block) {
    await updateDoc(options.doc, block, results);
    log(`${path.relative(process.cwd(), options.doc)}: ${block} block regenerated`);
  } else if (options.doc) {
    log("docs/performance.md left as it is (only complete runs and e2e-only runs regenerate it)");
  }
  console.log(summary(results));
}

main().catch((error: unknown) => {
  if (error instanceof UsageError) {
    console.error(error.message);
    process.exitCode = 2;
    return;
  }
  console.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
  process.exitCode = 1;
});
