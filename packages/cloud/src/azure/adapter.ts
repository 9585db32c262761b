import type { DeploymentEvent, DeploymentQuery, DeploymentSource, NormalizedDeployment } from "../deployments/types.ts";
import { createRateLimiter, type RateLimiter } from "../common/rate-limiter.ts";
import { createAzureRateLimiter } from "./api-limits.ts";
import { type RunSettings, runScopes } from "../core/scope-runner.ts";
import type {
  AccountDiscovery,
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
  PriceQuery,
  PriceQuote,
  PriceSource,
  BackupEvent,
  BackupQuery,
  BackupRecord,
  BackupSource,
} from "../types.ts";
import { createAzureClients, createTrustingAgent, type SubscriptionClients } from "./clients.ts";
import { costRead, parseCostRange } from "./costs.ts";
import { type AzureCredentials, secretsOf, toTokenCredential } from "./credentials.ts";
import { toAzureError } from "./errors.ts";
import { azureKindDescriptions } from "./kinds/arm-types.ts";
import { mergeRegions } from "./list-regions.ts";
import { metricRead, parseMetricWindow, planMetricScopes, type VmMemoryLookup, vmMemoryLookup } from "./metrics.ts";
import { resourceHealthRead } from "./resource-health.ts";
import { type AzureOrganizationConfig, discoverAzureSubscriptions } from "./organization.ts";
import { planScopes, resourceReads } from "./scopes.ts";

export interface AzureAdapterConfig extends AdapterOptions {
  /** A service principal's secret, or any TokenCredential (managed identity, workload identity, CLI…). */
  credentials: AzureCredentials;
  /** Subscription ids to read; each is an account and its own scope. */
  subscriptions: readonly string[];
  /**
   * Also read every subscription the principal sees, or those below a management group,
   * discovered at the start of each stream; `subscriptions` may then be empty.
   */
  organization?: AzureOrganizationConfig;
  /**
   * PEM certificate to trust for ARM and Entra ID calls instead of the system CAs: for an emulator
   * or a TLS-inspecting private endpoint. Real Azure needs none.
   */
  caCertificate?: string;
  /** First backoff delay of the SDK's exponential retry (jittered). Default 800 ms. */
  retryDelayInMs?: number;
  /** Longest backoff delay. Default 30 s. */
  maxRetryDelayInMs?: number;
  /**
   * A limiter shared with other adapters (keys are `<subscription>:arm`, `<subscription>:costmanagement`
   * and `<subscription>:metrics`); default: ARM's documented read bucket per subscription
   * (./api-limits.ts), or one rate for everything when `requestsPerSecond` is set.
   */
  rateLimiter?: RateLimiter;
}

/** The Azure adapter reads inventory, daily costs (Cost Management) and VM metrics (Azure Monitor). */
export type AzureAdapter = CloudAdapter & PriceSource & DeploymentSource & BackupSource;

const defaults = {
  /** ARM's largest page for resources.list. */
  pageSize: 1000,
  timeoutMs: 60_000,
  maxAttempts: 4,
  concurrency: 4,
  retryDelayInMs: 800,
  maxRetryDelayInMs: 30_000,
};

