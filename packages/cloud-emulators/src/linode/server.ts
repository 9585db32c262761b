import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { createFaultState, type FaultState } from "../faults.ts";
import { type LinodeExpectedCost, LinodeBilling } from "./billing.ts";
import { defaultLinodeRegions, type EstateItem, type LinodeEmulatorAccount, type LinodeEmulatorKind, LinodeEstate, type LinodeExpectedResource } from "./estate.ts";
import { expectedStats, type LinodeExpectedMetricSample, statsBody } from "./stats.ts";

export interface LinodeEmulatorOptions {
  /** Same seed, same estate (default 1). */
  seed?: number | string;
  /** Resources over every account and kind, roughly (default 60). */
  size?: number;
  /** Accounts, each with its own token (default 2). */
  accounts?: number;
  /** Region ids resources are placed in (default us-east, eu-west, ap-south, us-ord). */
  regions?: readonly string[];
  /** Closed months with an invoice (default 3). */
  invoiceMonths?: number;
  /** The emulator's clock: stats end at it, the uninvoiced balance accrues to it (default: real time). */
  now?: () => Date;
  /**
   * Refuse requests over Linode's documented per-token limits (200/min for paginated
   * collections, 50/min for /stats, 1,600/min otherwise) with 429 and `Retry-After`. The
   * `X-RateLimit-*` headers are sent either way. Default false: tests pace themselves.
   */
  enforceRateLimits?: boolean | { collection?: number; stats?: number; single?: number };
  /** Length of a rate-limit window in seconds (default 60, Linode's minute; tests shorten it). */
  rateWindowSeconds?: number;
  /** `Retry-After` seconds of a throttle fault (default 1). */
  throttleRetryAfterSeconds?: number;
}

export interface LinodeEmulator {
  /** `http://127.0.0.1:<port>`: the SDK's `https://api.linode.com` is replaced by this. */
  readonly url: string;
  readonly endpoint: string;
  readonly port: number;
  /** Each account's euuid and the token that reads it. */
  readonly accounts: readonly LinodeEmulatorAccount[];
  readonly faults: FaultState;
  expected(): LinodeExpectedResource[];
  readonly mutate: {
    remove(resourceId: string): boolean;
    retag(resourceId: string, tags: Record<string, string>): boolean;
  };
  /** Starts (limits, or `true` for the documented ones) or stops (`false`) refusing requests over the per-token limits. */
  enforceRateLimits(limits: boolean | { collection?: number; stats?: number; single?: number }): void;
  /** Requests seen whose operation (`GET /linode/instances/{id}/stats`) contains the text, or in total. */
  requestCount(operationContains?: string): number;
  /** Cost lines a correct reader yields for days start..end (period start in the window), as of the emulator's clock. */
  expectedCosts(account: string, start: string, end: string): LinodeExpectedCost[];
  /** Samples a correct reader yields for these Linodes (`linode/<id>`) in [start, end) at 5 minutes. */
  expectedMetrics(resourceIds: readonly string[], start: Date, end: Date): LinodeExpectedMetricSample[];
  close(): Promise<void>;
}

type Group = "collection" | "stats" | "single";
const documentedLimits: Record<Group, number> = { collection: 200, stats: 50, single: 1600 };

interface Routed {
  operation: string;
  group: Group;
  answer(account: LinodeEmulatorAccount): { status: number; body: unknown };
}

/** Linode's error body: `{"errors": [{"reason", "field"?}]}`. */
const errorBody = (reason: string, field?: string) => ({ errors: [field ? { field, reason } : { reason }] });

/** Collections the emulator pages, by API path. */
const collections: Record<string, LinodeEmulatorKind> = {
  "/linode/instances": "linode_instance",
  "/volumes": "linode_volume",
  "/object-storage/buckets": "linode_bucket",
  "/databases/instances": "linode_database",
  "/vpcs": "linode_vpc",
  "/networking/firewalls": "linode_firewall",
  "/networking/ips": "linode_ip",
  "/nodebalancers": "linode_nodebalancer",
  "/lke/clusters": "linode_lke_cluster",
};

