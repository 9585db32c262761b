/**
 * Pure translations from Cloud Monitoring time series to metric samples. No I/O, table-tested.
 */
import { bytesToMbps, fractionToPercent } from "../metrics/health.ts";
import type { MetricKey, MetricSample } from "../types.ts";

/** How one Cloud Monitoring metric becomes one of the seed's keys (or a part of a ratio). */
export interface GcpMetricSpec {
  type: string;
  /** The key the combined value becomes (converted); omitted for a series that only feeds a ratio. */
  key?: MetricKey;
  /** The name the combined raw value goes by in a kind's `ratios` (`requests`, `5xx`, `ok`). */
  part?: string;
  /** ALIGN_DELTA for distributions (kept as distributions: count and mean), else mean or sum per period. */
  aligner: "ALIGN_MEAN" | "ALIGN_SUM" | "ALIGN_DELTA";
  /** Extra filter clause (the Ops Agent reports several states; only `used` is utilization). */
  extraFilter?: string;
  /** Series of this metric whose label has another value are ignored (not malformed). */
  requiredLabel?: { name: string; value: string };
  /**
   * Several series of one resource in a period (per device, per `loadbalanced`, per node, per
   * response code…): summed, the highest, their mean (a cluster's nodes), or — distributions —
   * the mean of every value they hold (each series' mean weighted by its count).
   */
  combine: "sum" | "max" | "mean" | "count_weighted_mean";
  convert(raw: number, periodSeconds: number): number;
}

/**
 * `key` = 100 × Σ numerators / denominator over one period's raw parts, or with `complement`
 * 100 × (denominator − Σ numerators) / denominator (failed executions = all − ok); absent when the
 * denominator has no point or is 0, a missing numerator counting as 0.
 */
export interface GcpRatio {
  key: MetricKey;
  numerators: readonly string[];
  denominator: string;
  complement?: boolean;
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
  /** Label values that may enter a filter (nothing that could close a quoted string). */
  validId: RegExp;
  /**
   * A second resource label that, with `idLabel`, names one resource where the name alone does
   * not (`region` for regional load balancers: two regions may each have a backend service
   * `web`). Label values are then `scope/id`, and the filter asks both labels.
   */
  scopeLabel?: string;
}

/** `scope/id` → its two parts (the scope never holds a `/`); null when there is no `/`. */
export function splitScoped(value: string): { scope: string; id: string } | null {
  const at = value.indexOf("/");
  return at <= 0 ? null : { scope: value.slice(0, at), id: value.slice(at + 1) };
}

const instanceResource: SeriesResource = { monitoredResource: "gce_instance", idLabel: "instance_id", validId: INSTANCE_ID };

