import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { createFaultState, type FaultState } from "../faults.ts";
import { DoBilling, type DoExpectedCost } from "./billing.ts";
import { doCollections, doEmulatorKinds, type DoEmulatorKind, DoEstate, type DoExpectedResource, doEmulatorRegions, type DoTeam } from "./estate.ts";
import { bandwidthMbps, cpuSeries, instants, memoryUsedPercent } from "./monitoring.ts";

/**
 * A loopback DigitalOcean API v2 (https://docs.digitalocean.com/reference/api/), as documented:
 * - `Authorization: Bearer <token>`; each token belongs to one team (`/v2/account` says which);
 * - lists page with `page` (from 1) and `per_page` (default 20, at most 200) and answer
 *   `links.pages` (`first`/`prev` after page 1, `next`/`last` before the last page, absolute
 *   URLs) and `meta.total`;
 * - every answer carries `ratelimit-limit`, `ratelimit-remaining` and `ratelimit-reset` (Unix
 *   seconds at which the oldest request of the hour leaves the window); past 250 requests in a
 *   minute or 5,000 in an hour the API answers 429 with those headers, the per-minute (burst)
 *   one also with `Retry-After` in seconds (DigitalOcean release note, 2023-08-24);
 * - errors are `{"id": "...", "message": "...", "request_id": "..."}` with the HTTP status
 *   (401 `unauthorized`, 404 `not_found`, 429 `too_many_requests`, 500 `server_error`).
 * Fault knobs (`faults.ts`) match `<team id>/<path>` (e.g. `/droplets`, `/customers/my/invoices`).
 */

export interface DoEmulatorOptions {
  /** Same seed, same estate (default 1). */
  seed?: number | string;
  /** Resources over every team and kind (default 60). */
  size?: number;
  /** Teams, each with its own token (default 2). */
  teams?: number;
  /** The clock the bill and metrics are cut by (default: the real one). */
  now?: () => Date;
  /** Closed months served as invoices (default 3). */
  invoiceMonths?: number;
  /** The documented limits (default 5,000 per hour and 250 per minute per token). */
  limits?: { perHour?: number; perMinute?: number };
}

export interface DoEmulator {
  /** `http://127.0.0.1:<port>`: the API's base URL (the SDK appends `/v2/...`). */
  readonly endpoint: string;
  readonly port: number;
  readonly teams: readonly DoTeam[];
  readonly faults: FaultState;
  expected(): Iterable<DoExpectedResource>;
  readonly mutate: {
    remove(id: string): boolean;
    /** New tags as the API writes them (`env:prod`, `wedding-critical`). */
    retag(id: string, tags: readonly string[]): boolean;
  };
  /** Requests seen, in total or those whose `<team>/<path>` contains the text. */
  requestCount(operationContains?: string): number;
  /** Cost lines expected for a team in [start, end] (days, inclusive). */
  expectedCosts(teamId: string, start: string, end: string): DoExpectedCost[];
  /** 429 answers served because the documented limits were exceeded (not fault knobs). */
  readonly limitRejections: number;
  close(): Promise<void>;
}

const MAX_PER_PAGE = 200;
const DEFAULT_PER_PAGE = 20;

function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { "content-type": "application/json; charset=utf-8", "content-length": Buffer.byteLength(text), ...headers });
  res.end(text);
}

function errorBody(id: string, message: string, requestId: string) {
  return { id, message, request_id: requestId };
}

/** Strips the fields an item cannot be trusted without, for `malformedItemIds`. */
function broken(kind: DoEmulatorKind, raw: Record<string, unknown>): Record<string, unknown> {
  const { id: _id, ip: _ip, ...rest } = raw;
  return kind === "do_reserved_ip" ? { ...rest, region: raw.region } : rest;
}

