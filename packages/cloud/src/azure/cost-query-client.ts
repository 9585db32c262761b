import {
  bearerTokenAuthenticationPolicy,
  createDefaultHttpClient,
  createHttpHeaders,
  createPipelineFromOptions,
  createPipelineRequest,
  type Pipeline,
  type PipelinePolicy,
  RestError,
} from "@azure/core-rest-pipeline";
import { armScopes, rateLimitPolicy, throttleCountPolicy } from "./arm-pipeline.ts";
import type { ClientSettings, RequestOptions } from "./clients.ts";
import { type ExactJson, isJsonObject, parseExactJson } from "./exact-json.ts";

/**
 * Cost Management's query API over an `@azure/core-rest-pipeline` pipeline: there is no
 * maintained Cost Management SDK for Node 20 (`@azure/arm-costmanagement` is a 2022 beta), so
 * the pipeline gets what the ARM SDK clients get — the same credential (bearer policy, ARM
 * audience), TLS trust (agent), retry options and per-attempt rate limit — and the body is read
 * as text and parsed with `parseExactJson`, so amounts are never floats.
 */
export const costManagementApiVersion = "2023-11-01";

export interface CostQueryBody {
  type: "ActualCost";
  timeframe: "Custom";
  timePeriod: { from: string; to: string };
  dataset: {
    granularity: "Daily";
    aggregation: { totalCost: { name: "Cost"; function: "Sum" } };
    grouping: { type: "Dimension"; name: string }[];
  };
}

/** One page of the answer: `properties.columns` and `properties.rows`, numbers kept as source text. */
export interface CostQueryPage {
  columns: ExactJson | undefined;
  rows: ExactJson[];
}

export interface CostQueryApi {
  /** POSTs the query, then the same body to every `nextLink`, one page at a time as the consumer pulls. */
  queryPages(body: CostQueryBody, options: RequestOptions): AsyncIterable<CostQueryPage>;
}

export function costQueryBody(from: string, to: string): CostQueryBody {
  return {
    type: "ActualCost",
    timeframe: "Custom",
    timePeriod: { from: `${from}T00:00:00Z`, to: `${to}T23:59:59Z` },
    dataset: {
      granularity: "Daily",
      aggregation: { totalCost: { name: "Cost", function: "Sum" } },
      grouping: [
        { type: "Dimension", name: "ResourceId" },
        { type: "Dimension", name: "MeterCategory" },
      ],
    },
  };
}

export function createCostQueryApi(settings: ClientSettings, subscriptionId: string): CostQueryApi {
  const base = (settings.endpoint ?? "https://management.azure.com").replace(/\/+$/, "");
  const origin = new URL(base).origin;
  const firstUrl = `${base}/subscriptions/${encodeURIComponent(subscriptionId)}/providers/Microsoft.CostManagement/query?api-version=${costManagementApiVersion}`;
  const pipeline = costPipeline(settings, subscriptionId);
  const httpClient = createDefaultHttpClient();

  async function post(url: string, body: string, options: RequestOptions): Promise<{ page: CostQueryPage; nextLink: string | null }> {
    const request = createPipelineRequest({
      url,
      method: "POST",
      body,
      headers: createHttpHeaders({ "content-type": "application/json", accept: "application/json" }),
      ...(options.timeoutMs ? { timeout: options.timeoutMs } : {}),
      ...(options.abortSignal ? { abortSignal: options.abortSignal } : {}),
    });
    const response = await pipeline.sendRequest(httpClient, request);
    const text = response.bodyAsText ?? "";
    if (response.status !== 200) {
      const error = errorOf(text);
      throw new RestError(error.message ?? `Cost Management answered HTTP ${response.status}`, {
        statusCode: response.status,
        ...(error.code ? { code: error.code } : {}),
      });
    }
    let parsed: ExactJson;
    try {
      parsed = parseExactJson(text);
    } catch (cause) {
      throw new RestError(`Cost Management answered a body that is not JSON (${(cause as Error).message})`, { statusCode: 200, code: "InvalidJson" });
    }
    const properties = isJsonObject(parsed) ? parsed.properties : undefined;
    if (!isJsonObject(properties)) {
      throw new RestError("Cost Management answered without properties", { statusCode: 200, code: "InvalidResponse" });
    }
    const rows = Array.isArray(properties.rows) ? properties.rows : [];
    const nextLink = typeof properties.nextLink === "string" && properties.nextLink ? properties.nextLink : null;
    return { page: { columns: properties.columns, rows }, nextLink };
  }

  return {
    async *queryPages(body, options) {
      const text = JSON.stringify(body);
      let url: string | null = firstUrl;
      while (url) {
        const { page, nextLink }: { page: CostQueryPage; nextLink: string | null } = await post(url, text, options);
        yield page;
        if (nextLink && new URL(nextLink).origin !== origin) {
          // The bearer token goes only to the endpoint it was issued for.
          throw new RestError(`Cost Management sent a nextLink to another host (${new URL(nextLink).host})`, { code: "UnexpectedNextLink" });
        }
        url = nextLink;
      }
    },
  };
}

