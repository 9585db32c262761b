import { DescribeRegionsCommand, DescribeSpotPriceHistoryCommand } from "@aws-sdk/client-ec2";
import { createRateLimiter, type RateLimiter } from "../common/rate-limiter.ts";
import { describeKind, selectReaders } from "../core/kind-reader.ts";
import { failingRead } from "../core/reads.ts";
import { type ReadFailure, runScopes, type ScopeRead } from "../core/scope-runner.ts";
import { CloudError, CredentialsRejectedError } from "../errors.ts";
import type { PriceQuery, PriceQuote, PriceSource } from "../types.ts";
import type {
  AdapterLogger,
  AdapterOptions,
  CloudAdapter,
  CostEvent,
  CostQuery,
  InventoryEvent,
  MetricEvent,
  MetricQuery,
  MetricSample,
  NormalizedCostLine,
  NormalizedResource,
  RegionInfo,
  ResourceStatusChecks,
  ScopeRef,
  StatusCheckEvent,
  StatusCheckQuery,
  StreamOptions,
} from "../types.ts";
import { toAwsError } from "./aws-errors.ts";
import { type AwsCredentialProvider, type ClientSettings, createRequestHandler, createStsClient } from "./clients.ts";
import { assumeRoleCredentials, staticCredentials, stsAssumeRole } from "./credentials.ts";
import { awsKindReaders } from "./kinds/index.ts";
import { isIsoDate, utcDate } from "./normalize-costs.ts";
import { cloudWatchTableFor } from "./metric-table.ts";
import { isValidPeriod, type MetricItem } from "./normalize-metrics.ts";
import { mergeRegions } from "./regions.ts";
import { type AccountPlan, resourceReads } from "./scope-plan.ts";
import { type AwsSession, openSession, type SessionSettings } from "./session.ts";

export interface AwsBaseCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

export interface AwsAccountConfig {
  /** The 12-digit account id; every scope and resource of this account carries it. */
  accountId: string;
  /** Reach the account through STS AssumeRole from the base credentials; omit to use them directly. */
  roleArn?: string;
  /** The ExternalId the role's trust policy demands, if any. */
  externalId?: string;
  /** RoleSessionName shown in the account's CloudTrail (default `cloudsync`). */
  sessionName?: string;
}

export interface AwsAdapterConfig extends AdapterOptions {
  /** One long-lived (or already temporary) key; accounts with a role assume it from here. */
  credentials: AwsBaseCredentials;
  accounts: readonly AwsAccountConfig[];
  /** Region for account-wide calls: STS, DescribeRegions, S3 ListBuckets. Default `us-east-1`. */
  homeRegion?: string;
  /** Lifetime asked for assumed-role sessions, in seconds. Default 3600. */
  roleSessionSeconds?: number;
  /** Renew assumed-role credentials this long before they expire. Default five minutes. */
  credentialRefreshMarginMs?: number;
  /** Clock for credential expiry; injected by tests. */
  now?: () => number;
  /**
   * Read bills per resource (GetCostAndUsageWithResources, grouped by SERVICE and RESOURCE_ID)
   * for the days AWS keeps that data (the last 14), and per service before that. Needs
   * resource-level data enabled in the Cost Explorer settings; without it the adapter logs a
   * warning and reads those days per service. Default false (each call costs $0.01).
   */
  costsByResource?: boolean;
  /**
   * Read every account's bill through this account's credentials (the organization's
   * management account, which sees its members), filtered by LINKED_ACCOUNT. Must be one of
   * `accounts`. Default: each account's bill through its own credentials, still filtered by
   * LINKED_ACCOUNT so a management account's own scope is its own spend, not the organization's.
   */
  billingAccountId?: string;
  /** Today's UTC date (`YYYY-MM-DD`) for cost windows; injected by tests. Default: the system clock. */
  today?: () => string;
}

/** What `createAwsAdapter` returns: the inventory, plus bills and CloudWatch metrics. */
export type AwsAdapter = CloudAdapter & PriceSource;

const defaults = {
  homeRegion: "us-east-1",
  timeoutMs: 30_000,
  maxAttempts: 5,
  requestsPerSecond: 20,
  concurrency: 8,
  roleSessionSeconds: 3600,
};

