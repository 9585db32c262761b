/**
 * Pure translations from Cloud Monitoring time series to metric samples. No I/O, table-tested.
 */
import { bytesToMbps, fractionToPercent } from "../metrics/health.ts";
import type { MetricKey, MetricSample } from "../types.ts";

/** How one Cloud Monitoring metric becomes one of the seed's keys. */
export interface GcpMetricSpec {
  type: string;
  key: MetricKey;
  aligner: "ALIGN_MEAN" | "ALIGN_SUM";
  /** Extra filter clause (the Ops Agent reports several states; only `used` is utilization). */
  extraFilter?: string;
  /** Series of this metric whose label has another value are ignored (not malformed). */
  requiredLabel?: { name: string; value: string };
  /** Several series of one instance in a period (per device, per `loadbalanced`…): summed or the highest. */
  combine: "sum" | "max";
  convert(raw: number, periodSeconds: number): number;
}

/**
 * - CPU: `compute.googleapis.com/instance/cpu/utilization`, a fraction, mean per period → percent;
 * - network: `…/network/received_bytes_count` / `sent_bytes_count`, delta bytes summed per
 *   period (over the `loadbalanced` series too) → megabits per second over the period;
 * - memory and disk: only from the Ops Agent (`agent.googleapis.com/memory/percent_used` and
 *   `…/disk/percent_used`, state `used`, already percent; disk: the fullest device). A VM without
 *   the agent has no such series, so those keys are absent.
 */
export const gcpMetricSpecs: readonly GcpMetricSpec[] = [
  {
    type: "compute.googleapis.com/instance/cpu/utilization",
    key: "cpu_utilization",
    aligner: "ALIGN_MEAN",
    combine: "max",
    convert: (fraction) => fractionToPercent(fraction),
  },
  {
    type: "compute.googleapis.com/instance/network/received_bytes_count",
    key: "network_in_mbps",
    aligner: "ALIGN_SUM",
    combine: "sum",
    convert: (bytes, period) => bytesToMbps(bytes, period),
  },
  {
    type: "compute.googleapis.com/instance/network/sent_bytes_count",
    key: "network_out_mbps",
    aligner: "ALIGN_SUM",
    combine: "sum",
    convert: (bytes, period) => bytesToMbps(bytes, period),
  },
  {
    type: "agent.googleapis.com/memory/percent_used",
    key: "memory_utilization",
    aligner: "ALIGN_MEAN",
    extraFilter: 'metric.labels.state = "used"',
    requiredLabel: { name: "state", value: "used" },
    combine: "max",
    convert: (percent) => percent,
  },
  {
    type: "agent.googleapis.com/disk/percent_used",
    key: "disk_utilization",
    aligner: "ALIGN_MEAN",
    extraFilter: 'metric.labels.state = "used"',
    requiredLabel: { name: "state", value: "used" },
    combine: "max",
    convert: (percent) => percent,
  },
];

/** Compute Engine instance ids are unsigned 64-bit integers; nothing else may enter a filter. */
export const INSTANCE_ID = /^\d{1,20}$/;

/** Where a kind's series live: its monitored resource, and the label naming one resource (gce_instance's by default). */
export interface SeriesResource {
  monitoredResource: string;
  idLabel: string;
  validId: RegExp;
}

const instanceResource: SeriesResource = { monitoredResource: "gce_instance", idLabel: "instance_id", validId: INSTANCE_ID };

/** The listTimeSeries filter for one metric and a batch of resource ids (validated by the resource's `validId`). */
export function timeSeriesFilter(spec: GcpMetricSpec, ids: readonly string[], resource: SeriesResource = instanceResource): string {
  for (const id of ids) if (!resource.validId.test(id)) throw new RangeError(`not a ${resource.monitoredResource} ${resource.idLabel}: ${JSON.stringify(id)}`);
  const clauses = [`metric.type = "${spec.type}"`, `resource.type = "${resource.monitoredResource}"`];
  if (ids.length > 0) clauses.push(`resource.labels.${resource.idLabel} = one_of(${ids.map((id) => `"${id}"`).join(", ")})`);
  if (spec.extraFilter) clauses.push(spec.extraFilter);
  return clauses.join(" AND ");
}

/** Seconds of a protobuf Timestamp as the REST transport decodes it, or an RFC 3339 string → epoch ms. */
export function timestampMs(value: unknown): number | null {
  if (typeof value === "string") {
    const ms = Date.parse(value);
    return Number.isNaN(ms) ? null : ms;
  }
  if (value && typeof value === "object") {
    const { seconds, nanos } = value as { seconds?: unknown; nanos?: unknown };
    const s = typeof seconds === "string" ? Number(seconds) : typeof seconds === "number" ? seconds : Number.NaN;
    if (!Number.isFinite(s)) return null;
    const n = typeof nanos === "number" && Number.isFinite(nanos) ? nanos : 0;
    return s * 1000 + Math.floor(n / 1_000_000);
  }
  return null;
}

