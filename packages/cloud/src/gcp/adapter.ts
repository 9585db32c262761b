import type { DeploymentEvent, DeploymentQuery, DeploymentSource, NormalizedDeployment } from "../deployments/types.ts";
import { createRateLimiter, type RateLimiter } from "../common/rate-limiter.ts";
import { describeKind, type KindReadPlan, kindRead } from "../core/kind-reader.ts";
import { createStreamStats, type RunSettings, runScopes, type ScopeRead, type StreamStats } from "../core/scope-runner.ts";
import { CloudError, redactSecrets } from "../errors.ts";
import {
  type AccountDiscovery,
  type AdapterOptions,
  type BackupEvent,
  type BackupQuery,
  type BackupRecord,
  type BackupSource,
  type CloudAdapter,
  type CostEvent,
  type CostQuery,
  type InventoryEvent,
  kindsWithMetrics,
  type MetricEvent,
  type MetricQuery,
  type NormalizedResource,
  type PriceQuery,
  type PriceQuote,
  type PriceSource,
  type RegionInfo,
  type ResourceStatusChecks,
  type ScopeRef,
  type StatusCheckEvent,
  type StatusCheckQuery,
  type StreamOptions,
} from "../types.ts";
import type { AuthClient } from "google-auth-library";
import { createAuthClient, type GcpCredentials, RESOURCE_MANAGER_READ_SCOPE, secretsOf } from "./auth.ts";
import type { BillingQueryClient } from "./bigquery.ts";
import { type BillingExportTable, parseBillingExportTable, parseQueryProject } from "./billing-table.ts";
import { listCallOptions } from "./call-options.ts";
import { type ComputeClients, createComputeClients } from "./clients.ts";
import { createCostReader } from "./costs.ts";
import { createMetricReader } from "./metrics.ts";
import { backendHealthRead, listedStatusRead, normalizeInstanceGroupCheck, instanceStatusRead } from "./status-checks.ts";
import { backendGroupHealth, gcpStatusCheckKinds } from "./backend-health.ts";
import { backendServicesReader } from "./kinds/backend-services.ts";
import { instanceGroupManagersReader } from "./kinds/instance-group-managers.ts";
import { instancesReader } from "./kinds/instances.ts";
import type { TimeSeriesLister } from "./monitoring.ts";
import type { CatalogApi } from "./prices.ts";
import { toScopeError } from "./failures.ts";
import { discoverGcpOrganization, type GcpOrganizationConfig } from "./organization.ts";
import { gcpCatchAllReader, gcpKindReaders, gcpKinds } from "./kinds/index.ts";
import type { GcpApiInfo, GcpKindReader, GcpReadContext, RawEntry } from "./kinds/kind.ts";
import { lastSegment, regionFromScopeKey } from "./normalize.ts";
import { mergeRegion } from "./regions.ts";
import { createGatedTransport, type GatedTransport, requestKey } from "./transport.ts";