/** Cost Explorer has one endpoint, in us-east-1, whatever the account's regions. */
const costExplorerRegion = "us-east-1";

export function createAwsAdapter(config: AwsAdapterConfig): AwsAdapter {
  validate(config);
  const homeRegion = config.homeRegion ?? defaults.homeRegion;
  const timeoutMs = config.timeoutMs ?? defaults.timeoutMs;
  const maxAttempts = config.maxAttempts ?? defaults.maxAttempts;
  const concurrency = config.concurrency ?? defaults.concurrency;
  const limiter: RateLimiter = createRateLimiter({ requestsPerSecond: config.requestsPerSecond ?? defaults.requestsPerSecond });
  const secrets = [config.credentials.secretAccessKey, config.credentials.sessionToken];
  const logger = config.logger;
  const providers = credentialProviders(config, homeRegion, { maxAttempts, timeoutMs, limiter });
  const sessionSettings: SessionSettings = {
    endpoint: config.endpoint,
    maxAttempts,
    timeoutMs,
    limiter,
    onThrottle: config.onThrottle,
    credentialsOf: (account) => providers.get(account) as AwsCredentialProvider,
  };

  const errorFor = (error: unknown, account: string, region: string, operation: string): CloudError =>
    toAwsError(error, { account, region, operation, secrets, maxAttempts, timeoutMs });
  /** A refusal is reported under the account whose credentials were refused (the billing account's, for its members' bills). */
  const toError =
    (regionOf: (scope: ScopeRef) => string) =>
    (error: unknown, f: ReadFailure<unknown>): CloudError => {
      const region = regionOf(f.read.scopes[0] as ScopeRef);
      const failure = errorFor(error, f.account, region, f.operation);
      if (failure instanceof CredentialsRejectedError && f.credentialAccount !== f.account) {
        return errorFor(error, f.credentialAccount, region, f.operation);
      }
      return failure;
    };
  const run = <T, P>(stream: string, signal: AbortSignal | undefined, page: (scope: ScopeRef, items: T[]) => P, region = (s: ScopeRef) => s.region) => ({
    cloud: "aws" as const,
    stream,
    concurrency,
    signal,
    logger,
    toError: toError(region),
    page,
  });

  async function enabledRegions(session: AwsSession, account: string, signal: AbortSignal | undefined): Promise<string[]> {
    const out = await session
      .clientsFor(account, homeRegion)
      .ec2()
      .send(new DescribeRegionsCommand({ AllRegions: false }), { abortSignal: signal });
    return (out.Regions ?? []).map((r) => r.RegionName).filter((n): n is string => !!n);
  }

  async function planAccounts(session: AwsSession, signal: AbortSignal | undefined): Promise<AccountPlan[]> {
    const configured = config.regions;
    if (configured) return config.accounts.map((a) => ({ account: a.accountId, regions: configured }));
    return Promise.all(
      config.accounts.map(async (a): Promise<AccountPlan> => {
        try {
          return { account: a.accountId, regions: await enabledRegions(session, a.accountId, signal) };
        } catch (error) {
          return { account: a.accountId, failure: errorFor(error, a.accountId, homeRegion, "DescribeRegions") };
        }
      }),
    );
  }

  async function* streamResources(options: StreamOptions = {}): AsyncGenerator<InventoryEvent> {
    // Engine-specific RDS kinds (`rds_postgres`) select the `rds_instance` reader, which lists
    // every engine: RDS cannot filter a page by engine cheaply.
    const readers = selectReaders(awsKindReaders, options.kinds, "AWS", (k) => (k.startsWith("rds_") ? "rds_instance" : k));
    const signal = options.signal;
    const session = openSession(sessionSettings, signal);
    try {
      const plans = await planAccounts(session, signal);
      const reads = resourceReads(plans, readers, session, { homeRegion, pageSize: config.pageSize });
      yield* runScopes(reads, run("resources", signal, (scope, resources: NormalizedResource[]): InventoryEvent => ({ type: "page", scope, resources })));
    } finally {
      session.close();
    }
  }

  async function* streamCosts(query: CostQuery): AsyncGenerator<CostEvent> {
    if (!isIsoDate(query.start) || !isIsoDate(query.end) || query.start > query.end) {
      throw new RangeError(`AWS costs: start and end must be YYYY-MM-DD days with start <= end, got ${query.start}..${query.end}`);
    }
    const signal = query.signal;
    const today = config.today?.() ?? utcDate(Date.now());
    // Loaded here, with Cost Explorer's SDK, so that inventory-only processes never load either.
    const { costExplorerApi, costRead } = await import("./costs.ts");
    const session = openSession(sessionSettings, signal);
    try {
      const reads = config.accounts.map((a) => {
        const via = config.billingAccountId ?? a.accountId;
        return costRead({
          scope: { cloud: "aws", account: a.accountId, region: "global", kind: "costs" },
          credentialAccount: via,
          api: costExplorerApi(() => session.clientsFor(via, costExplorerRegion).ce()),
          start: query.start,
          end: query.end,
          today,
          byResource: config.costsByResource ?? false,
          logger,
        });
      });
      yield* runScopes(
        reads,
        run("costs", signal, (scope, lines: NormalizedCostLine[]): CostEvent => ({ type: "cost_page", scope, lines }), () => costExplorerRegion),
      );
    } finally {
      session.close();
    }
  }

  async function* streamMetrics(query: MetricQuery): AsyncGenerator<MetricEvent> {
    const period = query.periodSeconds ?? 300;
    const start = new Date(query.start);
    const end = new Date(query.end);
    if (!isValidPeriod(period)) throw new RangeError(`AWS metrics: periodSeconds must be 1, 5, 10, 30 or a multiple of 60, got ${period}`);
    if (!(start.getTime() < end.getTime())) throw new RangeError("AWS metrics: start must be a valid time before end");
    const signal = query.signal;
    const scopes = planMetricScopes(query.targets, logger);
    // Loaded here, with CloudWatch's SDK, so that inventory-only processes never load either.
    const { cloudWatchApi, metricRead } = await import("./metrics.ts");
    const session = openSession(sessionSettings, signal);
    try {
      const reads = scopes.map(({ account, region, items, unreadable }): ScopeRead<MetricSample> => {
        const scope: ScopeRef = { cloud: "aws", account, region, kind: "metrics" };
        if (!providers.has(account)) {
          const error = new CloudError("aws", `aws metrics for account ${account}: the adapter is not configured for this account.`, { account });
          return failingRead(scope, "GetMetricData", error);
        }
        return metricRead({
          scope,
          api: cloudWatchApi(() => session.clientsFor(account, region).cloudwatch()),
          items: [...items.values()],
          unreadable,
          start,
          end,
          periodSeconds: period,
          maxDatapoints: config.pageSize,
          logger,
        });
      });
      yield* runScopes(reads, run("metrics", signal, (scope, samples: MetricSample[]): MetricEvent => ({ type: "metric_page", scope, samples })));
    } finally {
      session.close();
    }
  }

  async function* streamStatusChecks(query: StatusCheckQuery): AsyncGenerator<StatusCheckEvent> {
    const signal = query.signal;
    const scopes = planStatusCheckScopes(query.targets, statusCheckKinds, logger);
    const { instanceStatusApi, statusCheckRead } = await import("./status-checks.ts");
    const session = openSession(sessionSettings, signal);
    try {
      const reads = scopes.map(({ account, region, ids }): ScopeRead<ResourceStatusChecks> => {
        const scope: ScopeRef = { cloud: "aws", account, region, kind: "status_checks" };
        if (!providers.has(account)) {
          const error = new CloudError("aws", `aws status checks for account ${account}: the adapter is not configured for this account.`, { account });
          return failingRead(scope, "DescribeInstanceStatus", error);
        }
        return statusCheckRead({ scope, api: instanceStatusApi(() => session.clientsFor(account, region).ec2()), instanceIds: [...ids] });
      });
      yield* runScopes(
        reads,
        run("status_checks", signal, (scope, statuses: ResourceStatusChecks[]): StatusCheckEvent => ({ type: "status_page", scope, statuses })),
      );
    } finally {
      session.close();
    }
  }

  return {
    cloud: "aws",
    accounts: config.accounts.map((a) => a.accountId),
    kinds: awsKinds,
    async listRegions(): Promise<RegionInfo[]> {
      const first = config.accounts[0] as AwsAccountConfig;
      const session = openSession(sessionSettings, undefined);
      try {
        return mergeRegions(await enabledRegions(session, first.accountId, undefined));
      } catch (error) {
        throw errorFor(error, first.accountId, homeRegion, "DescribeRegions");
      } finally {
        session.close();
      }
    },
    streamResources,
    streamCosts,
    streamMetrics,
    streamStatusChecks,
    listPrices,
  };

  /**
   * Price List GetProducts (its endpoint is us-east-1, like Cost Explorer's) for on-demand and
   * one-year prices, and each enabled region's spot prices from EC2 DescribeSpotPriceHistory.
   */
  async function listPrices(query: PriceQuery): Promise<PriceQuote[]> {
    const signal = query.signal;
    // Loaded here, with the Price List SDK, so that syncs never load either.
    const { priceListApi, readAwsPrices, spotQuotes } = await import("./prices.ts");
    const { PricingClient } = await import("@aws-sdk/client-pricing");
    const first = config.accounts[0] as AwsAccountConfig;
    const session = openSession(sessionSettings, signal);
    try {
      const api = priceListApi(async () => session.clientsFor(first.accountId, costExplorerRegion).client("pricing", (c) => new PricingClient(c)), config.pageSize);
      const quotes = await readAwsPrices(api, query).catch((error: unknown) => {
        throw errorFor(error, first.accountId, costExplorerRegion, "GetProducts");
      });
      if (query.computeSizes.length === 0) return quotes;
      const regions = config.regions ?? (await enabledRegions(session, first.accountId, signal));
      for (const region of regions) {
        const ec2 = session.clientsFor(first.accountId, region).ec2();
        const rows: { instanceType: string; zone: string; price: string; timestamp: string }[] = [];
        let token: string | undefined;
        try {
          do {
            const out = await ec2.send(
              new DescribeSpotPriceHistoryCommand({
                InstanceTypes: [...query.computeSizes] as never,
                ProductDescriptions: ["Linux/UNIX"],
                // A start time of now asks for the price in force now, one entry per zone and type.
                StartTime: new Date(),
                ...(token ? { NextToken: token } : {}),
              }),
              { abortSignal: signal },
            );
            for (const h of out.SpotPriceHistory ?? []) {
              if (h.InstanceType && h.AvailabilityZone && h.SpotPrice) {
                rows.push({ instanceType: h.InstanceType, zone: h.AvailabilityZone, price: h.SpotPrice, timestamp: h.Timestamp?.toISOString() ?? "" });
              }
            }
            token = out.NextToken || undefined;
          } while (token);
        } catch (error) {
          throw errorFor(error, first.accountId, region, "DescribeSpotPriceHistory");
        }
        quotes.push(...spotQuotes(region, rows));
      }
      return quotes;
    } finally {
      session.close();
    }
  }
}