/** The listTimeSeries filter for one metric and a batch of resource ids (validated by the resource's `validId`). */
export function timeSeriesFilter(spec: GcpMetricSpec, ids: readonly string[], resource: SeriesResource = instanceResource): string {
  for (const id of ids) if (!resource.validId.test(id)) throw new RangeError(`not a ${resource.monitoredResource} ${resource.idLabel}: ${JSON.stringify(id)}`);
  const clauses = [`metric.type = "${spec.type}"`, `resource.type = "${resource.monitoredResource}"`];
  const oneOf = (label: string, values: readonly string[]) => `resource.labels.${label} = one_of(${[...new Set(values)].map((v) => `"${v}"`).join(", ")})`;
  if (ids.length > 0 && resource.scopeLabel) {
    // Every scope × every name: a series of a pair not asked for is dropped when read (not wanted).
    const parts = ids.map((id) => splitScoped(id) ?? { scope: "", id });
    clauses.push(oneOf(resource.scopeLabel, parts.map((p) => p.scope)), oneOf(resource.idLabel, parts.map((p) => p.id)));
  } else if (ids.length > 0) clauses.push(oneOf(resource.idLabel, ids));
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

/** A distribution point as the REST transport decodes it: its count (int64, a string on the wire) and mean. */
export function distributionValue(value: unknown): { count: number; mean: number } | null {
  if (!value || typeof value !== "object") return null;
  const d = (value as { distributionValue?: unknown }).distributionValue;
  if (!d || typeof d !== "object") return null;
  const { count, mean } = d as { count?: unknown; mean?: unknown };
  const n = typeof count === "number" ? count : typeof count === "string" && /^\d+$/.test(count) ? Number(count) : count && typeof count === "object" ? Number(String(count)) : Number.NaN;
  if (!Number.isFinite(n) || n < 0) return null;
  // A distribution of no values has no mean (the API omits the field).
  if (n === 0) return { count: 0, mean: 0 };
  return typeof mean === "number" && Number.isFinite(mean) ? { count: n, mean } : null;
}

export interface SeriesProblem {
  itemId: string | null;
  reason: string;
}

/** One slot (a key or a ratio's part) of one resource and period, before combining is finished. */
interface Slot {
  sum: number;
  max: number;
  n: number;
  /** count-weighted: Σ count × mean and Σ count. */
  weighted: number;
  count: number;
}

interface Cell {
  slots: Map<string, Slot>;
}

const slotOf = (spec: GcpMetricSpec): string => spec.part ?? spec.key ?? spec.type;

function finish(spec: GcpMetricSpec, slot: Slot): number | undefined {
  switch (spec.combine) {
    case "sum":
      return slot.sum;
    case "max":
      return slot.max;
    case "mean":
      return slot.n > 0 ? slot.sum / slot.n : undefined;
    case "count_weighted_mean":
      return slot.count > 0 ? slot.weighted / slot.count : undefined;
  }
}

/** 100 × Σ numerators / denominator (or its complement); undefined without a non-zero denominator. */
export function gcpRatioValue(ratio: GcpRatio, parts: ReadonlyMap<string, number>): number | undefined {
  const denominator = parts.get(ratio.denominator);
  if (denominator === undefined || !(denominator > 0)) return undefined;
  const numerator = ratio.numerators.reduce((sum, name) => sum + (parts.get(name) ?? 0), 0);
  return (100 * (ratio.complement ? denominator - numerator : numerator)) / denominator;
}

/**
 * Collects the series of one batch of resources, metric by metric, into one sample per
 * resource per period. The period of a point is the one that ends at its `endTime` (aligned
 * points end at the alignment boundary), so its sample is stamped `endTime − period`. A series
 * names its resource by a label (`instance_id`, `database_id`, `cluster_name`…); `wanted` maps
 * the label values asked for to the resource ids reported (a set when they are the same).
 */
export class SampleAccumulator {
  private readonly cells = new Map<string, Map<number, Cell>>();

  constructor(
    private readonly account: string,
    /** Only these resources are kept (the targets asked for): label value → resource id, or the ids themselves. */
    private readonly wanted: ReadonlySet<string> | ReadonlyMap<string, string>,
    private readonly window: { startMs: number; endMs: number; periodSeconds: number },
    private readonly resource: SeriesResource = instanceResource,
  ) {}

  /**
   * Adds one series; returns what was wrong with it, if anything (its good points are kept).
   * `on` names another monitored resource and its wanted labels (a kind read from two, as
   * functions of both generations are).
   */
  add(spec: GcpMetricSpec, series: object, on?: { resource: SeriesResource; wanted: ReadonlyMap<string, string> }): SeriesProblem | null {
    const resource = on?.resource ?? this.resource;
    const wanted = on?.wanted ?? this.wanted;
    const s = series as {
      metric?: { type?: unknown; labels?: Record<string, unknown> | null } | null;
      resource?: { type?: unknown; labels?: Record<string, unknown> | null } | null;
      points?: unknown;
    };
    const labels = s.resource?.labels;
    const name = labels?.[resource.idLabel];
    const scope = resource.scopeLabel ? labels?.[resource.scopeLabel] : undefined;
    const label = resource.scopeLabel ? (typeof scope === "string" && typeof name === "string" ? `${scope}/${name}` : undefined) : name;
    if (typeof label !== "string" || !resource.validId.test(label)) {
      const which = resource.scopeLabel ? `resource.labels.${resource.scopeLabel} and .${resource.idLabel}` : `resource.labels.${resource.idLabel}`;
      return { itemId: null, reason: `a ${spec.type} series has no ${which}` };
    }
    const resourceId = wanted instanceof Map ? wanted.get(label) : wanted.has(label) ? label : undefined;
    if (resourceId === undefined) return null;
    if (spec.requiredLabel && String(s.metric?.labels?.[spec.requiredLabel.name] ?? "") !== spec.requiredLabel.value) return null;
    const what = resource.monitoredResource === "gce_instance" ? "instance" : resource.monitoredResource;
    if (!Array.isArray(s.points)) return { itemId: resourceId, reason: `the ${spec.type} series of ${what} ${label} has no points` };
    let bad = 0;
    const periodMs = this.window.periodSeconds * 1000;
    const slotName = slotOf(spec);
    for (const point of s.points as { interval?: { endTime?: unknown } | null; value?: unknown }[]) {
      const end = timestampMs(point?.interval?.endTime);
      const dist = spec.combine === "count_weighted_mean" ? distributionValue(point?.value) : null;
      const value = spec.combine === "count_weighted_mean" ? (dist ? dist.mean : null) : typedValue(point?.value);
      if (end === null || value === null) {
        bad += 1;
        continue;
      }
      const start = end - periodMs;
      if (start < this.window.startMs || start >= this.window.endMs) continue;
      const byTime = this.cells.get(resourceId) ?? new Map<number, Cell>();
      this.cells.set(resourceId, byTime);
      const cell = byTime.get(start) ?? { slots: new Map<string, Slot>() };
      byTime.set(start, cell);
      const slot = cell.slots.get(slotName) ?? { sum: 0, max: Number.NEGATIVE_INFINITY, n: 0, weighted: 0, count: 0 };
      cell.slots.set(slotName, slot);
      slot.sum += value;
      slot.max = Math.max(slot.max, value);
      slot.n += 1;
      if (dist) {
        slot.weighted += dist.count * dist.mean;
        slot.count += dist.count;
      }
    }
    return bad > 0
      ? { itemId: resourceId, reason: `${bad} point(s) of the ${spec.type} series of ${what} ${label} have no time or value` }
      : null;
  }

  /**
   * The samples collected so far (converted to the seed's units, ratios computed), ordered by
   * resource then time; then forgets them. A sample with no key is not one (a period with only
   * a ratio's numerator).
   */
  drain(specs: readonly GcpMetricSpec[], ratios: readonly GcpRatio[] = []): MetricSample[] {
    const samples: MetricSample[] = [];
    const bySlot = new Map(specs.map((spec) => [slotOf(spec), spec]));
    for (const [resourceId, byTime] of [...this.cells].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
      for (const [start, cell] of [...byTime].sort(([a], [b]) => a - b)) {
        const metrics: Partial<Record<MetricKey, number>> = {};
        const parts = new Map<string, number>();
        for (const [name, slot] of cell.slots) {
          const spec = bySlot.get(name);
          const raw = spec ? finish(spec, slot) : undefined;
          if (!spec || raw === undefined) continue;
          if (spec.part) parts.set(spec.part, raw);
          if (spec.key) metrics[spec.key] = spec.convert(raw, this.window.periodSeconds);
        }
        for (const ratio of ratios) {
          if (metrics[ratio.key] !== undefined) continue;
          const value = gcpRatioValue(ratio, parts);
          if (value !== undefined) metrics[ratio.key] = value;
        }
        if (Object.keys(metrics).length > 0) samples.push({ cloud: "gcp", account: this.account, resourceId, timestamp: new Date(start).toISOString(), metrics });
      }
    }
    this.cells.clear();
    return samples;
  }
}
