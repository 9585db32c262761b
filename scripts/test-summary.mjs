#!/usr/bin/env node
// Adds up the vitest JSON reports of every workspace package into one closing line
// ("tests: N passed, N failed, N skipped"), so a reader (or CI) sees the whole suite at once.
// Usage: test-summary.mjs [--clean] [--report vitest-faults.json]
// With --clean it removes old reports first, so a package that did not run cannot be counted.
import { existsSync, readdirSync, readFileSync, rmSync } from "node:fs";
import path from "node:path";

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), "..");
// `--report NAME` reads another report file per package (the fault suite writes vitest-faults.json).
const reportIndex = process.argv.indexOf("--report");
const reportName = reportIndex > 0 ? process.argv[reportIndex + 1] : "vitest.json";
const reports = [];
for (const group of ["packages", "apps"]) {
  const dir = path.join(root, group);
  if (!existsSync(dir)) continue;
  for (const name of readdirSync(dir)) {
    const report = path.join(dir, name, "test-results", reportName);
    if (existsSync(report)) reports.push({ name: `${group}/${name}`, report });
  }
}

// The benchmark's smoke test is a workspace package of its own at the top level.
const benchReport = path.join(root, "bench", "test-results", reportName);
if (existsSync(benchReport)) reports.push({ name: "bench", report: benchReport });

if (process.argv.includes("--clean")) {
  for (const { report } of reports) rmSync(report, { force: true });
  process.exit(0);
}

let passed = 0;
let failed = 0;
let skipped = 0;
for (const { name, report } of reports) {
  const r = JSON.parse(readFileSync(report, "utf8"));
  const p = r.numPassedTests ?? 0;
  const f = (r.numFailedTests ?? 0) + (r.numFailedTestSuites ?? 0);
  const s = (r.numPendingTests ?? 0) + (r.numTodoTests ?? 0);
  console.log(`${name.padEnd(28)} ${String(p).padStart(5)} passed ${String(f).padStart(3)} failed ${String(s).padStart(3)} skipped`);
  passed += p;
  failed += f;
  skipped += s;
}
if (reports.length === 0) {
  console.error("no test reports found: did any package run its tests?");
  process.exit(1);
}
console.log(`tests: ${passed} passed, ${failed} failed, ${skipped} skipped`);
process.exit(failed > 0 ? 1 : 0);