/** What consumers may know of AWS's kinds. */
const awsKinds = awsKindReaders.map(describeKind);
/** The kinds EC2's status checks cover. */
const statusCheckKinds: ReadonlySet<string> = new Set(["ec2_instance"]);

/**
 * Long-lived credentials per account: assumed-role sessions survive from one sync to the next.
 * STS sockets are not kept alive: AssumeRole runs about once an hour per account.
 */
function credentialProviders(
  config: AwsAdapterConfig,
  homeRegion: string,
  settings: { maxAttempts: number; timeoutMs: number; limiter: RateLimiter },
): Map<string, AwsCredentialProvider> {
  const stsSettings: ClientSettings = {
    endpoint: config.endpoint,
    maxAttempts: settings.maxAttempts,
    timeoutMs: settings.timeoutMs,
    requestHandler: createRequestHandler(settings.timeoutMs, false),
    limiter: settings.limiter,
    signal: undefined,
    onThrottle: config.onThrottle,
  };
  const assume = stsAssumeRole(createStsClient(homeRegion, { ...config.credentials }, stsSettings));
  return new Map<string, AwsCredentialProvider>(
    config.accounts.map((a) => [
      a.accountId,
      a.roleArn
        ? assumeRoleCredentials(
            assume,
            {
              account: a.accountId,
              roleArn: a.roleArn,
              sessionName: a.sessionName ?? "cloudsync",
              durationSeconds: config.roleSessionSeconds ?? defaults.roleSessionSeconds,
              ...(a.externalId ? { externalId: a.externalId } : {}),
            },
            {
              ...(config.now ? { now: config.now } : {}),
              ...(config.credentialRefreshMarginMs !== undefined ? { refreshMarginMs: config.credentialRefreshMarginMs } : {}),
            },
          )
        : staticCredentials(config.credentials),
    ]),
  );
}

