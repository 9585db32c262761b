/**
 * Cloud Monitoring's `projects.timeSeries.list` (`GET /v3/projects/{p}/timeSeries`) for the
 * metrics the adapter reads, in the API's JSON: query parameters `filter`, `interval.startTime`,
 * `interval.endTime`, `aggregation.alignmentPeriod` (`300s`), `aggregation.perSeriesAligner`
 * (name or number, as the REST transport sends enums as numbers with `$alt=json;enum-encoding=int`,
 * in which case enums are answered as numbers too), `pageSize` (points, FULL view), `pageToken`.
 *
 * The filter is read for `metric.type = "…"`, `resource.type = "…"`, the identifying resource
 * label (`resource.labels.instance_id = one_of("…", …)` or `= "…"`), any other resource label
 * asked the same way (`resource.labels.region`), and metric labels (`metric.labels.state = "…"`). Points are aligned back from the interval's end,
 * newest first; int64 values are strings. Page tokens are (series, point) positions.
 */
import type { FaultState } from "../faults.ts";
import type { GcpEstate } from "./estate.ts";
import type { GeneratedItem } from "./items.ts";
import { agentInstalled, CPU, type GcpMonitoring, type MetricDefinition, metricDefinitions, periodEnds } from "./monitoring.ts";
import { itemsByLabel, type KindMetricDefinition, type KindSeriesLabels, kindMetricDefinition, kindMetricDefinitionsOf } from "./monitoring-kinds.ts";
import type { RoutedRequest } from "./routed.ts";
import { errors, googleError } from "./wire.ts";

const ALIGNERS: Record<string, string> = {
  "0": "ALIGN_NONE",
  "1": "ALIGN_DELTA",
  "2": "ALIGN_RATE",
  "10": "ALIGN_MIN",
  "11": "ALIGN_MAX",
  "12": "ALIGN_MEAN",
  "13": "ALIGN_COUNT",
  "14": "ALIGN_SUM",
};
const GAUGE_ALIGNERS = new Set(["ALIGN_MEAN", "ALIGN_MAX", "ALIGN_MIN"]);
const DELTA_ALIGNERS = new Set(["ALIGN_SUM", "ALIGN_DELTA", "ALIGN_RATE"]);
const METRIC_KIND_NUMBER = { GAUGE: 1, DELTA: 2 } as const;
const VALUE_TYPE_NUMBER = { INT64: 2, DOUBLE: 3, DISTRIBUTION: 5 } as const;
const MAX_PAGE_POINTS = 100_000;

interface Descriptor {
  instance: GeneratedItem;
  labels: Record<string, string>;
}

/** A series of another kind: its item, metric labels and the resource labels it adds. */
interface KindDescriptor extends Descriptor {
  kindLabels: KindSeriesLabels;
  /** The kind whose series this is. */
  definition: KindMetricDefinition;
}

export class MonitoringApi {
  constructor(
    private readonly estate: GcpEstate,
    private readonly monitoring: GcpMonitoring,
    private readonly seed: string,
    private readonly faults: FaultState,
  ) {}

