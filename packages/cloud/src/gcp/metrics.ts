import { CloudError } from "../errors.ts";
import { type ReadState, type ReadStep, runScopes, type ScopeRead } from "../core/scope-runner.ts";
import type { AdapterLogger, MetricEvent, MetricQuery, MetricSample } from "../types.ts";
import type { GcpCallOptions } from "./clients.ts";
import { unlessAborted } from "./deadline.ts";
import type { FailureContext } from "./failures.ts";
import { toScopeError } from "./failures.ts";
import type { TimeSeriesLister, TimeSeriesRequest } from "./monitoring.ts";
import { gcpMetricSpecs, INSTANCE_ID, SampleAccumulator, timeSeriesFilter } from "./normalize-metrics.ts";
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
 * VM metrics from Cloud Monitoring: one scope per project that has `gce_instance` targets
 * (`{gcp, project, "*", "metrics"}`: one listTimeSeries covers every zone). The project's
 * instances are read in batches of `batchSize` ids; for each batch every metric of
 * `gcpMetricSpecs` is listed page by page, merged into one sample per instance per period, and
 * yielded as `metric_page` events. A scope's `resourceCount` is the number of instances that had
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
    ids: string[],
    invalid: string[],
    query: MetricQuery,
    period: number,
  ): AsyncGenerator<ReadStep<MetricSample>> {
    const reported = new Set<string>();
    const signal = state.signal;
    for (const id of invalid) {
      yield { type: "skipped", itemId: id, reason: `target ${JSON.stringify(id)} is not a Compute Engine instance id (digits only)` };
    }
    const connection = await deps.connect();
    read.transport = connection.transport;
    connection.transport.reset(requestKey(project, timeSeriesApiPath));
    const startSeconds = Math.floor(query.start.getTime() / 1000);
    const endSeconds = Math.ceil(query.end.getTime() / 1000);
    const window = { startMs: query.start.getTime(), endMs: query.end.getTime(), periodSeconds: period };
    for (let i = 0; i < ids.length; i += deps.batchSize) {
      const batch = ids.slice(i, i + deps.batchSize);
      const accumulator = new SampleAccumulator(project, new Set(batch), window);
      for (const spec of gcpMetricSpecs) {
        const request: TimeSeriesRequest = {
          name: `projects/${project}`,
          filter: timeSeriesFilter(spec, batch),
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
      const samples = accumulator.drain(gcpMetricSpecs);
      for (const sample of samples) reported.add(sample.resourceId);
      for (let j = 0; j < samples.length; j += deps.pageSize) {
        yield { type: "items", items: samples.slice(j, j + deps.pageSize) };
      }
    }
    // A project's count is its instances that had samples, not the samples.
    state.resourceCount = reported.size;
  }

  return async function* streamMetrics(query: MetricQuery): AsyncIterable<MetricEvent> {
    const period = validateMetricQuery(query);
    // Targets grouped by project, each id once; other kinds have no Cloud Monitoring VM metrics.
    const byProject = new Map<string, { ids: Set<string>; invalid: Set<string> }>();
    for (const target of query.targets) {
      if (!deps.metricKinds.has(target.kind)) continue;
      const group = byProject.get(target.account) ?? { ids: new Set<string>(), invalid: new Set<string>() };
      byProject.set(target.account, group);
      (INSTANCE_ID.test(target.resourceId) ? group.ids : group.invalid).add(target.resourceId);
    }
    const reads = [...byProject].map(([project, group]) => {
      const read: MetricRead = {
        scopes: [{ cloud: "gcp", account: project, region: "*", kind: "metrics" }],
        operation: timeSeriesApiPath,
        read: (state) => metricSteps(read, state, project, [...group.ids], [...group.invalid], query, period),
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

