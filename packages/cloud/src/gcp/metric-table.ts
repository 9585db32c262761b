import type { MetricKey } from "../types.ts";
import { type GcpMetricSpec, gcpMetricSpecs, INSTANCE_ID } from "./normalize-metrics.ts";

/**
 * Which Cloud Monitoring series feed which kind, per GCP kind: the one table a kind adds a line
 * to (docs/coverage.md "Metrics per kind" lists the same). A kind names the monitored resource
 * its series are written against and the resource label that identifies one of its resources;
 * the reader filters on that label with the target ids and maps each series back through it.
 */
export interface GcpKindMetrics {
  kind: string;
  /** The monitored resource type (`gce_instance`, `cloudsql_database`, `cloud_run_revision`, …). */
  monitoredResource: string;
  /** The resource label holding a target's `resourceId` (`instance_id`). */
  idLabel: string;
  /** Ids that may enter a filter (anything else is skipped with `idRule` as the reason). */
  validId: RegExp;
  idRule: string;
  specs: readonly GcpMetricSpec[];
}

export const gcpKindMetrics: readonly GcpKindMetrics[] = [
  {
    kind: "gce_instance",
    monitoredResource: "gce_instance",
    idLabel: "instance_id",
    validId: INSTANCE_ID,
    idRule: "a Compute Engine instance id (digits only)",
    specs: gcpMetricSpecs,
  },
];

const byKind = new Map(gcpKindMetrics.map((t) => [t.kind, t]));

export function gcpMetricsFor(kind: string): GcpKindMetrics | undefined {
  return byKind.get(kind);
}

/** The metric keys of a kind (empty when Cloud Monitoring has none cloudsync reads). */
export function gcpKeysOf(kind: string): MetricKey[] {
  return [...new Set(byKind.get(kind)?.specs.map((s) => s.key) ?? [])];
}
