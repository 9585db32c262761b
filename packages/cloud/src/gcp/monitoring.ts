import { MetricServiceClient } from "@google-cloud/monitoring";
import type { AuthClient } from "google-auth-library";
import { connectionOptions, type GcpCallOptions } from "./clients.ts";

/** The listTimeSeries request the metric reader sends (a subset of the API's). */
export interface TimeSeriesRequest {
  name?: string | null;
  filter?: string | null;
  interval?: { startTime?: { seconds?: number | string | null } | null; endTime?: { seconds?: number | string | null } | null } | null;
  aggregation?: {
    alignmentPeriod?: { seconds?: number | string | null } | null;
    perSeriesAligner?: string | number | null;
  } | null;
  view?: string | number | null;
  pageSize?: number | null;
  pageToken?: string | null;
}

/** One page per call when `autoPaginate` is false: series, the next request (or null), the raw answer. */
export interface TimeSeriesLister {
  listTimeSeries(request: TimeSeriesRequest, options?: GcpCallOptions): Promise<[object[], TimeSeriesRequest | null | undefined, unknown]>;
  close(): Promise<void>;
}

/**
 * Cloud Monitoring's client over the REST transport, sending every request through the gated
 * auth client (rate limit, timeout, HTTP errors handed to gax so its retryer sees 429/5xx).
 */
export function createMonitoringClient(authClient: AuthClient, endpoint: string | undefined): TimeSeriesLister {
  // The SDK is typed against its own copy of google-auth-library; the client is structurally the same.
  const client = new MetricServiceClient({ fallback: true, authClient: authClient as never, ...connectionOptions(endpoint) });
  return client as unknown as TimeSeriesLister;
}