/** A TypedValue: `doubleValue` (a number) or `int64Value` (a string on the wire), else null. */
export function typedValue(value: unknown): number | null {
  if (!value || typeof value !== "object") return null;
  const v = value as { value?: unknown; doubleValue?: unknown; int64Value?: unknown };
  const which = typeof v.value === "string" ? v.value : typeof v.doubleValue === "number" ? "doubleValue" : "int64Value";
  if (which === "doubleValue") return typeof v.doubleValue === "number" && Number.isFinite(v.doubleValue) ? v.doubleValue : null;
  if (which === "int64Value") {
    const raw = v.int64Value;
    if (typeof raw === "number" && Number.isFinite(raw)) return raw;
    if (typeof raw === "string" && /^-?\d+$/.test(raw)) return Number(raw);
    if (raw && typeof raw === "object" && typeof (raw as { toString?: unknown }).toString === "function") {
      const text = String(raw);
      if (/^-?\d+$/.test(text)) return Number(text);
    }
    return null;
  }
  return null;
}

export interface SeriesProblem {
  itemId: string | null;
  reason: string;
}

interface Cell {
  raw: Partial<Record<MetricKey, number>>;
}

/**
 * Collects the series of one batch of instances, metric by metric, into one sample per
 * instance per period. The period of a point is the one that ends at its `endTime` (aligned
 * points end at the alignment boundary), so its sample is stamped `endTime − period`.
 */
export class SampleAccumulator {
  private readonly cells = new Map<string, Map<number, Cell>>();

  constructor(
    private readonly account: string,
    /** Only these resource ids are kept (the targets asked for). */
    private readonly wanted: ReadonlySet<string>,
    private readonly window: { startMs: number; endMs: number; periodSeconds: number },
    private readonly resource: SeriesResource = instanceResource,
  ) {}

  /** Adds one series; returns what was wrong with it, if anything (its good points are kept). */
  add(spec: GcpMetricSpec, series: object): SeriesProblem | null {
    const s = series as {
      metric?: { type?: unknown; labels?: Record<string, unknown> | null } | null;
      resource?: { type?: unknown; labels?: Record<string, unknown> | null } | null;
      points?: unknown;
    };
    const instanceId = s.resource?.labels?.[this.resource.idLabel];
    if (typeof instanceId !== "string" || !this.resource.validId.test(instanceId)) {
      return { itemId: null, reason: `a ${spec.type} series has no resource.labels.${this.resource.idLabel}` };
    }
    if (!this.wanted.has(instanceId)) return null;
    if (spec.requiredLabel && s.metric?.labels?.[spec.requiredLabel.name] !== spec.requiredLabel.value) return null;
    if (!Array.isArray(s.points)) return { itemId: instanceId, reason: `the ${spec.type} series of instance ${instanceId} has no points` };
    let bad = 0;
    const periodMs = this.window.periodSeconds * 1000;
    for (const point of s.points as { interval?: { endTime?: unknown } | null; value?: unknown }[]) {
      const end = timestampMs(point?.interval?.endTime);
      const value = typedValue(point?.value);
      if (end === null || value === null) {
        bad += 1;
        continue;
      }
      const start = end - periodMs;
      if (start < this.window.startMs || start >= this.window.endMs) continue;
      const byTime = this.cells.get(instanceId) ?? new Map<number, Cell>();
      this.cells.set(instanceId, byTime);
      const cell = byTime.get(start) ?? { raw: {} };
      byTime.set(start, cell);
      const previous = cell.raw[spec.key];
      cell.raw[spec.key] =
        previous === undefined ? value : spec.combine === "sum" ? previous + value : Math.max(previous, value);
    }
    return bad > 0
      ? { itemId: instanceId, reason: `${bad} point(s) of the ${spec.type} series of instance ${instanceId} have no time or value` }
      : null;
  }

  /** The samples collected so far (converted to the seed's units), ordered by instance then time; then forgets them. */
  drain(specs: readonly GcpMetricSpec[]): MetricSample[] {
    const samples: MetricSample[] = [];
    const byKey = new Map(specs.map((spec) => [spec.key, spec]));
    for (const [resourceId, byTime] of [...this.cells].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
      for (const [start, cell] of [...byTime].sort(([a], [b]) => a - b)) {
        const metrics: Partial<Record<MetricKey, number>> = {};
        for (const [key, raw] of Object.entries(cell.raw) as [MetricKey, number][]) {
          const spec = byKey.get(key);
          if (spec) metrics[key] = spec.convert(raw, this.window.periodSeconds);
        }
        samples.push({ cloud: "gcp", account: this.account, resourceId, timestamp: new Date(start).toISOString(), metrics });
      }
    }
    this.cells.clear();
    return samples;
  }
}
