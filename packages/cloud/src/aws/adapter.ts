import type { NodeHttpHandler } from "@smithy/node-http-handler";
import { createRateLimiter, type RateLimiter } from "../common/rate-limiter.ts";
import { describeKind, selectReaders } from "../core/kind-reader.ts";
import { failingRead } from "../core/reads.ts";
import { type ReadFailure, runScopes, type ScopeRead } from "../core/scope-runner.ts";
import { CloudError, CredentialsRejectedError } from "../errors.ts";
import type { DeploymentEvent, DeploymentQuery, DeploymentSource, NormalizedDeployment } from "../deployments/types.ts";
import type { BackupEvent, BackupQuery, BackupRecord, BackupSource, PriceQuery, PriceQuote, PriceSource } from "../types.ts";
import type {
  AccountDiscovery,
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
import { type AwsCredentialProvider, type AwsServiceClients, type ClientSettings, createRequestHandler, createStsClient } from "./clients.ts";
import type { AutoScalingGroupsApi } from "./status-checks.ts";
import { assumeRoleCredentials, staticCredentials, stsAssumeRole } from "./credentials.ts";
import { awsKindReaders } from "./kinds/index.ts";
import { isIsoDate, utcDate } from "./normalize-costs.ts";
import { cloudWatchTableFor } from "./metric-table.ts";
import { isValidPeriod, type MetricItem } from "./normalize-metrics.ts";
import { mergeRegions } from "./regions.ts";
import { awsApiLimitOf } from "./api-limits.ts";
import { type AwsOrganizationConfig, discoverAwsOrganization, memberRole } from "./organization.ts";
import { type AccountPlan, resourceReads } from "./scope-plan.ts";
import { type AwsSession, openSession, type SessionSettings } from "./session.ts";
import { awsSdk } from "./sdk.ts";

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
  /** Accounts read as listed; with `organization`, these are read besides (and configured over) the discovered ones. */
  accounts: readonly AwsAccountConfig[];
  /**
   * Read every member of the AWS organization the base credentials manage (management or
   * delegated administrator account): discovered with ListAccounts at the start of each
   * resource stream, each reached through `roleName`.
   */
  organization?: AwsOrganizationConfig;
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

/**
 * What `createAwsAdapter` returns: the inventory, plus bills and CloudWatch metrics; `close()`
 * ends its kept-alive connections (idle ones are unref'd and do not keep a process alive).
 */
export type AwsAdapter = CloudAdapter & PriceSource & DeploymentSource & BackupSource & { close(): Promise<void> };

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
  // Each API's documented rate paces it unless the provider sets its own rate, which then
  // applies to every API (an operator who raised a quota, or a test with no time to wait).
  const limiter: RateLimiter = createRateLimiter({
    requestsPerSecond: config.requestsPerSecond ?? defaults.requestsPerSecond,
    ...(config.requestsPerSecond === undefined ? { limitOf: awsApiLimitOf } : {}),
  });
  const secrets = [config.credentials.secretAccessKey, config.credentials.sessionToken];
  const logger = config.logger;
  // One keep-alive socket pool for the adapter's life, shared by its streams and STS calls.
  const requestHandler = createRequestHandler(timeoutMs, true);
  const providers = credentialProviders(config, homeRegion, { maxAttempts, timeoutMs, limiter, requestHandler });
  /** Accounts the last discovery found active, besides the configured ones. */
  let discovered: readonly string[] = [];
  let attempted = false;
  const sessionSettings: SessionSettings = {
    endpoint: config.endpoint,
    maxAttempts,
    timeoutMs,
    limiter,
    requestHandler,
    onThrottle: config.onThrottle,
    credentialsOf: (account) => providers.get(account),
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
      .send(new (awsSdk("@aws-sdk/client-ec2").DescribeRegionsCommand)({ AllRegions: false }), { abortSignal: signal });
    return (out.Regions ?? []).map((r) => r.RegionName).filter((n): n is string => !!n);
  }

  async function planAccounts(session: AwsSession, accounts: readonly string[], signal: AbortSignal | undefined): Promise<AccountPlan[]> {
    const configured = config.regions;
    if (configured) return accounts.map((account) => ({ account, regions: configured }));
    return Promise.all(
      accounts.map(async (account): Promise<AccountPlan> => {
        try {
          return { account, regions: await enabledRegions(session, account, signal) };
        } catch (error) {
          return { account, failure: errorFor(error, account, homeRegion, "DescribeRegions") };
        }
      }),
    );
  }

  /**
   * The organization's members. Organizations has one endpoint, in us-east-1, and is called
   * with the base credentials. A failure reads only the configured accounts from then on.
   */
  async function discoverAccounts(options: { signal?: AbortSignal } = {}): Promise<AccountDiscovery | null> {
    const organization = config.organization;
    if (!organization) return null;
    attempted = true;
    const session = openSession(sessionSettings, options.signal);
    try {
      const found = await discoverAwsOrganization(session.clientsFor(organizationKey, organizationsRegion), organization, options.signal);
      discovered = found.accounts.filter((a) => a.state === "active").map((a) => a.account);
      return found;
    } catch (error) {
      discovered = [];
      throw errorFor(error, "the organization's management account", organizationsRegion, "ListAccounts");
    } finally {
      session.close();
    }
  }

  /** A stream of an adapter whose discovery was never asked for discovers first; a failure is logged, not thrown. */
  async function ensureDiscovered(signal: AbortSignal | undefined): Promise<void> {
    if (!config.organization || attempted) return;
    await discoverAccounts(signal ? { signal } : {}).catch((error: unknown) =>
      logger?.warn({ err: error instanceof Error ? error.message : String(error) }, "aws organization discovery failed; reading the configured accounts only"),
    );
  }

  /** Configured accounts first, then the discovered ones not configured. */
  const accountsToRead = (): string[] => [...new Set([...config.accounts.map((a) => a.accountId), ...discovered])];

  async function* streamResources(options: StreamOptions = {}): AsyncGenerator<InventoryEvent> {
    // Engine-specific RDS kinds (`rds_postgres`) select the `rds_instance` reader, which lists
    // every engine: RDS cannot filter a page by engine cheaply.
    const readers = selectReaders(awsKindReaders, options.kinds, "AWS", (k) => (k.startsWith("rds_") ? "rds_instance" : k));
    const signal = options.signal;
    if (!options.accounts) await ensureDiscovered(signal);
    const session = openSession(sessionSettings, signal);
    try {
      const plans = await planAccounts(session, options.accounts ? [...new Set(options.accounts)] : accountsToRead(), signal);
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
    // A cost sync discovers too, so members' bills are read without a resource sync first.
    await ensureDiscovered(signal);
    const session = openSession(sessionSettings, signal);
    try {
      const reads = accountsToRead().map((accountId) => {
        const via = config.billingAccountId ?? accountId;
        return costRead({
          scope: { cloud: "aws", account: accountId, region: "global", kind: "costs" },
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
        if (!providers.knows(account)) {
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
    const { autoScalingGroupCheckRead, instanceStatusApi, statusCheckRead } = await import("./status-checks.ts");
    const session = openSession(sessionSettings, signal);
    try {
      const reads = scopes.map(({ account, region, kind, ids }): ScopeRead<ResourceStatusChecks> => {
        // EC2's checks keep their scope kind (`status_checks`); each other kind's check is its own scope.
        const scope: ScopeRef = { cloud: "aws", account, region, kind: kind === "ec2_instance" ? "status_checks" : `${kind}_status_checks` };
        const operation = kind === "ec2_instance" ? "DescribeInstanceStatus" : "DescribeAutoScalingGroups";
        if (!providers.knows(account)) {
          const error = new CloudError("aws", `aws status checks for account ${account}: the adapter is not configured for this account.`, { account });
          return failingRead(scope, operation, error);
        }
        if (kind === "autoscaling_group") {
          return autoScalingGroupCheckRead({ scope, api: autoScalingGroupsApi(() => session.clientsFor(account, region)), groupArns: [...ids] });
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

  /** CloudFormation stacks, one read per account × enabled region (stacks are regional). */
  async function* streamDeployments(query: DeploymentQuery = {}): AsyncGenerator<DeploymentEvent> {
    const signal = query.signal;
    // Loaded here, with CloudFormation's SDK, so that inventory-only processes never load either.
    const { cloudFormationApi, stackRead } = await import("./deployments.ts");
    const { CloudFormationClient } = awsSdk("@aws-sdk/client-cloudformation");
    await ensureDiscovered(signal);
    const session = openSession(sessionSettings, signal);
    try {
      const plans = await planAccounts(session, accountsToRead(), signal);
      const reads = plans.flatMap((plan): ScopeRead<NormalizedDeployment>[] => {
        if ("failure" in plan) return [failingRead({ cloud: "aws", account: plan.account, region: "*", kind: "deployments" }, "DescribeRegions", plan.failure)];
        return plan.regions.map((region) =>
          stackRead({
            scope: { cloud: "aws", account: plan.account, region, kind: "deployments" },
            api: cloudFormationApi(() => session.clientsFor(plan.account, region).client("cloudformation", (c) => new CloudFormationClient(c))),
          }),
        );
      });
      yield* runScopes(reads, run("deployments", signal, (scope, deployments: NormalizedDeployment[]): DeploymentEvent => ({ type: "deployment_page", scope, deployments })));
    } finally {
      session.close();
    }
  }

  /**
   * AWS Backup plans, selections and jobs, one read per account and enabled region (the service
   * is regional), the EBS snapshots each account owns there (scope kind `ebs_snapshots`), and
   * RDS's automated backups and DB snapshots (scope kind `rds_snapshots`). The Backup SDK and
   * the snapshot readers load here, on the first backup read; RDS's SDK is the inventory's.
   */
  async function* streamBackups(query: BackupQuery): AsyncGenerator<BackupEvent> {
    const signal = query.signal;
    const [{ backupRead }, { ebsSnapshotRead }, { rdsBackupRead }] = await Promise.all([
      import("./backups.ts"),
      import("./snapshots.ts"),
      import("./rds-backups.ts"),
    ]);
    const { BackupClient } = awsSdk("@aws-sdk/client-backup");
    await ensureDiscovered(signal);
    const session = openSession(sessionSettings, signal);
    try {
      const plans = await planAccounts(session, accountsToRead(), signal);
      const reads = plans.flatMap((plan): ScopeRead<BackupRecord>[] => {
        if ("failure" in plan) {
          return [failingRead({ cloud: "aws", account: plan.account, region: "*", kind: "backups" }, "DescribeRegions", plan.failure)];
        }
        return plan.regions.flatMap((region) => [
          backupRead({
            scope: { cloud: "aws", account: plan.account, region, kind: "backups" },
            client: () => session.clientsFor(plan.account, region).client("backup", (c) => new BackupClient(c)),
            since: query.since,
            pageSize: config.pageSize,
          }),
          ebsSnapshotRead({
            scope: { cloud: "aws", account: plan.account, region, kind: "ebs_snapshots" },
            client: () => session.clientsFor(plan.account, region).ec2(),
            pageSize: config.pageSize,
          }),
          rdsBackupRead({
            scope: { cloud: "aws", account: plan.account, region, kind: "rds_snapshots" },
            client: () => session.clientsFor(plan.account, region).rds(),
            now: () => query.now ?? new Date(),
            pageSize: config.pageSize,
          }),
        ]);
      });
      yield* runScopes(reads, run("backups", signal, (scope, records: BackupRecord[]): BackupEvent => ({ type: "backup_page", scope, records })));
    } finally {
      session.close();
    }
  }

  return {
    cloud: "aws",
    get accounts() {
      return accountsToRead();
    },
    kinds: awsKinds,
    async listRegions(): Promise<RegionInfo[]> {
      // Without configured accounts, the organization's management account answers.
      const first = config.accounts[0]?.accountId ?? organizationKey;
      const session = openSession(sessionSettings, undefined);
      try {
        return mergeRegions(await enabledRegions(session, first, undefined));
      } catch (error) {
        throw errorFor(error, first, homeRegion, "DescribeRegions");
      } finally {
        session.close();
      }
    },
    discoverAccounts,
    streamResources,
    streamCosts,
    streamMetrics,
    streamStatusChecks,
    streamDeployments,
    streamBackups,
    listPrices,
    async close() {
      requestHandler.destroy();
    },
  };

  /**
   * Price List GetProducts (its endpoint is us-east-1, like Cost Explorer's) for on-demand and
   * one-year prices, and each enabled region's spot prices from EC2 DescribeSpotPriceHistory.
   */
  async function listPrices(query: PriceQuery): Promise<PriceQuote[]> {
    const signal = query.signal;
    // Loaded here, with the Price List SDK, so that syncs never load either.
    const { priceListApi, readAwsPrices, spotQuotes } = await import("./prices.ts");
    const { PricingClient } = awsSdk("@aws-sdk/client-pricing");
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
              new (awsSdk("@aws-sdk/client-ec2").DescribeSpotPriceHistoryCommand)({
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

/**
 * The key under which calls of the base credentials themselves are made (Organizations, and
 * DescribeRegions when only an organization is configured); never a 12-digit account id.
 */
const organizationKey = "organization";
/** Organizations has one endpoint, in us-east-1, whatever the home region. */
const organizationsRegion = "us-east-1";

/** What consumers may know of AWS's kinds. */
const awsKinds = awsKindReaders.map(describeKind);
/** The kinds with a status check: EC2's instance and system checks, Auto Scaling groups' capacity in service. */
const statusCheckKinds: ReadonlySet<string> = new Set(["ec2_instance", "autoscaling_group"]);

/**
 * DescribeAutoScalingGroups pages of one account and region, through the SDK the Auto Scaling
 * kind loads (imported here on first use, as the kind does: a process that never reads Auto
 * Scaling never loads it).
 */
function autoScalingGroupsApi(clients: () => AwsServiceClients): AutoScalingGroupsApi {
  return {
    async page(nextToken, signal) {
      const sdk = awsSdk("@aws-sdk/client-auto-scaling");
      const client = clients().client("autoscaling", (config) => new sdk.AutoScalingClient(config));
      return client.send(new sdk.DescribeAutoScalingGroupsCommand({ MaxRecords: 100, ...(nextToken ? { NextToken: nextToken } : {}) }), { abortSignal: signal });
    },
  };
}

/** Credentials per account, made on first use for discovered members. */
interface CredentialProviders {
  get(account: string): AwsCredentialProvider;
  /** Whether the adapter may read this account: configured, or reachable through the organization's role. */
  knows(account: string): boolean;
}

/**
 * Long-lived credentials per account: assumed-role sessions survive from one sync to the next.
 * STS goes through the adapter's socket pool: a sync of an organization assumes a role per
 * member in a burst, and one kept-alive connection spares a handshake per member. A configured
 * account is reached as configured; any other, only with an organization, through its role;
 * the organization key itself uses the base credentials.
 */
function credentialProviders(
  config: AwsAdapterConfig,
  homeRegion: string,
  settings: { maxAttempts: number; timeoutMs: number; limiter: RateLimiter; requestHandler: NodeHttpHandler },
): CredentialProviders {
  const stsSettings: ClientSettings = {
    endpoint: config.endpoint,
    maxAttempts: settings.maxAttempts,
    timeoutMs: settings.timeoutMs,
    requestHandler: settings.requestHandler,
    limiter: settings.limiter,
    signal: undefined,
    onThrottle: config.onThrottle,
  };
  const assume = stsAssumeRole(createStsClient(homeRegion, { ...config.credentials }, stsSettings));
  const base = staticCredentials(config.credentials);
  const refresh = {
    ...(config.now ? { now: config.now } : {}),
    ...(config.credentialRefreshMarginMs !== undefined ? { refreshMarginMs: config.credentialRefreshMarginMs } : {}),
  };
  const viaRole = (account: string, role: { roleArn: string; externalId?: string | undefined }, sessionName: string | undefined) =>
    assumeRoleCredentials(
      assume,
      {
        account,
        roleArn: role.roleArn,
        sessionName: sessionName ?? "cloudsync",
        durationSeconds: config.roleSessionSeconds ?? defaults.roleSessionSeconds,
        ...(role.externalId ? { externalId: role.externalId } : {}),
      },
      refresh,
    );
  const made = new Map<string, AwsCredentialProvider>(
    config.accounts.map((a) => [a.accountId, a.roleArn ? viaRole(a.accountId, { roleArn: a.roleArn, externalId: a.externalId }, a.sessionName) : base]),
  );
  made.set(organizationKey, base);
  const organization = config.organization;
  return {
    knows: (account) => made.has(account) || (organization !== undefined && /^\d{12}$/.test(account)),
    get(account) {
      let provider = made.get(account);
      if (!provider) {
        if (!organization) throw new CloudError("aws", `aws: account ${account} is not configured and no organization is.`, { account });
        provider = viaRole(account, memberRole(organization, account), organization.sessionName);
        made.set(account, provider);
      }
      return provider;
    },
  };
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
): { account: string; region: string; kind: string; ids: Set<string> }[] {
  const scopes = new Map<string, { account: string; region: string; kind: string; ids: Set<string> }>();
  let ignored = 0;
  for (const t of targets) {
    if (!kinds.has(t.kind)) {
      ignored += 1;
      continue;
    }
    const key = `${t.account}|${t.regionCode}|${t.kind}`;
    const entry = scopes.get(key) ?? { account: t.account, region: t.regionCode, kind: t.kind, ids: new Set<string>() };
    entry.ids.add(t.resourceId);
    scopes.set(key, entry);
  }
  if (ignored > 0) logger?.debug({ ignored }, "aws status checks: targets of kinds without status checks ignored");
  return [...scopes.values()];
}

function validate(config: AwsAdapterConfig): void {
  if (!config.credentials?.accessKeyId || !config.credentials.secretAccessKey) {
    throw new TypeError("AWS adapter: credentials.accessKeyId and credentials.secretAccessKey are required.");
  }
  if (config.accounts.length === 0 && !config.organization) {
    throw new TypeError("AWS adapter: list at least one account to read, or name an organization to discover them.");
  }
  if (config.organization && !/^[\w+=,.@/-]{1,512}$/.test(config.organization.roleName)) {
    throw new TypeError("AWS adapter: organization.roleName must be an IAM role name (or path/name), e.g. OrganizationAccountAccessRole.");
  }
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
