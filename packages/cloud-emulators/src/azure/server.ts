import { randomUUID } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { createServer } from "node:https";
import type { AddressInfo } from "node:net";
import { createFaultState, type FaultState } from "../faults.ts";
import { createRng } from "../rng.ts";
import { createLoopbackTls } from "../tls.ts";
import { billLines, billStart, type CostLine, daysBetween, decodeBillCursor, encodeBillCursor } from "./billing.ts";
import { emulatedLocations } from "./catalog.ts";
import { exactSum } from "./decimal.ts";
import { type AddResourceInput, AzureEstate, type EstateItem, type ExpectedResource, uuidFrom } from "./estate.ts";
import { EmulatedIdentity, type HttpAnswer } from "./identity.ts";
import { expectedKindSamples, type KindMetricDefinition, kindMetricsOfType, renderKindMetric } from "./kind-monitor.ts";
import { retailPrices } from "./retail-prices.ts";
import { grainStarts, isDocumentedSize, monitorGrains, renderMetricsResponse, type VmMetricPoint, vmMetricDefinitions, vmPoint, vmReportsMetrics, vmSizeMemoryBytes } from "./monitor.ts";
import { type AzureEmulatorTenant, TenantApi } from "./tenant-api.ts";
import { type ExpectedUsage, expectedUsage, providerListTypes, renderProviderResource } from "./provider-lists.ts";
import { armError, decodeSkipToken, encodeSkipToken, renderGenericResource, renderLocation, renderVmStatus } from "./wire.ts";
import { type ExpectedAvailability, availabilityOf, renderAvailabilityStatus } from "./resource-health.ts";
import { type AzureExpectedDeployment, createDeploymentBook, exportTemplate, listDeployments, listResourceGroups } from "./deployments.ts";
import { type AzureExpectedBackupJob, type AzureExpectedProtectedItem, RecoveryServicesApi } from "./recovery-services.ts";

export interface AzureEmulatorOptions {
  /** The instant Azure Backup jobs are generated up to (default: when the emulator starts). */
  backupNow?: Date;
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
  /**
   * Seconds sent in `Retry-After` with a throttle (Cost Management sends them in its
   * `x-ms-ratelimit-microsoft.costmanagement-*-retry-after` headers instead). Default 0 so tests stay fast.
   */
  retryAfterSeconds?: number;
  /** Rows per Cost Management query page (the service decides, not the client). Default 1000. */
  costPageSize?: number;
  /** Items per Retail Prices page (the service answers 1,000; smaller pages exercise NextPageLink). */
  retailPricesPageSize?: number;
  tokenLifetimeSeconds?: number;
  /** What tenant-level discovery sees: subscriptions with states, management groups. */
  tenant?: AzureEmulatorTenant;
  /** Subscriptions the principal holds no role on: their reads answer 403 AuthorizationFailed. */
  deniedSubscriptions?: readonly string[];
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
  /** The attachment, association or backend count the emulator gave a disk, public IP or load balancer. */
  expectedUsage(resource: { id: string; type: string }): ExpectedUsage;
  /** Azure Backup's protected VMs and their jobs, per subscription (see recovery-services.ts). */
  expectedBackups(): { items: AzureExpectedProtectedItem[]; jobs: AzureExpectedBackupJob[] };
  readonly mutate: {
    /** Adds a resource and returns its ARM id. */
    add(input?: AddResourceInput): string;
    remove(id: string): void;
    retag(id: string, tags: Record<string, string>): void;
    /** The subscription moves out of the tenant's management groups and out of the principal's sight. */
    leaveTenant(subscriptionId: string): boolean;
  };
  /**
   * The subscription's daily bill over [start, end] (days `YYYY-MM-DD`, inclusive), line by line,
   * exactly as the query endpoint serves it (computed lazily; faults do not apply).
   */
  expectedCosts(account: string, start: string, end: string): Iterable<CostLine>;
  /** Exact decimal sum of `expectedCosts`, in plain notation. */
  expectedCostTotal(account: string, start: string, end: string): string;
  /** The raw numbers Azure Monitor serves for one VM over [start, end) at `periodSeconds` (default 300); null if not a VM. */
  expectedMetrics(resourceId: string, start: Date, end: Date, periodSeconds?: number): ExpectedVmMetrics | null;
  /**
   * What a correct adapter reports for a resource of the types in kind-monitor.ts over [start,
   * end) at `periodSeconds` (default 300), hourly capacity included; null for VMs and types
   * without metrics.
   */
  expectedKindMetrics(
    resourceId: string,
    start: Date,
    end: Date,
    periodSeconds?: number,
  ): { resourceId: string; timestamp: string; raw: Record<string, number>; metrics: Record<string, number> }[] | null;
  /** Resource Health's current availability of every VM, as `availabilityStatuses` serves it. */
  expectedAvailability(): Iterable<ExpectedAvailability>;
  /** The resource-group deployments of every subscription, with the ids of the resources they created. */
  expectedDeployments(): AzureExpectedDeployment[];
  /** Requests served per operation (`token`, `openid`, `resources.list`, `virtualMachines.listAll`, `locations`, `costManagement.query`, `metrics.list`, `availabilityStatuses.listBySubscriptionId`). */
  requestCount(operation: string): number;
  close(): Promise<void>;
}

