import { Agent as HttpAgent } from "node:http";
import { Agent as HttpsAgent } from "node:https";
import type { CloudWatchClient } from "@aws-sdk/client-cloudwatch";
import type { CostExplorerClient } from "@aws-sdk/client-cost-explorer";
import type { EC2Client } from "@aws-sdk/client-ec2";
import type { ElasticLoadBalancingV2Client } from "@aws-sdk/client-elastic-load-balancing-v2";
import type { RDSClient } from "@aws-sdk/client-rds";
import type { S3Client } from "@aws-sdk/client-s3";
import type { STSClient } from "@aws-sdk/client-sts";
import { NodeHttpHandler } from "@smithy/node-http-handler";
import type { RateLimiter } from "../common/rate-limiter.ts";
import { awsLimiterKey } from "./api-limits.ts";
import { isThrottle } from "./aws-errors.ts";
import { awsSdk } from "./sdk.ts";

/** Credentials as the SDK's identity providers return them (kept local: no @smithy/types import). */
export interface AwsCredentialIdentity {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
  expiration?: Date;
}
export type AwsCredentialProvider = () => Promise<AwsCredentialIdentity>;

export type AwsServiceName = "ec2" | "elasticloadbalancing" | "rds" | "s3" | "ce" | "monitoring";

/** The SDK clients one scope may use, all bound to one account and one signing region. */
export interface AwsServiceClients {
  ec2(): EC2Client;
  elb(): ElasticLoadBalancingV2Client;
  rds(): RDSClient;
  s3(): S3Client;
  /**
   * Cost Explorer; its only endpoint is us-east-1, so make these clients for that region.
   * This SDK and CloudWatch's are imported on first use: an inventory sync never loads them.
   */
  ce(): Promise<CostExplorerClient>;
  cloudwatch(): Promise<CloudWatchClient>;
  /**
   * The client of any other service, made on first use with the same settings, rate limit
   * (keyed by `service`) and error naming: a new kind's file makes its own SDK client, e.g.
   * `ctx.clients.client("lambda", (config) => new LambdaClient(config))`.
   */
  client<C extends { middlewareStack: object }>(service: string, make: (config: AwsClientConfig) => C): C;
  /**
   * Forgets this service's client (`ec2`, `elasticloadbalancing`, `rds`, `s3`, `ce`,
   * `monitoring`, or a name given to `client`); the next use makes a new one. A call in flight
   * keeps the client it holds. The client is not `destroy()`ed: that would close the socket
   * pool every client of the adapter shares.
   */
  release(service: string): void;
  /** The services whose client is made and not released (the adapter's own accounting). */
  services(): string[];
}

/** What every client of one account and region is made with. */
export type AwsClientConfig = ReturnType<typeof baseConfig>;

export interface ClientSettings {
  endpoint: string | undefined;
  maxAttempts: number;
  timeoutMs: number;
  requestHandler: NodeHttpHandler;
  limiter: RateLimiter | undefined;
  signal: AbortSignal | undefined;
  /** See AdapterOptions.onThrottle. */
  onThrottle?: (() => void) | undefined;
}

export function createRequestHandler(timeoutMs: number, keepAlive: boolean): NodeHttpHandler {
  return new NodeHttpHandler({
    connectionTimeout: Math.min(timeoutMs, 10_000),
    requestTimeout: timeoutMs,
    // Without this the SDK only logs a warning when requestTimeout passes.
    throwOnRequestTimeout: true,
    socketTimeout: timeoutMs,
    httpAgent: new HttpAgent({ keepAlive, maxSockets: 64 }),
    httpsAgent: new HttpsAgent({ keepAlive, maxSockets: 64 }),
  });
}

/**
 * Settings every client shares: the SDK's own standard retryer (exponential backoff with full
 * jitter, throttles and 5xx retried, 401/403 not), one shared socket pool, and explicit
 * endpoint settings so nothing is picked up from the environment by accident.
 */
function baseConfig(region: string, credentials: AwsCredentialProvider, settings: ClientSettings) {
  return {
    region,
    credentials,
    maxAttempts: settings.maxAttempts,
    retryMode: "standard",
    requestHandler: settings.requestHandler,
    useFipsEndpoint: false,
    useDualstackEndpoint: false,
    ...(settings.endpoint ? { endpoint: settings.endpoint } : {}),
  } as const;
}

/** The part of a client's middleware stack used here; each client types it for its own I/O. */
interface LooseStack {
  add(middleware: unknown, options: Record<string, unknown>): void;
  addRelativeTo(middleware: unknown, options: Record<string, unknown>): void;
}

/**
 * Two middlewares on every client: a token from the per-scope rate limiter before each attempt
 * (placed after the retryer, so retries are paced too), and the operation name attached to any
 * error so a failed scope can say which call failed.
 */
