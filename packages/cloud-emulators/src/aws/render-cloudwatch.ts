import { hashString } from "../rng.ts";
import type { AwsErrorReply } from "./errors.ts";
import type { AwsEstate } from "./estate.ts";
import { decodeJsonToken, encodeJsonToken, type JsonReply, jsonErrorReply, jsonOk } from "./json.ts";
import { dimensionsMatch, kindMetricDefs, kindSeriesPoint } from "./kind-metrics.ts";
import { type AwsMetricName, instanceProfile, metricValue, periodStarts } from "./metrics.ts";
import type { EmulatedResource } from "./model.ts";

/**
 * CloudWatch GetMetricData (JSON 1.0) over the emulated resources' series (EC2 here, the other
 * kinds in kind-metrics.ts). MetricStat queries
 * only (no metric math), at most 500 per call; datapoints are paged by `MaxDatapoints` (and the
 * emulator's own page limit), with a result for every query on every page whose StatusCode says
 * `PartialData` while more of its points follow and `Complete` after its last one.
 */

export interface MetricRequestContext {
  caller: string;
  region: string;
  seedHash: number;
  estate: AwsEstate;
  /** The emulator's limit on datapoints per page (CloudWatch's is 100,800). */
  pageLimit: number;
  malformed: ReadonlySet<string>;
}

interface QueryInput {
  Id?: unknown;
  MetricStat?: {
    Metric?: { Namespace?: unknown; MetricName?: unknown; Dimensions?: { Name?: unknown; Value?: unknown }[] };
    Period?: unknown;
    Stat?: unknown;
  };
  Expression?: unknown;
  ReturnData?: unknown;
  Label?: unknown;
}

const stats = new Set(["Average", "Sum", "Minimum", "Maximum", "SampleCount"]);
const namespaceOf: Record<AwsMetricName, string> = {
  CPUUtilization: "AWS/EC2",
  NetworkIn: "AWS/EC2",
  NetworkOut: "AWS/EC2",
  mem_used_percent: "CWAgent",
  disk_used_percent: "CWAgent",
};

export function getMetricData(raw: unknown, ctx: MetricRequestContext): JsonReply | AwsErrorReply {
  const bad = (message: string) => jsonErrorReply("monitoring", "invalid_parameter", message);
  const input = (raw ?? {}) as { MetricDataQueries?: unknown; StartTime?: unknown; EndTime?: unknown; NextToken?: unknown; ScanBy?: unknown; MaxDatapoints?: unknown };
  const queries = input.MetricDataQueries;
  if (!Array.isArray(queries) || queries.length === 0) return bad("The parameter MetricDataQueries is required.");
  if (queries.length > 500) return bad("The collection MetricDataQueries must not have a size greater than 500.");
  const start = input.StartTime;
  const end = input.EndTime;
  if (typeof start !== "number" || typeof end !== "number") return bad("StartTime and EndTime are required.");
  if (start >= end) return bad("The parameter StartTime must be less than the parameter EndTime.");
  const scan = input.ScanBy ?? "TimestampDescending";
  if (scan !== "TimestampAscending" && scan !== "TimestampDescending") return bad(`Invalid ScanBy ${JSON.stringify(scan)}`);
  const maxDatapoints = input.MaxDatapoints;
  if (maxDatapoints !== undefined && (typeof maxDatapoints !== "number" || !Number.isInteger(maxDatapoints) || maxDatapoints < 1)) {
    return bad("MaxDatapoints must be a positive integer.");
  }

  const ids = new Set<string>();
  const series: { id: string; label: string; returned: boolean; timestamps: number[]; values: number[]; brokenFor?: string }[] = [];
  for (const q of queries as QueryInput[]) {
    if (typeof q.Id !== "string" || !/^[a-z][a-zA-Z0-9_]*$/.test(q.Id)) return bad(`Invalid metric data query id ${JSON.stringify(q.Id)}: must start with a lowercase letter.`);
    if (ids.has(q.Id)) return bad(`The value ${q.Id} for field Id is duplicated.`);
    ids.add(q.Id);
    if (q.Expression !== undefined || !q.MetricStat) return bad("The emulator serves MetricStat queries only (no metric math or SEARCH).");
    const stat = q.MetricStat;
    const period = stat.Period;
    if (typeof period !== "number" || !Number.isInteger(period) || period <= 0 || (period % 60 !== 0 && ![1, 5, 10, 30].includes(period))) {
      return bad("The parameter Period must be 1, 5, 10, 30, or a multiple of 60.");
    }
    if (typeof stat.Stat !== "string" || !stats.has(stat.Stat)) return bad(`The emulator does not serve the statistic ${JSON.stringify(stat.Stat)}.`);
    const metric = stat.Metric ?? {};
    const found = seriesOf(ctx, metric, stat.Stat, period, start, end);
    series.push({
      id: q.Id,
      label: typeof q.Label === "string" ? q.Label : String(metric.MetricName ?? q.Id),
      returned: q.ReturnData !== false,
      ...found,
    });
  }
  if (scan === "TimestampDescending") {
    for (const s of series) {
      s.timestamps.reverse();
      s.values.reverse();
    }
  }

  const fingerprint = hashString(JSON.stringify({ queries, start, end, scan }));
  let offset = 0;
  if (input.NextToken !== undefined) {
    const decoded = decodeJsonToken("cw1", input.NextToken, 1, fingerprint);
    if (!decoded) return jsonErrorReply("monitoring", "invalid_token", "The value for NextToken is not valid.");
    offset = decoded[0] as number;
  }
  const limit = Math.min(ctx.pageLimit, (maxDatapoints as number | undefined) ?? 100_800);

  // The datapoints of all queries in query order, then time order; this page is [offset, offset + limit).
  const pageEnd = offset + limit;
  let before = 0;
  let total = 0;
  const results: unknown[] = [];
  for (const s of series) {
    const from = Math.max(0, offset - before);
    const to = Math.max(0, Math.min(s.timestamps.length, pageEnd - before));
    before += s.timestamps.length;
    total += s.timestamps.length;
    if (!s.returned) continue;
    const timestamps = s.timestamps.slice(from, Math.max(from, to));
    let values = s.values.slice(from, Math.max(from, to));
    // A malformed result: one value short of its timestamps.
    if (s.brokenFor && values.length > 0) values = values.slice(0, -1);
    results.push({
      Id: s.id,
      Label: s.label,
      Timestamps: timestamps,
      Values: values,
      StatusCode: to < s.timestamps.length ? "PartialData" : "Complete",
    });
  }
  return jsonOk("monitoring", {
    MetricDataResults: results,
    ...(pageEnd < total ? { NextToken: encodeJsonToken("cw1", [pageEnd], fingerprint) } : {}),
    Messages: [],
  });
}