export async function startDigitalOceanEmulator(options: DoEmulatorOptions = {}): Promise<DoEmulator> {
  const estate = new DoEstate(String(options.seed ?? 1), options.size ?? 60, Math.max(1, options.teams ?? 2));
  const now = options.now ?? (() => new Date());
  const billing = new DoBilling(estate, now, options.invoiceMonths ?? 3);
  const faults = createFaultState();
  const perHour = options.limits?.perHour ?? 5_000;
  const perMinute = options.limits?.perMinute ?? 250;
  // Request instants per token (ms), oldest first, pruned to the last hour.
  const history = new Map<string, number[]>();
  let total = 0;
  let limitRejections = 0;
  let requestSeq = 0;

  const server: Server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => send(res, 500, errorBody("server_error", `emulator: ${String(err)}`, "emulator")));
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    total += 1;
    const requestId = `req-${++requestSeq}`;
    const url = new URL(req.url ?? "/", endpoint);
    const token = /^Bearer (.+)$/.exec(req.headers.authorization ?? "")?.[1];
    const team = token ? estate.team(token) : undefined;
    const path = url.pathname.replace(/^\/v2/, "").replace(/\/$/, "");
    const operation = `${team?.teamId ?? "anonymous"}${path}`;
    const decision = faults.decide(operation);
    if (decision.delayMs > 0) await new Promise((r) => setTimeout(r, decision.delayMs));

    // Rate-limit bookkeeping is per token, as DigitalOcean's is.
    const t = Date.now();
    const key = token ?? "anonymous";
    const seen = (history.get(key) ?? []).filter((x) => x > t - 3_600_000);
    history.set(key, seen);
    const lastMinute = seen.filter((x) => x > t - 60_000).length;
    const reset = Math.ceil(((seen[0] ?? t) + 3_600_000) / 1000);
    const limitHeaders = (remaining: number) => ({
      "ratelimit-limit": String(perHour),
      "ratelimit-remaining": String(Math.max(0, remaining)),
      "ratelimit-reset": String(reset),
    });

    if (!team || decision.kind === "reject_credentials") {
      send(res, 401, errorBody("unauthorized", "Unable to authenticate you", requestId), limitHeaders(perHour - seen.length));
      return;
    }
    if (decision.kind === "throttle" || seen.length >= perHour || lastMinute >= perMinute) {
      if (decision.kind !== "throttle") limitRejections += 1;
      const headers = limitHeaders(decision.kind === "throttle" ? 0 : perHour - seen.length);
      // The burst (per-minute) 429 says when to retry (Retry-After, seconds, since 2023); the
      // hourly one, and the fault knob's storm, only carry the ratelimit headers.
      const burst = decision.kind !== "throttle" && seen.length < perHour;
      const oldestInMinute = seen.find((x) => x > t - 60_000) ?? t;
      const retryAfter: Record<string, string> = burst ? { "retry-after": String(Math.max(1, Math.ceil((oldestInMinute + 60_000 - t) / 1000))) } : {};
      send(res, 429, errorBody("too_many_requests", "API Rate limit exceeded.", requestId), { ...headers, ...retryAfter });
      return;
    }
    seen.push(t);
    const headers = limitHeaders(perHour - seen.length);
    if (decision.kind === "server_error") {
      send(res, 500, errorBody("server_error", "Unexpected server-side error", requestId), headers);
      return;
    }
    if (req.method !== "GET") {
      send(res, 405, errorBody("method_not_allowed", "the emulator serves reads only", requestId), headers);
      return;
    }
    const body = route(team, path, url);
    if (!body) {
      send(res, 404, errorBody("not_found", "The resource you were accessing could not be found.", requestId), headers);
      return;
    }
    send(res, 200, body, headers);
  }

  /** A page of a collection, with `links.pages` and `meta.total` as the API writes them. */
  function paged(url: URL, key: string, items: readonly unknown[], extra: Record<string, unknown> = {}): Record<string, unknown> {
    const perPage = Math.min(MAX_PER_PAGE, Math.max(1, Number(url.searchParams.get("per_page") ?? DEFAULT_PER_PAGE) || DEFAULT_PER_PAGE));
    const page = Math.max(1, Number(url.searchParams.get("page") ?? 1) || 1);
    const last = Math.max(1, Math.ceil(items.length / perPage));
    const link = (p: number) => {
      const u = new URL(url.pathname, "https://api.digitalocean.com");
      u.searchParams.set("page", String(p));
      u.searchParams.set("per_page", String(perPage));
      return u.toString();
    };
    const pages: Record<string, string> = {};
    if (page > 1) {
      pages.first = link(1);
      pages.prev = link(page - 1);
    }
    if (page < last) {
      pages.next = link(page + 1);
      pages.last = link(last);
    }
    return { [key]: items.slice((page - 1) * perPage, page * perPage), ...extra, links: { pages }, meta: { total: items.length } };
  }

  function route(team: DoTeam, path: string, url: URL): Record<string, unknown> | null {
    if (path === "/account") {
      return {
        account: {
          droplet_limit: 25,
          floating_ip_limit: 5,
          volume_limit: 100,
          email: `ops@${team.name}.example`,
          name: team.name,
          uuid: team.teamId,
          email_verified: true,
          status: "active",
          status_message: "",
          team: { uuid: team.teamId, name: team.name },
        },
      };
    }
    if (path === "/regions") {
      const regions = doEmulatorRegions.map((r) => ({ name: r.name, slug: r.slug, features: ["backups", "ipv6", "metadata", "storage"], available: r.available, sizes: ["s-1vcpu-1gb"] }));
      return paged(url, "regions", regions);
    }
    for (const kind of doEmulatorKinds) {
      const { path: p, key } = doCollections[kind];
      if (path !== `/${p}`) continue;
      const malformed = new Set(faults.plan.malformedItemIds ?? []);
      const items = estate.list(team.teamId, kind).map((i) => (malformed.has(i.id) ? broken(kind, i.raw) : i.raw));
      // The database list is the one collection the API does not page: no links, no meta.
      return kind === "do_database" ? { [key]: items } : paged(url, key, items);
    }
    if (path === "/customers/my/balance") return billing.balance(team.teamId);
    if (path === "/customers/my/invoices") {
      const current = billing.invoice(team.teamId, billing.currentPeriod());
      return paged(url, "invoices", billing.closedPeriods().map((p) => billing.invoice(team.teamId, p)), { invoice_preview: current });
    }
    const invoice = /^\/customers\/my\/invoices\/([^/]+)$/.exec(path);
    if (invoice) {
      // `preview` names the running month's invoice, as its own uuid does.
      const period =
        invoice[1] === "preview" ? billing.currentPeriod() : [billing.currentPeriod(), ...billing.closedPeriods()].find((p) => billing.invoiceUuid(team.teamId, p) === invoice[1]);
      if (!period) return null;
      return paged(url, "invoice_items", billing.items(team.teamId, period));
    }
    const metric = /^\/monitoring\/metrics\/droplet\/(cpu|memory_total|memory_available|bandwidth)$/.exec(path);
    if (metric) return metrics(team, metric[1] as string, url);
    return null;
  }

  function metrics(team: DoTeam, name: string, url: URL): Record<string, unknown> | null {
    const hostId = url.searchParams.get("host_id") ?? "";
    const start = Number(url.searchParams.get("start"));
    const end = Number(url.searchParams.get("end"));
    const droplet = estate.droplets(team.teamId).find((d) => d.id === hostId);
    if (!droplet || !Number.isFinite(start) || !Number.isFinite(end)) return null;
    const matrix = (result: unknown[]) => ({ status: "success", data: { resultType: "matrix", result } });
    // Only running droplets report (the agent stops with them).
    if (droplet.raw.status !== "active") return matrix([]);
    const points = instants(start, end);
    const memTotal = Number(droplet.raw.memory) * 1024 * 1024;
    switch (name) {
      case "cpu":
        return matrix(cpuSeries(hostId, Number(droplet.raw.vcpus), start, end));
      case "memory_total":
        return matrix([{ metric: { host_id: hostId }, values: points.map((t) => [t, String(memTotal)]) }]);
      case "memory_available":
        return matrix([{ metric: { host_id: hostId }, values: points.map((t) => [t, String(Math.round((memTotal * (100 - memoryUsedPercent(hostId, t))) / 100))]) }]);
      default: {
        const direction = url.searchParams.get("direction") ?? "inbound";
        const iface = url.searchParams.get("interface") ?? "public";
        return matrix([{ metric: { host_id: hostId, interface: iface, direction }, values: points.map((t) => [t, bandwidthMbps(hostId, `${iface}/${direction}`, t)]) }]);
      }
    }
  }

  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;
  const endpoint = `http://127.0.0.1:${port}`;

  return {
    endpoint,
    port,
    teams: estate.teams,
    faults,
    expected: () => estate.expected(),
    mutate: { remove: (id) => estate.remove(id), retag: (id, tags) => estate.retag(id, tags) },
    requestCount: (contains) => (contains === undefined ? total : [...faults.requests].filter(([op]) => op.includes(contains)).reduce((s, [, n]) => s + n, 0)),
    expectedCosts: (teamId, start, end) => billing.expected(teamId, start, end),
    get limitRejections() {
      return limitRejections;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
