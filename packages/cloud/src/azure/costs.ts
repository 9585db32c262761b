import type { ReadState, ReadStep, ScopeRead } from "../core/scope-runner.ts";
import { CloudError } from "../errors.ts";
import type { CostQuery, NormalizedCostLine } from "../types.ts";
import type { RequestOptions, ResourcesApi, SubscriptionClients } from "./clients.ts";
import { costQueryBody } from "./cost-query-client.ts";
import { costColumnLayout, createResourceIdResolver, normalizeCostRow, type ResourceIdResolver } from "./normalize-costs.ts";

export interface CostReadSettings {
  timeoutMs: number;
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
 * One subscription's daily costs, for the shared runner: the ARM id listing first (ids only),
 * then one Cost Management query per calendar month, page by page. Each page becomes one
 * `cost_page`, preceded by an `item_skipped` for each row that could not be read.
 */
export function costRead(
  account: string,
  range: CostRange,
  clients: Pick<SubscriptionClients, "resources" | "costQuery">,
  settings: CostReadSettings,
): ScopeRead<NormalizedCostLine> {
  return {
    scopes: [{ cloud: "azure", account, region: "global", kind: "costs" }],
    operation: "resources.list",
    read: (state) => costSteps(account, range, clients, settings, state),
  };
}

async function* costSteps(
  account: string,
  range: CostRange,
  clients: Pick<SubscriptionClients, "resources" | "costQuery">,
  settings: CostReadSettings,
  state: ReadState,
): AsyncGenerator<ReadStep<NormalizedCostLine>> {
  const request: RequestOptions = { abortSignal: state.signal, timeoutMs: settings.timeoutMs };
  const resolveResourceId = await readResourceIds(clients.resources, request);
  state.operation = "costManagement.query";
  for (const chunk of monthChunks(range)) {
    for await (const page of clients.costQuery.queryPages(costQueryBody(chunk.from, chunk.to), request)) {
      const layout = costColumnLayout(page.columns);
      if ("error" in layout) {
        throw new CloudError("azure", `azure ${state.operation} for subscription ${account} answered an unreadable page: ${layout.error}.`, { account });
      }
      const lines: NormalizedCostLine[] = [];
      for (const row of page.rows) {
        const result = normalizeCostRow(row, layout, { account, resolveResourceId });
        if (!result.ok) {
          yield { type: "skipped", itemId: result.itemId, reason: result.reason };
          continue;
        }
        lines.push(result.line);
      }
      if (lines.length > 0) yield { type: "items", items: lines };
    }
  }
}