export function createAzureAdapter(config: AzureAdapterConfig): AzureAdapter {
  // Discovery appends the members after the configured subscriptions, in place, so every
  // stream below reads the same list.
  const subscriptions = [...new Set(config.subscriptions.map((s) => s.trim()).filter(Boolean))];
  const configuredCount = subscriptions.length;
  if (subscriptions.length === 0 && !config.organization) {
    throw new TypeError("createAzureAdapter needs at least one subscription id, or an organization to discover them.");
  }
  let attempted = false;
  const pageSize = Math.min(defaults.pageSize, Math.max(1, Math.floor(config.pageSize ?? defaults.pageSize)));
  const timeoutMs = config.timeoutMs ?? defaults.timeoutMs;
  const maxAttempts = Math.max(1, Math.floor(config.maxAttempts ?? defaults.maxAttempts));
  const concurrency = Math.max(1, Math.floor(config.concurrency ?? defaults.concurrency));
  const secrets = secretsOf(config.credentials);
  const transport = {
    ...(config.caCertificate ? { agent: createTrustingAgent(config.caCertificate) } : {}),
    maxAttempts,
    retryDelayInMs: config.retryDelayInMs ?? defaults.retryDelayInMs,
    maxRetryDelayInMs: config.maxRetryDelayInMs ?? defaults.maxRetryDelayInMs,
  };
  const clientSettings = {
    ...transport,
    credential: toTokenCredential(config.credentials, transport),
    ...(config.endpoint ? { endpoint: config.endpoint } : {}),
    ...limiterOf(config),
    ...(config.onThrottle ? { onThrottle: config.onThrottle } : {}),
  };
  const clientsFor = createAzureClients(clientSettings);

  /** The tenant's subscriptions; a failure reads only the configured ones from then on. */
  async function discoverAccounts(options: { signal?: AbortSignal } = {}): Promise<AccountDiscovery | null> {
    const organization = config.organization;
    if (!organization) return null;
    attempted = true;
    try {
      const found = await discoverAzureSubscriptions(clientSettings, organization, { timeoutMs, ...(options.signal ? { abortSignal: options.signal } : {}) });
      const configured = subscriptions.slice(0, configuredCount);
      const active = found.accounts.filter((a) => a.state === "active" && !configured.includes(a.account)).map((a) => a.account);
      subscriptions.splice(configuredCount, subscriptions.length, ...active);
      return found;
    } catch (error) {
      subscriptions.splice(configuredCount);
      const operation = organization.managementGroup ? "managementGroups.getDescendants" : "subscriptions.list";
      throw toAzureError(error, { subscriptionId: "tenant", operation, maxAttempts, timeoutMs, secrets });
    }
  }

  /** A stream of an adapter whose discovery was never asked for discovers first; a failure is logged. */
  async function ensureDiscovered(): Promise<void> {
    if (!config.organization || attempted) return;
    await discoverAccounts().catch((error: unknown) =>
      config.logger?.warn({ err: error instanceof Error ? error.message : String(error) }, "azure discovery failed; reading the configured subscriptions only"),
    );
  }
  // Clients are cheap but hold token caches and sockets; one set per subscription for the adapter's life.
  const clientCache = new Map<string, SubscriptionClients>();
  const clients = (subscriptionId: string) => {
    let found = clientCache.get(subscriptionId);
    if (!found) {
      found = clientsFor(subscriptionId);
      clientCache.set(subscriptionId, found);
    }
    return found;
  };

  const run = <T, P>(stream: string, signal: AbortSignal | undefined, page: (scope: ScopeRef, items: T[]) => P): RunSettings<T, P> => ({
    cloud: "azure",
    stream,
    concurrency,
    signal,
    logger: config.logger,
    page,
    toError: (error, f) =>
      toAzureError(error, { subscriptionId: f.account, operation: f.operation, maxAttempts, timeoutMs, callerSignal: signal, secrets }),
  });

  const adapter = {
    cloud: "azure" as const,
    accounts: subscriptions,
    kinds: azureKindDescriptions,
    discoverAccounts,

    async listRegions(): Promise<RegionInfo[]> {
      if (subscriptions.length === 0) await ensureDiscovered();
      const subscriptionId = subscriptions[0] as string;
      try {
        return mergeRegions(await clients(subscriptionId).locations.list({ timeoutMs }));
      } catch (error) {
        throw toAzureError(error, { subscriptionId, operation: "locations.list", maxAttempts, timeoutMs, secrets });
      }
    },

    async *streamResources(options: StreamOptions = {}): AsyncGenerator<InventoryEvent> {
      const { signal } = options;
      if (!options.accounts) await ensureDiscovered();
      const plans = planScopes(options.accounts ? [...new Set(options.accounts)] : subscriptions, { regions: config.regions, kinds: options.kinds });
      if (options.kinds && plans.length === 0) {
        config.logger?.warn({ kinds: options.kinds }, "none of the requested kinds is an Azure kind; nothing to read");
      }
      const reads = resourceReads(plans, clients, { pageSize, timeoutMs, signal });
      yield* runScopes(reads, run("resources", signal, (scope, resources: NormalizedResource[]): InventoryEvent => ({ type: "page", scope, resources })));
    },

    streamCosts(query: CostQuery): AsyncIterable<CostEvent> {
      // A wrong range is the caller's mistake, thrown at once rather than at the first event.
      const range = parseCostRange(query);
      return costEvents(range, query);
    },
  };

  async function* costEvents(range: ReturnType<typeof parseCostRange>, query: CostQuery): AsyncGenerator<CostEvent> {
    const { signal } = query;
    await ensureDiscovered();
    function* reads() {
      for (const account of subscriptions) {
        if (signal?.aborted) return;
        yield costRead(account, range, clients(account), { timeoutMs });
      }
    }
    yield* runScopes(reads(), run("costs", signal, (scope, lines: NormalizedCostLine[]): CostEvent => ({ type: "cost_page", scope, lines })));
  }

  return {
    ...adapter,

    /** VM prices from the public Retail Prices API (no credential), every region. */
    async listPrices(query: PriceQuery): Promise<PriceQuote[]> {
      const { readAzurePrices } = await import("./prices.ts");
      return readAzurePrices({ endpoint: config.endpoint, agent: transport.agent, maxAttempts, timeoutMs }, query);
    },

    streamMetrics(query: MetricQuery): AsyncIterable<MetricEvent> {
      const window = parseMetricWindow(query);
      const { signal } = query;
      const plans = planMetricScopes(query.targets, config.logger);
      // VM sizes (for memory) are read once per subscription, shared by its region scopes.
      const memory = new Map<string, VmMemoryLookup>();
      const memoryFor = (account: string) => {
        let found = memory.get(account);
        if (!found) {
          found = vmMemoryLookup(clients(account), { abortSignal: signal, timeoutMs }, config.logger);
          memory.set(account, found);
        }
        return found;
      };
      function* reads() {
        for (const plan of plans) {
          if (signal?.aborted) return;
          yield metricRead(plan, clients(plan.scope.account), window, memoryFor(plan.scope.account), { timeoutMs });
        }
      }
      return runScopes(reads(), run("metrics", signal, (scope, samples: MetricSample[]): MetricEvent => ({ type: "metric_page", scope, samples })));
    },

    /** Resource-group deployments, one read per subscription (every resource group of it). */
    async *streamDeployments(query: DeploymentQuery = {}): AsyncGenerator<DeploymentEvent> {
      const { signal } = query;
      // Loaded here: inventory-only processes never load the deployment reader.
      const { armDeploymentRead, armDeploymentsApi } = await import("./deployments.ts");
      await ensureDiscovered();
      function* reads() {
        for (const account of subscriptions) {
          if (signal?.aborted) return;
          yield armDeploymentRead(account, armDeploymentsApi(clientSettings, account), { timeoutMs });
        }
      }
      yield* runScopes(reads(), run("deployments", signal, (scope, deployments: NormalizedDeployment[]): DeploymentEvent => ({ type: "deployment_page", scope, deployments })));
    },

    /** Azure Backup's vaults, protected items and jobs, one read per subscription (SDK loaded on first use). */
    async *streamBackups(query: BackupQuery): AsyncGenerator<BackupEvent> {
      await ensureDiscovered();
      const [{ azureBackupRead }, { createBackupApi }] = await Promise.all([import("./backups.ts"), import("./backup-client.ts")]);
      const reads = subscriptions.map((account) => azureBackupRead(account, query.since, () => new Date(), () => createBackupApi(clientSettings, account), timeoutMs));
      yield* runScopes(reads, run("backups", query.signal, (scope, records: BackupRecord[]): BackupEvent => ({ type: "backup_page", scope, records })));
    },

    streamStatusChecks(query: StatusCheckQuery): AsyncIterable<StatusCheckEvent> {
      const { signal } = query;
      // Resource Health of the VMs (the kind with metrics); one listing per subscription.
      const bySubscription = new Map<string, MetricQuery["targets"][number][]>();
      for (const t of planMetricScopes(query.targets, config.logger).flatMap((p) => p.targets)) {
        const list = bySubscription.get(t.account);
        if (list) list.push(t);
        else bySubscription.set(t.account, [t]);
      }
      function* reads() {
        for (const [account, targets] of bySubscription) {
          if (signal?.aborted) return;
          yield resourceHealthRead(account, targets, clients(account).resourceHealth, { timeoutMs });
        }
      }
      return runScopes(reads(), run("status_checks", signal, (scope, statuses: ResourceStatusChecks[]): StatusCheckEvent => ({ type: "status_page", scope, statuses })));
    },
  };
}

/**
 * A shared limiter is used as given; `requestsPerSecond` sets one rate for every subscription and
 * API (an operator whose quota differs, or a test with no time to wait); otherwise each
 * subscription follows ARM's documented read bucket (./api-limits.ts).
 */
function limiterOf(config: AzureAdapterConfig): { limiter: RateLimiter } {
  if (config.rateLimiter) return { limiter: config.rateLimiter };
  if (config.requestsPerSecond) return { limiter: createRateLimiter({ requestsPerSecond: config.requestsPerSecond }) };
  return { limiter: createAzureRateLimiter() };
}
