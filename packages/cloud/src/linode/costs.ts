import type { ReadState, ReadStep, RunSettings, ScopeRead } from "../core/scope-runner.ts";
import { runScopes } from "../core/scope-runner.ts";
import { MalformedItemError } from "../errors.ts";
import type { AdapterLogger, CostEvent, CostQuery, NormalizedCostLine } from "../types.ts";
import { type LinodeReadContext, linodePages } from "./kinds/kind.ts";
import { invoiceTaxLine, normalizeInvoiceItem, uninvoicedLine } from "./normalize-costs.ts";

export interface LinodeCostDeps {
  accounts: readonly string[];
  concurrency: number;
  logger: AdapterLogger | undefined;
  context(account: string, state: ReadState): LinodeReadContext;
  toError: RunSettings<NormalizedCostLine, CostEvent>["toError"];
}

const DAY = /^\d{4}-\d{2}-\d{2}$/;

/**
 * The bill of each account (`{linode, account, "global", "costs"}`): the items of every invoice
 * dated on or after the window's start (an invoice bills the period before its date, so older
 * ones hold nothing that starts in the window), their tax, and the month's uninvoiced balance.
 * Only lines whose period starts in [start, end] are yielded: the writer replaces exactly those,
 * so re-reading a window (the worker re-reads recent days for restatements) never doubles a line.
 */
export function createLinodeCostReader(deps: LinodeCostDeps): (query: CostQuery) => AsyncIterable<CostEvent> {
  return function streamCosts(query: CostQuery): AsyncIterable<CostEvent> {
    for (const [name, day] of [["start", query.start], ["end", query.end]] as const) {
      if (typeof day !== "string" || !DAY.test(day)) throw new RangeError(`CostQuery.${name} must be a YYYY-MM-DD day, got ${JSON.stringify(day)}`);
    }
    if (query.start > query.end) throw new RangeError(`CostQuery.start (${query.start}) is after end (${query.end})`);
    const inWindow = (line: NormalizedCostLine) => line.periodStart >= query.start && line.periodStart <= query.end;
    const reads: ScopeRead<NormalizedCostLine>[] = deps.accounts.map((account) => ({
      scopes: [{ cloud: "linode", account, region: "global", kind: "costs" }],
      operation: "GET /account",
      read: (state) =>
        (async function* steps(): AsyncGenerator<ReadStep<NormalizedCostLine>> {
          const ctx = deps.context(account, state);
          const info = await ctx.call("single", "GET /account", (sdk) => sdk.getAccountInfo());
          const uninvoiced = uninvoicedLine(info.balance_uninvoiced, query.end, account);
          if (uninvoiced && inWindow(uninvoiced)) yield { type: "items", items: [uninvoiced] };
          for await (const invoices of linodePages(ctx, "GET /account/invoices", (sdk, params) => sdk.getInvoices(params))) {
            for (const invoice of invoices) {
              if (typeof invoice.date !== "string" || invoice.date.slice(0, 10) < query.start) continue;
              const lines: NormalizedCostLine[] = [];
              const tax = invoiceTaxLine(invoice, account);
              if (tax && inWindow(tax)) lines.push(tax);
              let index = 0;
              for await (const items of linodePages(ctx, "GET /account/invoices/{id}/items", (sdk, params) => sdk.getInvoiceItems(invoice.id, params))) {
                for (const item of items) {
                  try {
                    const line = normalizeInvoiceItem(item, invoice, account, index);
                    if (inWindow(line)) lines.push(line);
                  } catch (err) {
                    if (!(err instanceof MalformedItemError)) throw err;
                    yield { type: "skipped", itemId: err.itemId, reason: err.message };
                  } finally {
                    index += 1;
                  }
                }
              }
              if (lines.length > 0) yield { type: "items", items: lines };
            }
          }
        })(),
    }));
    return runScopes(reads, {
      cloud: "linode",
      stream: "costs",
      concurrency: deps.concurrency,
      signal: query.signal,
      logger: deps.logger,
      toError: deps.toError,
      page: (scope, lines): CostEvent => ({ type: "cost_page", scope, lines }),
    });
  };
}