function instrument<C extends { middlewareStack: object }>(client: C, limiterKey: string, settings: ClientSettings): C {
  const { limiter, signal } = settings;
  const stack = client.middlewareStack as unknown as LooseStack;
  if (limiter) {
    stack.addRelativeTo(
      (next: (args: unknown) => Promise<unknown>, context: { commandName?: string }) => {
        // Resolved once per call: most services are metered as a whole, a few per action.
        const key = awsLimiterKey(limiterKey, context.commandName);
        return async (args: unknown) => {
          await limiter.acquire(key, signal);
          return next(args);
        };
      },
      { name: "cloudsyncRateLimit", relation: "after", toMiddleware: "retryMiddleware" },
    );
  }
  const { onThrottle } = settings;
  if (onThrottle) {
    // After the retryer, like the rate limit: it sees every attempt, including retried throttles.
    stack.addRelativeTo(
      (next: (args: unknown) => Promise<unknown>) => async (args: unknown) => {
        try {
          return await next(args);
        } catch (error) {
          if (isThrottle(error)) onThrottle();
          throw error;
        }
      },
      { name: "cloudsyncThrottleCount", relation: "after", toMiddleware: "retryMiddleware" },
    );
  }
  stack.add(
    (next: (args: unknown) => Promise<unknown>, context: { commandName?: string }) => async (args: unknown) => {
      try {
        return await next(args);
      } catch (error) {
        if (error && typeof error === "object" && !("cloudsyncOperation" in error)) {
          Object.defineProperty(error, "cloudsyncOperation", { value: context.commandName, enumerable: false });
        }
        throw error;
      }
    },
    { step: "initialize", name: "cloudsyncOperationName", priority: "high" },
  );
  return client;
}

/** Clients are made on first use and shared by every scope of the same account and region. */
export function createServiceClients(
  account: string,
  region: string,
  credentials: AwsCredentialProvider,
  settings: ClientSettings,
): AwsServiceClients {
  let ec2: EC2Client | undefined;
  let elb: ElasticLoadBalancingV2Client | undefined;
  let rds: RDSClient | undefined;
  let s3: S3Client | undefined;
  let ce: Promise<CostExplorerClient> | undefined;
  let cloudwatch: Promise<CloudWatchClient> | undefined;
  const key = (service: string) => `${account}:${region}:${service}`;
  const others = new Map<string, unknown>();
  return {
    release(service: string): void {
      if (service === "ec2") ec2 = undefined;
      else if (service === "elasticloadbalancing") elb = undefined;
      else if (service === "rds") rds = undefined;
      else if (service === "s3") s3 = undefined;
      else if (service === "ce") ce = undefined;
      else if (service === "monitoring") cloudwatch = undefined;
      else others.delete(service);
    },
    services(): string[] {
      const named: [string, unknown][] = [
        ["ec2", ec2],
        ["elasticloadbalancing", elb],
        ["rds", rds],
        ["s3", s3],
        ["ce", ce],
        ["monitoring", cloudwatch],
      ];
      return [...named.filter(([, c]) => c !== undefined).map(([name]) => name), ...others.keys()];
    },
    client<C extends { middlewareStack: object }>(service: string, make: (config: AwsClientConfig) => C): C {
      let made = others.get(service) as C | undefined;
      if (!made) {
        made = instrument(make(baseConfig(region, credentials, settings)), key(service), settings);
        others.set(service, made);
      }
      return made;
    },
    ec2: () => (ec2 ??= instrument(new (awsSdk("@aws-sdk/client-ec2").EC2Client)(baseConfig(region, credentials, settings)), key("ec2"), settings)),
    elb: () =>
      (elb ??= instrument(
        new (awsSdk("@aws-sdk/client-elastic-load-balancing-v2").ElasticLoadBalancingV2Client)(baseConfig(region, credentials, settings)),
        key("elasticloadbalancing"),
        settings,
      )),
    rds: () => (rds ??= instrument(new (awsSdk("@aws-sdk/client-rds").RDSClient)(baseConfig(region, credentials, settings)), key("rds"), settings)),
    s3: () =>
      (s3 ??= instrument(
        // Path-style keeps bucket names out of the host name, which emulators and private endpoints need.
        // Per-bucket calls (GetBucketLifecycleConfiguration) go to buckets of every region: follow
        // S3's redirect to the bucket's own region instead of failing on it.
        new (awsSdk("@aws-sdk/client-s3").S3Client)({ ...baseConfig(region, credentials, settings), forcePathStyle: true, followRegionRedirects: true }),
        key("s3"),
        settings,
      )),
    ce: () =>
      (ce ??= Promise.resolve().then(() =>
        instrument(new (awsSdk("@aws-sdk/client-cost-explorer").CostExplorerClient)(baseConfig(region, credentials, settings)), key("ce"), settings),
      )),
    cloudwatch: () =>
      (cloudwatch ??= Promise.resolve().then(() =>
        instrument(new (awsSdk("@aws-sdk/client-cloudwatch").CloudWatchClient)(baseConfig(region, credentials, settings)), key("monitoring"), settings),
      )),
  };
}

export function createStsClient(region: string, credentials: AwsCredentialIdentity, settings: ClientSettings): STSClient {
  const fixed: AwsCredentialProvider = async () => credentials;
  return instrument(new (awsSdk("@aws-sdk/client-sts").STSClient)(baseConfig(region, fixed, settings)), `base:${region}:sts`, settings);
}
