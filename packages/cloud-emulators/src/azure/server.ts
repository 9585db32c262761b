import { randomUUID } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { createServer } from "node:https";
import type { AddressInfo } from "node:net";
import { createFaultState, type FaultState } from "../faults.ts";
import { createRng } from "../rng.ts";
import { createLoopbackTls } from "../tls.ts";
import { emulatedLocations } from "./catalog.ts";
import { type AddResourceInput, AzureEstate, type EstateItem, type ExpectedResource, uuidFrom } from "./estate.ts";
import { EmulatedIdentity, type HttpAnswer } from "./identity.ts";
import { armError, decodeSkipToken, encodeSkipToken, renderGenericResource, renderLocation, renderVmStatus } from "./wire.ts";

export interface AzureEmulatorOptions {
  /** Same seed, same estate. Default 1. */
  seed?: number | string;
  /** Number of resources over all subscriptions. Default 200. */
  size?: number;
  /** Subscription ids, or how many to make up from the seed. Default 3. */
  subscriptions?: readonly string[] | number;
  tenantId?: string;
  clientId?: string;
  clientSecret?: string;
  /** VMs per page of the status listing (ARM decides this, not the client). Default 1000. */
  vmPageSize?: number;
  /** Largest `$top` honoured, as ARM caps it. Default 1000. */
  maxPageSize?: number;
  /** Seconds sent in `Retry-After` with a throttle. Default 0 so tests stay fast. */
  retryAfterSeconds?: number;
  tokenLifetimeSeconds?: number;
}

export interface AzureEmulator {
  /** `https://127.0.0.1:PORT`: the ARM endpoint and the Entra authority host at once. */
  readonly url: string;
  readonly endpoint: string;
  readonly authorityHost: string;
  readonly port: number;
  /** PEM of the per-run certificate; clients trust it explicitly. */
  readonly caCertificate: string;
  readonly tenantId: string;
  readonly clientId: string;
  readonly clientSecret: string;
  readonly subscriptions: readonly string[];
  readonly faults: FaultState;
  /** What a complete, correct sync must produce (computed lazily; iterate it once per use). */
  expected(): Iterable<ExpectedResource>;
  readonly mutate: {
    /** Adds a resource and returns its ARM id. */
    add(input?: AddResourceInput): string;
    remove(id: string): void;
    retag(id: string, tags: Record<string, string>): void;
  };
  /** Requests served per operation (`token`, `openid`, `resources.list`, `virtualMachines.listAll`, `locations`). */
  requestCount(operation: string): number;
  close(): Promise<void>;
}

const apiOperations = {
  resources: "resources.list",
  vms: "virtualMachines.listAll",
  locations: "locations",
} as const;

