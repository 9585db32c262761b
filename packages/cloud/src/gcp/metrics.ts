import { CloudError } from "../errors.ts";
import { type ReadState, type ReadStep, runScopes, type ScopeRead } from "../core/scope-runner.ts";
import type { AdapterLogger, MetricEvent, MetricQuery, MetricSample, MetricTarget } from "../types.ts";
import type { GcpCallOptions } from "./clients.ts";
import { unlessAborted } from "./deadline.ts";
import type { FailureContext } from "./failures.ts";
import { toScopeError } from "./failures.ts";
import type { TimeSeriesLister, TimeSeriesRequest } from "./monitoring.ts";
import { type GcpKindMetrics, type GcpSeriesSource, gcpMetricsFor, specsOf } from "./metric-table.ts";
import { SampleAccumulator, timeSeriesFilter } from "./normalize-metrics.ts";
import type { GatedTransport } from "./transport.ts";
import { requestKey } from "./transport.ts";

/** API path of listTimeSeries under `projects/{project}/`, for rate-limit keys and messages. */
export const timeSeriesApiPath = "timeSeries";

export interface MetricReaderDeps {
  /** The kinds whose targets are read (those with metric keys); targets of other kinds are ignored. */
  metricKinds: ReadonlySet<string>;
  concurrency: number;
  /** Samples per `metric_page` event. */
  pageSize: number;
  /** Points per listTimeSeries page. */
  apiPageSize: number;
  /** Resources per listTimeSeries filter (`one_of(…)`). */
  batchSize: number;
  callOptions: GcpCallOptions;
  logger: AdapterLogger | undefined;
  connect: () => Promise<{ monitoring: TimeSeriesLister; transport: GatedTransport }>;
  failureContext: (project: string, operation: string, transport: GatedTransport | undefined, aborted: boolean) => FailureContext;
}

/** One kind's targets in one project: those to read, and those that cannot enter a filter. */
interface KindGroup {
  table: GcpKindMetrics;
  targets: MetricTarget[];
}

/**
 * A batch's label values per source (value → resource id), and the targets no source can name;
 * targets the kind says have no series (`withoutSeries`) are in neither.
 */
export function labelsOfBatch(
  table: GcpKindMetrics,
  all: readonly MetricTarget[],
): { wanted: Map<GcpSeriesSource, Map<string, string>>; unnamed: { itemId: string; reason: string }[] } {
  const batch = table.withoutSeries ? all.filter((t) => !table.withoutSeries?.(t)) : all;
  const wanted = new Map<GcpSeriesSource, Map<string, string>>();
  const named = new Set<string>();
  const ambiguous = new Map<string, string>();
  for (const source of table.sources) {
    const map = new Map<string, string>();
    for (const target of batch) {
      const label = source.labelOf(target);
      if (label === null || !source.validId.test(label)) continue;
      const other = map.get(label);
      if (other !== undefined && other !== target.resourceId) {
        // Two resources with one label value: their series cannot be told apart.
        ambiguous.set(target.resourceId, `${source.idLabel} ${JSON.stringify(label)} also names ${other}: Cloud Monitoring's ${source.monitoredResource} series cannot tell them apart`);
        continue;
      }
      map.set(label, target.resourceId);
      named.add(target.resourceId);
    }
    wanted.set(source, map);
  }
  const unnamed: { itemId: string; reason: string }[] = [];
  for (const target of batch) {
    const why = ambiguous.get(target.resourceId);
    if (why) unnamed.push({ itemId: target.resourceId, reason: why });
    else if (!named.has(target.resourceId)) unnamed.push({ itemId: target.resourceId, reason: `target ${JSON.stringify(target.resourceId)} is not ${table.sources[0]?.idRule ?? "readable"}` });
  }
  return { wanted, unnamed };
}

export function validateMetricQuery(query: MetricQuery): number {
  const period = query.periodSeconds ?? 300;
  if (!Number.isInteger(period) || period < 1) throw new RangeError(`periodSeconds must be a positive whole number, got ${period}`);
  const start = query.start instanceof Date ? query.start.getTime() : Number.NaN;
  const end = query.end instanceof Date ? query.end.getTime() : Number.NaN;
  if (!Number.isFinite(start) || !Number.isFinite(end)) throw new RangeError("MetricQuery.start and end must be valid Dates");
  if (start >= end) throw new RangeError(`MetricQuery.start (${query.start.toISOString()}) must be before end (${query.end.toISOString()})`);
  return period;
}

/**
 * Metrics from Cloud Monitoring: one scope per project that has targets of a kind in
 * metric-table.ts (`{gcp, project, "*", "metrics"}`: one listTimeSeries covers every zone). Each
 * kind's resources are read in batches of `batchSize` ids; for each batch every metric of the
 * kind's specs is listed page by page, merged into one sample per resource per period, and
 * yielded as `metric_page` events. A scope's `resourceCount` is the number of resources that had
 * at least one sample.
 */
