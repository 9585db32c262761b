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

/** Takes a token from the limiter before each attempt; added per retry, as ARM counts every attempt. */
export function rateLimitPolicy(limiter: RateLimiter, key: string): PipelinePolicy {
  return {
    name: "cloudsyncRateLimit",
    async sendRequest(request, next) {
      await limiter.acquire(key, request.abortSignal as AbortSignal | undefined);
      return next(request);
    },
  };
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