function seriesOf(
  ctx: MetricRequestContext,
  metric: { Namespace?: unknown; MetricName?: unknown; Dimensions?: { Name?: unknown; Value?: unknown }[] },
  stat: string,
  period: number,
  start: number,
  end: number,
): { timestamps: number[]; values: number[]; brokenFor?: string } {
  const empty = { timestamps: [], values: [] };
  const name = metric.MetricName as AwsMetricName;
  if (typeof metric.MetricName !== "string" || namespaceOf[name] === undefined || namespaceOf[name] !== metric.Namespace) {
    return kindSeriesOf(ctx, metric, stat, period, start, end) ?? empty;
  }
  // A metric is identified by all its dimensions: these series carry InstanceId and nothing else.
  const dims = metric.Dimensions ?? [];
  // AWS/EC2 series by AutoScalingGroupName are an Auto Scaling group's (kind-metrics.ts).
  if (dims.length !== 1 || dims[0]?.Name !== "InstanceId" || typeof dims[0].Value !== "string") return kindSeriesOf(ctx, metric, stat, period, start, end) ?? empty;
  const id = dims[0].Value;
  const item = ctx.estate.find(id);
  if (item?.kind !== "ec2_instance" || item.account !== ctx.caller || item.region !== ctx.region) return empty;
  const profile = instanceProfile(ctx.seedHash, item);
  const timestamps: number[] = [];
  const values: number[] = [];
  for (const t of periodStarts(start, end, period)) {
    const v = metricValue(ctx.seedHash, item, profile, name, t, period);
    if (v === undefined) continue;
    timestamps.push(t);
    values.push(stat === "SampleCount" ? period / 60 : v);
  }
  const broken = name === "CPUUtilization" && ctx.malformed.has(id);
  return broken ? { timestamps, values, brokenFor: id } : { timestamps, values };
}

/** A series of another kind (kind-metrics.ts), when the query names one exactly; undefined otherwise. */
function kindSeriesOf(
  ctx: MetricRequestContext,
  metric: { Namespace?: unknown; MetricName?: unknown; Dimensions?: { Name?: unknown; Value?: unknown }[] },
  stat: string,
  period: number,
  start: number,
  end: number,
): { timestamps: number[]; values: number[] } | undefined {
  for (const def of kindMetricDefs) {
    for (const series of def.series) {
      if (series.namespace !== metric.Namespace || series.metricName !== metric.MetricName) continue;
      const own = dimensionsMatch(def, series, metric.Dimensions ?? []);
      if (own === undefined) continue;
      if (def.region ? ctx.region !== def.region : false) return undefined;
      const item = def.byName ? findByName(ctx, def.kind, own) : ctx.estate.find(def.idOf(own, { caller: ctx.caller, region: ctx.region }));
      if (item?.kind !== def.kind || item.account !== ctx.caller || (!def.region && item.region !== ctx.region)) return undefined;
      if (series.lbType && item.extra.type !== series.lbType) return undefined;
      const timestamps: number[] = [];
      const values: number[] = [];
      for (const t of periodStarts(start, end, period)) {
        const v = kindSeriesPoint(ctx.seedHash, def, item, series, t, period);
        if (v === undefined) continue;
        timestamps.push(t);
        values.push(stat === "SampleCount" ? 1 : v);
      }
      return { timestamps, values };
    }
  }
  return undefined;
}

/** The caller's resource of this kind and region with this name (an Auto Scaling group's dimension is its name). */
function findByName(ctx: MetricRequestContext, kind: EmulatedResource["kind"], name: string): EmulatedResource | undefined {
  const scope = ctx.estate.scope(ctx.caller, ctx.region, kind);
  if (!scope) return undefined;
  for (let p = 0; p < ctx.estate.length(scope); p++) {
    const item = ctx.estate.itemAt(scope, p);
    if (item?.naturalName === name) return item;
  }
  return undefined;
}
