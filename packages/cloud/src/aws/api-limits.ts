import type { ApiLimit } from "../common/rate-limiter.ts";

/**
 * Documented request rates of the AWS APIs an organization's sync hits hardest, per calling
 * account and region (the limiter's key is `account:region:service`). Sources, as of writing:
 * - EC2 "Request throttling": non-mutating (Describe*) actions refill 20 tokens per second into a
 *   bucket of 100 per account and region.
 * - STS (IAM and STS quotas): 600 requests per second per account and region; every member's
 *   AssumeRole is charged to the one account that holds the base credentials.
 * - Organizations publishes no per-operation rate, only TooManyRequestsException "sent too many
 *   requests in too short a period"; its quota is per organization, so discovery is paced at
 *   5 per second and the SDK's retryer absorbs the rest.
 * Services not listed use the adapter's default rate; a provider that sets `requestsPerSecond`
 * sets it for every API instead.
 */
export const awsApiLimits: Readonly<Record<string, ApiLimit>> = {
  ec2: { requestsPerSecond: 20, burst: 100 },
  sts: { requestsPerSecond: 600, burst: 600 },
  organizations: { requestsPerSecond: 5, burst: 5 },
};

/** The documented limit for a limiter key `account:region:service`. */
export function awsApiLimitOf(key: string): ApiLimit | undefined {
  const service = key.slice(key.lastIndexOf(":") + 1);
  return awsApiLimits[service];
}