export interface GcpAdapterConfig extends AdapterOptions {
  /** A service-account key, or any google-auth-library client. */
  credentials: GcpCredentials;
  /** Project ids to read; each is an account of its own. One service account may read several. */
  projects: readonly string[];
  /**
   * Also read every project under this organization or folder (Resource Manager v3, folders
   * followed recursively), discovered at the start of each stream; `projects` may then be empty.
   */
  organization?: GcpOrganizationConfig;
  /** Token endpoint for a service-account key (default: the key's `token_uri`). */
  tokenUri?: string;
  /** First backoff delay of the SDK's retryer, in ms (default 500; jittered, doubling, at most 32 s). */
  retryDelayMs?: number;
  /** Kinds to read when a stream does not name any (default: all of `gcpKinds`). */
  kinds?: readonly string[];
  /**
   * Shared limiter, e.g. one per process for several adapters (default: a token bucket of
   * `requestsPerSecond` per `<project>/<api path>` key).
   */
  rateLimiter?: RateLimiter;
  /**
   * The Cloud Billing export table `streamCosts` reads, as `project.dataset.table` — preferably the
   * detailed (resource-level) export `gcp_billing_export_resource_v1_<BILLING_ACCOUNT>`; the
   * standard export `gcp_billing_export_v1_…` also works, without resource ids. Validated as three
   * plain BigQuery identifiers; without it, cost scopes fail with a message saying so.
   */
  billingExportTable?: string;
  /** Project the cost query jobs run in and are billed to (default: the export table's project). */
  billingQueryProject?: string;
  /** Location of the export dataset (`US`, `EU`, `europe-west1`…), when BigQuery cannot infer it. */
  billingExportLocation?: string;
  /**
   * Rows per BigQuery result page (default: `pageSize` when given, else 2,000). Pages are what
   * the cost read holds in memory: with 10,000-row pages a month of a 30,000-resource detailed
   * export (1M lines) ran out of the worker image's 160 MB heap; with 2,000 its heap peaked at
   * 133 MB, in about the same time.
   */
  costPageSize?: number;
  /** Instance ids per Cloud Monitoring filter (default 100). */
  metricsBatchSize?: number;
  /** SKUs per Cloud Billing Catalog page when reading prices (default and maximum 5,000). */
  priceCatalogPageSize?: number;
  /** Points per listTimeSeries page (default 10,000; the API allows 100,000). `pageSize` bounds samples per event. */
  metricsPageSize?: number;
}

/** Counters of the adapter's own buffering since it was created, for tests and metrics. */
export type GcpStreamStats = StreamStats;

export interface GcpAdapter extends CloudAdapter, PriceSource, DeploymentSource, BackupSource {
  readonly stats: Readonly<GcpStreamStats>;
  /** Releases the SDK clients. */
  close(): Promise<void>;
}

const defaults = {
  pageSize: 500,
  timeoutMs: 30_000,
  maxAttempts: 5,
  requestsPerSecond: 10,
  concurrency: 4,
  retryDelayMs: 500,
  costPageSize: 2_000,
  metricsBatchSize: 100,
  metricsPageSize: 10_000,
};

/** Compute Engine caps `maxResults` at 500. */
const MAX_PAGE_SIZE = 500;

