import { createRateLimiter, type RateLimiter } from "../common/rate-limiter.ts";
import { describeKind, type KindReadPlan, kindRead, selectReaders } from "../core/kind-reader.ts";
import { failingRead } from "../core/reads.ts";
import { createStreamStats, type ReadStep, type RunSettings, runScopes, type ScopeRead, type StreamStats } from "../core/scope-runner.ts";
import { CloudError, MalformedItemError } from "../errors.ts";
import {
  type AdapterOptions,
  type CloudAdapter,
  type CostEvent,
  type CostQuery,
  type InventoryEvent,
  kindsWithMetrics,
  type MetricEvent,
  type MetricQuery,
  type MetricSample,
  type NormalizedCostLine,
  type NormalizedResource,
  type RegionInfo,
  type ScopeRef,
  type StreamOptions,
} from "../types.ts";
import { vultrDefaultRequestsPerSecond, vultrLimitKey } from "./api-limits.ts";
import { loadVultrSdk, type VultrEndpointName, type VultrSend } from "./clients.ts";
import { invoiceMayCover, normalizeInvoiceItem, type VultrInvoiceItem } from "./costs.ts";
import { toVultrError } from "./errors.ts";
import { vultrKindReaders } from "./kinds/index.ts";
import type { VultrKindReader, VultrRaw, VultrReadContext } from "./kinds/kind.ts";
import { type BandwidthAnswer, bandwidthSamples } from "./metrics.ts";
import { normalizeRegion, type VultrRegionItem } from "./regions.ts";
import { callVultr, listPages, type VultrCallSettings } from "./request.ts";

export interface VultrAccountCredentials {
  /** What cloudsync calls the account (the main account or a sub-account); scopes carry it. */
  account: string;
  /** The account's personal access token (Account → API). */
  apiKey: string;
}

export interface VultrAdapterConfig extends AdapterOptions {
  /** One API key per account: Vultr keys are per user of one account, sub-accounts included. */
  accounts: readonly VultrAccountCredentials[];
  /** First backoff delay after a 429, 5xx or network failure, in ms (default 500). */
  retryDelayMs?: number;
  /** Shared limiter (default: one bucket of `requestsPerSecond`, default 25, for every call of the process). */
  rateLimiter?: RateLimiter;
  /** The clock that decides which bandwidth day is still in progress (tests). */
  now?: () => Date;
}

export interface VultrAdapter extends CloudAdapter {
  readonly stats: Readonly<StreamStats>;
}

const defaults = { pageSize: 500, timeoutMs: 30_000, maxAttempts: 5, concurrency: 4, retryDelayMs: 500 };
/** Vultr's `per_page` is 1..500. */
const MAX_PAGE_SIZE = 500;

