import type { MonitorClient } from "@azure/arm-monitor";
import { pipelineOptions } from "./arm-pipeline.ts";
import type { ClientSettings, RequestOptions } from "./clients.ts";
import type { RawMetricsResponse } from "./normalize-metrics.ts";

/** Azure Monitor's metrics API through `@azure/arm-monitor`'s MonitorClient (api-version 2018-01-01). */
export interface MetricsQuery {
  /** `start/end`, ISO 8601. */
  timespan: string;
  /** ISO 8601 grain, e.g. `PT5M`. */
  interval: string;
  /** Comma-separated metric names. */
  metricnames: string;
  /** Comma-separated aggregations, e.g. `Average,Total`. */
  aggregation: string;
  /** `$filter` on a dimension, e.g. `HttpStatusGroup eq '5XX'`. */
  filter?: string;
}

export interface MetricsApi {
  /** `GET {resourceUri}/providers/Microsoft.Insights/metrics`; throws an SDK RestError (statusCode, code) on failure. */
  list(resourceUri: string, options: RequestOptions & MetricsQuery): Promise<RawMetricsResponse>;
}

export function createMetricsApi(settings: ClientSettings, subscriptionId: string): MetricsApi {
  // Imported on first use: every subscription gets these clients, but only metric syncs call them.
  let client: Promise<MonitorClient> | undefined;
  const connect = () =>
    (client ??= import("@azure/arm-monitor").then(
      ({ MonitorClient }) =>
        new MonitorClient(settings.credential, subscriptionId, {
          ...pipelineOptions(settings, subscriptionId, "metrics"),
          ...(settings.endpoint ? { endpoint: settings.endpoint, $host: settings.endpoint } : {}),
        }),
    ));
  return {
    async list(resourceUri, { abortSignal, timeoutMs, timespan, interval, metricnames, aggregation, filter }) {
      // The SDK's path is `/{resourceUri}/providers/…` with the id unencoded: without its leading
      // slash an ARM id makes a single-slash path.
      const uri = resourceUri.replace(/^\/+/, "");
      const response = await (await connect()).metrics.list(uri, {
        timespan,
        interval,
        metricnames,
        aggregation,
        ...(filter ? { filter } : {}),
        abortSignal,
        requestOptions: { timeout: timeoutMs },
      });
      return response as unknown as RawMetricsResponse;
    },
  };
}