export function createGcpAdapter(config: GcpAdapterConfig): GcpAdapter {
  // Every reader below walks this array; discovery appends the members after the configured
  // projects in place, so the inventory, bills and regions all read the same list.
  const projects = [...new Set(config.projects)];
  const configuredCount = projects.length;
  if (projects.length === 0 && !config.organization) {
    throw new Error("createGcpAdapter needs at least one project id in `projects`, or an `organization` to discover them.");
  }
  if (config.organization && !/^(organizations|folders)\/\d+$/.test(config.organization.parent)) {
    throw new Error("createGcpAdapter: organization.parent must be organizations/<number> or folders/<number>.");
  }
  let attempted = false;
  const pageSize = Math.min(MAX_PAGE_SIZE, Math.max(1, Math.floor(config.pageSize ?? defaults.pageSize)));
  const timeoutMs = config.timeoutMs ?? defaults.timeoutMs;
  const maxAttempts = Math.max(1, Math.floor(config.maxAttempts ?? defaults.maxAttempts));
  const concurrency = Math.max(1, Math.floor(config.concurrency ?? defaults.concurrency));
  const callOptions = listCallOptions({ maxAttempts, timeoutMs, retryDelayMs: config.retryDelayMs ?? defaults.retryDelayMs });
  const costPageSize = Math.max(1, Math.floor(config.costPageSize ?? config.pageSize ?? defaults.costPageSize));
  const secrets = secretsOf(config.credentials);
  const readers = selectKinds(config.kinds);
  const configuredCatchAll = catchAllKinds(config.kinds);
  const stats: GcpStreamStats = createStreamStats();
  const retryDelayMs = config.retryDelayMs ?? defaults.retryDelayMs;
  const billingTable: BillingExportTable | null =
    config.billingExportTable === undefined ? null : parseBillingExportTable(config.billingExportTable);
  const limiter =
    config.rateLimiter ?? createRateLimiter({ requestsPerSecond: config.requestsPerSecond ?? defaults.requestsPerSecond });

  interface Connection {
    auth: AuthClient;
    transport: GatedTransport;
    clients?: ComputeClients;
    monitoring?: Promise<TimeSeriesLister>;
    billing?: Promise<BillingQueryClient>;
    catalog?: Promise<CatalogApi>;
  }
  let connection: Connection | undefined;
  // Built on first use, so a bad key fails the stream's scopes (with a clear error), not the constructor.
  const connect = (): Connection => {
    if (!connection) {
      const auth = createAuthClient(config.credentials, config.tokenUri, config.organization ? [RESOURCE_MANAGER_READ_SCOPE] : []);
      const transport = createGatedTransport(auth, { limiter, timeoutMs, onThrottle: config.onThrottle });
      connection = { auth, transport };
    }
    return connection;
  };
  // Each API's clients are made when first used: loading an SDK's API description takes a while.
  const connectCompute = () => {
    const c = connect();
    c.clients ??= createComputeClients(c.transport.authClient, config.endpoint);
    return { clients: c.clients, transport: c.transport };
  };
  // Cloud Monitoring's and BigQuery's SDKs are imported with their first client, so that a
  // process that only reads inventories never loads them.
  const connectMonitoring = async () => {
    const c = connect();
    c.monitoring ??= import("./monitoring.ts").then(({ createMonitoringClient }) =>
      createMonitoringClient(c.transport.authClient, config.endpoint),
    );
    return { monitoring: await c.monitoring, transport: c.transport };
  };
  const jobProject =
    config.billingQueryProject !== undefined ? parseQueryProject(config.billingQueryProject) : (billingTable?.project ?? null);
  const connectBilling = (): Promise<BillingQueryClient> => {
    const c = connect();
    c.billing ??= import("./bigquery.ts").then(({ createBillingQueryClient }) =>
      createBillingQueryClient({
        authClient: c.auth,
        endpoint: config.endpoint,
        jobProject: jobProject as string,
        location: config.billingExportLocation,
        retry: { maxAttempts, retryDelayMs, timeoutMs },
      }),
    );
    return c.billing;
  };

  // The Cloud Billing SDK is imported with the first price read, like Monitoring and BigQuery.
  const connectCatalog = (): { catalog: Promise<CatalogApi>; transport: GatedTransport } => {
    const c = connect();
    c.catalog ??= import("./prices.ts").then(({ createCatalogClient }) => createCatalogClient(c.transport.authClient, config.endpoint));
    return { catalog: c.catalog, transport: c.transport };
  };

  /**
   * List prices from the Cloud Billing Catalog (public prices, not the billing account's
   * contract): Compute Engine's SKUs composed into machine, disk, static IP and forwarding-rule
   * quotes, in the asked currency (the catalog converts).
   */
  async function listPrices(query: PriceQuery): Promise<PriceQuote[]> {
    const { catalog, transport } = connectCatalog();
    try {
      const { readGcpPrices } = await import("./prices.ts");
      // The catalog allows 5,000 SKUs a page; Compute Engine has a few thousand.
      const pageSize = Math.min(5000, Math.max(1, Math.floor(config.priceCatalogPageSize ?? 5000)));
      return await readGcpPrices(await catalog, query, { pageSize, callOptions });
    } catch (err) {
      if (err instanceof CloudError) throw err;
      // INVALID_ARGUMENT: the one argument a caller chooses is the currency.
      if ((err as { code?: unknown }).code === 3 && query.currency) {
        throw new CloudError("gcp", `the Cloud Billing Catalog refused currency ${query.currency} (${redactSecrets(String((err as Error).message), secrets).slice(0, 200)}); ask in USD, the catalog's own currency`);
      }
      // Requests are billed to, and the API must be enabled in, the credentials' project.
      throw toScopeError(err, {
            ...failureContext(projects[0] ?? "of the credentials", "services.skus.list", transport, query.signal?.aborted ?? false),
            outcome: undefined,
            api: "Cloud Billing Catalog",
            role: "no role (the catalog is public; enable the Cloud Billing API in the key's project)",
          });
    }
  }

  const readContext = (project: string, signal: AbortSignal | undefined): GcpReadContext => {
    const { clients, transport } = connectCompute();
    return {
      project,
      pageSize,
      callOptions,
      clients,
      authClient: transport.authClient,
      endpoint: config.endpoint,
      limiter,
      retry: { maxAttempts, retryDelayMs, timeoutMs },
      signal,
    };
  };

  // Kinds read outside Compute name their API and role in failures; operations are unique per kind.
  const apiOfOperation = new Map<string, GcpApiInfo>(
    [...gcpKindReaders, gcpCatchAllReader].flatMap((r) => (r.api ? [[r.operation, r.api] as const] : [])),
  );
  const failureContext = (project: string, operation: string, transport: GatedTransport | undefined, aborted: boolean) => ({
    project,
    operation,
    maxAttempts,
    timeoutMs,
    outcome: transport?.outcome(requestKey(project, operation)),
    secrets,
    aborted,
    api: apiOfOperation.get(operation)?.name,
    role: apiOfOperation.get(operation)?.role,
  });

  /**
   * The reads of an inventory: each kind once per project. An aggregated list feeds one scope
   * `*`, or, when the caller limits regions, one scope per asked region (items of other regions
   * are dropped); a global collection is one scope `global`. A `project_region` kind (no
   * wildcard location) is one read of scope `*` that walks the regions its API lists, or one
   * read per asked region.
   */
  function* resourceReads(
    selected: readonly GcpKindReader[],
    catchAll: readonly string[] | null,
    only: readonly string[] | undefined,
  ): Generator<ScopeRead<NormalizedResource>> {
    for (const project of only ? new Set(only) : projects) {
      if (catchAll) yield catchAllRead(project, catchAll);
      for (const reader of selected) {
        if (reader.fanout === "project_region" && config.regions) {
          // An API without a wildcard location, limited to some regions: one read per region.
          for (const region of new Set(config.regions)) {
            const plan: KindReadPlan<RawEntry> = { scopes: [{ cloud: "gcp", account: project, region, kind: reader.kind }], where: { account: project, region } };
            yield kindRead(reader, plan, (state) => ({ ...readContext(project, state.signal), region }));
          }
          continue;
        }
        const scopes = scopesFor(reader, project, config.regions);
        const plan: KindReadPlan<RawEntry> = {
          scopes,
          where: { account: project, region: (scopes[0] as ScopeRef).region },
          scopeOf: (resource) => scopeOf(scopes, resource.regionCode),
          skippedScopeOf: (raw) => scopeOf(scopes, raw.scopeKey ? regionFromScopeKey(raw.scopeKey) : null),
        };
        yield kindRead(reader, plan, (state) => readContext(project, state.signal));
      }
    }
  }

  /**
   * The catch-all's read of one project: one scope per asked kind (or `*`, every kind it
   * derives) and region (or `*`), so completing it vouches for exactly what it was asked.
   */
  const catchAllRead = (project: string, kinds: readonly string[]): ScopeRead<NormalizedResource> => {
    const regions = config.regions ? [...new Set(config.regions)] : ["*"];
    const scopes: ScopeRef[] = regions.flatMap((region) => kinds.map((kind) => ({ cloud: "gcp" as const, account: project, region, kind })));
    const plan: KindReadPlan<RawEntry> = {
      scopes,
      where: { account: project, region: (scopes[0] as ScopeRef).region },
      scopeOf: (resource) =>
        scopes.find((s) => (s.region === "*" || s.region === resource.regionCode) && (s.kind === "*" || s.kind === resource.kind)),
    };
    return kindRead(gcpCatchAllReader, plan, (state) => readContext(project, state.signal));
  };
  /** The organization's projects; a failure reads only the configured projects from then on. */
  async function discoverAccounts(): Promise<AccountDiscovery | null> {
    const organization = config.organization;
    if (!organization) return null;
    attempted = true;
    const { transport } = connectCompute();
    // Resource Manager's URLs name no project: the transport keys them by path.
    const keys = ["/v3/projects", "/v3/folders"];
    for (const k of keys) transport.reset(k);
    try {
      const found = await discoverGcpOrganization(transport.authClient, config.endpoint, organization, callOptions);
      const active = found.accounts.filter((a) => a.state === "active").map((a) => a.account);
      const configured = projects.slice(0, configuredCount);
      projects.splice(configuredCount, projects.length, ...active.filter((p) => !configured.includes(p)));
      return found;
    } catch (err) {
      projects.splice(configuredCount);
      throw err instanceof CloudError
        ? err
        : toScopeError(err, {
            ...failureContext(organization.parent, "projects.list", transport, false),
            outcome: keys.map((k) => transport.outcome(k)).find((o) => o?.lastStatus !== undefined && o.lastStatus !== 200),
            api: "Resource Manager",
          });
    }
  }

  /** A stream of an adapter whose discovery was never asked for discovers first; a failure is logged. */
  async function ensureDiscovered(): Promise<void> {
    if (!config.organization || attempted) return;
    await discoverAccounts().catch((err: unknown) =>
      config.logger?.warn({ err: err instanceof Error ? err.message : String(err) }, "gcp organization discovery failed; reading the configured projects only"),
    );
  }

  const runSettings = <T, P>(stream: string, signal: AbortSignal | undefined, page: (scope: ScopeRef, items: T[]) => P): RunSettings<T, P> => ({
    cloud: "gcp",
    stream,
    concurrency,
    signal,
    logger: config.logger,
    stats,
    page,
    toError: (err, f) =>
      err instanceof CloudError ? err : toScopeError(err, failureContext(f.account, f.read.operation, connection?.transport, f.aborted)),
    // Each scope's failure reports what the transport saw for its own requests.
    onReadStart: (read) => connectCompute().transport.reset(requestKey((read.scopes[0] as ScopeRef).account, read.operation)),
  });

  const streamCosts = createCostReader({
    projects,
    table: billingTable,
    jobProject,
    location: config.billingExportLocation,
    pageSize: costPageSize,
    concurrency,
    retry: { maxAttempts, retryDelayMs, timeoutMs },
    secrets,
    logger: config.logger,
    limiter: () => limiter,
    client: connectBilling,
  });
  const streamMetrics = createMetricReader({
    metricKinds: new Set(kindsWithMetrics(gcpKindReaders)),
    concurrency,
    pageSize,
    apiPageSize: Math.min(100_000, Math.max(1, Math.floor(config.metricsPageSize ?? defaults.metricsPageSize))),
    batchSize: Math.max(1, Math.floor(config.metricsBatchSize ?? defaults.metricsBatchSize)),
    callOptions,
    logger: config.logger,
    connect: connectMonitoring,
    failureContext,
  });

  return {
    cloud: "gcp",
    accounts: projects,
    kinds: [
      ...readers.map(describeKind),
      ...gcpCatchAllReader.reports.filter((k) => configuredCatchAll?.includes("*") || configuredCatchAll?.includes(k.kind)).map(describeKind),
    ],
    stats,

    discoverAccounts,

    async listRegions(): Promise<RegionInfo[]> {
      if (projects.length === 0) await ensureDiscovered();
      const project = projects[0] as string;
      const { clients, transport } = connectCompute();
      transport.reset(requestKey(project, "regions"));
      const wanted = config.regions ? new Set(config.regions) : null;
      const regions: RegionInfo[] = [];
      try {
        for await (const raw of clients.regions.listAsync({ project }, callOptions)) {
          const item = raw as { name?: string | null; description?: string | null; zones?: string[] | null };
          if (!item.name || (wanted && !wanted.has(item.name))) continue;
          regions.push(mergeRegion({ code: item.name, description: item.description, zones: (item.zones ?? []).map(lastSegment) }));
        }
      } catch (err) {
        throw toScopeError(err, failureContext(project, "regions", transport, false));
      }
      return regions;
    },

    async *streamResources(options: StreamOptions = {}): AsyncGenerator<InventoryEvent> {
      const wanted = options.kinds ? new Set(options.kinds) : null;
      const selected = readers.filter((r) => !wanted || wanted.has(r.kind));
      // The catch-all reads what the adapter was configured for, narrowed to the asked kinds.
      const catchAll = !wanted
        ? configuredCatchAll
        : (catchAllKinds([...wanted].filter((k) => configuredCatchAll?.includes("*") || configuredCatchAll?.includes(k))) ?? null);
      if (!options.accounts) await ensureDiscovered();
      yield* runScopes(
        resourceReads(selected, catchAll, options.accounts),
        runSettings("resources", options.signal, (scope, resources: NormalizedResource[]): InventoryEvent => ({ type: "page", scope, resources })),
      );
    },

    async *streamCosts(query: CostQuery): AsyncGenerator<CostEvent> {
      await ensureDiscovered();
      yield* streamCosts(query);
    },

    streamMetrics(query: MetricQuery): AsyncIterable<MetricEvent> {
      return streamMetrics(query);
    },

    /**
     * The cloud's own status checks (status-checks.ts), per project, each its own scope (region
     * `*`): Compute Engine's instance status for VM targets (the instances' aggregated list,
     * scope kind `status_checks`), managed instance groups' own status (their aggregated list,
     * `gce_instance_group_manager_status_checks`), and backend services' backend health
     * (their aggregated list, then getHealth per backend group, `gcp_backend_service_status_checks`).
     */
    async *streamStatusChecks(query: StatusCheckQuery): AsyncGenerator<StatusCheckEvent> {
      const byProjectKind = new Map<string, { project: string; kind: string; ids: Set<string> }>();
      for (const t of query.targets) {
        if (!gcpStatusCheckKinds.has(t.kind)) continue;
        const key = `${t.account}|${t.kind}`;
        const entry = byProjectKind.get(key) ?? { project: t.account, kind: t.kind, ids: new Set<string>() };
        entry.ids.add(t.resourceId);
        byProjectKind.set(key, entry);
      }
      const reads = [...byProjectKind.values()].map(({ project, kind, ids }): ScopeRead<ResourceStatusChecks> => {
        if (kind === "gce_instance") {
          return instanceStatusRead({
            scope: { cloud: "gcp", account: project, region: "*", kind: "status_checks" },
            instanceIds: [...ids],
            pages: (signal) => instancesReader.pages(readContext(project, signal)),
          });
        }
        const scope: ScopeRef = { cloud: "gcp", account: project, region: "*", kind: `${kind}_status_checks` };
        if (kind === "gce_instance_group_manager") {
          return listedStatusRead({
            scope,
            operation: instanceGroupManagersReader.operation,
            ids: [...ids],
            pages: (signal) => instanceGroupManagersReader.pages(readContext(project, signal)),
            check: normalizeInstanceGroupCheck,
          });
        }
        return backendHealthRead({
          scope,
          ids: [...ids],
          pages: (signal) => backendServicesReader.pages(readContext(project, signal)),
          getHealth: (service, group, signal) => backendGroupHealth(readContext(project, signal), service, group),
        });
      });
      yield* runScopes(reads, runSettings("status_checks", query.signal, (scope, statuses: ResourceStatusChecks[]): StatusCheckEvent => ({ type: "status_page", scope, statuses })));
    },
    listPrices,
    /** Infrastructure Manager deployments, one read per project (every location). */
    async *streamDeployments(query: DeploymentQuery = {}): AsyncGenerator<DeploymentEvent> {
      const { signal } = query;
      // Loaded here: inventory-only processes never load the deployment reader.
      const { infraManagerApi, infraManagerRead } = await import("./deployments.ts");
      await ensureDiscovered();
      const api = () => infraManagerApi(connectCompute().transport.authClient, config.endpoint, callOptions, pageSize);
      const settings: RunSettings<NormalizedDeployment, DeploymentEvent> = {
        ...runSettings("deployments", signal, (scope, deployments: NormalizedDeployment[]): DeploymentEvent => ({ type: "deployment_page", scope, deployments })),
        toError: (err, f) =>
          err instanceof CloudError
            ? err
            : toScopeError(err, { ...failureContext(f.account, f.read.operation, connection?.transport, f.aborted), api: "Infrastructure Manager", role: "roles/config.viewer" }),
      };
      yield* runScopes(
        projects.map((project) => infraManagerRead(project, api())),
        settings,
      );
    },

    /**
     * Cloud SQL automated backups and backup runs, and Compute Engine snapshot schedules and disk
     * snapshots (scope kind `gce_snapshots`), two reads per project (modules loaded on first use).
     */
    async *streamBackups(query: BackupQuery): AsyncGenerator<BackupEvent> {
      await ensureDiscovered();
      const [{ gcpBackupRead }, { gceSnapshotRead }] = await Promise.all([import("./backups.ts"), import("./snapshots.ts")]);
      const now = query.now ?? new Date();
      yield* runScopes(
        projects.flatMap((project) => [
          gcpBackupRead(project, query.since, (signal) => readContext(project, signal)),
          gceSnapshotRead(project, now, (signal) => readContext(project, signal)),
        ]),
        runSettings("backups", query.signal, (scope, records: BackupRecord[]): BackupEvent => ({ type: "backup_page", scope, records })),
      );
    },

    async close() {
      const c = connection;
      connection = undefined;
      await Promise.allSettled([c?.clients?.close(), c?.monitoring?.then((m) => m.close()), c?.catalog?.then((m) => m.close())]);
    },
  };
}

