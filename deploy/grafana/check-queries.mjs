#!/usr/bin/env node
// Checks that every query of deploy/grafana/cloudsync.json is valid PromQL: promtool has no
// query linter, so the queries go through `promtool check rules` as recording rules (a rules
// file may be JSON, which is YAML). Grafana's variables are replaced by values of their shape.
// Usage: node deploy/grafana/check-queries.mjs   (CI runs it next to the rule checks)
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

const dashboardPath = fileURLToPath(new URL("cloudsync.json", import.meta.url));
const dashboard = JSON.parse(readFileSync(dashboardPath, "utf8"));
const variables = { $__rate_interval: "5m", $cloud: "aws|gcp" };
const rules = dashboard.panels.flatMap((panel) =>
  (panel.targets ?? []).map((target, i) => ({
    record: `dashboard_panel_${panel.id}_${i}`,
    expr: Object.entries(variables).reduce((expr, [name, value]) => expr.replaceAll(name, value), target.expr),
  })),
);
if (rules.length === 0) throw new Error(`${dashboardPath} has no queries`);
const dir = mkdtempSync(path.join(tmpdir(), "cloudsync-dashboard-"));
try {
  const file = path.join(dir, "dashboard-queries.json");
  writeFileSync(file, JSON.stringify({ groups: [{ name: "dashboard", rules }] }));
  execFileSync("promtool", ["check", "rules", file], { stdio: ["ignore", "ignore", "inherit"] });
  console.log(`${rules.length} dashboard queries are valid PromQL`);
} catch (error) {
  console.error(`a query of ${dashboardPath} is not valid PromQL (promtool's message above): ${error.message}`);
  process.exitCode = 1;
} finally {
  rmSync(dir, { recursive: true, force: true });
}
