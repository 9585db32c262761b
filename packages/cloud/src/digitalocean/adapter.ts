import { createRateLimiter, type RateLimiter } from "../common/rate-limiter.ts";
import { clampPageSize, describeKind, type KindReadPlan, kindRead, selectReaders } from "../core/kind-reader.ts";
import { createStreamStats, type RunSettings, runScopes, type ScopeRead, type StreamStats } from "../core/scope-runner.ts";
import { CloudError, CredentialsRejectedError } from "../errors.ts";
import type {
  AdapterOptions,
  CloudAdapter,
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
import { doApiLimit, doApiLimitOf } from "./api-limits.ts";
import { createDoConnections, type DoAnswer, doGet, type DotsV2, type RequestInformation } from "./clients.ts";
import { costReads } from "./costs.ts";
import { toDoError } from "./errors.ts";
import { doKindReaders } from "./kinds/index.ts";
import { type DoKindReader, type DoReadContext, itemsOf, MAX_PER_PAGE, nextPage } from "./kinds/kind.ts";
import { metricReads } from "./metrics.ts";
import type { DoRaw } from "./normalize.ts";
import { doRegion } from "./regions.ts";

/** One DigitalOcean team and a token of it: a DigitalOcean token is scoped to exactly one team. */
export interface DoTeamCredentials {
  /** The team's UUID (Settings → Team, or `GET /v2/account` → `account.team.uuid`): the scopes' account. */
  teamId: string;
  /** A personal access token of that team with read access (`dop_v1_…`). */
  token: string;
}

export interface DigitalOceanAdapterConfig extends AdapterOptions {
  teams: readonly DoTeamCredentials[];
  /** Kinds to read when a stream does not name any (default: all). */
  kinds?: readonly string[];
  /** First backoff delay of a retried request, in ms (default 500; jittered, doubling, at most `maxRetryDelayMs`). */
  retryDelayMs?: number;
  /** Longest backoff between two attempts, in ms (default 30,000). */
  maxRetryDelayMs?: number;
  /**
   * Shared limiter (default: per team, DigitalOcean's documented 5,000 per hour with a burst of
   * 250; `requestsPerSecond` applies only when it is slower). Pass one to share a team's budget
   * between adapters of one process, or to use a limit DigitalOcean raised for the account.
   */
  rateLimiter?: RateLimiter;
}

export interface DigitalOceanAdapter extends CloudAdapter {
  readonly stats: Readonly<StreamStats>;
  close(): Promise<void>;
}

const defaults = { timeoutMs: 30_000, maxAttempts: 5, concurrency: 4, retryDelayMs: 500 };

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function createDigitalOceanAdapter(config: DigitalOceanAdapterConfig): DigitalOceanAdapter {
  if (config.teams.length === 0) throw new Error("createDigitalOceanAdapter needs at least one team: { teamId, token } (one token per team).");
  for (const t of config.teams) {
    if (!UUID.test(t.teamId)) throw new Error(`createDigitalOceanAdapter: teamId must be the team's UUID, got ${JSON.stringify(t.teamId)}.`);
    if (!t.token) throw new Error(`createDigitalOceanAdapter: team ${t.teamId} has no token.`);
  }
  const tokens = new Map(config.teams.map((t) => [t.teamId, t.token]));
  const teams = [...tokens.keys()];
  const secrets = [...tokens.values()];
  const pageSize = clampPageSize(config.pageSize, 1, MAX_PER_PAGE);
  const concurrency = Math.max(1, Math.floor(config.concurrency ?? defaults.concurrency));
  const readers = selectReaders(doKindReaders, config.kinds, "DigitalOcean");
  const stats = createStreamStats();
  // DigitalOcean's limits hold per token whatever the caller asks: `requestsPerSecond` may only
  // slow a team down below them (a shared limiter is the way to use a raised limit).
  const slower = config.requestsPerSecond !== undefined && config.requestsPerSecond < doApiLimit.requestsPerSecond;
  const limiter =
    config.rateLimiter ??
    (slower
      ? createRateLimiter({ requestsPerSecond: config.requestsPerSecond as number })
      : createRateLimiter({ requestsPerSecond: doApiLimit.requestsPerSecond, limitOf: doApiLimitOf }));
  const send = {
    limiter,
    maxAttempts: Math.max(1, Math.floor(config.maxAttempts ?? defaults.maxAttempts)),
    retryDelayMs: config.retryDelayMs ?? defaults.retryDelayMs,
    maxRetryDelayMs: config.maxRetryDelayMs ?? 30_000,
    timeoutMs: config.timeoutMs ?? defaults.timeoutMs,
    onThrottle: config.onThrottle,
    onAnswer: (team: string, rateLimit: DoAnswer["rateLimit"]) => {
      if (rateLimit.remaining !== null && rateLimit.remaining < 100) config.logger?.warn({ cloud: "digitalocean", team, ...rateLimit }, "digitalocean rate limit nearly spent");
    },
  };
  const connections = createDoConnections(config.endpoint);

  async function get(team: string, operation: string, build: (v2: DotsV2, options: readonly object[]) => RequestInformation, signal: AbortSignal | undefined): Promise<DoAnswer> {
    const token = tokens.get(team);
    if (!token) throw new CloudError("digitalocean", `no token for DigitalOcean team ${team}; add it to the provider's credentials.`, { account: team });
    await verified(team, signal);
    return doGet(await connections(token), team, operation, build, send, signal);
  }

  // Each token is checked once per adapter: it must belong to the team it is configured for,
  // or every row would be written under the wrong team.
  const verifications = new Map<string, Promise<void>>();
  function verified(team: string, signal: AbortSignal | undefined): Promise<void> {
    let v = verifications.get(team);
    if (!v) {
      v = (async () => {
        const { body } = await doGet(await connections(tokens.get(team) as string), team, "account", (v2, options) => v2.account.toGetRequestInformation({ options }), send, signal);
        const account = (body as { account?: DoRaw } | null)?.account;
        const teamOfToken = (account?.team as DoRaw | undefined)?.uuid;
        if (teamOfToken !== team) {
          throw new CredentialsRejectedError(
            "digitalocean",
            team,
            `the token belongs to team ${typeof teamOfToken === "string" ? teamOfToken : "(none)"}, not to this one; give each team its own token`,
          );
        }
      })();
      // A failed check is not remembered: the next stream asks again.
      v.catch(() => verifications.delete(team));
      verifications.set(team, v);
    }
    return v;
  }

  const runSettings = <T, P>(stream: string, signal: AbortSignal | undefined, page: (scope: ScopeRef, items: T[]) => P): RunSettings<T, P> => ({
    cloud: "digitalocean",
    stream,
    concurrency,
    signal,
    logger: config.logger,
    stats,
    page,
    toError: (err, f) =>
      toDoError(err, { team: f.account, operation: f.operation, maxAttempts: send.maxAttempts, timeoutMs: send.timeoutMs, aborted: f.aborted, secrets }),
  });

  const context = (team: string, signal: AbortSignal | undefined): DoReadContext => ({
    team,
    pageSize,
    signal,
    get: (operation, build) => get(team, operation, build, signal),
  });

  /** Every list covers the team's regions: scope `*`, or one scope per asked region (items elsewhere dropped). */
  function* resourceReads(selected: readonly DoKindReader[], only: readonly string[] | undefined): Generator<ScopeRead<NormalizedResource>> {
    const regions = config.regions ? [...new Set(config.regions)] : null;
    for (const team of only ? teams.filter((t) => only.includes(t)) : teams) {
      for (const reader of selected) {
        const scopes: ScopeRef[] = (regions ?? ["*"]).map((region) => ({ cloud: "digitalocean", account: team, region, kind: reader.kind }));
        const plan: KindReadPlan<DoRaw> = {
          scopes,
          where: { account: team, region: (scopes[0] as ScopeRef).region },
          scopeOf: (resource) => (regions ? scopes.find((s) => s.region === resource.regionCode) : scopes[0]),
        };
        yield kindRead(reader, plan, (state) => context(team, state.signal));
      }
    }
  }

  return {
    cloud: "digitalocean",
    accounts: teams,
    kinds: readers.map(describeKind),
    stats,

    async listRegions(): Promise<RegionInfo[]> {
      const team = teams[0] as string;
      const wanted = config.regions ? new Set(config.regions) : null;
      const regions: RegionInfo[] = [];
      try {
        let page = 1;
        for (;;) {
          const current = page;
          const { body } = await get(team, "regions", (v2, options) => v2.regions.toGetRequestInformation({ queryParameters: { page: current, perPage: MAX_PER_PAGE }, options }), undefined);
          for (const r of itemsOf(body, "regions", "regions")) {
            const slug = typeof r.slug === "string" ? r.slug : null;
            if (!slug || (wanted && !wanted.has(slug))) continue;
            regions.push(doRegion(slug, typeof r.name === "string" ? r.name : undefined));
          }
          const next = nextPage(body);
          if (next === null || next <= current) break;
          page = next;
        }
      } catch (err) {
        throw toDoError(err, { team, operation: "regions", maxAttempts: send.maxAttempts, timeoutMs: send.timeoutMs, aborted: false, secrets });
      }
      return regions;
    },

    streamResources(options: StreamOptions = {}): AsyncIterable<InventoryEvent> {
      const selected = options.kinds ? selectReaders(readers, options.kinds, "DigitalOcean") : readers;
      return runScopes(
        resourceReads(selected, options.accounts),
        runSettings("resources", options.signal, (scope, resources: NormalizedResource[]): InventoryEvent => ({ type: "page", scope, resources })),
      );
    },

    streamCosts(query: CostQuery): AsyncIterable<CostEvent> {
      return runScopes(
        costReads(query, teams, get, pageSize),
        runSettings("costs", query.signal, (scope, lines): CostEvent => ({ type: "cost_page", scope, lines })),
      );
    },

    streamMetrics(query: MetricQuery): AsyncIterable<MetricEvent> {
      return runScopes(
        metricReads(query, teams, get),
        runSettings("metrics", query.signal, (scope, samples): MetricEvent => ({ type: "metric_page", scope, samples })),
      );
    },

    async close() {
      // The Kiota fetch adapter holds no sockets of its own (undici's global pool does).
    },
  };
}
