import { mergeBounded } from "../common/merge.ts";
import { createRateLimiter, type RateLimiter } from "../common/rate-limiter.ts";
import { CloudError, MalformedItemError } from "../errors.ts";
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
import type { AuthClient } from "google-auth-library";
import { createAuthClient, type GcpCredentials, secretsOf } from "./auth.ts";
import type { BillingQueryClient } from "./bigquery.ts";
import { type BillingExportTable, parseBillingExportTable, parseQueryProject } from "./billing-table.ts";
import { listCallOptions } from "./call-options.ts";
import { type ComputeClients, createComputeClients } from "./clients.ts";
import { createCostReader } from "./costs.ts";
import { createMetricReader } from "./metrics.ts";
import type { TimeSeriesLister } from "./monitoring.ts";
import { toScopeError } from "./failures.ts";
import { gcpKindReaders } from "./kinds/index.ts";
import type { GcpKindReader, RawPage } from "./kinds/kind.ts";
import { lastSegment, regionFromScopeKey } from "./normalize.ts";
import { mergeRegion } from "./regions.ts";
import { createGatedTransport, type GatedTransport, requestKey } from "./transport.ts";

export interface GcpAdapterConfig extends AdapterOptions {
  /** A service-account key, or any google-auth-library client. */
  credentials: GcpCredentials;
  /** Project ids to read; each is an account of its own. One service account may read several. */
  projects: readonly string[];
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
  /** Points per listTimeSeries page (default 10,000; the API allows 100,000). `pageSize` bounds samples per event. */
  metricsPageSize?: number;
}

/** Counters of the adapter's own buffering since it was created, for tests and metrics. */
export interface GcpStreamStats {
  /** Pages normalized by scope readers. */
  pagesProduced: number;
  /** Pages handed to the consumer. */
  pagesYielded: number;
  /** The most pages ever produced but not yet taken by the consumer (bounded by concurrency). */
  maxPagesAhead: number;
  /** The most resources in one yielded page (bounded by pageSize). */
  largestPage: number;
}

