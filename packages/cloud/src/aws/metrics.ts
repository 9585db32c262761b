import type { CloudWatchClient, GetMetricDataCommandOutput, MetricDataQuery } from "@aws-sdk/client-cloudwatch";
import type { ReadStep, ScopeRead } from "../core/scope-runner.ts";
import type { AdapterLogger, MetricSample, ScopeRef } from "../types.ts";
import type { CloudWatchKindMetrics } from "./metric-table.ts";
import { batchItems, buildMetricQueries, createSampleAccumulator, type MetricItem, readMetricResult } from "./normalize-metrics.ts";
import { awsSdk } from "./sdk.ts";

/**
 * CloudWatch GetMetricData for the resources of one account and region: one query per series
 * of the resource's kind (metric-table.ts), up to 500 queries per call, following NextToken. A
 * page can carry part of a series, so a resource's samples are handed out once each of its
 * queries reports `Complete` (or the last page arrives): one sample per resource per period,
 * never a partial one.
 */

export interface CloudWatchApi {
  metricData(request: MetricDataRequest, signal: AbortSignal | undefined): Promise<MetricDataPage>;
}

export interface MetricDataRequest {
  queries: MetricDataQuery[];
  start: Date;
  end: Date;
  nextToken: string | undefined;
  /** Datapoints per page; CloudWatch's default (100,800) when undefined. */
  maxDatapoints: number | undefined;
}

export type MetricDataPage = Pick<GetMetricDataCommandOutput, "MetricDataResults" | "NextToken" | "Messages">;

export function cloudWatchApi(client: () => Promise<CloudWatchClient>): CloudWatchApi {
  return {
    metricData: async (request, signal) =>
      (await client()).send(
        new (awsSdk("@aws-sdk/client-cloudwatch").GetMetricDataCommand)({
          MetricDataQueries: request.queries,
          StartTime: request.start,
          EndTime: request.end,
          ScanBy: "TimestampAscending",
          ...(request.nextToken ? { NextToken: request.nextToken } : {}),
          ...(request.maxDatapoints ? { MaxDatapoints: request.maxDatapoints } : {}),
        }),
        { abortSignal: signal },
      ),
  };
}

export interface MetricScopeContext {
  scope: ScopeRef;
  api: CloudWatchApi;
  items: readonly MetricItem[];
  /** Targets whose ids name no CloudWatch dimensions, reported as skipped. */
  unreadable?: readonly { itemId: string; reason: string }[];
  start: Date;
  end: Date;
  periodSeconds: number;
  maxDatapoints: number | undefined;
  logger: AdapterLogger | undefined;
}

/** One account × region, for the shared runner: metric pages as resources complete. */
export function metricRead(ctx: MetricScopeContext): ScopeRead<MetricSample> {
  return { scopes: [ctx.scope], operation: "GetMetricData", read: (state) => metricSteps(ctx, state.signal) };
}

/** The window and period a kind is read over: the asked ones, or its fixed period's lookback (S3's days). */
export function windowFor(table: CloudWatchKindMetrics, start: Date, end: Date, periodSeconds: number): { start: Date; end: Date; periodSeconds: number } {
  const fixed = table.fixedPeriodSeconds;
  if (!fixed) return { start, end, periodSeconds };
  const periodMs = fixed * 1000;
  const lastStart = Math.floor(end.getTime() / periodMs) * periodMs;
  const from = Math.min(start.getTime(), lastStart - (table.lookbackPeriods ?? 1) * periodMs);
  return { start: new Date(from), end, periodSeconds: fixed };
}

/** The scope's resources by the window they are read over; a call covers one window. */
function byWindow(ctx: MetricScopeContext): { window: ReturnType<typeof windowFor>; items: MetricItem[] }[] {
  const groups = new Map<string, { window: ReturnType<typeof windowFor>; items: MetricItem[] }>();
  for (const item of ctx.items) {
    const window = windowFor(item.table, ctx.start, ctx.end, ctx.periodSeconds);
    const key = `${window.start.getTime()}|${window.periodSeconds}`;
    const group = groups.get(key) ?? { window, items: [] };
    group.items.push(item);
    groups.set(key, group);
  }
  return [...groups.values()];
}

async function* metricSteps(ctx: MetricScopeContext, signal: AbortSignal | undefined): AsyncGenerator<ReadStep<MetricSample>> {
  const { scope, logger } = ctx;
  for (const u of ctx.unreadable ?? []) yield { type: "skipped", itemId: u.itemId, reason: u.reason };
  for (const { window, items } of byWindow(ctx)) {
    const ratiosOf = new Map(items.map((item) => [item.resourceId, item.table.ratios ?? []]));
    for (const batch of batchItems(items)) {
      const { queries, refs } = buildMetricQueries(batch, window.periodSeconds);
      const acc = createSampleAccumulator(scope.account, window.periodSeconds);
      /** Query ids not yet reported Complete, per resource. */
      const open = new Map<string, Set<string>>();
      for (const [id, ref] of refs) {
        const set = open.get(ref.resourceId) ?? new Set<string>();
        set.add(id);
        open.set(ref.resourceId, set);
      }
      const done = new Set<string>();
      let token: string | undefined;
      do {
        const page = await ctx.api.metricData(
          { queries, start: window.start, end: window.end, nextToken: token, maxDatapoints: ctx.maxDatapoints },
          signal,
        );
        for (const message of page.Messages ?? []) logger?.warn({ scope, code: message.Code, message: message.Value }, "aws GetMetricData message");
        for (const result of page.MetricDataResults ?? []) {
          const ref = result.Id ? refs.get(result.Id) : undefined;
          if (!ref || done.has(ref.resourceId)) continue;
          const points = readMetricResult(result, ref);
          if (typeof points === "string") {
            // A broken series would leave this resource's samples partial: skip the resource whole.
            done.add(ref.resourceId);
            acc.drop(ref.resourceId);
            yield { type: "skipped", itemId: ref.resourceId, reason: points };
            continue;
          }
          for (const point of points) acc.add(ref.resourceId, ref.spec, point);
          if (result.StatusCode === "Complete") open.get(ref.resourceId)?.delete(result.Id as string);
        }
        token = page.NextToken || undefined;
        const samples: MetricSample[] = [];
        for (const [resourceId, pending] of open) {
          if (done.has(resourceId) || (token && pending.size > 0)) continue;
          done.add(resourceId);
          samples.push(...acc.take(resourceId, ratiosOf.get(resourceId)));
        }
        if (samples.length > 0) yield { type: "items", items: samples };
      } while (token);
    }
  }
}
