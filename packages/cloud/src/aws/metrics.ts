import {
  type CloudWatchClient,
  GetMetricDataCommand,
  type GetMetricDataCommandOutput,
  type MetricDataQuery,
} from "@aws-sdk/client-cloudwatch";
import type { ReadStep, ScopeRead } from "../core/scope-runner.ts";
import type { AdapterLogger, MetricSample, ScopeRef } from "../types.ts";
import { batchInstances, buildMetricQueries, createSampleAccumulator, readMetricResult } from "./normalize-metrics.ts";

/**
 * CloudWatch GetMetricData for the EC2 instances of one account and region: five queries per
 * instance, up to 500 queries per call, following NextToken. A page can carry part of a
 * series, so an instance's samples are handed out once each of its queries reports
 * `Complete` (or the last page arrives): one sample per instance per period, never a partial one.
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
        new GetMetricDataCommand({
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
  instanceIds: readonly string[];
  start: Date;
  end: Date;
  periodSeconds: number;
  maxDatapoints: number | undefined;
  logger: AdapterLogger | undefined;
}

/** One account × region, for the shared runner: metric pages as instances complete. */
export function metricRead(ctx: MetricScopeContext): ScopeRead<MetricSample> {
  return { scopes: [ctx.scope], operation: "GetMetricData", read: (state) => metricSteps(ctx, state.signal) };
}

async function* metricSteps(ctx: MetricScopeContext, signal: AbortSignal | undefined): AsyncGenerator<ReadStep<MetricSample>> {
  const { scope, logger } = ctx;
  for (const batch of batchInstances(ctx.instanceIds)) {
    const { queries, refs } = buildMetricQueries(batch, ctx.periodSeconds);
    const acc = createSampleAccumulator(scope.account);
    /** Query ids not yet reported Complete, per instance. */
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
        { queries, start: ctx.start, end: ctx.end, nextToken: token, maxDatapoints: ctx.maxDatapoints },
        signal,
      );
      for (const message of page.Messages ?? []) logger?.warn({ scope, code: message.Code, message: message.Value }, "aws GetMetricData message");
      for (const result of page.MetricDataResults ?? []) {
        const ref = result.Id ? refs.get(result.Id) : undefined;
        if (!ref || done.has(ref.resourceId)) continue;
        const points = readMetricResult(result, ref, ctx.periodSeconds);
        if (typeof points === "string") {
          // A broken series would leave this instance's samples partial: skip the instance whole.
          done.add(ref.resourceId);
          acc.drop(ref.resourceId);
          yield { type: "skipped", itemId: ref.resourceId, reason: points };
          continue;
        }
        for (const point of points) acc.add(ref.resourceId, ref.spec.key, point);
        if (result.StatusCode === "Complete") open.get(ref.resourceId)?.delete(result.Id as string);
      }
      token = page.NextToken || undefined;
      const samples: MetricSample[] = [];
      for (const [resourceId, pending] of open) {
        if (done.has(resourceId) || (token && pending.size > 0)) continue;
        done.add(resourceId);
        samples.push(...acc.take(resourceId));
      }
      if (samples.length > 0) yield { type: "items", items: samples };
    } while (token);
  }
}