interface MetricScopePlan {
  account: string;
  region: string;
  items: Map<string, MetricItem>;
  unreadable: { itemId: string; reason: string }[];
}

/**
 * Metric targets by account × the region whose CloudWatch holds their series (CloudFront's is
 * us-east-1), each resource once; targets of kinds without metrics are dropped (logged), and a
 * target whose id names no CloudWatch dimensions is reported as skipped in its scope.
 */
function planMetricScopes(
  targets: MetricQuery["targets"],
  logger: AdapterLogger | undefined,
): MetricScopePlan[] {
  const scopes = new Map<string, MetricScopePlan>();
  let ignored = 0;
  for (const t of targets) {
    const table = cloudWatchTableFor(t.kind);
    if (!table) {
      ignored += 1;
      continue;
    }
    const region = table.region ?? t.regionCode;
    const key = `${t.account}|${region}`;
    const entry: MetricScopePlan = scopes.get(key) ?? { account: t.account, region, items: new Map(), unreadable: [] };
    scopes.set(key, entry);
    const identity = table.identify(t.resourceId);
    if (typeof identity === "string") entry.unreadable.push({ itemId: t.resourceId, reason: identity });
    else entry.items.set(t.resourceId, { resourceId: t.resourceId, table, identity });
  }
  if (ignored > 0) logger?.debug({ ignored }, "aws metrics: targets of kinds without CloudWatch metrics ignored");
  return [...scopes.values()];
}

