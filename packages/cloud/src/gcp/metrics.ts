import { CloudError } from "../errors.ts";
import { type ReadState, type ReadStep, runScopes, type ScopeRead } from "../core/scope-runner.ts";
import type { AdapterLogger, MetricEvent, MetricQuery, MetricSample } from "../types.ts";
import type { GcpCallOptions } from "./clients.ts";
import { unlessAborted } from "./deadline.ts";
import type { FailureContext } from "./failures.ts";
import { toScopeError } from "./failures.ts";
import type { TimeSeriesLister, TimeSeriesRequest } from "./monitoring.ts";
import { type GcpKindMetrics, gcpMetricsFor } from "./metric-table.ts";
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
  /** Instance ids per listTimeSeries filter (`one_of(…)`). */
  batchSize: number;
  callOptions: GcpCallOptions;
  logger: AdapterLogger | undefined;
  connect: () => Promise<{ monitoring: TimeSeriesLister; transport: GatedTransport }>;
  failureContext: (project: string, operation: string, transport: GatedTransport | undefined, aborted: boolean) => FailureContext;
}

/** One kind's targets in one project: the ids to read, and those that cannot enter a filter. */
interface KindGroup {
  table: GcpKindMetrics;
  ids: string[];
  invalid: string[];
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
    for (const group of groups) {
      for (const id of group.invalid) {
        yield { type: "skipped", itemId: id, reason: `target ${JSON.stringify(id)} is not ${group.table.idRule}` };
      }
    }
    const connection = await deps.connect();
    read.transport = connection.transport;
    connection.transport.reset(requestKey(project, timeSeriesApiPath));
    const startSeconds = Math.floor(query.start.getTime() / 1000);
    const endSeconds = Math.ceil(query.end.getTime() / 1000);
    const window = { startMs: query.start.getTime(), endMs: query.end.getTime(), periodSeconds: period };
    for (const { table, ids } of groups) {
      for (let i = 0; i < ids.length; i += deps.batchSize) {
        const batch = ids.slice(i, i + deps.batchSize);
        const accumulator = new SampleAccumulator(project, new Set(batch), window, table);
        for (const spec of table.specs) {
          const request: TimeSeriesRequest = {
            name: `projects/${project}`,
            filter: timeSeriesFilter(spec, batch, table),
            interval: { startTime: { seconds: startSeconds }, endTime: { seconds: endSeconds } },
            aggregation: { alignmentPeriod: { seconds: period }, perSeriesAligner: spec.aligner },
            view: "FULL",
            pageSize: deps.apiPageSize,
          };
          for await (const series of seriesPages(connection.monitoring, request, deps.callOptions, signal)) {
            for (const item of series) {
              const problem = accumulator.add(spec, item);
              if (problem) yield { type: "skipped", itemId: problem.itemId, reason: problem.reason };
            }
          }
        }
        const samples = accumulator.drain(table.specs);
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
    // Targets grouped by project and kind (metric-table.ts), each id once; other kinds have no series cloudsync reads.
    const byProject = new Map<string, Map<GcpKindMetrics, { ids: Set<string>; invalid: Set<string> }>>();
    for (const target of query.targets) {
      const table = deps.metricKinds.has(target.kind) ? gcpMetricsFor(target.kind) : undefined;
      if (!table) continue;
      const kinds = byProject.get(target.account) ?? new Map<GcpKindMetrics, { ids: Set<string>; invalid: Set<string> }>();
      byProject.set(target.account, kinds);
      const group = kinds.get(table) ?? { ids: new Set<string>(), invalid: new Set<string>() };
      kinds.set(table, group);
      (table.validId.test(target.resourceId) ? group.ids : group.invalid).add(target.resourceId);
    }
    const reads = [...byProject].map(([project, kinds]) => {
      const groups: KindGroup[] = [...kinds].map(([table, g]) => ({ table, ids: [...g.ids], invalid: [...g.invalid] }));
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

