import { randomBytes } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { createFaultState, type FaultState } from "../faults.ts";
import { bandwidthOf, VultrBilling, type VultrExpectedCost } from "./billing.ts";
import {
  breakItem,
  renderItem,
  type VultrAccountConfig,
  VultrEstate,
  type VultrEmulatorKind,
  type VultrExpectedResource,
  vultrEmulatorKinds,
  vultrEmulatorRegions,
  vultrKindPaths,
} from "./estate.ts";

export interface VultrEmulatorOptions {
  /** Same seed, same estate (default 1). */
  seed?: number | string;
  /** Resources over every account and kind (default 110). */
  size?: number;
  /** Sub-accounts, each with its own API key (default: two, `main` and `events`). */
  accounts?: readonly string[];
  /** Vultr's documented limit: 30 requests per second (per originating IP; here per key). 0 turns it off. */
  requestsPerSecond?: number;
  /** The emulator's clock (billing months, bandwidth days). */
  now?: () => Date;
  /** The rate limiter's clock in ms (default Date.now); a fixed one makes the limit a plain count. */
  rateClock?: () => number;
}

export interface VultrEmulator {
  /** `http://127.0.0.1:<port>`; the API lives under `/v2`. */
  readonly endpoint: string;
  readonly accounts: readonly VultrAccountConfig[];
  readonly faults: FaultState;
  expected(): Iterable<VultrExpectedResource>;
  readonly mutate: { remove(id: string): boolean; retag(id: string, tags: Record<string, string>): boolean };
  /** Cost lines whose period starts in start..end (inclusive), per account. */
  expectedCosts(account: string, start: string, end: string): VultrExpectedCost[];
  expectedCostTotal(account: string, start: string, end: string): string;
  /** Daily bytes in/out of an instance or bare-metal server, as the bandwidth endpoint reports them. */
  bandwidth(id: string): Record<string, { incoming_bytes: number; outgoing_bytes: number }>;
  /** Requests seen whose operation (path after `/v2/`) contains the text, or all. */
  requestCount(operationContains?: string): number;
  /** Answers that were 429 because the documented rate was exceeded (not fault-injected). */
  readonly rateLimited: number;
  close(): Promise<void>;
}

const DEFAULT_PER_PAGE = 100;
const MAX_PER_PAGE = 500;

