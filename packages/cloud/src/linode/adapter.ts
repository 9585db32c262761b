import { createRateLimiter, type RateLimiter } from "../common/rate-limiter.ts";
import { clampPageSize, describeKind, type KindReadPlan, kindRead, selectReaders } from "../core/kind-reader.ts";
import { createStreamStats, type ReadFailure, type ReadState, runScopes, type ScopeRead, type StreamStats } from "../core/scope-runner.ts";
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
import { type LinodeLimitGroup, linodeApiLimitOf, linodeLimitKey } from "./api-limits.ts";
import { createLinodeCostReader } from "./costs.ts";
import { toLinodeError } from "./errors.ts";
import { linodeKindReaders } from "./kinds/index.ts";
import { type LinodeKindReader, type LinodeReadContext, linodePages } from "./kinds/kind.ts";
import { createLinodeMetricReader } from "./metrics.ts";
import { mergeLinodeRegion } from "./regions.ts";
import { type CallOutcome, LinodeSession } from "./session.ts";

/** One Linode account and the personal access token (read-only scopes) that reads it. */
export interface LinodeAccountCredentials {
  /**
   * The account's `euuid` (GET /account), which scopes carry. The token is checked against it
   * before the first read, so a token pasted under the wrong account fails instead of mixing estates.
   */
  account: string;
  token: string;
}

export interface LinodeAdapterConfig extends AdapterOptions {
  /** One token per account: Linode has no organization root; a parent's child accounts each need their own. */
  accounts: readonly LinodeAccountCredentials[];
  /** Shared limiter (default: Linode's documented per-token limits, or `requestsPerSecond` for every call when set). */
  rateLimiter?: RateLimiter;
  /** First backoff when a 429 or 5xx names no `Retry-After` (default 500 ms, doubling). */
  retryDelayMs?: number;
}

export interface LinodeAdapter extends CloudAdapter {
  readonly stats: Readonly<StreamStats>;
}

const defaults = { pageSize: 500, timeoutMs: 30_000, maxAttempts: 5, concurrency: 4, retryDelayMs: 500, requestsPerSecond: 10 };