export function createMetricReader(deps: MetricReaderDeps): (query: MetricQuery) => AsyncIterable<MetricEvent> {
  /** The project's read, remembering its transport so a failure can tell a throttle from an outage. */
  interface MetricRead extends ScopeRead<MetricSample> {
    transport?: GatedTransport;
  }

  async function* metricSteps(
    read: MetricRead,
    state: ReadState,
    project: string,
    groups: readonly KindGroup[],
    query: MetricQuery,
    period: number,
  ): AsyncGenerator<ReadStep<MetricSample>> {
    const reported = new Set<string>();
    const signal = state.signal;
    const connection = await deps.connect();
    read.transport = connection.transport;
    connection.transport.reset(requestKey(project, timeSeriesApiPath));
    const startSeconds = Math.floor(query.start.getTime() / 1000);
    const endSeconds = Math.ceil(query.end.getTime() / 1000);
    const window = { startMs: query.start.getTime(), endMs: query.end.getTime(), periodSeconds: period };
    for (const { table, targets: listed } of groups) {
      const specs = specsOf(table);
      // Targets with no series of the kind cost no query (a passthrough load balancer's backend service).
      const all = table.withoutSeries ? listed.filter((t) => !table.withoutSeries?.(t)) : listed;
      // Over the whole group, so two resources with one label value are caught across batches too.
      const { unnamed } = labelsOfBatch(table, all);
      for (const u of unnamed) yield { type: "skipped", itemId: u.itemId, reason: u.reason };
      const skipped = new Set(unnamed.map((u) => u.itemId));
      const targets = all.filter((t) => !skipped.has(t.resourceId));
      for (let i = 0; i < targets.length; i += deps.batchSize) {
        const batch = targets.slice(i, i + deps.batchSize);
        const { wanted } = labelsOfBatch(table, batch);
        const accumulator = new SampleAccumulator(project, new Map(), window);
        for (const source of table.sources) {
          const labels = wanted.get(source) ?? new Map<string, string>();
          if (labels.size === 0) continue;
          for (const spec of source.specs) {
            const request: TimeSeriesRequest = {
              name: `projects/${project}`,
              filter: timeSeriesFilter(spec, [...labels.keys()], source),
              interval: { startTime: { seconds: startSeconds }, endTime: { seconds: endSeconds } },
              aggregation: { alignmentPeriod: { seconds: period }, perSeriesAligner: spec.aligner },
              view: "FULL",
              pageSize: deps.apiPageSize,
            };
            for await (const series of seriesPages(connection.monitoring, request, deps.callOptions, signal)) {
              for (const item of series) {
                const problem = accumulator.add(spec, item, { resource: source, wanted: labels });
                if (problem) yield { type: "skipped", itemId: problem.itemId, reason: problem.reason };
              }
            }
          }
        }
        const samples = accumulator.drain(specs, table.ratios);
        for (const sample of samples) reported.add(sample.resourceId);
        for (let j = 0; j < samples.length; j += deps.pageSize) {
          yield { type: "items", items: samples.slice(j, j + deps.pageSize) };
        }
      }
    }
    // A project's count is its resources that had samples, not the samples.
    state.resourceCount = reported.size;
  }

  return async function* streamMetrics(query: MetricQuery): AsyncIterable<MetricEvent> {
    const period = validateMetricQuery(query);
    // Targets grouped by project and kind (metric-table.ts), each resource once; other kinds have no series cloudsync reads.
    const byProject = new Map<string, Map<GcpKindMetrics, Map<string, MetricTarget>>>();
    for (const target of query.targets) {
      const table = deps.metricKinds.has(target.kind) ? gcpMetricsFor(target.kind) : undefined;
      if (!table) continue;
      const kinds = byProject.get(target.account) ?? new Map<GcpKindMetrics, Map<string, MetricTarget>>();
      byProject.set(target.account, kinds);
      const group = kinds.get(table) ?? new Map<string, MetricTarget>();
      kinds.set(table, group);
      if (!group.has(target.resourceId)) group.set(target.resourceId, target);
    }
    const reads = [...byProject].map(([project, kinds]) => {
      const groups: KindGroup[] = [...kinds].map(([table, g]) => ({ table, targets: [...g.values()] }));
      const read: MetricRead = {
        scopes: [{ cloud: "gcp", account: project, region: "*", kind: "metrics" }],
        operation: timeSeriesApiPath,
        read: (state) => metricSteps(read, state, project, groups, query, period),
      };
      return read;
    });
    yield* runScopes(reads, {
      cloud: "gcp",
      stream: "metrics",
      concurrency: deps.concurrency,
      signal: query.signal,
      logger: deps.logger,
      toError: (err, f) =>
        err instanceof CloudError
          ? err
          : toScopeError(err, {
              ...deps.failureContext(f.account, timeSeriesApiPath, (f.read as MetricRead).transport, f.aborted),
              api: "Cloud Monitoring",
              role: "roles/monitoring.viewer",
            }),
      page: (scope, samples): MetricEvent => ({ type: "metric_page", scope, samples }),
    });
  };
}

/** listTimeSeries one API page per call, following `nextPageToken`. */
async function* seriesPages(
  client: TimeSeriesLister,
  first: TimeSeriesRequest,
  options: GcpCallOptions,
  signal: AbortSignal | undefined,
): AsyncGenerator<object[]> {
  let next: TimeSeriesRequest | null | undefined = first;
  while (next) {
    const [series, following]: [object[], TimeSeriesRequest | null | undefined, unknown] = await unlessAborted(
      client.listTimeSeries(next, options),
      signal,
    );
    if (series.length > 0) yield series;
    next = following?.pageToken ? following : null;
  }
}