  route(method: string, pathname: string, url: URL): RoutedRequest | null {
    const match = /^\/v3\/projects\/([^/]+)\/timeSeries$/.exec(pathname);
    if (!match || method !== "GET") return null;
    const project = decodeURIComponent(match[1] as string);
    const type = /metric\.type\s*=\s*"([^"]+)"/.exec(url.searchParams.get("filter") ?? "")?.[1] ?? "?";
    return { operation: `${project}/timeSeries?${type}`, api: "monitoring", answer: () => this.list(project, url) };
  }

  private list(project: string, url: URL) {
    if (!this.estate.hasProject(project)) return { status: 404, body: errors.projectNotFound(project) };
    const params = url.searchParams;
    const filter = params.get("filter");
    if (!filter) return invalid("Field filter had an invalid value: the filter must name a metric type");
    const type = /metric\.type\s*=\s*"([^"]+)"/.exec(filter)?.[1];
    if (!type) return invalid(`Field filter had an invalid value of "${filter}": a metric.type is required`);
    const end = Date.parse(params.get("interval.endTime") ?? "");
    const start = Date.parse(params.get("interval.startTime") ?? params.get("interval.endTime") ?? "");
    if (Number.isNaN(end) || Number.isNaN(start) || start > end) return invalid("Field interval had an invalid value: a valid endTime is required");
    const periodMatch = /^(\d+)s$/.exec(params.get("aggregation.alignmentPeriod") ?? "");
    const alignerRaw = params.get("aggregation.perSeriesAligner") ?? "";
    const aligner = ALIGNERS[alignerRaw] ?? alignerRaw;
    if (!periodMatch || !aligner || aligner === "ALIGN_NONE") {
      return invalid("Field aggregation had an invalid value: the emulator serves aligned data (alignmentPeriod and perSeriesAligner)");
    }
    const period = Number(periodMatch[1]);
    if (period < 1) return invalid("Field aggregation.alignmentPeriod had an invalid value: it must be positive");
    const kindDefinition = kindMetricDefinition(type);
    const definition = metricDefinitions.find((d) => d.type === type) ?? kindDefinition;
    if (!definition) return { status: 200, body: {} };
    const allowed = definition.metricKind === "GAUGE" ? GAUGE_ALIGNERS : DELTA_ALIGNERS;
    if (!allowed.has(aligner)) {
      return invalid(`The aligner ${aligner} is not valid for metrics of kind ${definition.metricKind} and value type ${definition.valueType}.`);
    }
    const enumsAsNumbers = (params.get("$alt") ?? "").includes("enum-encoding=int");
    const pageSize = Math.min(MAX_PAGE_POINTS, positive(params.get("pageSize")) ?? MAX_PAGE_POINTS);
    let seriesIndex = 0;
    let pointOffset = 0;
    const token = params.get("pageToken");
    if (token) {
      const m = /^series:(\d+):point:(\d+)$/.exec(Buffer.from(token, "base64url").toString("utf8"));
      if (!m) return invalid("Field pageToken had an invalid value");
      seriesIndex = Number(m[1]);
      pointOffset = Number(m[2]);
    }

    const descriptors = kindDefinition ? this.kindDescriptors(project, kindDefinition, filter) : this.descriptors(project, definition as MetricDefinition, filter);
    const ends = periodEnds(Math.floor(start / 1000), Math.floor(end / 1000), period);
    const malformed = new Set(this.faults.plan.malformedItemIds ?? []);
    const timeSeries: Record<string, unknown>[] = [];
    let points = 0;
    while (seriesIndex < descriptors.length && points < pageSize) {
      const descriptor = descriptors[seriesIndex] as Descriptor;
      const take = ends.slice(pointOffset, pointOffset + (pageSize - points));
      const id = descriptor.instance.raw.id as string;
      const broken = type === CPU && malformed.has(id);
      if (take.length > 0) {
        const series = kindDefinition
          ? this.kindSeries(project, (descriptor as KindDescriptor).definition, descriptor as KindDescriptor, take, period, aligner, enumsAsNumbers)
          : this.series(project, definition as MetricDefinition, descriptor, take, period, aligner, enumsAsNumbers, broken);
        // A series without a point in the interval is not listed.
        if ((series.points as unknown[]).length > 0) timeSeries.push(series);
      }
      points += take.length;
      pointOffset += take.length;
      if (pointOffset >= ends.length) {
        seriesIndex += 1;
        pointOffset = 0;
      }
    }
    const body: Record<string, unknown> = {};
    if (timeSeries.length > 0) body.timeSeries = timeSeries;
    if (seriesIndex < descriptors.length) body.nextPageToken = Buffer.from(`series:${seriesIndex}:point:${pointOffset}`).toString("base64url");
    return { status: 200, body };
  }

  private descriptors(project: string, definition: MetricDefinition, filter: string): Descriptor[] {
    const oneOf = /resource\.labels\.instance_id\s*=\s*one_of\(([^)]*)\)/.exec(filter)?.[1];
    const single = /resource\.labels\.instance_id\s*=\s*"([^"]+)"/.exec(filter)?.[1];
    const ids = oneOf !== undefined ? [...oneOf.matchAll(/"([^"]*)"/g)].map((m) => m[1] as string) : single !== undefined ? [single] : null;
    const state = /metric\.labels\.state\s*=\s*"([^"]+)"/.exec(filter)?.[1];
    const instances = ids
      ? ids.map((id) => this.monitoring.instance(project, id)).filter((i): i is GeneratedItem => i !== null)
      : [...this.monitoring.instances(project)];
    const out: Descriptor[] = [];
    for (const instance of instances) {
      if (definition.agent && !agentOn(this.seed, instance)) continue;
      for (const labels of definition.series(instance, this.seed)) {
        if (state !== undefined && labels.state !== state) continue;
        out.push({ instance, labels });
      }
    }
    return out;
  }

  /** The series of another kind's resources (monitoring-kinds.ts) the filter names by their identifying label. */
  private kindDescriptors(project: string, definition: KindMetricDefinition, filter: string): KindDescriptor[] {
    const label = definition.idLabel.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
    const oneOf = new RegExp(`resource\\.labels\\.${label}\\s*=\\s*one_of\\(([^)]*)\\)`).exec(filter)?.[1];
    const single = new RegExp(`resource\\.labels\\.${label}\\s*=\\s*"([^"]+)"`).exec(filter)?.[1];
    const values = oneOf !== undefined ? new Set([...oneOf.matchAll(/"([^"]*)"/g)].map((m) => m[1] as string)) : single !== undefined ? new Set([single]) : null;
    const resourceType = /resource\.type\s*=\s*"([^"]+)"/.exec(filter)?.[1];
    if (resourceType !== undefined && resourceType !== definition.monitoredResource) return [];
    const wantedLabels = [...filter.matchAll(/metric\.labels\.(\w+)\s*=\s*"?([^"\s)]+)"?/g)].map((m) => [m[1] as string, m[2] as string] as const);
    // Other resource labels the filter restricts (`resource.labels.region = one_of(…)` for regional load balancers).
    const resourceLabels = [...filter.matchAll(/resource\.labels\.(\w+)\s*=\s*(?:one_of\(([^)]*)\)|"([^"]*)")/g)]
      .filter((m) => m[1] !== definition.idLabel)
      .map((m) => [m[1] as string, new Set(m[2] !== undefined ? [...m[2].matchAll(/"([^"]*)"/g)].map((v) => v[1] as string) : [m[3] as string])] as const);
    const out: KindDescriptor[] = [];
    // Every kind writing this type on this resource type (functions and services share Cloud Run's).
    for (const each of kindMetricDefinitionsOf(definition.type).filter((d) => d.monitoredResource === definition.monitoredResource)) {
      for (const item of itemsByLabel(this.estate, project, each, values)) {
        for (const labels of each.series(item, this.seed)) {
          if (wantedLabels.some(([name, value]) => labels.metric[name] !== value)) continue;
          const resource: Record<string, string | undefined> = { project_id: project, ...labels.resource };
          if (resourceLabels.some(([name, values]) => !values.has(resource[name] ?? ""))) continue;
          out.push({ instance: item, labels: labels.metric, kindLabels: labels, definition: each });
        }
      }
    }
    return out;
  }

  private kindSeries(
    project: string,
    definition: KindMetricDefinition,
    descriptor: KindDescriptor,
    ends: readonly number[],
    period: number,
    aligner: string,
    enumsAsNumbers: boolean,
  ): Record<string, unknown> {
    const item = descriptor.instance;
    const distribution = definition.valueType === "DISTRIBUTION";
    const rate = aligner === "ALIGN_RATE" && !distribution;
    // ALIGN_MEAN of a distribution is its mean, a DOUBLE; ALIGN_DELTA/SUM keep the distribution.
    const asMean = distribution && aligner === "ALIGN_MEAN";
    const metricKind = definition.metricKind === "DELTA" && !rate && !asMean ? "DELTA" : "GAUGE";
    const valueType = distribution && !asMean ? "DISTRIBUTION" : definition.valueType === "INT64" && !rate ? "INT64" : "DOUBLE";
    const points: Record<string, unknown>[] = [];
    for (const end of ends) {
      const raw = definition.value(this.seed, item, descriptor.kindLabels, end, period);
      if (raw === undefined) continue;
      let value: Record<string, unknown>;
      if (typeof raw === "object") {
        value = asMean ? { doubleValue: raw.mean } : { distributionValue: { count: String(raw.count), mean: raw.mean, bucketOptions: { exponentialBuckets: { numFiniteBuckets: 64, growthFactor: 1.4, scale: 1 } } } };
      } else {
        value = valueType === "INT64" ? { int64Value: String(raw) } : { doubleValue: rate ? raw / period : raw };
      }
      points.push({ interval: { startTime: rfc3339(metricKind === "DELTA" ? end - period : end), endTime: rfc3339(end) }, value });
    }
    return {
      metric: { labels: descriptor.labels, type: definition.type },
      resource: {
        type: definition.monitoredResource,
        labels: { project_id: project, [definition.idLabel]: definition.labelOf(item, project) as string, ...descriptor.kindLabels.resource },
      },
      metricKind: enumsAsNumbers ? METRIC_KIND_NUMBER[metricKind] : metricKind,
      valueType: enumsAsNumbers ? VALUE_TYPE_NUMBER[valueType] : valueType,
      points,
    };
  }

  private series(
    project: string,
    definition: MetricDefinition,
    descriptor: Descriptor,
    ends: readonly number[],
    period: number,
    aligner: string,
    enumsAsNumbers: boolean,
    broken: boolean,
  ): Record<string, unknown> {
    const id = descriptor.instance.raw.id as string;
    const zone = (descriptor.instance.raw.zone as string).split("/").pop() as string;
    const rate = aligner === "ALIGN_RATE";
    const metricKind = definition.metricKind === "DELTA" && !rate ? "DELTA" : "GAUGE";
    const valueType = definition.valueType === "INT64" && !rate ? "INT64" : "DOUBLE";
    return {
      metric: { labels: descriptor.labels, type: definition.type },
      resource: { type: "gce_instance", labels: { project_id: project, instance_id: id, zone } },
      metricKind: enumsAsNumbers ? METRIC_KIND_NUMBER[metricKind] : metricKind,
      valueType: enumsAsNumbers ? VALUE_TYPE_NUMBER[valueType] : valueType,
      points: ends.map((end) => {
        const raw = definition.value(this.seed, id, descriptor.labels, end, period);
        const value = broken ? {} : valueType === "INT64" ? { int64Value: String(raw) } : { doubleValue: rate ? raw / period : raw };
        return {
          interval: { startTime: rfc3339(metricKind === "DELTA" ? end - period : end), endTime: rfc3339(end) },
          value,
        };
      }),
    };
  }
}

function agentOn(seed: string, instance: GeneratedItem): boolean {
  return agentInstalled(seed, instance.raw.id as string);
}

function rfc3339(seconds: number): string {
  return new Date(seconds * 1000).toISOString().replace(".000Z", "Z");
}

function positive(value: string | null): number | null {
  const n = Number(value);
  return value !== null && value !== "" && Number.isInteger(n) && n > 0 ? n : null;
}

function invalid(message: string) {
  return { status: 400, body: googleError(400, "INVALID_ARGUMENT", "badRequest", message) };
}
