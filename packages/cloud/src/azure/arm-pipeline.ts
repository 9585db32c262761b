import type { ResourceManagementClientOptionalParams } from "@azure/arm-resources";
import type { RateLimiter } from "../common/rate-limiter.ts";
import type { ClientSettings } from "./clients.ts";

/**
 * What every Azure client of the adapter shares, whichever library builds its pipeline (the
 * ARM SDK clients, MonitorClient, the Cost Management pipeline): token audience, TLS trust,
 * retry options and the per-attempt rate limit.
 */

/** core-rest-pipeline's PipelinePolicy, as arm-resources types it. */
type PipelinePolicy = NonNullable<ResourceManagementClientOptionalParams["additionalPolicies"]>[number]["policy"];

/**
 * Rate-limiter keys, one bucket per subscription and API family: `<subscription>:arm` (resources,
 * VMs, locations), `<subscription>:costmanagement`, `<subscription>:metrics` (Azure Monitor),
 * since each family has its own quota.
 */
export type ApiFamily = "arm" | "costmanagement" | "metrics";

/**
 * Takes a token from the limiter before each attempt; added per retry, as ARM counts every
 * attempt. A 429 pauses the key for the wait the answer names, so the subscription's other
 * requests hold off too (the SDK's throttling retry only delays the request that was refused).
 */
export function rateLimitPolicy(limiter: RateLimiter, key: string): PipelinePolicy {
  return {
    name: "cloudsyncRateLimit",
    async sendRequest(request, next) {
      await limiter.acquire(key, request.abortSignal as AbortSignal | undefined);
      const response = await next(request);
      if (response.status === 429 && limiter.pause) {
        const waitMs = retryAfterMs((name) => response.headers.get(name));
        if (waitMs !== null) limiter.pause(key, waitMs);
      }
      return response;
    },
  };
}

/**
 * The wait a 429 names, in milliseconds, or null when it names none: `retry-after-ms` and
 * `x-ms-retry-after-ms` (milliseconds), `Retry-After` (seconds or an HTTP date), and Cost
 * Management's `x-ms-ratelimit-microsoft.costmanagement-{qpu,entity,tenant}-retry-after`
 * (seconds); the longest wins, since every one of them must have passed.
 */
export function retryAfterMs(header: (name: string) => string | undefined, nowMs: number = Date.now()): number | null {
  const waits: number[] = [];
  const number = (value: string | undefined) => (value !== undefined && value.trim() !== "" && Number.isFinite(Number(value)) ? Number(value) : null);
  for (const name of ["retry-after-ms", "x-ms-retry-after-ms"]) {
    const ms = number(header(name));
    if (ms !== null) waits.push(ms);
  }
  for (const scope of ["qpu", "entity", "tenant"]) {
    const seconds = number(header(`x-ms-ratelimit-microsoft.costmanagement-${scope}-retry-after`));
    if (seconds !== null) waits.push(seconds * 1000);
  }
  const retryAfter = header("retry-after");
  const seconds = number(retryAfter);
  if (seconds !== null) waits.push(seconds * 1000);
  else if (retryAfter) {
    const at = Date.parse(retryAfter);
    if (Number.isFinite(at)) waits.push(at - nowMs);
  }
  const positive = waits.filter((w) => w > 0);
  return positive.length > 0 ? Math.max(...positive) : waits.length > 0 ? 0 : null;
}

/** Counts each 429 answer; per retry, so that one a retry got past counts too. */
export function throttleCountPolicy(onThrottle: () => void): PipelinePolicy {
  return {
    name: "cloudsyncThrottleCount",
    async sendRequest(request, next) {
      const response = await next(request);
      if (response.status === 429) onThrottle();
      return response;
    },
  };
}

/** The token audience: a private or sovereign ARM endpoint is its own audience. */
export function armScopes(settings: Pick<ClientSettings, "endpoint">): string[] {
  return [`${(settings.endpoint ?? "https://management.azure.com").replace(/\/+$/, "")}/.default`];
}

/** Client options shared by every ARM SDK client: TLS trust, retry, rate limit, audience. */
export function pipelineOptions(settings: ClientSettings, subscriptionId: string, api: ApiFamily) {
  const additionalPolicies: { policy: PipelinePolicy; position: "perRetry" }[] = [];
  if (settings.limiter) {
    additionalPolicies.push({ position: "perRetry", policy: rateLimitPolicy(settings.limiter, `${subscriptionId}:${api}`) });
  }
  if (settings.onThrottle) additionalPolicies.push({ position: "perRetry", policy: throttleCountPolicy(settings.onThrottle) });
  return {
    // A private or sovereign ARM endpoint is also the token audience.
    ...(settings.endpoint
      ? { endpoint: settings.endpoint, credentials: { scopes: armScopes(settings) }, credentialScopes: armScopes(settings) }
      : {}),
    ...(settings.agent ? { agent: settings.agent } : {}),
    retryOptions: {
      maxRetries: Math.max(0, settings.maxAttempts - 1),
      retryDelayInMs: settings.retryDelayInMs,
      maxRetryDelayInMs: settings.maxRetryDelayInMs,
    },
    additionalPolicies,
    userAgentOptions: { userAgentPrefix: "cloudsync" },
  };
}