export async function startLinodeEmulator(options: LinodeEmulatorOptions = {}): Promise<LinodeEmulator> {
  const seed = String(options.seed ?? 1);
  const now = options.now ?? (() => new Date());
  const regions = options.regions ?? defaultLinodeRegions;
  const estate = new LinodeEstate(seed, options.size ?? 60, Math.max(1, options.accounts ?? 2), regions, now().getTime());
  const billing = new LinodeBilling(estate, seed, options.invoiceMonths ?? 3);
  const faults = createFaultState();
  let enforce = options.enforceRateLimits ?? false;
  let limits: Record<Group, number> = { ...documentedLimits, ...(typeof enforce === "object" ? enforce : {}) };
  const windows = new Map<string, { start: number; used: number }>();
  const retryAfter = options.throttleRetryAfterSeconds ?? 1;
  const windowMs = (options.rateWindowSeconds ?? 60) * 1000;

  const server: Server = createServer((req, res) => {
    req.resume();
    req.on("end", () => {
      try {
        handle(req, res);
      } catch (err) {
        if (!res.headersSent) send(res, 500, errorBody(`emulator failure: ${String(err)}`));
      }
    });
  });

  function handle(req: IncomingMessage, res: ServerResponse) {
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    const version = /^\/(v4|v4beta)(\/.*)$/.exec(url.pathname);
    if (!version || req.method !== "GET") return send(res, 404, errorBody("Not found"));
    const routed = route(version[2] as string, url);
    if (!routed) return send(res, 404, errorBody("Not found"));
    const decision = faults.decide(routed.operation);
    const answer = () => {
      const token = /^Bearer (.+)$/.exec(req.headers.authorization ?? "")?.[1];
      const account = token ? estate.accountOfToken(token) : undefined;
      if (decision.kind === "reject_credentials" || !account) return send(res, 401, errorBody("Invalid Token"));
      const window = rateWindow(account.token, routed.group);
      if (decision.kind === "throttle" || (enforce && window.remaining < 0)) {
        return send(res, 429, errorBody("Too many requests"), { ...window.headers, "retry-after": String(decision.kind === "throttle" ? retryAfter : window.resetIn) });
      }
      if (decision.kind === "server_error") return send(res, 500, errorBody("Please try again"), window.headers);
      const { status, body } = routed.answer(account);
      send(res, status, body, window.headers);
    };
    if (decision.delayMs > 0) setTimeout(() => !res.destroyed && answer(), decision.delayMs);
    else answer();
  }

  /** Counts the request in its token's one-minute window; the headers Linode sends with every answer. */
  function rateWindow(token: string, group: Group) {
    const key = `${token}:${group}`;
    const t = Date.now();
    let w = windows.get(key);
    if (!w || t - w.start >= windowMs) {
      w = { start: t, used: 0 };
      windows.set(key, w);
    }
    w.used += 1;
    const limit = limits[group];
    const resetAt = Math.ceil((w.start + windowMs) / 1000);
    return {
      remaining: limit - w.used,
      resetIn: Math.max(1, resetAt - Math.floor(t / 1000)),
      headers: { "x-ratelimit-limit": String(limit), "x-ratelimit-remaining": String(Math.max(0, limit - w.used)), "x-ratelimit-reset": String(resetAt) },
    };
  }

  function route(path: string, url: URL): Routed | null {
    const kind = collections[path];
    if (kind) return { operation: `GET ${path}`, group: "collection", answer: (a) => paged(url, estate.list(a.euuid, kind).map(render)) };
    if (path === "/account") {
      return {
        operation: "GET /account",
        group: "single",
        answer: (a) => ({
          status: 200,
          body: {
            euuid: a.euuid, company: a.company, email: "billing@wedding.example", first_name: "Ada", last_name: "Lovelace", address_1: "1 Chapel Lane", address_2: "", city: "Newark",
            state: "NJ", zip: "07102", country: "US", phone: "", tax_id: "", active_since: "2021-05-01T00:00:00", balance: 0,
            balance_uninvoiced: billing.uninvoicedCents(a.euuid, now()) / 100, billing_source: "akamai", capabilities: ["Linodes", "NodeBalancers", "Block Storage", "Object Storage", "Kubernetes", "Managed Databases", "Cloud Firewall", "VPCs"],
            active_promotions: [], credit_card: { last_four: "1111", expiry: "12/2030" },
          },
        }),
      };
    }
    if (path === "/regions") {
      return { operation: "GET /regions", group: "collection", answer: () => paged(url, regions.map(regionWire)) };
    }
    if (path === "/account/invoices") {
      return { operation: "GET /account/invoices", group: "collection", answer: (a) => paged(url, billing.invoices(a.euuid, now()).map((i) => i.wire)) };
    }
    let m = /^\/account\/invoices\/(\d+)\/items$/.exec(path);
    if (m) {
      const id = Number(m[1]);
      return {
        operation: "GET /account/invoices/{id}/items",
        group: "collection",
        answer: (a) => {
          const invoice = billing.invoices(a.euuid, now()).find((i) => i.wire.id === id);
          return invoice ? paged(url, invoice.items) : { status: 404, body: errorBody("Not found") };
        },
      };
    }
    m = /^\/linode\/instances\/(\d+)(\/stats)?$/.exec(path);
    if (m) {
      const stats = !!m[2];
      const resourceId = `linode/${m[1]}`;
      return {
        operation: stats ? "GET /linode/instances/{id}/stats" : "GET /linode/instances/{id}",
        group: stats ? "stats" : "single",
        answer: (a) => {
          const item = owned(a, resourceId);
          if (!item) return { status: 404, body: errorBody("Not found") };
          return { status: 200, body: stats ? statsBody(item, now()) : render(item) };
        },
      };
    }
    m = /^\/nodebalancers\/(\d+)\/configs(?:\/(\d+)\/nodes)?$/.exec(path);
    if (m) {
      const resourceId = `nodebalancer/${m[1]}`;
      const configId = m[2] ? Number(m[2]) : null;
      return {
        operation: configId === null ? "GET /nodebalancers/{id}/configs" : "GET /nodebalancers/{id}/configs/{id}/nodes",
        group: "collection",
        answer: (a) => {
          const item = owned(a, resourceId);
          if (!item) return { status: 404, body: errorBody("Not found") };
          const configs = item.wire._configs as { id: number; _nodes: unknown[] }[];
          if (configId === null) return paged(url, configs.map(({ _nodes, ...c }) => c));
          const config = configs.find((c) => c.id === configId);
          return config ? paged(url, config._nodes) : { status: 404, body: errorBody("Not found") };
        },
      };
    }
    return null;
  }

  function owned(account: LinodeEmulatorAccount, resourceId: string): EstateItem | undefined {
    const item = estate.items.get(resourceId);
    return item && item.account === account.euuid ? item : undefined;
  }

  /**
   * The wire object; malformed on demand: its id kept (so a reader can say which item it skipped)
   * and a field it cannot do without broken — the region, or a firewall's status. A bucket is
   * named by its region, so a broken bucket loses its label too and cannot be identified.
   */
  function render(item: EstateItem): Record<string, unknown> {
    const { _configs, ...wire } = item.wire;
    if (!(faults.plan.malformedItemIds ?? []).includes(item.resourceId)) return wire;
    const broken = { ...wire };
    if (item.kind === "linode_firewall") broken.status = "on_fire";
    else delete broken.region;
    if (item.kind === "linode_bucket") {
      delete broken.label;
      delete broken.cluster;
    }
    return broken;
  }

  /** Linode's paging: `page` (from 1) and `page_size` (25–500, default 100) in; `data`, `page`, `pages`, `results` out. */
  function paged(url: URL, all: unknown[]): { status: number; body: unknown } {
    const page = Number(url.searchParams.get("page") ?? 1);
    const pageSize = Number(url.searchParams.get("page_size") ?? 100);
    if (!Number.isInteger(pageSize) || pageSize < 25 || pageSize > 500) return { status: 400, body: errorBody("Must be 25-500", "page_size") };
    if (!Number.isInteger(page) || page < 1) return { status: 400, body: errorBody("Must be a positive integer", "page") };
    const pages = Math.max(1, Math.ceil(all.length / pageSize));
    return { status: 200, body: { data: all.slice((page - 1) * pageSize, page * pageSize), page, pages, results: all.length } };
  }

  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;
  const url = `http://127.0.0.1:${port}`;
  return {
    url,
    endpoint: url,
    port,
    accounts: estate.accounts,
    faults,
    expected: () => estate.expected(),
    mutate: { remove: (id) => estate.remove(id), retag: (id, tags) => estate.retag(id, tags) },
    enforceRateLimits(next) {
      enforce = next;
      limits = { ...documentedLimits, ...(typeof next === "object" ? next : {}) };
      windows.clear();
    },
    requestCount(contains) {
      let n = 0;
      for (const [op, count] of faults.requests) if (!contains || op.includes(contains)) n += count;
      return n;
    },
    expectedCosts: (account, start, end) => billing.expectedCosts(account, start, end, now()),
    expectedMetrics: (ids, start, end) =>
      ids.flatMap((id) => {
        const item = estate.items.get(id);
        return item ? expectedStats(item, now(), start, end) : [];
      }),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

const regionNames: Record<string, [string, string]> = {
  "us-east": ["Newark, NJ", "us"],
  "eu-west": ["London, UK", "gb"],
  "ap-south": ["Singapore, SG", "sg"],
  "us-ord": ["Chicago, IL", "us"],
  "us-central": ["Dallas, TX", "us"],
  "eu-central": ["Frankfurt, DE", "de"],
};

function regionWire(id: string): Record<string, unknown> {
  const [label, country] = regionNames[id] ?? [id, "us"];
  return {
    id, label, country, capabilities: ["Linodes", "Block Storage", "NodeBalancers", "Kubernetes", "Cloud Firewall", "VPCs", "Managed Databases"], status: "ok",
    resolvers: { ipv4: "192.0.2.1,192.0.2.2", ipv6: "2001:db8::1" }, site_type: "core", placement_group_limits: { maximum_linodes_per_pg: 5, maximum_pgs_per_customer: null },
  };
}

function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) {
  const text = JSON.stringify(body);
  res.writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(text), ...headers });
  res.end(text);
}
