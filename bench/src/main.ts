/**
 * `pnpm bench`: builds a synthetic estate on a fresh database, measures the worker's write path
 * against PostgreSQL's own COPY, the end-to-end sync over the emulators and the query latency,
 * then writes bench/results/latest.json and the results block of docs/performance.md.
 * `--only queries` (the 1M query run) writes its own file and block, beside the 100k figures.
 */
import { mkdir, readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { withComparison } from "./compare.ts";
import { docBlockFor, updateDoc } from "./doc.ts";
import { UsageError, isQueriesOnly, parseOptions } from "./options.ts";
import { type BenchResults, runBenchmark } from "./run.ts";

const benchDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

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
    defaultQueriesOut: path.join(benchDir, "results", "queries-large-latest.json"),
    defaultDoc: path.join(benchDir, "..", "docs", "performance.md"),
  });
  if (options.renderOnly) {
    const results = await withComparison(JSON.parse(await readFile(options.out, "utf8")) as BenchResults, options.reference, console.log);
    const block = docBlockFor(results);
    if (!options.doc || !block) throw new UsageError(`${options.out} is not a complete, e2e-only or queries-only run, or --no-doc was given: nothing to render`);
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
  const results = await withComparison(await runBenchmark(options, log), options.reference, log);
  await mkdir(path.dirname(options.out), { recursive: true });
  await writeFile(options.out, `${JSON.stringify(results, null, 2)}\n`);
  log(`results written to ${path.relative(process.cwd(), options.out)}`);
  const block = docBlockFor(results);
  if (options.doc && block) {
    await updateDoc(options.doc, block, results);
    log(`${path.relative(process.cwd(), options.doc)}: ${block} block regenerated`);
  } else if (options.doc) {
    log("docs/performance.md left as it is (only complete, e2e-only and queries-only runs regenerate it)");
  }
  console.log(summary(results));
  // A plan that missed its intended index is a defect, not a slow day: the command fails.
  const planMisses = results.targets.filter((t) => t.id.startsWith("query_plan.") && !t.pass);
  if (isQueriesOnly(results.parameters.steps) && planMisses.length > 0) {
    console.error(
      `PLAN MISS: ${planMisses.map((t) => t.id.slice("query_plan.".length)).join(", ")} did not use the index intended for it. ` +
        `Rerun with --keep and EXPLAIN the statement in the kept database to see which plan PostgreSQL chose instead.`,
    );
    process.exitCode = 1;
  }
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
