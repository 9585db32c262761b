import type { ApiLimit } from "../common/rate-limiter.ts";

/**
 * Documented request rates of the AWS APIs a sync calls, per calling account and region. The
 * limiter's key is `account:region:service`, or `account:region:service:Action` for an action
 * listed here with a rate of its own (`perActionLimits`): AWS meters some services per API
 * (Lambda) and others per service. Sources, as of writing:
 * - EC2 "Request throttling": non-mutating (Describe*) actions refill 20 tokens per second into a
 *   bucket of 100 per account and region.
 * - ELB "Request throttling for the ELB API": non-mutating Describe* actions of API version 2
 *   share a bucket of 40 tokens refilled at 10 per second, per account and region.
 * - ECS "Request throttling for the Amazon ECS API": cluster read actions (DescribeClusters,
 *   ListClusters) have a bucket of 50 refilled at 20 per second; service reads are paced the same.
 * - Lambda quotas: GetFunction 100 requests per second (cannot be increased); every other
 *   control-plane API 15 per second per API.
 * - DynamoDB "Best practices for managing the control plane": 2,500 control-plane requests per
 *   second.
 * - S3 documents its request rate per prefix of a bucket (5,500 GET/HEAD per second), not per
 *   account; its bucket-configuration reads (GetBucketLifecycleConfiguration, one per bucket)
 *   are paced at 100 per second per account, well inside that, since no tighter limit is
 *   published.
 * - STS (IAM and STS quotas): 600 requests per second per account and region; every member's
 *   AssumeRole is charged to the one account that holds the base credentials.
 * - Organizations publishes no per-operation rate, only TooManyRequestsException "sent too many
 *   requests in too short a period"; its quota is per organization, so discovery is paced at
 *   5 per second and the SDK's retryer absorbs the rest.
 * Services not listed (CloudFront, EKS, ElastiCache, the tagging API, …: none publishes a
 * control-plane rate) use the adapter's default rate; a provider that sets `requestsPerSecond`
 * sets it for every API instead.
 */
export const awsApiLimits: Readonly<Record<string, ApiLimit>> = {
  ec2: { requestsPerSecond: 20, burst: 100 },
  elasticloadbalancing: { requestsPerSecond: 10, burst: 40 },
  ecs: { requestsPerSecond: 20, burst: 50 },
  lambda: { requestsPerSecond: 15, burst: 15 },
  dynamodb: { requestsPerSecond: 2500, burst: 2500 },
  s3: { requestsPerSecond: 100, burst: 100 },
  sts: { requestsPerSecond: 600, burst: 600 },
  organizations: { requestsPerSecond: 5, burst: 5 },
};

/** Actions metered on their own, keyed `service:Action` (the SDK command's name without `Command`). */
export const perActionLimits: Readonly<Record<string, ApiLimit>> = {
  "lambda:GetFunction": { requestsPerSecond: 100, burst: 100 },
};

/** The limiter key of one call: the client's `account:region:service`, plus the action when it is metered on its own. */
export function awsLimiterKey(clientKey: string, commandName: string | undefined): string {
  if (!commandName) return clientKey;
  const service = clientKey.slice(clientKey.lastIndexOf(":") + 1);
  const action = commandName.endsWith("Command") ? commandName.slice(0, -"Command".length) : commandName;
  return perActionLimits[`${service}:${action}`] ? `${clientKey}:${action}` : clientKey;
}

/** The documented limit for a limiter key `account:region:service` or `account:region:service:Action`. */
export function awsApiLimitOf(key: string): ApiLimit | undefined {
  const [, , service, action] = key.split(":");
  if (service === undefined) return undefined;
  if (action !== undefined) return perActionLimits[`${service}:${action}`];
  return awsApiLimits[service];
}
