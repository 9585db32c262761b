import { readFileSync, readdirSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { Registry } from "prom-client";
import { expect, it } from "vitest";
import { createMetrics } from "../src/server/metrics.ts";

// The alert rules, the dashboard and docs/operations.md name realtime metrics by hand: a rename
// in the code would leave an alert that can never fire. This test ties them to what the server
// registers. (apps/sync-worker has the same test for the worker's metrics.)

const root = fileURLToPath(new URL("../../../", import.meta.url));
const registry = new Registry();
createMetrics(registry, { defaultMetrics: false });
const registered = new Map(registry.getMetricsAsArray().map((m) => [m.name, String(m.type)]));

function namesIn(file: string): Set<string> {
  const names = new Set<string>();
  for (const [name] of readFileSync(path.join(root, file), "utf8").matchAll(/\bcloudsync_realtime_[a-z0-9_]+/g)) {
    const base = name.replace(/_(bucket|sum|count)$/, "");
    names.add(base !== name && registered.get(base) === "histogram" ? base : name);
  }
  return names;
}

const deployFiles = [
  ...readdirSync(path.join(root, "deploy/prometheus/rules")).map((f) => `deploy/prometheus/rules/${f}`),
  "deploy/grafana/cloudsync.json",
  "docs/operations.md",
];

it("the alert rules, the dashboard and docs/operations.md name only metrics the realtime server exports", () => {
  for (const file of deployFiles) {
    expect([...namesIn(file)].filter((name) => !registered.has(name)), `${file} names metrics the server does not export`).toEqual([]);
  }
});

it("docs/operations.md lists every metric the realtime server exports", () => {
  const documented = namesIn("docs/operations.md");
  expect(registered.size).toBeGreaterThan(10);
  expect([...registered.keys()].filter((name) => !documented.has(name))).toEqual([]);
});

it("the rules use the lag, connection and listener metrics the operator pages on", () => {
  const used = new Set(deployFiles.filter((f) => f.endsWith(".yml")).flatMap((file) => [...namesIn(file)]));
  for (const name of ["cloudsync_realtime_event_lag_seconds", "cloudsync_realtime_connected_clients", "cloudsync_realtime_max_connections", "cloudsync_realtime_listener_up"]) {
    expect(used.has(name), name).toBe(true);
  }
});
