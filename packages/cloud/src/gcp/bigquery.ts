import { BigQuery } from "@google-cloud/bigquery";
import type { AuthClient } from "google-auth-library";
import type { RateLimiter } from "../common/rate-limiter.ts";
import type { BillingRow } from "./billing-query.ts";
import { within } from "./deadline.ts";

/**
 * The BigQuery client reads the billing export. Unlike the gax-based clients it sends requests
 * with teeny-request (node-fetch) and retries with retry-request, so the gated transport of the
 * Compute/Monitoring clients does not apply: its retryer is configured here instead (it retries
 * 408, 429 and 5xx answers and network errors by itself), the rate limiter is asked before each
 * page call, and each page call gets a deadline because node-fetch 3 has no request timeout.
 */
export interface BigQueryRetrySettings {
  maxAttempts: number;
  /** Scales the backoff cap (retry-request waits 2^n s + up to 1 s jitter, capped; no first-delay knob). */
  retryDelayMs: number;
  timeoutMs: number;
}

/** retry-request's options (`maxRetryDelay` and `totalTimeout` in seconds). */
export interface BigQueryRetryOptions {
  autoRetry: boolean;
  maxRetries: number;
  retryDelayMultiplier: number;
  maxRetryDelay: number;
  totalTimeout: number;
}

/**
 * - `maxRetries` counts retries, so attempts − 1 (0 turns retrying off: the SDK reads a 0 as "unset");
 * - the cap of a backoff is `retryDelayMs × 64` (500 ms → 32 s, the cap gax uses), so small test
 *   delays give short waits;
 * - `totalTimeout` bounds the retry loop by the same budget as the page deadline.
 */
export function bigQueryRetryOptions(settings: BigQueryRetrySettings): BigQueryRetryOptions {
  const retries = Math.max(0, settings.maxAttempts - 1);
  return {
    autoRetry: retries > 0,
    maxRetries: retries,
    retryDelayMultiplier: 2,
    maxRetryDelay: maxRetryDelaySeconds(settings),
    totalTimeout: Math.ceil(pageDeadlineMs(settings) / 1000),
  };
}

function maxRetryDelaySeconds(settings: BigQueryRetrySettings): number {
  return Math.min(32, Math.max(0.001, (settings.retryDelayMs * 64) / 1000));
}

/** Every attempt at `timeoutMs`, plus the longest backoffs between them. */
export function pageDeadlineMs(settings: BigQueryRetrySettings): number {
  const attempts = Math.max(1, settings.maxAttempts);
  const cap = maxRetryDelaySeconds(settings) * 1000;
  let backoff = 0;
  for (let retry = 1; retry < attempts; retry++) backoff += Math.min(2 ** retry * 1000 + 1000, cap);
  return attempts * settings.timeoutMs + backoff;
}

/** What the next page call needs, as the SDK hands it back (its Job, the page token…). */
export interface NextQuery {
  job?: { getQueryResults(options: NextQuery): Promise<[unknown[], NextQuery | null | undefined, unknown]> };
  pageToken?: string;
  [option: string]: unknown;
}

/** Only the SDK call the cost reader makes. */
export interface BillingQueryClient {
  query(query: Record<string, unknown>, options: Record<string, unknown>): Promise<[unknown[], NextQuery | null | undefined, unknown]>;
}

export interface BillingClientOptions {
  authClient: AuthClient;
  /** `http://127.0.0.1:9050` for an emulator; default Google's endpoint. */
  endpoint: string | undefined;
  /** The project the query jobs run in (and are billed to). */
  jobProject: string;
  location: string | undefined;
  retry: BigQueryRetrySettings;
}

export function createBillingQueryClient(options: BillingClientOptions): BillingQueryClient {
  const client = new BigQuery({
    projectId: options.jobProject,
    // The SDK is typed against its own copy of google-auth-library; the client is structurally the same.
    authClient: options.authClient as never,
    ...(options.endpoint ? { apiEndpoint: options.endpoint.replace(/\/+$/, "") } : {}),
    ...(options.location ? { location: options.location } : {}),
    retryOptions: bigQueryRetryOptions(options.retry),
  });
  return client as unknown as BillingQueryClient;
}

export interface BillingPageRequest {
  sql: string;
  /** `@project`, `@start`, `@end`. */
  project: string;
  start: string;
  end: string;
  pageSize: number;
  location: string | undefined;
}

export interface BillingPageGate {
  limiter: RateLimiter;
  /** Rate-limit key of the scope. */
  key: string;
  deadlineMs: number;
  signal: AbortSignal | undefined;
}

/**
 * Runs the query (jobs.query) and reads its result one page at a time (jobs.getQueryResults with
 * the page token), yielding each page's rows as they arrive. A job that is not complete yet
 * answers with no rows and is polled again (the API itself waits up to ~10 s per poll).
 */
export async function* billingPages(
  client: BillingQueryClient,
  request: BillingPageRequest,
  gate: BillingPageGate,
): AsyncGenerator<BillingRow[]> {
  const call = async <T>(make: () => Promise<T>): Promise<T> => {
    if (gate.signal?.aborted) throw gate.signal.reason;
    await gate.limiter.acquire(gate.key, gate.signal);
    if (gate.signal?.aborted) throw gate.signal.reason;
    return within(make(), gate.deadlineMs, gate.signal);
  };
  const query = {
    query: request.sql,
    params: { project: request.project, start: BigQuery.date(request.start), end: BigQuery.date(request.end) },
    types: { project: "STRING", start: "DATE", end: "DATE" },
    useLegacySql: false,
    ...(request.location ? { location: request.location } : {}),
  };
  let [rows, next] = await call(() => client.query(query, { autoPaginate: false, maxResults: request.pageSize }));
  for (;;) {
    if (rows.length > 0) yield rows as BillingRow[];
    if (!next?.job) return;
    const following: NextQuery = { ...next, autoPaginate: false, maxResults: request.pageSize };
    const job = next.job;
    [rows, next] = await call(() => job.getQueryResults(following));
  }
}