/** What a test may compare the adapter's metric samples with. */
export interface ExpectedVmMetrics {
  resourceId: string;
  vmSize: string;
  /** The VM's physical memory (what `Available Memory Bytes` is out of). */
  memoryBytes: number;
  /** False for a size outside the documented catalog, whose memory a client cannot know. */
  documentedSize: boolean;
  /** One point per grain, only while the VM runs (a stopped VM reports no values). */
  points: VmMetricPoint[];
}

const apiOperations = {
  resources: "resources.list",
  vms: "virtualMachines.listAll",
  locations: "locations",
  costQuery: "costManagement.query",
  metrics: "metrics.list",
  availability: "availabilityStatuses.listBySubscriptionId",
  subscriptions: "subscriptions.list",
  descendants: "managementGroups.getDescendants",
  providerList: "providerResources.list",
  resourceGroups: "resourceGroups.list",
  deployments: "deployments.listByResourceGroup",
  exportTemplate: "deployments.exportTemplate",
} as const;

/** Resource Health api-versions the emulator answers (the SDK's 2022-10-01 among them). */
const resourceHealthApiVersions = new Set(["2015-01-01", "2017-07-01", "2018-07-01", "2020-05-01", "2022-10-01", "2024-02-01", "2025-05-01"]);

const costManagementApiVersions = new Set(["2023-11-01", "2023-03-01", "2022-10-01", "2021-10-01", "2019-11-01"]);

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
  const deploymentBook = createDeploymentBook(estate);
  const recoveryServices = new RecoveryServicesApi(estate, options.backupNow ?? new Date());
  const denied = new Set(options.deniedSubscriptions ?? []);
  const tenantApi = new TenantApi(tenantId, options.tenant ?? {}, subscriptions);
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
  const costPageSize = Math.max(1, options.costPageSize ?? 1000);
  const retailPricesPageSize = Math.max(1, options.retailPricesPageSize ?? 1000);
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

    // The Retail Prices API is public: no token, no ARM envelope.
    if (path === "/api/retail/prices" && req.method === "GET") {
      count("retailPrices");
      const answer = retailPrices(url, baseUrl, retailPricesPageSize);
      return send(res, { status: answer.status, body: answer.body });
    }

    const route = armRoute(path) ?? tenantRoute(path);
    if (!route) {
      return send(res, armAnswer(404, "InvalidResourceType", `The resource type could not be found for path '${path}'.`));
    }
    count(route.operation);
    if (req.method !== route.method) {
      return send(res, armAnswer(405, "MethodNotAllowed", `${route.operation} takes ${route.method}; got ${req.method}.`));
    }
    const requestBody = req.method === "POST" ? await readBody(req) : "";
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
    if (decision.kind === "throttle" && route.operation === apiOperations.costQuery) {
      // Cost Management names its own waits (query processing units, entity, tenant).
      return send(res, {
        status: 429,
        headers: {
          "x-ms-ratelimit-microsoft.costmanagement-qpu-retry-after": retryAfter,
          "x-ms-ratelimit-microsoft.costmanagement-entity-retry-after": retryAfter,
          "x-ms-ratelimit-microsoft.costmanagement-tenant-retry-after": "0",
        },
        body: armError("429", "Too many requests. Please retry."),
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
    if (route.operation === apiOperations.subscriptions) return send(res, tenantApi.listSubscriptions(url, baseUrl));
    if (route.operation === apiOperations.descendants) return send(res, tenantApi.descendants(route.subscriptionId, url, baseUrl));
    if (denied.has(route.subscriptionId)) {
      return send(
        res,
        armAnswer(
          403,
          "AuthorizationFailed",
          `The client '${clientId}' with object id '${clientId}' does not have authorization to perform action 'Microsoft.Resources/subscriptions/resources/read' over scope '/subscriptions/${route.subscriptionId}' or the scope is invalid.`,
        ),
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
      case apiOperations.costQuery:
        return send(res, costQuery(route.subscriptionId, url, requestBody));
      case apiOperations.metrics:
        return send(res, listMetrics(route.resourceUri ?? "", url));
      case apiOperations.availability:
        return send(res, listAvailabilityStatuses(route.subscriptionId, url));
      case apiOperations.providerList:
        return send(res, listProviderResources(route.subscriptionId, route.providerPath ?? "", url));
      case apiOperations.resourceGroups:
        return send(res, listResourceGroups(deploymentBook, route.subscriptionId, url, baseUrl));
      case apiOperations.deployments:
        return send(res, listDeployments(deploymentBook, route.subscriptionId, route.resourceGroup ?? "", url, baseUrl));
      case apiOperations.exportTemplate:
        return send(res, exportTemplate(deploymentBook, route.subscriptionId, route.resourceGroup ?? "", route.deploymentName ?? ""));
      default:
        if (RecoveryServicesApi.operationOf(path)) return send(res, recoveryServices.answer(route.subscriptionId, path, url, baseUrl));
    }
  }

  /** `POST …/providers/Microsoft.CostManagement/query`: the bill, paged, rows written by hand so amounts keep every digit. */
  function costQuery(subscriptionId: string, url: URL, bodyText: string): Answer {
    const apiVersion = url.searchParams.get("api-version") ?? "";
    if (!costManagementApiVersions.has(apiVersion)) {
      return armAnswer(400, "InvalidApiVersionParameter", `The api-version '${apiVersion}' is invalid for Microsoft.CostManagement/query.`);
    }
    const query = parseCostQuery(bodyText);
    if ("error" in query) return armAnswer(400, "BadRequest", `Invalid query definition: ${query.error}`);
    const token = url.searchParams.get("$skiptoken");
    const cursor = token === null ? billStart : decodeBillCursor(token);
    if (!cursor) return armAnswer(400, "BadRequest", "The $skiptoken is not valid.");
    const malformed = new Set((faults.plan.malformedItemIds ?? []).map((id) => id.toLowerCase()));
    const rows: string[] = [];
    let next: string | null = null;
    let last = cursor;
    for (const { line, next: after } of billLines(estate, subscriptionId, daysBetween(query.from, query.to), cursor)) {
      if (rows.length === costPageSize) {
        next = encodeBillCursor(last);
        break;
      }
      const cost = line.billedResourceId && malformed.has(line.billedResourceId) ? "null" : line.amount;
      const cells: Record<string, string> = {
        ResourceId: JSON.stringify(line.billedResourceId),
        MeterCategory: JSON.stringify(line.meterCategory),
      };
      rows.push(`[${[cost, line.date.replace(/-/g, ""), ...query.grouping.map((g) => cells[g] as string), JSON.stringify(line.currency)].join(",")}]`);
      last = after;
    }
    const columns = [
      { name: query.costColumn, type: "Number" },
      { name: "UsageDate", type: "Number" },
      ...query.grouping.map((name) => ({ name, type: "String" })),
      { name: "Currency", type: "String" },
    ];
    let nextLink: string | null = null;
    if (next) {
      const link = new URL(url.pathname, baseUrl);
      link.searchParams.set("api-version", apiVersion);
      link.searchParams.set("$skiptoken", next);
      nextLink = link.toString();
    }
    const queryId = randomUUID();
    const head = JSON.stringify({
      id: `subscriptions/${subscriptionId}/providers/Microsoft.CostManagement/query/${queryId}`,
      name: queryId,
      type: "Microsoft.CostManagement/query",
      location: null,
      sku: null,
      eTag: null,
    });
    const properties = `{"nextLink":${JSON.stringify(nextLink)},"columns":${JSON.stringify(columns)},"rows":[${rows.join(",")}]}`;
    return {
      status: 200,
      body: null,
      raw: `${head.slice(0, -1)},"properties":${properties}}`,
      headers: {
        "x-ms-ratelimit-microsoft.costmanagement-qpu-consumed": "1",
        "x-ms-ratelimit-microsoft.costmanagement-qpu-remaining": "QueryResource=11, QueryGroup=59",
      },
    };
  }

  /** `GET {resourceUri}/providers/Microsoft.Insights/metrics` for VMs (others: listKindMetrics). */
  function listMetrics(resourceUri: string, url: URL): HttpAnswer {
    const item = estate.find(resourceUri);
    if (!item) {
      const parts = resourceUri.split("/");
      return armAnswer(
        404,
        "ResourceNotFound",
        `The Resource '${parts.slice(-3).join("/")}' under resource group '${parts[4] ?? ""}' was not found. For more details please go to https://aka.ms/ARMResourceNotFoundFix`,
      );
    }
    const names = (url.searchParams.get("metricnames") ?? "Percentage CPU").split(",").map((n) => n.trim()).filter(Boolean);
    if (!item.vm) return listKindMetrics(item, names, url);
    const unknown = names.find((n) => !vmMetricDefinitions.some((d) => d.name.toLowerCase() === n.toLowerCase()));
    if (unknown) {
      return monitorError(
        `Failed to find metric configuration for provider: Microsoft.Compute, resource Type: virtualMachines, metric: ${unknown}, Valid metrics: ${vmMetricDefinitions.map((d) => d.name).join(",")}`,
      );
    }
    const interval = (url.searchParams.get("interval") ?? "PT1H").toUpperCase();
    const grainSeconds = monitorGrains.get(interval);
    if (!grainSeconds) return monitorError(`Invalid interval '${interval}'. Supported time grains: ${[...monitorGrains.keys()].join(", ")}.`);
    const [from, to] = (url.searchParams.get("timespan") ?? "").split("/");
    const start = Date.parse(from ?? "");
    const end = Date.parse(to ?? "");
    if (Number.isNaN(start) || Number.isNaN(end) || start >= end) {
      return monitorError(`Invalid timespan '${url.searchParams.get("timespan") ?? ""}': expected 'startTime/endTime' in ISO 8601.`);
    }
    if ((end - start) / 1000 / grainSeconds > 50_000) return monitorError("The query asks for more than 50000 data points per time series.");
    const aggregations = (url.searchParams.get("aggregation") ?? "Average").split(",").map((a) => a.trim().toLowerCase()).filter(Boolean);
    const badAggregation = aggregations.find((a) => !["average", "total", "minimum", "maximum", "count"].includes(a));
    if (badAggregation) return monitorError(`Invalid aggregation '${badAggregation}'.`);
    const malformed = (faults.plan.malformedItemIds ?? []).some((id) => id.toLowerCase() === item.id.toLowerCase());
    const iso = (ms: number) => new Date(ms).toISOString().replace(/\.000Z$/, "Z");
    return {
      status: 200,
      body: renderMetricsResponse(estate.seed, item, { start, end, grainSeconds, interval, timespan: `${iso(start)}/${iso(end)}` }, names, aggregations, malformed),
    };
  }

  /** Metrics of the other resource types (kind-monitor.ts), with Azure Monitor's checks on names, grain and timespan. */
  function listKindMetrics(item: EstateItem, names: readonly string[], url: URL): HttpAnswer {
    const [provider, ...typePath] = item.type.split("/");
    const definitions = kindMetricsOfType(item.type) ?? [];
    const valid = definitions.map((d) => d.name).join(",");
    const unknown = names.find((n) => !definitions.some((d) => d.name.toLowerCase() === n.toLowerCase()));
    if (unknown !== undefined) {
      return monitorError(`Failed to find metric configuration for provider: ${provider}, resource Type: ${typePath.join("/")}, metric: ${unknown}, Valid metrics: ${valid}`);
    }
    const interval = (url.searchParams.get("interval") ?? "PT1H").toUpperCase();
    const grainSeconds = monitorGrains.get(interval);
    if (!grainSeconds) return monitorError(`Invalid interval '${interval}'. Supported time grains: ${[...monitorGrains.keys()].join(", ")}.`);
    const asked = names.map((n) => definitions.find((d) => d.name.toLowerCase() === n.toLowerCase()) as KindMetricDefinition);
    const coarse = asked.find((d) => d.grains && !d.grains.includes(grainSeconds));
    if (coarse) {
      return monitorError(
        `Metric: ${coarse.name} does not support requested time grain: ${interval}. Supported time grains: ${(coarse.grains ?? []).map((g) => [...monitorGrains].find(([, s]) => s === g)?.[0]).join(",")}`,
      );
    }
    const [from, to] = (url.searchParams.get("timespan") ?? "").split("/");
    const start = Date.parse(from ?? "");
    const end = Date.parse(to ?? "");
    if (Number.isNaN(start) || Number.isNaN(end) || start >= end) {
      return monitorError(`Invalid timespan '${url.searchParams.get("timespan") ?? ""}': expected 'startTime/endTime' in ISO 8601.`);
    }
    if ((end - start) / 1000 / grainSeconds > 50_000) return monitorError("The query asks for more than 50000 data points per time series.");
    const aggregations = (url.searchParams.get("aggregation") ?? "Average").split(",").map((a) => a.trim().toLowerCase()).filter(Boolean);
    const badAggregation = aggregations.find((a) => !["average", "total", "minimum", "maximum", "count"].includes(a));
    if (badAggregation) return monitorError(`Invalid aggregation '${badAggregation}'.`);
    // A dimension filter, `<dimension> eq '<value>'`, on a dimension every asked metric has.
    const filterText = url.searchParams.get("$filter");
    let filter: { dimension: string; value: string } | undefined;
    if (filterText) {
      const m = /^\s*(\w+)\s+eq\s+'([^']*)'\s*$/i.exec(filterText);
      const lacking = asked.find((d) => !m || d.split?.dimension.toLowerCase() !== (m[1] as string).toLowerCase());
      if (!m || lacking) {
        return monitorError(`Metric: ${lacking?.name ?? names[0]} does not support requested dimension combination: ${filterText}. The emulator filters on one dimension value (Dimension eq 'value').`);
      }
      filter = { dimension: lacking === undefined ? (asked[0]?.split?.dimension as string) : (m[1] as string), value: m[2] as string };
    }
    const starts = grainStarts(start, end, grainSeconds);
    const iso = (ms: number) => new Date(ms).toISOString().replace(/\.000Z$/, "Z");
    return {
      status: 200,
      body: {
        cost: starts.length * asked.length,
        timespan: `${iso(start)}/${iso(end)}`,
        interval,
        value: asked.map((d) => renderKindMetric(estate.seed, item, d, starts, grainSeconds, aggregations, filter)),
        namespace: item.type,
        resourceregion: item.location.replace(/\s+/g, "").toLowerCase(),
      },
    };
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

  /** A resource provider's own list of one type, with properties (provider-lists.ts), paged like the VM list. */
  function listProviderResources(subscriptionId: string, providerPath: string, url: URL): HttpAnswer {
    const listed = providerListTypes[providerPath];
    if (!listed) return armAnswer(404, "InvalidResourceType", `The resource type could not be found for path '${providerPath}'.`);
    const apiVersion = url.searchParams.get("api-version");
    if (!apiVersion || !listed.apiVersions.has(apiVersion)) {
      return armAnswer(400, "InvalidApiVersionParameter", `The api-version '${apiVersion ?? ""}' is invalid for ${listed.armType}. Supported: ${[...listed.apiVersions].join(", ")}.`);
    }
    const position = startPosition(url);
    if (position === null) return armAnswer(400, "InvalidSkipToken", "The $skiptoken is not valid.");
    const page = estate.scan(subscriptionId, position, vmPageSize, (item) => item.type === listed.armType, vmPageSize * 50);
    return { status: 200, body: withNextLink({ value: page.items.map(renderProviderResource) }, url, page.next) };
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

  /** Resource Health of the subscription's VMs (the only type the emulator reports on), paged like ARM. */
  function listAvailabilityStatuses(subscriptionId: string, url: URL): HttpAnswer {
    const apiVersion = url.searchParams.get("api-version") ?? "";
    if (!resourceHealthApiVersions.has(apiVersion)) {
      return armAnswer(400, "InvalidApiVersionParameter", `The api-version '${apiVersion}' is invalid for Microsoft.ResourceHealth/availabilityStatuses.`);
    }
    const position = startPosition(url);
    if (position === null) return armAnswer(400, "InvalidSkipToken", "The $skiptoken is not valid.");
    const page = estate.scan(subscriptionId, position, vmPageSize, (item) => item.vm !== undefined, vmPageSize * 50);
    return {
      status: 200,
      body: withNextLink({ value: page.items.map((item) => renderAvailabilityStatus(item, availabilityOf(seed, item))) }, url, page.next),
    };
  }

  function* expectedCosts(account: string, start: string, end: string): Generator<CostLine> {
    for (const { line } of billLines(estate, account, daysBetween(start, end))) yield line;
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
    expectedUsage,
    expectedBackups: () => recoveryServices.expected(subscriptions),
    *expectedAvailability() {
      for (const sub of subscriptions) {
        let position: number | null = 0;
        while (position !== null) {
          const page = estate.scan(sub, position, 1000, (item) => item.vm !== undefined);
          for (const item of page.items) yield availabilityOf(seed, item);
          position = page.next;
        }
      }
    },
    expectedDeployments: () => deploymentBook.expected(),
    expectedCosts: (account, start, end) => expectedCosts(account, start, end),
    expectedCostTotal: (account, start, end) => exactSum((function* () {
      for (const line of expectedCosts(account, start, end)) yield line.amount;
    })()),
    expectedMetrics(resourceId, start, end, periodSeconds = 300) {
      const item = estate.find(resourceId);
      if (!item?.vm) return null;
      const points = vmReportsMetrics(item)
        ? grainStarts(start.getTime(), end.getTime(), periodSeconds).map((t) => vmPoint(estate.seed, item, t, periodSeconds))
        : [];
      return {
        resourceId: item.id,
        vmSize: item.vm.vmSize,
        memoryBytes: vmSizeMemoryBytes(item.vm.vmSize),
        documentedSize: isDocumentedSize(item.vm.vmSize),
        points,
      };
    },
    expectedKindMetrics(resourceId, start, end, periodSeconds = 300) {
      const item = estate.find(resourceId);
      if (!item || item.vm || !kindMetricsOfType(item.type)) return null;
      const hour = 3_600_000;
      const hourFrom = Math.min(start.getTime(), Math.floor(end.getTime() / hour) * hour - hour);
      return expectedKindSamples(
        estate.seed,
        item,
        grainStarts(start.getTime(), end.getTime(), periodSeconds),
        periodSeconds,
        grainStarts(hourFrom, end.getTime(), 3600),
      ).map((s) => ({ resourceId: item.id, ...s }));
    },
    mutate: {
      add: (input) => estate.add(input).id,
      remove: (id) => estate.remove(id),
      retag: (id, tags) => estate.retag(id, tags),
      leaveTenant: (subscriptionId) => tenantApi.subscriptions.delete(subscriptionId),
    },
    requestCount: (operation) => counts.get(operation) ?? 0,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

interface ArmRoute {
  operation: string;
  method: "GET" | "POST";
  subscriptionId: string;
  /** For metrics: the ARM id of the resource asked about. */
  resourceUri?: string;
  /** For a provider's own list: the path after the subscription (`/providers/microsoft.compute/disks`). */
  providerPath?: string;
  /** For deployments: the resource group and deployment named in the path. */
  resourceGroup?: string;
  deploymentName?: string;
}

const metricsSuffix = "/providers/microsoft.insights/metrics";

/** Tenant-level reads; `subscriptionId` carries the management group's name for descendants. */
function tenantRoute(path: string): ArmRoute | null {
  if (path.replace(/\/$/, "") === "/subscriptions") return { operation: apiOperations.subscriptions, method: "GET", subscriptionId: "" };
  const match = /^\/providers\/Microsoft\.Management\/managementGroups\/([^/]+)\/descendants\/?$/i.exec(path);
  return match ? { operation: apiOperations.descendants, method: "GET", subscriptionId: decodeURIComponent(match[1] as string) } : null;
}

function armRoute(path: string): ArmRoute | null {
  const match = /^\/subscriptions\/([^/]+)(\/.*)?$/i.exec(path);
  if (!match) return null;
  const subscriptionId = decodeURIComponent(match[1] as string);
  const rest = (match[2] ?? "").toLowerCase().replace(/\/$/, "");
  if (rest === "/resources") return { operation: apiOperations.resources, method: "GET", subscriptionId };
  if (rest === "/locations") return { operation: apiOperations.locations, method: "GET", subscriptionId };
  if (rest === "/providers/microsoft.compute/virtualmachines") return { operation: apiOperations.vms, method: "GET", subscriptionId };
  if (rest === "/providers/microsoft.costmanagement/query") return { operation: apiOperations.costQuery, method: "POST", subscriptionId };
  if (rest === "/providers/microsoft.resourcehealth/availabilitystatuses") return { operation: apiOperations.availability, method: "GET", subscriptionId };
  if (providerListTypes[rest]) return { operation: apiOperations.providerList, method: "GET", subscriptionId, providerPath: rest };
  if (rest === "/resourcegroups") return { operation: apiOperations.resourceGroups, method: "GET", subscriptionId };
  const deployments = /^\/resourcegroups\/([^/]+)\/providers\/microsoft\.resources\/deployments(?:\/([^/]+)\/(exporttemplate))?$/.exec(rest);
  if (deployments) {
    // Names from the original path: `rest` is lower-cased for matching only.
    const original = /\/resourcegroups\/([^/]+)\/providers\/microsoft\.resources\/deployments(?:\/([^/]+))?/i.exec(path);
    const resourceGroup = decodeURIComponent(original?.[1] ?? "");
    if (deployments[3]) {
      return { operation: apiOperations.exportTemplate, method: "POST", subscriptionId, resourceGroup, deploymentName: decodeURIComponent(original?.[2] ?? "") };
    }
    return { operation: apiOperations.deployments, method: "GET", subscriptionId, resourceGroup };
  }
  const recoveryServices = RecoveryServicesApi.operationOf(path);
  if (recoveryServices) return { operation: recoveryServices, method: "GET", subscriptionId };
  if (/^\/resourcegroups\/[^/]+\/providers\/[^/]+\/[^/]+\/.+/.test(rest) && rest.endsWith(metricsSuffix)) {
    const resourceUri = decodeURIComponent(path.replace(/\/$/, "").slice(0, -metricsSuffix.length));
    return { operation: apiOperations.metrics, method: "GET", subscriptionId, resourceUri };
  }
  return null;
}

interface CostQueryDefinition {
  from: string;
  to: string;
  costColumn: string;
  grouping: ("ResourceId" | "MeterCategory")[];
}

/** The query body, limited to what the emulator serves: daily, custom period, Sum of cost, grouped by ResourceId and MeterCategory. */
function parseCostQuery(text: string): CostQueryDefinition | { error: string } {
  // biome-ignore lint/suspicious/noExplicitAny: the body is checked field by field
  let body: any;
  try {
    body = JSON.parse(text);
  } catch {
    return { error: "the body is not JSON" };
  }
  if (!["ActualCost", "Usage", "AmortizedCost"].includes(body?.type)) return { error: `type '${body?.type}' is not one of ActualCost, Usage, AmortizedCost` };
  if (body.timeframe !== "Custom") return { error: "the emulator serves timeframe 'Custom' only" };
  const from = /^(\d{4}-\d{2}-\d{2})(?:T00:00:00(?:\.0+)?Z?)?$/.exec(body.timePeriod?.from ?? "")?.[1];
  const to = /^(\d{4}-\d{2}-\d{2})(?:T[\d:.]+Z?)?$/.exec(body.timePeriod?.to ?? "")?.[1];
  if (!from || !to || Number.isNaN(Date.parse(from)) || Number.isNaN(Date.parse(to))) return { error: "timePeriod needs from and to as ISO 8601 dates" };
  if (from > to) return { error: "timePeriod.from is after timePeriod.to" };
  if (Date.parse(to) - Date.parse(from) > 366 * 86_400_000) return { error: "a daily query covers at most one year" };
  if (body.dataset?.granularity !== "Daily") return { error: "the emulator serves granularity 'Daily' only" };
  const aggregations = Object.values(body.dataset?.aggregation ?? {}) as { name?: string; function?: string }[];
  const sum = aggregations.length === 1 ? aggregations[0] : undefined;
  if (sum?.function !== "Sum" || !["Cost", "PreTaxCost", "CostUSD"].includes(sum.name ?? "")) {
    return { error: "dataset.aggregation must be one Sum of Cost, PreTaxCost or CostUSD" };
  }
  const grouping = (body.dataset?.grouping ?? []) as { type?: string; name?: string }[];
  const names = grouping.map((g) => (g.type === "Dimension" ? g.name : undefined));
  if (names.length !== 2 || !names.includes("ResourceId") || !names.includes("MeterCategory")) {
    return { error: "the emulator serves grouping by the ResourceId and MeterCategory dimensions" };
  }
  return { from, to, costColumn: sum.name as string, grouping: names as ("ResourceId" | "MeterCategory")[] };
}

/** Azure Monitor's own error shape (not ARM's envelope). */
function monitorError(message: string): HttpAnswer {
  return { status: 400, body: { code: "BadRequest", message } };
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

/** An answer whose body may be pre-rendered JSON text (amounts written digit for digit). */
type Answer = HttpAnswer & { raw?: string };

function send(res: ServerResponse, answer: Answer): void {
  if (res.headersSent || res.destroyed) return;
  const body = answer.raw ?? JSON.stringify(answer.body);
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