export async function startVultrEmulator(options: VultrEmulatorOptions = {}): Promise<VultrEmulator> {
  const seed = String(options.seed ?? 1);
  const accounts: VultrAccountConfig[] = (options.accounts ?? ["main", "events"]).map((account) => ({
    account,
    // Vultr API keys are 36 upper-case letters and digits.
    apiKey: randomBytes(27).toString("base64").replace(/[^A-Za-z0-9]/g, "X").toUpperCase().slice(0, 36),
  }));
  const estate = new VultrEstate(seed, options.size ?? 110, accounts);
  const now = options.now ?? (() => new Date());
  const billing = new VultrBilling(estate, now);
  const faults = createFaultState();
  const rate = options.requestsPerSecond ?? 30;
  const rateClock = options.rateClock ?? Date.now;
  const buckets = new Map<string, { tokens: number; at: number }>();
  let rateLimited = 0;

  const server: Server = createServer((req, res) => {
    try {
      route(req, res);
    } catch (err) {
      send(res, 500, { error: `Internal server error: ${String(err)}`, status: 500 });
    }
  });

  function accountOf(req: IncomingMessage): VultrAccountConfig | undefined {
    const auth = req.headers.authorization ?? "";
    return accounts.find((a) => auth === `Bearer ${a.apiKey}`);
  }

  /** A token bucket per key at the documented rate, so a client that ignores it sees 429s. */
  function overRate(key: string): boolean {
    if (rate <= 0) return false;
    const t = rateClock();
    const b = buckets.get(key) ?? { tokens: rate, at: t };
    b.tokens = Math.min(rate, b.tokens + ((t - b.at) / 1000) * rate);
    b.at = t;
    buckets.set(key, b);
    if (b.tokens < 1) return true;
    b.tokens -= 1;
    return false;
  }

  function route(req: IncomingMessage, res: ServerResponse) {
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    if (req.method !== "GET" || !url.pathname.startsWith("/v2/")) return send(res, 404, { error: "Not found", status: 404 });
    const operation = url.pathname.slice(4);
    const decision = faults.decide(operation);
    const answer = () => {
      // Regions are public: the only list that needs no key.
      const open = operation === "regions";
      const account = decision.kind === "reject_credentials" ? undefined : accountOf(req);
      if (!account && !open) return send(res, 401, { error: "Invalid API token.", status: 401 });
      if (decision.kind === "throttle" || (account && overRate(account.apiKey))) {
        if (decision.kind !== "throttle") rateLimited++;
        return send(res, 429, { error: "Rate limit reached - please try your request again later.", status: 429 }, { "retry-after": "1" });
      }
      if (decision.kind === "server_error") return send(res, 503, { error: "Service temporarily unavailable.", status: 503 });
      if (open) return send(res, 200, page(vultrEmulatorRegions as unknown as Record<string, unknown>[], "regions", url));
      return answerFor((account as VultrAccountConfig).account, operation, url, res);
    };
    if (decision.delayMs > 0) setTimeout(() => !res.destroyed && answer(), decision.delayMs);
    else answer();
  }

  function answerFor(account: string, operation: string, url: URL, res: ServerResponse) {
    if (operation === "account") {
      return send(res, 200, {
        account: { name: account, email: `${account}@wedding.example`, acls: ["billing", "subscriptions_view"], balance: 0, pending_charges: Number(billing.expectedTotal(account, "0000-01-01", "9999-12-31")), last_payment_date: "", last_payment_amount: 0 },
      });
    }
    const kind = vultrEmulatorKinds.find((k) => vultrKindPaths[k].path === `/v2/${operation}`);
    if (kind) return send(res, 200, page(listOf(account, kind), vultrKindPaths[kind].key, url));
    const bw = /^(instances|bare-metals)\/([^/]+)\/bandwidth$/.exec(operation);
    if (bw) {
      const found = estate.find(decodeURIComponent(bw[2] as string));
      const wanted: VultrEmulatorKind = bw[1] === "instances" ? "vultr_instance" : "vultr_bare_metal";
      if (!found || found.account !== account || found.item.kind !== wanted) {
        return send(res, 404, { error: bw[1] === "instances" ? "Invalid instance-id." : "Invalid baremetal-id.", status: 404 });
      }
      return send(res, 200, { bandwidth: bandwidthOf(seed, found.item.id, now()) });
    }
    if (operation === "billing/history") return send(res, 200, page(billing.history(account), "billing_history", url));
    if (operation === "billing/invoices") return send(res, 200, page(billing.invoices(account), "billing_invoices", url));
    if (operation === "billing/pending-charges") return send(res, 200, { pending_charges: billing.pendingCharges(account) });
    const items = /^billing\/invoices\/(\d+)\/items$/.exec(operation);
    if (items) {
      const list = billing.invoiceItems(account, Number(items[1]));
      if (!list) return send(res, 404, { error: "Invalid invoice-id.", status: 404 });
      return send(res, 200, page(list as unknown as Record<string, unknown>[], "invoice_items", url));
    }
    return send(res, 404, { error: `Invalid route: ${operation}`, status: 404 });
  }

  function listOf(account: string, kind: VultrEmulatorKind): Record<string, unknown>[] {
    const malformed = new Set(faults.plan.malformedItemIds ?? []);
    return estate.list(account, kind).map((item) => (malformed.has(item.id) ? breakItem(renderItem(item)) : renderItem(item)));
  }

  /**
   * Cursor paging as Vultr documents it: `per_page` (default 100, at most 500) and an opaque
   * `cursor`; `meta.total` counts every item, `meta.links.next`/`prev` are cursors ("" at the ends).
   */
  function page(all: Record<string, unknown>[], key: string, url: URL): Record<string, unknown> {
    const perPageRaw = Number(url.searchParams.get("per_page") ?? DEFAULT_PER_PAGE);
    const perPage = Number.isFinite(perPageRaw) && perPageRaw > 0 ? Math.min(MAX_PER_PAGE, Math.floor(perPageRaw)) : DEFAULT_PER_PAGE;
    const cursor = url.searchParams.get("cursor");
    const start = cursor ? decodeCursor(cursor) : 0;
    const slice = all.slice(start, start + perPage);
    const next = start + perPage < all.length ? encodeCursor(start + perPage) : "";
    const prev = start > 0 ? encodeCursor(Math.max(0, start - perPage)) : "";
    return { [key]: slice, meta: { total: all.length, links: { next, prev } } };
  }

  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;

  return {
    endpoint: `http://127.0.0.1:${port}`,
    accounts,
    faults,
    expected: () => estate.expected(),
    mutate: { remove: (id) => estate.remove(id), retag: (id, tags) => estate.retag(id, tags) },
    expectedCosts: (account, start, end) => billing.expected(account, start, end),
    expectedCostTotal: (account, start, end) => billing.expectedTotal(account, start, end),
    bandwidth: (id) => bandwidthOf(seed, id, now()),
    requestCount: (text) => [...faults.requests].filter(([op]) => !text || op.includes(text)).reduce((s, [, n]) => s + n, 0),
    get rateLimited() {
      return rateLimited;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Vultr cursors are opaque base64 strings (`bmV4dF9fQU1T`); ours encode an offset. */
function encodeCursor(offset: number): string {
  return Buffer.from(`next__${offset}`).toString("base64");
}

function decodeCursor(cursor: string): number {
  const m = /^next__(\d+)$/.exec(Buffer.from(cursor, "base64").toString("utf8"));
  return m ? Number(m[1]) : 0;
}

function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) {
  const text = JSON.stringify(body);
  res.writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(text), ...headers });
  res.end(text);
}