export async function startAzureEmulator(options: AzureEmulatorOptions = {}): Promise<AzureEmulator> {
  const seed = options.seed ?? 1;
  const ids = createRng(`${seed}:identity`);
  const subscriptions =
    typeof options.subscriptions === "object"
      ? [...options.subscriptions]
      : Array.from({ length: options.subscriptions ?? 3 }, (_, k) => uuidFrom(createRng(`${seed}:subscription:${k}`)));
  const tenantId = options.tenantId ?? uuidFrom(ids);
  const clientId = options.clientId ?? uuidFrom(ids);
  const clientSecret = options.clientSecret ?? `emu~${ids.hex(34)}`;
  const estate = new AzureEstate({ seed, size: options.size ?? 200, subscriptions });
  const identity = new EmulatedIdentity({
    tenantId,
    clientId,
    clientSecret,
    tokenLifetimeSeconds: options.tokenLifetimeSeconds ?? 3599,
  });
  const faults = createFaultState();
  const counts = new Map<string, number>();
  const vmPageSize = Math.max(1, options.vmPageSize ?? 1000);
  const maxPageSize = Math.max(1, options.maxPageSize ?? 1000);
  const retryAfter = String(options.retryAfterSeconds ?? 0);
  let serverErrorsServed = 0;

  const tls = await createLoopbackTls();
  let baseUrl = "";

  const server = createServer({ key: tls.key, cert: tls.cert }, (req, res) => {
    handle(req, res).catch((error: unknown) => {
      send(res, { status: 500, body: armError("InternalServerError", `emulator failure: ${String(error)}`) });
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? "/", baseUrl);
    const path = url.pathname;

    if (path.endsWith("/.well-known/openid-configuration")) {
      count("openid");
      const tenant = path.split("/")[1] ?? "";
      return send(res, identity.openIdConfiguration(baseUrl, tenant));
    }
    if (path === "/common/discovery/instance") {
      count("openid");
      return send(res, identity.instanceDiscovery(baseUrl));
    }
    const tokenMatch = /^\/([^/]+)\/oauth2\/v2\.0\/token$/.exec(path);
    if (tokenMatch && req.method === "POST") {
      count("token");
      const form = new URLSearchParams(await readBody(req));
      const plan = faults.plan;
      const rejectAll = Boolean(plan.rejectCredentials && (!plan.match || "token".includes(plan.match)));
      return send(res, identity.token(tokenMatch[1] as string, form, rejectAll));
    }

    const route = armRoute(path);
    if (!route) {
      return send(res, armAnswer(404, "InvalidResourceType", `The resource type could not be found for path '${path}'.`));
    }
    count(route.operation);
    if (req.method !== "GET") {
      return send(res, armAnswer(405, "MethodNotAllowed", `The emulator only serves reads; got ${req.method}.`));
    }
    const decision = faults.decide(`${route.operation} ${path}`);
    if (decision.delayMs > 0) await sleep(decision.delayMs);
    if (res.destroyed || req.socket.destroyed) return;

    if (decision.kind === "reject_credentials" || !identity.accepts(req.headers.authorization)) {
      return send(res, {
        status: 401,
        headers: {
          "WWW-Authenticate": `Bearer authorization_uri="${baseUrl}/${tenantId}", error="invalid_token", error_description="The access token is invalid."`,
        },
        body: armError(
          "InvalidAuthenticationToken",
          "The access token is invalid. Acquire a new token for the audience of this endpoint and retry.",
        ),
      });
    }
    if (decision.kind === "throttle") {
      return send(res, {
        status: 429,
        headers: { "Retry-After": retryAfter },
        body: armError(
          "TooManyRequests",
          `Number of read requests for subscription '${route.subscriptionId}' exceeded the limit of '12000' for time interval '01:00:00'. Please try again after '${retryAfter}' seconds.`,
        ),
      });
    }
    if (decision.kind === "server_error") {
      serverErrorsServed += 1;
      return send(
        res,
        serverErrorsServed % 2 === 1
          ? armAnswer(500, "InternalServerError", "Encountered internal server error. Diagnostic information: timestamp ''.")
          : armAnswer(503, "ServiceUnavailable", "The server is currently unable to handle the request. Please retry."),
      );
    }
    const apiVersion = url.searchParams.get("api-version");
    if (!apiVersion) {
      return send(
        res,
        armAnswer(400, "MissingApiVersionParameter", "The api-version query parameter (?api-version=) is required for all requests."),
      );
    }
    if (!estate.hasSubscription(route.subscriptionId)) {
      return send(res, armAnswer(404, "SubscriptionNotFound", `The subscription '${route.subscriptionId}' could not be found.`));
    }

    switch (route.operation) {
      case apiOperations.locations:
        return send(res, {
          status: 200,
          body: { value: emulatedLocations.map((l) => renderLocation(route.subscriptionId, l)) },
        });
      case apiOperations.resources:
        return send(res, listResources(route.subscriptionId, url));
      case apiOperations.vms:
        return send(res, listVms(route.subscriptionId, url));
    }
  }

  function listResources(subscriptionId: string, url: URL): HttpAnswer {
    const filter = parseFilter(url.searchParams.get("$filter"));
    if (!filter) {
      return armAnswer(400, "InvalidFilterInQueryString", "Invalid $filter: the emulator supports resourceType eq '…' and location eq '…'.");
    }
    const top = url.searchParams.get("$top");
    const pageSize = top === null ? maxPageSize : Number(top);
    if (!Number.isInteger(pageSize) || pageSize < 1) {
      return armAnswer(400, "InvalidTopInQueryString", `The value '${top}' of $top is not a positive integer.`);
    }
    const position = startPosition(url);
    if (position === null) return armAnswer(400, "InvalidSkipToken", "The $skiptoken is not valid.");
    const limit = Math.min(pageSize, maxPageSize);
    const expand = new Set(
      (url.searchParams.get("$expand") ?? "")
        .split(",")
        .map((s) => s.trim().toLowerCase())
        .filter(Boolean),
    );
    const page = estate.scan(subscriptionId, position, limit, filter, limit * 50);
    const malformed = new Set((faults.plan.malformedItemIds ?? []).map((id) => id.toLowerCase()));
    return {
      status: 200,
      body: withNextLink(
        { value: page.items.map((item) => renderGenericResource(item, { expand, malformed: malformed.has(item.id.toLowerCase()) })) },
        url,
        page.next,
      ),
    };
  }

  function listVms(subscriptionId: string, url: URL): HttpAnswer {
    const position = startPosition(url);
    if (position === null) return armAnswer(400, "InvalidSkipToken", "The $skiptoken is not valid.");
    const statusOnly = url.searchParams.get("statusOnly") === "true";
    const page = estate.scan(subscriptionId, position, vmPageSize, (item) => item.vm !== undefined, vmPageSize * 50);
    const render = (item: EstateItem) => {
      const vm = renderVmStatus(item);
      if (!statusOnly) delete (vm.properties as Record<string, unknown>).instanceView;
      return vm;
    };
    return { status: 200, body: withNextLink({ value: page.items.map(render) }, url, page.next) };
  }

  function withNextLink(body: { value: unknown[] }, url: URL, next: number | null): Record<string, unknown> {
    if (next === null) return body;
    const link = new URL(url.pathname, baseUrl);
    for (const [key, value] of url.searchParams) if (key !== "$skiptoken") link.searchParams.append(key, value);
    link.searchParams.set("$skiptoken", encodeSkipToken(next));
    return { ...body, nextLink: link.toString() };
  }

  function count(operation: string): void {
    counts.set(operation, (counts.get(operation) ?? 0) + 1);
  }

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  baseUrl = `https://127.0.0.1:${port}`;

  return {
    url: baseUrl,
    endpoint: baseUrl,
    authorityHost: baseUrl,
    port,
    caCertificate: tls.cert,
    tenantId,
    clientId,
    clientSecret,
    subscriptions,
    faults,
    expected: () => estate.expected(),
    mutate: {
      add: (input) => estate.add(input).id,
      remove: (id) => estate.remove(id),
      retag: (id, tags) => estate.retag(id, tags),
    },
    requestCount: (operation) => counts.get(operation) ?? 0,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

function armRoute(path: string): { operation: string; subscriptionId: string } | null {
  const match = /^\/subscriptions\/([^/]+)(\/.*)?$/i.exec(path);
  if (!match) return null;
  const subscriptionId = decodeURIComponent(match[1] as string);
  const rest = (match[2] ?? "").toLowerCase().replace(/\/$/, "");
  if (rest === "/resources") return { operation: apiOperations.resources, subscriptionId };
  if (rest === "/locations") return { operation: apiOperations.locations, subscriptionId };
  if (rest === "/providers/microsoft.compute/virtualmachines") return { operation: apiOperations.vms, subscriptionId };
  return null;
}

/** ARM's `$filter` for the generic listing, limited to the clauses this emulator understands. */
function parseFilter(text: string | null): ((item: EstateItem) => boolean) | null {
  if (!text?.trim()) return () => true;
  const clauses = text.split(/\s+and\s+/i);
  const tests: ((item: EstateItem) => boolean)[] = [];
  for (const clause of clauses) {
    const match = /^\s*(resourceType|location)\s+eq\s+'([^']*)'\s*$/i.exec(clause);
    if (!match) return null;
    const value = (match[2] as string).toLowerCase();
    if ((match[1] as string).toLowerCase() === "resourcetype") tests.push((item) => item.type.toLowerCase() === value);
    else tests.push((item) => item.location.toLowerCase().replace(/\s+/g, "") === value.replace(/\s+/g, ""));
  }
  return (item) => tests.every((t) => t(item));
}

function startPosition(url: URL): number | null {
  const token = url.searchParams.get("$skiptoken");
  return token === null ? 0 : decodeSkipToken(token);
}

function armAnswer(status: number, code: string, message: string): HttpAnswer {
  return { status, body: armError(code, message) };
}

function send(res: ServerResponse, answer: HttpAnswer): void {
  if (res.headersSent || res.destroyed) return;
  const body = JSON.stringify(answer.body);
  res.writeHead(answer.status, {
    "Content-Type": "application/json; charset=utf-8",
    "Content-Length": Buffer.byteLength(body),
    "x-ms-request-id": randomUUID(),
    "x-ms-correlation-request-id": randomUUID(),
    "Cache-Control": "no-cache",
    ...answer.headers,
  });
  res.end(body);
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