export function createLinodeAdapter(config: LinodeAdapterConfig): LinodeAdapter {
  if (config.accounts.length === 0) throw new Error("createLinodeAdapter needs at least one account with its API token in `accounts`.");
  const accounts = [...new Set(config.accounts.map((a) => a.account))];
  if (accounts.length !== config.accounts.length) throw new Error("createLinodeAdapter: each account may appear once in `accounts`.");
  for (const a of config.accounts) {
    if (!a.account.trim() || !a.token.trim()) throw new Error("createLinodeAdapter: every account needs its euuid in `account` and a personal access token in `token`.");
  }
  const pageSize = clampPageSize(config.pageSize ?? defaults.pageSize, 25, 500);
  const timeoutMs = config.timeoutMs ?? defaults.timeoutMs;
  const maxAttempts = Math.max(1, Math.floor(config.maxAttempts ?? defaults.maxAttempts));
  const concurrency = Math.max(1, Math.floor(config.concurrency ?? defaults.concurrency));
  const secrets = config.accounts.map((a) => a.token);
  const stats = createStreamStats();
  // A provider that sets requestsPerSecond sets it for every call; otherwise Linode's documented limits per token.
  const limiter =
    config.rateLimiter ??
    createRateLimiter({
      requestsPerSecond: config.requestsPerSecond ?? defaults.requestsPerSecond,
      ...(config.requestsPerSecond ? {} : { limitOf: linodeApiLimitOf }),
    });
  const sessions = new Map(
    config.accounts.map((a) => [
      a.account,
      new LinodeSession({
        token: a.token,
        endpoint: config.endpoint,
        timeoutMs,
        maxAttempts,
        limiter,
        retryDelayMs: config.retryDelayMs ?? defaults.retryDelayMs,
        onThrottle: config.onThrottle,
      }),
    ]),
  );
  const outcomes = new Map<string, CallOutcome>();
  const outcomeOf = (account: string, operation: string): CallOutcome => {
    const key = `${account} ${operation}`;
    let o = outcomes.get(key);
    if (!o) {
      o = { attempts: 0, lastStatus: undefined };
      outcomes.set(key, o);
    }
    return o;
  };
  const verified = new Map<string, Promise<void>>();

  const rawCall = <T>(account: string, state: ReadState | undefined, group: LinodeLimitGroup, operation: string, signal: AbortSignal | undefined, fn: Parameters<LinodeSession["call"]>[3]) => {
    if (state) state.operation = operation;
    const session = sessions.get(account) as LinodeSession;
    return session.call(linodeLimitKey(account, group), outcomeOf(account, operation), signal, fn) as Promise<T>;
  };

  /** The token must read the account it was given for: checked once per adapter and account. */
  const verify = (account: string, state: ReadState | undefined, signal: AbortSignal | undefined): Promise<void> => {
    let check = verified.get(account);
    if (!check) {
      check = rawCall<{ euuid?: string }>(account, state, "single", "GET /account", signal, (sdk) => sdk.getAccountInfo()).then((info) => {
        if (info.euuid !== account) {
          throw new CredentialsRejectedError("linode", account, `the token belongs to account ${info.euuid ?? "(unknown)"}, not ${account}; pair each token with its own account's euuid`);
        }
      });
      // A failed check is not remembered: the next stream asks again.
      check.catch(() => verified.delete(account));
      verified.set(account, check);
    }
    return check;
  };

  const context = (account: string, state: ReadState): LinodeReadContext => ({
    account,
    pageSize,
    signal: state.signal,
    async call(group, operation, fn) {
      await verify(account, state, state.signal);
      return rawCall(account, state, group, operation, state.signal, fn);
    },
  });

  const toError = (err: unknown, f: ReadFailure<unknown>): Error =>
    toLinodeError(err, {
      account: f.account,
      operation: f.operation,
      outcome: outcomes.get(`${f.account} ${f.operation}`),
      maxAttempts,
      timeoutMs,
      secrets,
      aborted: f.aborted,
    });

  /**
   * Each kind once per account. One list covers every region: scope region `*` (firewalls:
   * `global`), or, when the adapter is limited to regions, one scope per asked region, items of
   * other regions dropped, so completing vouches only for what was asked.
   */
  function* resourceReads(readers: readonly LinodeKindReader<never>[], only: readonly string[] | undefined): Generator<ScopeRead<NormalizedResource>> {
    for (const account of only ? accounts.filter((a) => only.includes(a)) : accounts) {
      for (const reader of readers) {
        const regions = reader.global || !config.regions ? [reader.global ? "global" : "*"] : [...new Set(config.regions)];
        const scopes: ScopeRef[] = regions.map((region) => ({ cloud: "linode", account, region, kind: reader.kind }));
        const plan: KindReadPlan<never> = {
          scopes,
          where: { account, region: (scopes[0] as ScopeRef).region },
          ...(scopes.length > 1 || scopes[0]?.region !== "*"
            ? { scopeOf: (r: NormalizedResource) => (scopes.length === 1 && scopes[0]?.region === "global" ? scopes[0] : scopes.find((s) => s.region === r.regionCode)) }
            : {}),
        };
        yield kindRead(reader, plan, (state) => context(account, state));
      }
    }
  }

  const streamCosts = createLinodeCostReader({ accounts, concurrency, logger: config.logger, context, toError });
  const streamMetrics = createLinodeMetricReader({ accounts, concurrency, pageSize, logger: config.logger, context, toError });

  return {
    cloud: "linode",
    accounts,
    kinds: linodeKindReaders.map(describeKind),
    stats,

    async listRegions(): Promise<RegionInfo[]> {
      const account = accounts[0] as string;
      const state: ReadState = { operation: "GET /regions", signal: undefined };
      const wanted = config.regions ? new Set(config.regions) : null;
      const regions: RegionInfo[] = [];
      try {
        for await (const page of linodePages(context(account, state), "GET /regions", (sdk, params) => sdk.getRegions(params))) {
          for (const r of page) if (r.id && (!wanted || wanted.has(r.id))) regions.push(mergeLinodeRegion(r));
        }
      } catch (err) {
        throw err instanceof CloudError ? err : toError(err, { read: null as never, account, credentialAccount: account, operation: state.operation, aborted: false });
      }
      return regions;
    },

    async *streamResources(options: StreamOptions = {}): AsyncGenerator<InventoryEvent> {
      const readers = selectReaders(linodeKindReaders, options.kinds, "Linode");
      yield* runScopes(resourceReads(readers, options.accounts), {
        cloud: "linode",
        stream: "resources",
        concurrency,
        signal: options.signal,
        logger: config.logger,
        stats,
        toError,
        page: (scope, resources: NormalizedResource[]): InventoryEvent => ({ type: "page", scope, resources }),
      });
    },

    streamCosts(query: CostQuery): AsyncIterable<CostEvent> {
      return streamCosts(query);
    },

    streamMetrics(query: MetricQuery): AsyncIterable<MetricEvent> {
      return streamMetrics(query);
    },
  };
}