function costPipeline(settings: ClientSettings, subscriptionId: string): Pipeline {
  const pipeline = createPipelineFromOptions({
    ...(settings.agent ? { agent: settings.agent } : {}),
    retryOptions: {
      maxRetries: Math.max(0, settings.maxAttempts - 1),
      retryDelayInMs: settings.retryDelayInMs,
      maxRetryDelayInMs: settings.maxRetryDelayInMs,
    },
    userAgentOptions: { userAgentPrefix: "cloudsync" },
  });
  pipeline.addPolicy(bearerTokenAuthenticationPolicy({ credential: settings.credential, scopes: armScopes(settings) }), { phase: "Sign" });
  // After the retry phase, so both run on every attempt, as core-client places `perRetry` policies.
  pipeline.addPolicy(costManagementRetryAfterPolicy(settings.retryDelayInMs), { afterPhase: "Retry" });
  if (settings.limiter) pipeline.addPolicy(rateLimitPolicy(settings.limiter, `${subscriptionId}:costmanagement`), { afterPhase: "Sign" });
  if (settings.onThrottle) pipeline.addPolicy(throttleCountPolicy(settings.onThrottle), { afterPhase: "Retry" });
  return pipeline;
}

export const costManagementRetryAfterPolicyName = "cloudsyncCostManagementRetryAfter";
const costManagementRetryAfter = /^x-ms-ratelimit-microsoft\.costmanagement-[a-z0-9-]+-retry-after$/i;

/**
 * Cost Management throttles with 429 and `x-ms-ratelimit-microsoft.costmanagement-{qpu,entity,
 * tenant,client}-retry-after` (seconds), often without `Retry-After`; core-rest-pipeline's retry
 * policy only honours `Retry-After`/`retry-after-ms`, and does not retry a 429 without them. This
 * policy copies the longest Cost Management wait into `Retry-After` so the standard throttling
 * strategy waits for it; a bare 429 gets the configured first retry delay.
 */
export function costManagementRetryAfterPolicy(fallbackDelayMs: number): PipelinePolicy {
  return {
    name: costManagementRetryAfterPolicyName,
    async sendRequest(request, next) {
      const response = await next(request);
      if (response.status !== 429) return response;
      const { headers } = response;
      if (headers.has("retry-after") || headers.has("retry-after-ms") || headers.has("x-ms-retry-after-ms")) return response;
      let longest = -1;
      for (const [name, value] of headers) {
        const seconds = Number(value);
        if (costManagementRetryAfter.test(name) && Number.isFinite(seconds) && seconds > longest) longest = seconds;
      }
      if (longest >= 0) headers.set("retry-after", String(longest));
      else headers.set("retry-after-ms", String(fallbackDelayMs));
      return response;
    },
  };
}

function errorOf(text: string): { code?: string; message?: string } {
  try {
    const body = JSON.parse(text) as { error?: { code?: unknown; message?: unknown }; code?: unknown; message?: unknown };
    const e = body.error ?? body;
    return {
      ...(typeof e.code === "string" ? { code: e.code } : {}),
      ...(typeof e.message === "string" ? { message: e.message } : {}),
    };
  } catch {
    return {};
  }
}
