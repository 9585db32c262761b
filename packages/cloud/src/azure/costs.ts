import type { AdapterLogger, CostEvent, CostQuery, NormalizedCostLine, ScopeRef } from "../types.ts";
import type { RequestOptions, ResourcesApi, SubscriptionClients } from "./clients.ts";
import { costQueryBody } from "./cost-query-client.ts";
import { type ErrorContext, toAzureError } from "./errors.ts";
import { CloudError } from "../errors.ts";
import { costColumnLayout, createResourceIdResolver, normalizeCostRow, type ResourceIdResolver } from "./normalize-costs.ts";

export interface CostReadSettings {
  timeoutMs: number;
  maxAttempts: number;
  secrets: readonly string[];
  signal?: AbortSignal;
  logger?: AdapterLogger;
}

export interface CostRange {
  start: string;
  end: string;
}

const DAY = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Checks a CostQuery's days; a caller's mistake is thrown at once rather than reported per scope. */
export function parseCostRange(query: Pick<CostQuery, "start" | "end">): CostRange {
  for (const [field, value] of [
    ["start", query.start],
    ["end", query.end],
  ] as const) {
    const m = DAY.exec(value ?? "");
    const date = m ? new Date(`${value}T00:00:00Z`) : null;
    if (!m || !date || Number.isNaN(date.getTime()) || date.toISOString().slice(0, 10) !== value) {
      throw new RangeError(`CostQuery.${field} must be a day as YYYY-MM-DD, got ${JSON.stringify(value)}`);
    }
  }
  if (query.start > query.end) throw new RangeError(`CostQuery.start ${query.start} is after end ${query.end}`);
  return { start: query.start, end: query.end };
}

/**
 * The range cut at calendar months: one query per month keeps every request inside Cost
 * Management's limits for daily granularity and its answers small.
 */
export function monthChunks(range: CostRange): { from: string; to: string }[] {
  const chunks: { from: string; to: string }[] = [];
  let from = range.start;
  while (from <= range.end) {
    const [y, m] = [Number(from.slice(0, 4)), Number(from.slice(5, 7))];
    const monthEnd = new Date(Date.UTC(y, m, 0)).toISOString().slice(0, 10);
    let to = monthEnd;
    if (range.end < to) to = range.end;
    chunks.push({ from, to });
    from = new Date(Date.UTC(y, m, 1)).toISOString().slice(0, 10);
  }
  return chunks;
}

/** The subscription's ARM ids, for giving Cost Management's lower-cased ids their ARM casing back. */
async function readResourceIds(api: ResourcesApi, request: RequestOptions): Promise<ResourceIdResolver> {
  const ids: string[] = [];
  for await (const page of api.listPages({ ...request, top: 1000 })) {
    for (const item of page) if (typeof item.id === "string" && item.id) ids.push(item.id);
  }
  return createResourceIdResolver(ids);
}

/**
 * Reads one subscription's daily costs: the ARM id listing first (ids only), then one Cost
 * Management query per calendar month, page by page. Each page becomes one `cost_page` event,
 * preceded by an `item_skipped` for each row that could not be read; ends with exactly one
 * `scope_completed` (resourceCount = lines emitted) or `scope_failed`.
 */
export async function* readCostScope(
  account: string,
  range: CostRange,
  clients: Pick<SubscriptionClients, "resources" | "costQuery">,
  settings: CostReadSettings,
): AsyncGenerator<CostEvent> {
  const scope: ScopeRef = { cloud: "azure", account, region: "global", kind: "costs" };
  const request: RequestOptions = { abortSignal: settings.signal, timeoutMs: settings.timeoutMs };
  const errorContext = (operation: string): ErrorContext => ({
    subscriptionId: account,
    operation,
    maxAttempts: settings.maxAttempts,
    timeoutMs: settings.timeoutMs,
    callerSignal: settings.signal,
    secrets: settings.secrets,
  });
  let operation = "resources.list";
  let lineCount = 0;
  try {
    const resolveResourceId = await readResourceIds(clients.resources, request);
    operation = "costManagement.query";
    for (const chunk of monthChunks(range)) {
      for await (const page of clients.costQuery.queryPages(costQueryBody(chunk.from, chunk.to), request)) {
        const layout = costColumnLayout(page.columns);
        if ("error" in layout) {
          throw new CloudError("azure", `azure ${operation} for subscription ${account} answered an unreadable page: ${layout.error}.`, { account });
        }
        const lines: NormalizedCostLine[] = [];
        for (const row of page.rows) {
          const result = normalizeCostRow(row, layout, { account, resolveResourceId });
          if (!result.ok) {
            yield { type: "item_skipped", scope, itemId: result.itemId, reason: result.reason };
            continue;
          }
          lines.push(result.line);
        }
        if (lines.length === 0) continue;
        lineCount += lines.length;
        yield { type: "cost_page", scope, lines };
      }
    }
    settings.logger?.debug({ scope, lineCount }, "azure cost scope completed");
    yield { type: "scope_completed", scope, resourceCount: lineCount };
  } catch (error) {
    const failure = toAzureError(error, errorContext(operation));
    settings.logger?.warn({ scope, error: failure.message }, "azure cost scope failed");
    yield { type: "scope_failed", scope, error: failure };
  }
}
