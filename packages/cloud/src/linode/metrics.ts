import type { ReadState, ReadStep, RunSettings, ScopeRead } from "../core/scope-runner.ts";
import { runScopes } from "../core/scope-runner.ts";
import type { AdapterLogger, MetricEvent, MetricKey, MetricQuery, MetricSample, MetricTarget } from "../types.ts";
import { linodeStatsKeys, normalizeLinodeStats } from "./normalize-metrics.ts";
import { httpStatusOf } from "./session.ts";
import type { LinodeReadContext } from "./kinds/kind.ts";

/** What the instance kind declares: the keys its statistics give. */
export const linodeMetricKeys: readonly MetricKey[] = linodeStatsKeys;

export interface LinodeMetricDeps {
  accounts: readonly string[];
  concurrency: number;
  pageSize: number;
  logger: AdapterLogger | undefined;
  context(account: string, state: ReadState): LinodeReadContext;
  toError: RunSettings<MetricSample, MetricEvent>["toError"];
}

/**
 * Linode statistics (`GET /linode/instances/{id}/stats`: the last 24 hours at 5-minute points):
 * one scope per account (`{linode, account, "*", "metrics"}`), the account's Linode targets one
 * at a time (the stats operations have their own 50 per minute limit). For each target the
 * Linode itself is read first for its vCPU count (CPU is reported per core). A Linode gone in
 * between is skipped, not failed. Only `linode_instance` targets are read; others are ignored.
 */
export function createLinodeMetricReader(deps: LinodeMetricDeps): (query: MetricQuery) => AsyncIterable<MetricEvent> {
  return function streamMetrics(query: MetricQuery): AsyncIterable<MetricEvent> {
    const periodSeconds = query.periodSeconds ?? 300;
    const byAccount = new Map<string, MetricTarget[]>();
    for (const t of query.targets) {
      if (t.kind !== "linode_instance" || !deps.accounts.includes(t.account)) continue;
      const list = byAccount.get(t.account) ?? [];
      if (!list.some((x) => x.resourceId === t.resourceId)) list.push(t);
      byAccount.set(t.account, list);
    }
    const reads: ScopeRead<MetricSample>[] = [...byAccount].map(([account, targets]) => ({
      scopes: [{ cloud: "linode", account, region: "*", kind: "metrics" }],
      operation: "GET /linode/instances/{id}/stats",
      read: (state) => {
        let withSamples = 0;
        async function* steps(): AsyncGenerator<ReadStep<MetricSample>> {
          const ctx = deps.context(account, state);
          let page: MetricSample[] = [];
          for (const target of targets) {
            const id = Number(/^linode\/(\d+)$/.exec(target.resourceId)?.[1]);
            if (!Number.isInteger(id)) {
              yield { type: "skipped", itemId: target.resourceId, reason: "not a Linode id (expected linode/<number>)" };
              continue;
            }
            let samples: MetricSample[];
            try {
              const linode = await ctx.call("single", "GET /linode/instances/{id}", (sdk) => sdk.getLinode(id));
              const stats = await ctx.call("stats", "GET /linode/instances/{id}/stats", (sdk) => sdk.getLinodeStats(id));
              samples = normalizeLinodeStats(
                stats as never,
                { account, resourceId: target.resourceId, vcpus: typeof linode.specs?.vcpus === "number" ? linode.specs.vcpus : null },
                { start: query.start, end: query.end, periodSeconds },
              );
            } catch (err) {
              if (httpStatusOf(err) !== 404) throw err;
              yield { type: "skipped", itemId: target.resourceId, reason: "the Linode was deleted before its statistics were read" };
              continue;
            }
            if (samples.length > 0) withSamples += 1;
            page.push(...samples);
            if (page.length >= deps.pageSize) {
              yield { type: "items", items: page };
              page = [];
            }
          }
          if (page.length > 0) yield { type: "items", items: page };
          state.resourceCount = withSamples;
        }
        return steps();
      },
    }));
    return runScopes(reads, {
      cloud: "linode",
      stream: "metrics",
      concurrency: deps.concurrency,
      signal: query.signal,
      logger: deps.logger,
      toError: deps.toError,
      page: (scope, samples): MetricEvent => ({ type: "metric_page", scope, samples }),
    });
  };
}