export interface GcpAdapter extends CloudAdapter, CostAndMetricSource {
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
  const projects = [...new Set(config.projects)];
  if (projects.length === 0) throw new Error("createGcpAdapter needs at least one project id in `projects`.");
  const pageSize = Math.min(MAX_PAGE_SIZE, Math.max(1, Math.floor(config.pageSize ?? defaults.pageSize)));
  const timeoutMs = config.timeoutMs ?? defaults.timeoutMs;
  const maxAttempts = Math.max(1, Math.floor(config.maxAttempts ?? defaults.maxAttempts));
  const concurrency = Math.max(1, Math.floor(config.concurrency ?? defaults.concurrency));
  const callOptions = listCallOptions({ maxAttempts, timeoutMs, retryDelayMs: config.retryDelayMs ?? defaults.retryDelayMs });
  const costPageSize = Math.max(1, Math.floor(config.costPageSize ?? config.pageSize ?? defaults.costPageSize));
  const secrets = secretsOf(config.credentials);
  const readers = selectReaders(config.kinds);
  const stats: GcpStreamStats = { pagesProduced: 0, pagesYielded: 0, maxPagesAhead: 0, largestPage: 0 };
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
  }
  let connection: Connection | undefined;
  // Built on first use, so a bad key fails the stream's scopes (with a clear error), not the constructor.
  const connect = (): Connection => {
    if (!connection) {
      const auth = createAuthClient(config.credentials, config.tokenUri);
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

  const failureContext = (project: string, operation: string, transport: GatedTransport | undefined, aborted: boolean) => ({
    project,
    operation,
    maxAttempts,
    timeoutMs,
    outcome: transport?.outcome(requestKey(project, operation)),
    secrets,
    aborted,
  });

  async function* readScope(reader: GcpKindReader, project: string, signal: AbortSignal | undefined): AsyncGenerator<InventoryEvent> {
    const scopes = scopesFor(reader, project, config.regions);
    const counts = new Map<ScopeRef, number>(scopes.map((s) => [s, 0]));
    let transport: GatedTransport | undefined;
    let iterator: AsyncIterator<RawPage> | undefined;
    try {
      if (signal?.aborted) throw signal.reason;
      const { clients, transport: t } = connectCompute();
      transport = t;
      transport.reset(requestKey(project, reader.apiPath));
      iterator = reader.pages(clients, { project, pageSize, callOptions })[Symbol.asyncIterator]();
      const unreachable: string[] = [];
      for (;;) {
        const step = await nextUnlessAborted(iterator, signal);
        if (step.done) break;
        for (const warning of step.value.warnings) unreachable.push(`${warning.scopeKey} (${warning.code})`);
        const groups = new Map<ScopeRef, NormalizedResource[]>();
        for (const entry of step.value.entries) {
          let resource: NormalizedResource;
          try {
            resource = reader.normalize(entry.item as Record<string, unknown>, project, entry.scopeKey);
          } catch (err) {
            if (!(err instanceof MalformedItemError)) throw err;
            const scope = scopeOf(scopes, entry.scopeKey ? regionFromScopeKey(entry.scopeKey) : null) ?? (scopes[0] as ScopeRef);
            config.logger?.warn({ cloud: "gcp", project, kind: reader.kind, itemId: err.itemId }, "skipped a malformed item");
            yield { type: "item_skipped", scope, itemId: err.itemId, reason: err.message };
            continue;
          }
          const scope = scopeOf(scopes, resource.regionCode);
          if (!scope) continue; // a region the caller did not ask for
          const group = groups.get(scope) ?? [];
          groups.set(scope, group);
          group.push(resource);
        }
        for (const [scope, resources] of groups) {
          counts.set(scope, (counts.get(scope) ?? 0) + resources.length);
          stats.pagesProduced += 1;
          stats.maxPagesAhead = Math.max(stats.maxPagesAhead, stats.pagesProduced - stats.pagesYielded);
          yield { type: "page", scope, resources };
        }
      }
      if (unreachable.length > 0) {
        throw new CloudError(
          "gcp",
          `${reader.apiPath} in GCP project ${project} is incomplete: ${unreachable.slice(0, 5).join(", ")} did not answer; try again later`,
          { account: project },
        );
      }
      for (const scope of scopes) {
        config.logger?.debug({ cloud: "gcp", project, kind: scope.kind, region: scope.region, resources: counts.get(scope) }, "scope completed");
        yield { type: "scope_completed", scope, resourceCount: counts.get(scope) ?? 0 };
      }
    } catch (err) {
      const error =
        err instanceof CloudError
          ? err
          : toScopeError(err, failureContext(project, reader.apiPath, transport, signal?.aborted ?? false));
      config.logger?.warn({ cloud: "gcp", project, kind: reader.kind, error: error.message }, "scope failed");
      for (const scope of scopes) yield { type: "scope_failed", scope, error };
    } finally {
      await iterator?.return?.();
    }
  }

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
    kinds: readers.map((r) => r.kind),
    stats,

    async listRegions(): Promise<RegionInfo[]> {
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

    async *streamResources(options: StreamOptions = {}): AsyncIterable<InventoryEvent> {
      const wanted = options.kinds ? new Set(options.kinds) : null;
      const selected = readers.filter((r) => !wanted || wanted.has(r.kind));
      const producers = projects.flatMap((project) =>
        selected.map((reader) => () => readScope(reader, project, options.signal)),
      );
      for await (const event of mergeBounded(producers, concurrency)) {
        if (event.type === "page") {
          stats.pagesYielded += 1;
          stats.largestPage = Math.max(stats.largestPage, event.resources.length);
        }
        yield event;
      }
    },

    streamCosts(query: CostQuery): AsyncIterable<CostEvent> {
      return streamCosts(query);
    },

    streamMetrics(query: MetricQuery): AsyncIterable<MetricEvent> {
      return streamMetrics(query);
    },

    async close() {
      const c = connection;
      connection = undefined;
      await Promise.allSettled([c?.clients?.close(), c?.monitoring?.then((m) => m.close())]);
    },
  };
}

function selectReaders(kinds: readonly string[] | undefined): GcpKindReader[] {
  if (!kinds) return [...gcpKindReaders];
  const unknown = kinds.filter((k) => !gcpKindReaders.some((r) => r.kind === k));
  if (unknown.length > 0) {
    throw new Error(`Unknown GCP kinds: ${unknown.join(", ")}. Known: ${gcpKindReaders.map((r) => r.kind).join(", ")}.`);
  }
  return gcpKindReaders.filter((r) => kinds.includes(r.kind));
}

/**
 * An aggregated list covers every region in one call: scope region `*`. When the caller limits
 * regions, the same call feeds one scope per asked region, so completing vouches only for those.
 * Global kinds are always one `global` scope.
 */
function scopesFor(reader: GcpKindReader, project: string, regions: readonly string[] | undefined): ScopeRef[] {
  const scope = (region: string): ScopeRef => ({ cloud: "gcp", account: project, region, kind: reader.kind });
  if (reader.coverage === "global") return [scope("global")];
  if (!regions) return [scope("*")];
  return [...new Set(regions)].map(scope);
}

function scopeOf(scopes: readonly ScopeRef[], regionCode: string | null): ScopeRef | undefined {
  if (scopes.length === 1 && (scopes[0]?.region === "*" || scopes[0]?.region === "global")) return scopes[0];
  return scopes.find((s) => s.region === regionCode);
}

/** The next page, unless the caller aborts first (a pending request is then abandoned). */
async function nextUnlessAborted<T>(iterator: AsyncIterator<T>, signal: AbortSignal | undefined): Promise<IteratorResult<T>> {
  if (!signal) return iterator.next();
  if (signal.aborted) throw signal.reason;
  let onAbort: (() => void) | undefined;
  const aborted = new Promise<never>((_, reject) => {
    onAbort = () => reject(signal.reason);
    signal.addEventListener("abort", onAbort, { once: true });
  });
  try {
    return await Promise.race([iterator.next(), aborted]);
  } finally {
    if (onAbort) signal.removeEventListener("abort", onAbort);
  }
}