export function createVultrAdapter(config: VultrAdapterConfig): VultrAdapter {
  if (config.accounts.length === 0) throw new Error("createVultrAdapter needs at least one account with its API key in `accounts`.");
  const names = new Set<string>();
  for (const a of config.accounts) {
    if (!a.account || !a.apiKey) throw new Error("createVultrAdapter: every account needs a name and an apiKey.");
    if (names.has(a.account)) throw new Error(`createVultrAdapter: the account ${a.account} is listed twice; give each sub-account its own name.`);
    names.add(a.account);
  }
  const accounts = config.accounts.map((a) => a.account);
  const keyOf = new Map(config.accounts.map((a) => [a.account, a.apiKey]));
  const secrets = config.accounts.map((a) => a.apiKey);
  const baseUrl = `${(config.endpoint ?? "https://api.vultr.com").replace(/\/+$/, "")}/v2`;
  const perPage = Math.min(MAX_PAGE_SIZE, Math.max(1, Math.floor(config.pageSize ?? defaults.pageSize)));
  const concurrency = Math.max(1, Math.floor(config.concurrency ?? defaults.concurrency));
  const limiter = config.rateLimiter ?? processLimiter(config.requestsPerSecond ?? vultrDefaultRequestsPerSecond);
  const readers = selectReaders(vultrKindReaders, undefined, "Vultr");
  const stats = createStreamStats();
  const now = config.now ?? (() => new Date());
  // An empty list asks for no region in particular: every region is read.
  const regions = config.regions && config.regions.length > 0 ? [...new Set(config.regions)] : null;

  const settings = (signal: AbortSignal | undefined): VultrCallSettings => ({
    limiter,
    limitKey: vultrLimitKey,
    timeoutMs: config.timeoutMs ?? defaults.timeoutMs,
    maxAttempts: Math.max(1, Math.floor(config.maxAttempts ?? defaults.maxAttempts)),
    retryDelayMs: config.retryDelayMs ?? defaults.retryDelayMs,
    signal,
    onThrottle: config.onThrottle,
  });

  /** One account's calls, through the SDK loaded on first use. */
  async function caller(account: string, signal: AbortSignal | undefined) {
    const sdk = await loadVultrSdk();
    const send: VultrSend = sdk.sender(keyOf.get(account) as string, baseUrl);
    const s = settings(signal);
    return {
      call: (name: VultrEndpointName, parameters?: Record<string, string>) =>
        callVultr(send, sdk.endpoints[name], parameters, `GET ${sdk.endpoints[name].url}`, s),
      list<T>(name: VultrEndpointName, key: string, parameters: Record<string, string> = {}): AsyncIterable<T[]> {
        return listPages<T>((p) => callVultr(send, sdk.endpoints[name], { ...parameters, ...p }, `GET ${sdk.endpoints[name].url}`, s), key, perPage);
      },
    };
  }

  const runSettings = <T, P>(stream: string, signal: AbortSignal | undefined, page: (scope: ScopeRef, items: T[]) => P): RunSettings<T, P> => ({
    cloud: "vultr",
    stream,
    concurrency,
    signal,
    logger: config.logger,
    stats,
    page,
    toError: (err, f) => toVultrError(err, f, secrets),
  });

  /**
   * Every list covers the whole account: one read per account and kind. Its scope is region `*`
   * (firewall groups: `global`), or, when the adapter is limited to regions, one scope per asked
   * region, items elsewhere dropped, so completing vouches only for what was read.
   */
  function* resourceReads(selected: readonly VultrKindReader[], only: readonly string[] | undefined): Generator<ScopeRead<NormalizedResource>> {
    for (const account of only ? accounts.filter((a) => only.includes(a)) : accounts) {
      for (const reader of selected) {
        const scope = (region: string): ScopeRef => ({ cloud: "vultr", account, region, kind: reader.kind });
        const global = reader.kind === "vultr_firewall_group";
        const scopes = global ? [scope("global")] : regions ? regions.map(scope) : [scope("*")];
        const plan: KindReadPlan<VultrRaw> = {
          scopes,
          where: { account, region: (scopes[0] as ScopeRef).region },
          scopeOf: (r) => (scopes.length === 1 && (scopes[0]?.region === "*" || global) ? scopes[0] : scopes.find((s) => s.region === r.regionCode)),
        };
        yield kindRead(reader, plan, (state): VultrReadContext => ({
          account,
          list: <T>(endpoint: VultrEndpointName, key: string) => lazyList<T>(() => caller(account, state.signal), endpoint, key),
        }));
      }
    }
  }

  /** The cost read of one account: invoices found in the billing history, then pending charges. */
  function costRead(account: string, query: CostQuery): ScopeRead<NormalizedCostLine> {
    const scope: ScopeRef = { cloud: "vultr", account, region: "global", kind: "costs" };
    return {
      scopes: [scope],
      operation: "GET /billing/history",
      read: (state) =>
        (async function* (): AsyncGenerator<ReadStep<NormalizedCostLine>> {
          const api = await caller(account, state.signal);
          const invoices: string[] = [];
          for await (const page of api.list<{ id?: unknown; type?: unknown; date?: unknown }>("billingHistory", "billing_history")) {
            for (const entry of page) {
              if (entry.type === "invoice" && entry.id !== undefined && invoiceMayCover(entry.date, query.start, query.end)) invoices.push(String(entry.id));
            }
          }
          for (const invoiceId of invoices) {
            state.operation = `GET /billing/invoices/${invoiceId}/items`;
            for await (const page of api.list<VultrInvoiceItem>("invoiceItems", "invoice_items", { "invoice-id": invoiceId })) {
              yield* costSteps(page, account, invoiceId, query);
            }
          }
          state.operation = "GET /billing/pending-charges";
          const pending = await api.call("pendingCharges");
          const items = pending.pending_charges;
          if (!Array.isArray(items)) throw new Error('the pending-charges answer has no "pending_charges" list');
          yield* costSteps(items as VultrInvoiceItem[], account, null, query);
        })(),
    };
  }

  /** The bandwidth of each target, one request per resource; a resource gone since the inventory is skipped. */
  function metricRead(account: string, targets: readonly { resourceId: string; kind: string }[], query: MetricQuery): ScopeRead<MetricSample> {
    const scope: ScopeRef = { cloud: "vultr", account, region: "global", kind: "metrics" };
    return {
      scopes: [scope],
      operation: "GET /instances/{instance-id}/bandwidth",
      read: (state) =>
        (async function* (): AsyncGenerator<ReadStep<MetricSample>> {
          const api = await caller(account, state.signal);
          const today = now().toISOString().slice(0, 10);
          let withSamples = 0;
          for (const target of targets) {
            const endpoint: VultrEndpointName = target.kind === "vultr_bare_metal" ? "bareMetalBandwidth" : "instanceBandwidth";
            const idParam = target.kind === "vultr_bare_metal" ? "baremetal-id" : "instance-id";
            let body: Record<string, unknown>;
            try {
              body = await api.call(endpoint, { [idParam]: target.resourceId });
            } catch (err) {
              if ((err as { status?: unknown }).status === 404) {
                yield { type: "skipped", itemId: target.resourceId, reason: "the server is gone since the inventory was read" };
                continue;
              }
              throw err;
            }
            const samples = bandwidthSamples((body.bandwidth ?? {}) as BandwidthAnswer, { account, resourceId: target.resourceId }, { start: query.start, end: query.end, today });
            if (samples.length > 0) {
              withSamples++;
              yield { type: "items", items: samples };
            }
          }
          state.resourceCount = withSamples;
        })(),
    };
  }

  const metricKinds = new Set(kindsWithMetrics(readers));

  return {
    cloud: "vultr",
    accounts,
    kinds: readers.map(describeKind),
    stats,

    async listRegions(): Promise<RegionInfo[]> {
      const account = accounts[0] as string;
      const wanted = regions ? new Set(regions) : null;
      try {
        const api = await caller(account, undefined);
        const out: RegionInfo[] = [];
        for await (const page of api.list<VultrRegionItem>("regions", "regions")) {
          for (const raw of page) {
            const region = normalizeRegion(raw);
            if (region && (!wanted || wanted.has(region.code))) out.push(region);
          }
        }
        return out;
      } catch (err) {
        throw toVultrError(err, { account, operation: "GET /regions", aborted: false }, secrets);
      }
    },

    streamResources(options: StreamOptions = {}): AsyncIterable<InventoryEvent> {
      const selected = selectReaders(readers, options.kinds, "Vultr");
      return runScopes(resourceReads(selected, options.accounts), runSettings("resources", options.signal, (scope, resources: NormalizedResource[]): InventoryEvent => ({ type: "page", scope, resources })));
    },

    streamCosts(query: CostQuery): AsyncIterable<CostEvent> {
      return runScopes(
        accounts.map((a) => costRead(a, query)),
        runSettings("costs", query.signal, (scope, lines: NormalizedCostLine[]): CostEvent => ({ type: "cost_page", scope, lines })),
      );
    },

    streamMetrics(query: MetricQuery): AsyncIterable<MetricEvent> {
      const reads: ScopeRead<MetricSample>[] = [];
      const byAccount = new Map<string, { resourceId: string; kind: string }[]>();
      for (const t of query.targets) {
        if (!metricKinds.has(t.kind)) continue;
        const list = byAccount.get(t.account) ?? [];
        list.push(t);
        byAccount.set(t.account, list);
      }
      for (const [account, targets] of byAccount) {
        if (!keyOf.has(account)) {
          const scope: ScopeRef = { cloud: "vultr", account, region: "global", kind: "metrics" };
          reads.push(failingRead(scope, "GET /instances/{instance-id}/bandwidth", new CloudError("vultr", `no API key is configured for the Vultr account ${account}; add it to the provider's credentials`, { account })));
          continue;
        }
        reads.push(metricRead(account, targets, query));
      }
      return runScopes(reads, runSettings("metrics", query.signal, (scope, samples: MetricSample[]): MetricEvent => ({ type: "metric_page", scope, samples })));
    },
  };
}