/** Status-check targets by account × region, of the kinds EC2's checks cover; the rest are dropped (logged). */
function planStatusCheckScopes(
  targets: StatusCheckQuery["targets"],
  kinds: ReadonlySet<string>,
  logger: AdapterLogger | undefined,
): { account: string; region: string; ids: Set<string> }[] {
  const scopes = new Map<string, { account: string; region: string; ids: Set<string> }>();
  let ignored = 0;
  for (const t of targets) {
    if (!kinds.has(t.kind)) {
      ignored += 1;
      continue;
    }
    const key = `${t.account}|${t.regionCode}`;
    const entry = scopes.get(key) ?? { account: t.account, region: t.regionCode, ids: new Set<string>() };
    entry.ids.add(t.resourceId);
    scopes.set(key, entry);
  }
  if (ignored > 0) logger?.debug({ ignored }, "aws status checks: targets of kinds without EC2 status checks ignored");
  return [...scopes.values()];
}

function validate(config: AwsAdapterConfig): void {
  if (!config.credentials?.accessKeyId || !config.credentials.secretAccessKey) {
    throw new TypeError("AWS adapter: credentials.accessKeyId and credentials.secretAccessKey are required.");
  }
  if (config.accounts.length === 0) throw new TypeError("AWS adapter: list at least one account to read.");
  const seen = new Set<string>();
  for (const a of config.accounts) {
    if (!/^\d{12}$/.test(a.accountId)) {
      throw new TypeError(`AWS adapter: account id ${JSON.stringify(a.accountId)} is not a 12-digit AWS account id.`);
    }
    if (seen.has(a.accountId)) throw new TypeError(`AWS adapter: account ${a.accountId} is listed twice.`);
    seen.add(a.accountId);
    if (a.roleArn !== undefined && !/^arn:aws[a-z-]*:iam::\d{12}:role\/.+/.test(a.roleArn)) {
      throw new TypeError(`AWS adapter: roleArn for account ${a.accountId} is not an IAM role ARN (arn:aws:iam::ACCOUNT:role/NAME).`);
    }
  }
  if (config.billingAccountId !== undefined && !seen.has(config.billingAccountId)) {
    throw new TypeError(`AWS adapter: billingAccountId ${config.billingAccountId} must be one of the configured accounts.`);
  }
}