/**
 * An aggregated list covers every region in one call: scope region `*`. When the caller limits
 * regions, the same call feeds one scope per asked region, so completing vouches only for those.
 * Global kinds are always one `global` scope.
 */
function scopesFor(reader: GcpKindReader, project: string, regions: readonly string[] | undefined): ScopeRef[] {
  const scope = (region: string): ScopeRef => ({ cloud: "gcp", account: project, region, kind: reader.kind });
  if (reader.fanout === "project_global") return [scope("global")];
  if (!regions) return [scope("*")];
  return [...new Set(regions)].map(scope);
}

function scopeOf(scopes: readonly ScopeRef[], regionCode: string | null): ScopeRef | undefined {
  if (scopes.length === 1 && (scopes[0]?.region === "*" || scopes[0]?.region === "global")) return scopes[0];
  return scopes.find((s) => s.region === regionCode);
}

function selectKinds(kinds: readonly string[] | undefined): GcpKindReader[] {
  if (!kinds) return [...gcpKindReaders];
  const unknown = kinds.filter((k) => !gcpKindReaders.some((r) => r.kind === k) && !isCatchAllKind(k));
  if (unknown.length > 0) {
    throw new Error(`Unknown GCP kinds: ${unknown.join(", ")}. Known: ${gcpKinds.join(", ")}.`);
  }
  return gcpKindReaders.filter((r) => kinds.includes(r.kind));
}

/** A kind only the catch-all reports: in its table, or derived from an asset type, never a dedicated kind. */
function isCatchAllKind(kind: string): boolean {
  return !gcpKindReaders.some((r) => r.kind === kind) && gcpCatchAllReader.reportsKind(kind);
}

/**
 * What the catch-all should read for the asked kinds: everything (`*`) when none are asked, the
 * asked kinds it reports, or nothing.
 */
function catchAllKinds(kinds: readonly string[] | undefined): readonly string[] | null {
  if (!kinds) return ["*"];
  const asked = [...new Set(kinds.filter(isCatchAllKind))];
  return asked.length > 0 ? asked : null;
}
