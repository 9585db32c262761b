import type { ReadStep, ScopeRead } from "../core/scope-runner.ts";
import type { CostQuery, NormalizedCostLine } from "../types.ts";
import { MalformedItemError } from "../errors.ts";
import type { DoAnswer, DotsV2, RequestInformation } from "./clients.ts";
import { itemsOf, nextPage } from "./kinds/kind.ts";
import type { DoRaw } from "./normalize.ts";
import { normalizeInvoiceItem, unitemizedUsage } from "./normalize-costs.ts";

type TeamGet = (team: string, operation: string, build: (v2: DotsV2, options: readonly object[]) => RequestInformation, signal: AbortSignal | undefined) => Promise<DoAnswer>;

/**
 * A team's bill for a window, one read per team (scope `digitalocean:<team>:global:costs`):
 * 1. `GET /v2/customers/my/invoices` (paged): the closed months' invoices and, beside them,
 *    `invoice_preview`, the running month;
 * 2. for each invoice whose month overlaps the window, its items
 *    (`GET /v2/customers/my/invoices/{invoice_uuid}`, paged; the preview's as `.../invoices/preview`,
 *    as the API reference says it is read), each a line;
 * 3. when the running month is read, `GET /v2/customers/my/balance`: the usage its items do
 *    not cover yet becomes one more line (`unitemizedUsage`).
 * A line is reported only when its first day lies in the window: the worker replaces lines by
 * their first day, so a line outside would be written again by every sync. DigitalOcean's
 * lines span months, so the daily trailing-days sync reads them in a month's first days; the
 * month-to-date sync (and the first days of the next month) re-reads the running month as its
 * preview grows and is restated.
 */
export function costReads(query: CostQuery, teams: readonly string[], get: TeamGet, pageSize: number): ScopeRead<NormalizedCostLine>[] {
  return teams.map((team) => ({
    scopes: [{ cloud: "digitalocean" as const, account: team, region: "global", kind: "costs" }],
    operation: "customers/my/invoices",
    read: (state) => readTeam(team, query, get, pageSize, state),
  }));
}

const monthOf = (day: string) => day.slice(0, 7);

async function* readTeam(
  team: string,
  query: CostQuery,
  get: TeamGet,
  pageSize: number,
  state: { signal: AbortSignal | undefined; operation: string },
): AsyncGenerator<ReadStep<NormalizedCostLine>> {
  const inWindow = (line: NormalizedCostLine) => line.periodStart >= query.start && line.periodStart <= query.end;
  const overlaps = (period: string) => period >= monthOf(query.start) && period <= monthOf(query.end);

  // 1. Invoices: every page, keeping those of the window's months.
  const invoices: { uuid: string; period: string; preview: boolean }[] = [];
  let page = 1;
  for (;;) {
    const current = page;
    state.operation = "customers/my/invoices";
    const { body } = await get(team, state.operation, (v2, options) => v2.customers.my.invoices.toGetRequestInformation({ queryParameters: { page: current, perPage: pageSize }, options }), state.signal);
    for (const inv of itemsOf(body, "invoices", state.operation)) {
      if (typeof inv.invoice_uuid === "string" && typeof inv.invoice_period === "string" && overlaps(inv.invoice_period)) {
        invoices.push({ uuid: inv.invoice_uuid, period: inv.invoice_period, preview: false });
      }
    }
    const preview = (body as { invoice_preview?: DoRaw }).invoice_preview;
    if (current === 1 && preview && typeof preview.invoice_uuid === "string" && typeof preview.invoice_period === "string" && overlaps(preview.invoice_period)) {
      invoices.push({ uuid: preview.invoice_uuid, period: preview.invoice_period, preview: true });
    }
    const next = nextPage(body);
    if (next === null || next <= current) break;
    page = next;
  }

  // 2. Items of each invoice.
  for (const invoice of invoices) {
    const previewAmounts: string[] = [];
    let itemPage = 1;
    for (;;) {
      const current = itemPage;
      state.operation = "customers/my/invoices/{invoice_uuid}";
      const { body } = await get(team, state.operation, (v2, options) =>
        // The running month's items are asked for by the documented `preview` keyword in place of the uuid.
        v2.customers.my.invoices.byInvoice_uuid(invoice.preview ? "preview" : invoice.uuid).toGetRequestInformation({ queryParameters: { page: current, perPage: pageSize }, options }),
      state.signal);
      const lines: NormalizedCostLine[] = [];
      for (const item of itemsOf(body, "invoice_items", state.operation)) {
        try {
          const line = normalizeInvoiceItem(item, { team, invoiceUuid: invoice.uuid, invoicePeriod: invoice.period, preview: invoice.preview });
          if (invoice.preview) previewAmounts.push(line.amount);
          if (inWindow(line)) lines.push(line);
        } catch (error) {
          if (!(error instanceof MalformedItemError)) throw error;
          yield { type: "skipped", itemId: error.itemId, reason: error.message };
        }
      }
      if (lines.length > 0) yield { type: "items", items: lines };
      const next = nextPage(body);
      if (next === null || next <= current) break;
      itemPage = next;
    }

    // 3. The running month: what the balance counts beyond the preview's items.
    if (invoice.preview) {
      state.operation = "customers/my/balance";
      const { body } = await get(team, state.operation, (v2, options) => v2.customers.my.balance.toGetRequestInformation({ options }), state.signal);
      const line = unitemizedUsage(body as DoRaw, previewAmounts, { team, monthStart: `${invoice.period}-01` });
      if (line && inWindow(line)) yield { type: "items", items: [line] };
    }
  }
}
