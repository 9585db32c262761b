import { DescribeRegionsCommand } from "@aws-sdk/client-ec2";
import { mergeBounded } from "../common/merge.ts";
import { createRateLimiter, type RateLimiter } from "../common/rate-limiter.ts";
import { CloudError, CredentialsRejectedError, MalformedItemError } from "../errors.ts";
import type {
  AdapterOptions,
  CloudAdapter,
  CostAndMetricSource,
  CostEvent,
  CostQuery,
  InventoryEvent,
  MetricEvent,
  MetricQuery,
  NormalizedResource,
  RegionInfo,
  ScopeRef,
  StreamOptions,
} from "../types.ts";
import { toAwsError } from "./aws-errors.ts";
import {
  type AwsCredentialProvider,
  type ClientSettings,
  createRequestHandler,
  createServiceClients,
  createStsClient,
} from "./clients.ts";
import { assumeRoleCredentials, staticCredentials, stsAssumeRole } from "./credentials.ts";
import { awsKindReaders } from "./kinds/index.ts";
import type { AwsKindReader } from "./kinds/kind.ts";
import { isIsoDate, utcDate } from "./normalize-costs.ts";
import { isValidPeriod, metricKinds } from "./normalize-metrics.ts";
import { mergeRegions } from "./regions.ts";

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
export type AwsAdapter = CloudAdapter & CostAndMetricSource;

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

  // STS sockets are not kept alive: AssumeRole runs about once an hour per account.
  const stsSettings: ClientSettings = {
    endpoint: config.endpoint,
    maxAttempts,
    timeoutMs,
    requestHandler: createRequestHandler(timeoutMs, false),
    limiter,
    signal: undefined,
    onThrottle: config.onThrottle,
  };
  const sts = createStsClient(homeRegion, { ...config.credentials }, stsSettings);
  const assume = stsAssumeRole(sts);
  // Providers live as long as the adapter so assumed-role sessions survive from one sync to the next.
  const providers = new Map<string, AwsCredentialProvider>(
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
  const providerOf = (account: string) => providers.get(account) as AwsCredentialProvider;

  const errorFor = (error: unknown, account: string, region: string, operation: string): CloudError =>
    toAwsError(error, { account, region, operation, secrets, maxAttempts, timeoutMs });

  /** Per stream: one socket pool, clients per account × region, refused accounts remembered. */
  function openSession(signal: AbortSignal | undefined) {
    const settings: ClientSettings = {
      endpoint: config.endpoint,
      maxAttempts,
      timeoutMs,
      requestHandler: createRequestHandler(timeoutMs, true),
      limiter,
      signal,
      onThrottle: config.onThrottle,
    };
    const clients = new Map<string, ReturnType<typeof createServiceClients>>();
    return {
      clientsFor(account: string, region: string) {
        const key = `${account}:${region}`;
        let c = clients.get(key);
        if (!c) {
          c = createServiceClients(account, region, providerOf(account), settings);
          clients.set(key, c);
        }
        return c;
      },
      /** Once an account's credentials are refused, its other scopes fail without calling AWS. */
      refused: new Map<string, CredentialsRejectedError>(),
      close() {
        settings.requestHandler.destroy();
      },
    };
  }
  type Session = ReturnType<typeof openSession>;

  async function enabledRegions(session: Session, account: string, signal: AbortSignal | undefined): Promise<string[]> {
    const out = await session
      .clientsFor(account, homeRegion)
      .ec2()
      .send(new DescribeRegionsCommand({ AllRegions: false }), { abortSignal: signal });
    return (out.Regions ?? []).map((r) => r.RegionName).filter((n): n is string => !!n);
  }

  type AccountPlan = { account: string; regions: readonly string[] } | { account: string; failure: CloudError };

  async function planAccounts(session: Session, signal: AbortSignal | undefined): Promise<AccountPlan[]> {
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

  async function* readScope(
    session: Session,
    reader: AwsKindReader,
    scope: ScopeRef,
    signal: AbortSignal | undefined,
  ): AsyncGenerator<InventoryEvent> {
    let count = 0;
    try {
      const refused = session.refused.get(scope.account);
      if (refused) throw refused;
      signal?.throwIfAborted();
      const clientRegion = reader.reach === "global" ? homeRegion : scope.region;
      const ctx = {
        account: scope.account,
        region: scope.region,
        clients: session.clientsFor(scope.account, clientRegion),
        pageSize: config.pageSize,
        signal,
      };
      for await (const rawPage of reader.pages(ctx)) {
        const resources: NormalizedResource[] = [];
        for (const raw of rawPage) {
          try {
            resources.push(reader.normalize(raw, { account: scope.account, region: scope.region }));
          } catch (error) {
            if (!(error instanceof MalformedItemError)) throw error;
            logger?.warn({ scope, itemId: error.itemId, reason: error.message }, "aws item skipped");
            yield { type: "item_skipped", scope, itemId: error.itemId, reason: error.message };
          }
        }
        count += resources.length;
        if (resources.length > 0) yield { type: "page", scope, resources };
        signal?.throwIfAborted();
      }
      logger?.debug({ scope, resourceCount: count }, "aws scope completed");
      yield { type: "scope_completed", scope, resourceCount: count };
    } catch (error) {
      const failure = errorFor(error, scope.account, scope.region, reader.operation);
      if (failure instanceof CredentialsRejectedError) session.refused.set(scope.account, failure);
      logger?.warn({ scope, error: failure.message }, "aws scope failed");
      yield { type: "scope_failed", scope, error: failure };
    }
  }

  async function* streamResources(options: StreamOptions = {}): AsyncGenerator<InventoryEvent> {
    const readers = selectReaders(options.kinds);
    const signal = options.signal;
    const session = openSession(signal);
    try {
      const plans = await planAccounts(session, signal);
      function* producers(): Generator<() => AsyncIterable<InventoryEvent>> {
        for (const plan of plans) {
          if ("failure" in plan) {
            // Without the region list nothing of this account can be read; `*` vouches for none of it.
            const scope: ScopeRef = { cloud: "aws", account: plan.account, region: "*", kind: "*" };
            yield async function* () {
              yield { type: "scope_failed", scope, error: plan.failure } satisfies InventoryEvent;
            };
            continue;
          }
          for (const reader of readers) {
            const regions = reader.reach === "global" ? ["global"] : plan.regions;
            for (const region of regions) {
              const scope: ScopeRef = { cloud: "aws", account: plan.account, region, kind: reader.kind };
              yield () => readScope(session, reader, scope, signal);
            }
          }
        }
      }
      yield* mergeBounded(producers(), concurrency);
    } finally {
      session.close();
    }
  }

  /** Maps a failure to a typed error, remembering refused credentials by the account they belong to. */
  function failWith(session: Session, scopeAccount: string, credentialAccount: string, region: string) {
    return (error: unknown, operation: string): CloudError => {
      let failure = errorFor(error, scopeAccount, region, operation);
      if (failure instanceof CredentialsRejectedError) {
        if (credentialAccount !== scopeAccount) failure = errorFor(error, credentialAccount, region, operation);
        session.refused.set(credentialAccount, failure as CredentialsRejectedError);
      }
      return failure;
    };
  }
  const refusalCheck = (session: Session, credentialAccount: string) => () => {
    const refused = session.refused.get(credentialAccount);
    if (refused) throw refused;
  };

  async function* streamCosts(query: CostQuery): AsyncGenerator<CostEvent> {
    if (!isIsoDate(query.start) || !isIsoDate(query.end) || query.start > query.end) {
      throw new RangeError(`AWS costs: start and end must be YYYY-MM-DD days with start <= end, got ${query.start}..${query.end}`);
    }
    const signal = query.signal;
    const today = config.today?.() ?? utcDate(Date.now());
    // Loaded here, with Cost Explorer's SDK, so that inventory-only processes never load either.
    const { costExplorerApi, readCostScope } = await import("./costs.ts");
    const session = openSession(signal);
    try {
      const producers = config.accounts.map((a) => () => {
        const via = config.billingAccountId ?? a.accountId;
        return readCostScope({
          scope: { cloud: "aws", account: a.accountId, region: "global", kind: "costs" },
          api: costExplorerApi(() => session.clientsFor(via, costExplorerRegion).ce()),
          start: query.start,
          end: query.end,
          today,
          byResource: config.costsByResource ?? false,
          signal,
          logger,
          checkRefused: refusalCheck(session, via),
          fail: failWith(session, a.accountId, via, costExplorerRegion),
        });
      });
      yield* mergeBounded(producers, concurrency);
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
    // Instances only: the other kinds have no CPU/memory/disk/network series of this shape.
    const scopes = new Map<string, { account: string; region: string; ids: Set<string> }>();
    let ignored = 0;
    for (const t of query.targets) {
      if (!metricKinds.has(t.kind)) {
        ignored += 1;
        continue;
      }
      const key = `${t.account}|${t.regionCode}`;
      const entry = scopes.get(key) ?? { account: t.account, region: t.regionCode, ids: new Set<string>() };
      entry.ids.add(t.resourceId);
      scopes.set(key, entry);
    }
    if (ignored > 0) logger?.debug({ ignored }, "aws metrics: targets of kinds without instance metrics ignored");
    // Loaded here, with CloudWatch's SDK, so that inventory-only processes never load either.
    const { cloudWatchApi, readMetricScope } = await import("./metrics.ts");
    const session = openSession(signal);
    try {
      const producers = [...scopes.values()].map(({ account, region, ids }) => (): AsyncIterable<MetricEvent> => {
        const scope: ScopeRef = { cloud: "aws", account, region, kind: "metrics" };
        if (!providers.has(account)) {
          const error = new CloudError("aws", `aws metrics for account ${account}: the adapter is not configured for this account.`, { account });
          return (async function* () {
            yield { type: "scope_failed", scope, error } satisfies MetricEvent;
          })();
        }
        return readMetricScope({
          scope,
          api: cloudWatchApi(() => session.clientsFor(account, region).cloudwatch()),
          instanceIds: [...ids],
          start,
          end,
          periodSeconds: period,
          maxDatapoints: config.pageSize,
          signal,
          logger,
          checkRefused: refusalCheck(session, account),
          fail: failWith(session, account, account, region),
        });
      });
      yield* mergeBounded(producers, concurrency);
    } finally {
      session.close();
    }
  }

  return {
    cloud: "aws",
    accounts: config.accounts.map((a) => a.accountId),
    kinds: awsKindReaders.map((r) => r.kind),
    async listRegions(): Promise<RegionInfo[]> {
      const first = config.accounts[0] as AwsAccountConfig;
      const session = openSession(undefined);
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
  };
}

/**
 * The readers for the asked kinds. Engine-specific RDS kinds (`rds_postgres`) select the
 * `rds_instance` reader, which lists every engine: RDS cannot filter a page by engine cheaply.
 */
function selectReaders(kinds: readonly string[] | undefined): AwsKindReader[] {
  if (!kinds) return [...awsKindReaders];
  const wanted = new Set(kinds.map((k) => (k.startsWith("rds_") ? "rds_instance" : k)));
  const unknown = [...wanted].filter((k) => !awsKindReaders.some((r) => r.kind === k));
  if (unknown.length > 0) {
    throw new RangeError(
      `the AWS adapter does not read ${unknown.join(", ")}; known kinds: ${awsKindReaders.map((r) => r.kind).join(", ")}`,
    );
  }
  return awsKindReaders.filter((r) => wanted.has(r.kind));
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