const processLimiters = new Map<number, RateLimiter>();

/**
 * Vultr counts requests per originating IP, not per key or per adapter: every adapter of the
 * process (a resource sync, then a cost sync, each building its own) draws from one bucket per
 * rate, or two syncs back to back would together exceed the limit each keeps alone.
 */
function processLimiter(requestsPerSecond: number): RateLimiter {
  let limiter = processLimiters.get(requestsPerSecond);
  if (!limiter) {
    limiter = createRateLimiter({ requestsPerSecond });
    processLimiters.set(requestsPerSecond, limiter);
  }
  return limiter;
}

/** A list whose SDK and key are resolved when the first page is asked for. */
async function* lazyList<T>(open: () => Promise<{ list<U>(name: VultrEndpointName, key: string): AsyncIterable<U[]> }>, endpoint: VultrEndpointName, key: string): AsyncGenerator<T[]> {
  const api = await open();
  yield* api.list<T>(endpoint, key);
}

/** Items of a page whose period starts in the window become lines; malformed ones are skipped. */
function* costSteps(items: readonly VultrInvoiceItem[], account: string, invoiceId: string | null, query: CostQuery): Generator<ReadStep<NormalizedCostLine>> {
  const lines: NormalizedCostLine[] = [];
  for (const raw of items) {
    try {
      const line = normalizeInvoiceItem(raw, account, { invoiceId });
      if (line.periodStart >= query.start && line.periodStart <= query.end) lines.push(line);
    } catch (err) {
      if (!(err instanceof MalformedItemError)) throw err;
      yield { type: "skipped", itemId: err.itemId, reason: err.message };
    }
  }
  if (lines.length > 0) yield { type: "items", items: lines };
}
