import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { createFaultState, type FaultState } from "../faults.ts";
import { type BillingExportTableName, BigQueryApi } from "./bigquery-api.ts";
import { GcpBilling, type GcpExpectedCost } from "./billing.ts";
import { BillingCatalogApi } from "./billing-catalog-api.ts";
import { emulatorRegions, emulatorZones } from "./catalog.ts";
import { defaultProjects, type GcpAddInput, GcpEstate, type GcpExpectedResource } from "./estate.ts";
import { API_BASE, type EmulatorKind, emulatorKinds, type GeneratedItem, kindInfo, type RawItem } from "./items.ts";
import { formatNanos } from "./money.ts";
import { type GcpExpectedMetricSample, GcpMonitoring, periodEnds } from "./monitoring.ts";
import { expectedKindSamples, type GcpExpectedKindSample } from "./monitoring-kinds.ts";
import { MonitoringApi } from "./monitoring-api.ts";
import { type GcpEmulatorOrganization, ResourceManagerApi } from "./resource-manager-api.ts";
import type { RoutedRequest } from "./routed.ts";
import { ServiceApis, breakItem } from "./services-api.ts";
import { RunApi } from "./run-api.ts";
import { type GcpExpectedDeployment, InfraManagerApi } from "./infra-manager-api.ts";
import { BackupRunsApi, type GcpExpectedBackupRun } from "./backup-runs.ts";
import { type GcpExpectedSnapshot, type GcpExpectedSnapshotSchedule, SnapshotsApi } from "./snapshots-api.ts";
import { backendHealthRoute, expectedBackendHealth, type GcpExpectedBackendHealth } from "./backend-health.ts";
import { type GcpApi, type GcpServiceAccountKey, TokenAuthority } from "./token.ts";
import { decodePageToken, encodePageToken, errors } from "./wire.ts";

export interface GcpEmulatorOptions {
  /** The instant Cloud SQL backup runs and disk snapshots are generated up to (default: when the emulator starts). */
  backupNow?: Date;
  /** Same seed, same estate (default 1). */
  seed?: number | string;
  /** Number of resources over every project and kind (default 200). */
  size?: number;
  /** Project ids (default: three derived from the seed). */
  projects?: readonly string[];
  /**
   * The billing export table BigQuery serves (default
   * `<first project>.billing_export.gcp_billing_export_resource_v1_0A1B2C_3D4E5F_6A7B8C`).
   */
  billingExportTable?: string;
  /** `detailed` (default) has `resource.*` columns; `standard` answers 400 to queries naming them. */
  billingExport?: "detailed" | "standard";
  /** Serve Resource Manager v3 (projects.list, folders.list) for this organization. Default: none (403). */
  organization?: GcpEmulatorOrganization;
  /** Projects the service account holds no role on: their Compute calls answer 403 PERMISSION_DENIED. */
  deniedProjects?: readonly string[];
}

/** A managed instance group as its status check reads it. */
export interface GcpExpectedInstanceGroup {
  project: string;
  resourceId: string;
  targetSize: number;
  /** `currentActions.none`. */
  running: number;
}

export interface GcpEmulator {
  /** `http://127.0.0.1:<port>` */
  readonly url: string;
  readonly endpoint: string;
  readonly port: number;
  /** Where the service account exchanges its JWT for an access token. */
  readonly tokenUri: string;
  /** A key file for the emulator's service account (its private key was made for this run). */
  readonly serviceAccountKey: GcpServiceAccountKey;
  readonly projects: readonly string[];
  readonly faults: FaultState;
  /** Lazily generated expected identities; `Array.from` it for small estates. */
  expected(): Iterable<GcpExpectedResource>;
  /** The Infrastructure Manager deployments of every project, with the ids of the resources they created. */
  expectedDeployments(): GcpExpectedDeployment[];
  /** The Cloud SQL backup runs `backupRuns.list` serves, for every instance with backups enabled. */
  expectedBackupRuns(): GcpExpectedBackupRun[];
  /** The snapshot schedules attached to each disk (`disk.resourcePolicies`), one per disk and schedule. */
  expectedSnapshotSchedules(): GcpExpectedSnapshotSchedule[];
  /** The snapshots `snapshots.list` serves (those a test deleted left out), with their wire form. */
  expectedSnapshots(): GcpExpectedSnapshot[];
  /** Each backend service's endpoints per health state, summed over its backend groups (getHealth). */
  expectedBackendHealth(): Iterable<GcpExpectedBackendHealth>;
  /** Each managed instance group's target size and instances running with no action scheduled (`currentActions.none`). */
  expectedInstanceGroups(): Iterable<GcpExpectedInstanceGroup>;
  readonly mutate: {
    add(input: GcpAddInput): GcpExpectedResource;
    remove(id: string): boolean;
    retag(id: string, labels: Record<string, string>): boolean;
    /** The project moves out of the organization: projects.list no longer lists it. */
    leaveOrganization(projectId: string): boolean;
    /** The snapshot of this name is deleted: `snapshots.list` no longer returns it. */
    deleteSnapshot(name: string): void;
  };
  /** Zones (`us-east1-b`) or regions whose scoped lists answer UNREACHABLE, their items missing. */
  setUnreachable(locations: readonly string[]): void;
  /**
   * Requests seen, by operation, or in total. Operations: `<project>/aggregated/instances`,
   * `token`, `<job project>/bigquery/queries@<@project>` (jobs.query) and
   * `<job project>/bigquery/queries/<job>@<@project>` (getQueryResults), and
   * `<project>/timeSeries?<metric type>`; fault knobs `match` the same text.
   */
  requestCount(operationContains?: string): number;
  /** `project.dataset.table` of the billing export. */
  readonly billingExportTable: string;
  /** Expected cost lines of a project for days start..end (inclusive), lazily. */
  expectedCosts(account: string, start: string, end: string): Iterable<GcpExpectedCost>;
  /** Their exact total, a decimal string. */
  expectedCostTotal(account: string, start: string, end: string): string;
  /** Expected samples for a project's running VMs (or those ids) in [start, end). */
  expectedMetrics(
    account: string,
    options: { instanceIds?: readonly string[]; start: Date; end: Date; periodSeconds?: number },
  ): GcpExpectedMetricSample[];
  /**
   * Expected samples of other kinds' resources (Cloud SQL, buckets, backend services, GKE,
   * functions, datasets) for these resource ids in [start, end); resources that publish nothing
   * (stopped, regional backend services, clusters without nodes) have none.
   */
  expectedKindMetrics(options: { resourceIds: readonly string[]; start: Date; end: Date; periodSeconds?: number }): GcpExpectedKindSample[];
  /** `skus.list` pages the Cloud Billing Catalog API served. */
  catalogSkuPages(): number;
  /** The next query job answers `jobComplete: false` to its first N polls. */
  setQueryPendingPolls(polls: number): void;
  close(): Promise<void>;
}

const MAX_RESULTS = 500;

export async function startGcpEmulator(options: GcpEmulatorOptions = {}): Promise<GcpEmulator> {
  const seed = String(options.seed ?? 1);
  const projects = options.projects ?? defaultProjects(seed);
  if (projects.length === 0) throw new Error("the GCP emulator needs at least one project");
  const estate = new GcpEstate(seed, options.size ?? 200, projects);
  const faults = createFaultState();
  const billing = new GcpBilling(estate, seed);
  const monitoring = new GcpMonitoring(estate, seed);
  const billingExportTable = options.billingExportTable ?? `${projects[0]}.billing_export.gcp_billing_export_resource_v1_0A1B2C_3D4E5F_6A7B8C`;
  const [tableProject, tableDataset, tableName] = billingExportTable.split(".");
  if (!tableProject || !tableDataset || !tableName) throw new Error(`billingExportTable must be project.dataset.table, got ${billingExportTable}`);
  const table: BillingExportTableName = { project: tableProject, dataset: tableDataset, table: tableName };
  const bigquery = new BigQueryApi(billing, table, options.billingExport ?? "detailed", faults);
  const monitoringApi = new MonitoringApi(estate, monitoring, seed, faults);
  const timers = new Set<NodeJS.Timeout>();
  let authority: TokenAuthority | undefined;
  let unreachable = new Set<string>();
  const serviceApis = new ServiceApis(estate, faults, () => unreachable);
  const runApi = new RunApi(estate, faults);
  const infraManager = new InfraManagerApi(estate, projects, String(seed));
  const backupRuns = new BackupRunsApi(estate, options.backupNow ?? new Date());
  const resourceManager = new ResourceManagerApi(options.organization ?? { projects: [], folders: [] }, projects);
  const denied = new Set(options.deniedProjects ?? []);
  const snapshots = new SnapshotsApi(estate, options.backupNow ?? new Date(), denied, () => unreachable);
  const billingCatalog = new BillingCatalogApi();

  const server: Server = createServer((req, res) => {
    collectBody(req)
      .then((body) => route(req, res, body))
      .catch((err: unknown) => {
        if (!res.headersSent) send(res, 500, { error: { code: 500, message: String(err), status: "INTERNAL" } });
      });
  });

  function route(req: IncomingMessage, res: ServerResponse, body: string) {
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    const method = req.method ?? "GET";
    if (method === "POST" && url.pathname === "/token") return handleToken(res, body);
    const routed =
      snapshots.route(method, url) ??
      serviceApis.route(method, url) ??
      runApi.route(method, url) ??
      infraManager.route(method, url) ??
      backupRuns.route(method, url) ??
      bigquery.route(method, url.pathname, url, body) ??
      monitoringApi.route(method, url.pathname, url) ??
      resourceManager.route(method, url.pathname, url) ??
      billingCatalog.route(method, url.pathname, url) ??
      backendHealthRoute(estate, seed, method, url, body) ??
      computeRoute(method, url);
    if (!routed) return send(res, 404, errors.notFound(url.pathname));
    gate(req, res, routed);
  }

  /** Faults, then auth (an issued token with a scope the API accepts), then the answer. */
  function gate(req: IncomingMessage, res: ServerResponse, routed: RoutedRequest) {
    const decision = faults.decide(routed.operation);
    const answer = () => {
      if (decision.kind === "reject_credentials" || !authority?.accepts(req.headers.authorization)) {
        return send(res, 401, errors.unauthenticated(), { "www-authenticate": 'Bearer realm="https://accounts.google.com/"' });
      }
      if (!authority.allows(req.headers.authorization, routed.api)) return send(res, 403, errors.insufficientScopes(routed.api));
      if (decision.kind === "throttle") return send(res, 429, errors.throttled(routed.operation.split("/")[0] as string, serviceOf(routed.api)));
      if (decision.kind === "server_error") return send(res, 503, errors.unavailable());
      const { status, body } = routed.answer();
      return send(res, status, body);
    };
    if (decision.delayMs > 0) {
      const timer = setTimeout(() => {
        timers.delete(timer);
        if (!res.destroyed) answer();
      }, decision.delayMs);
      timers.add(timer);
    } else {
      answer();
    }
  }

  function computeRoute(method: string, url: URL): RoutedRequest | null {
    const match = /^\/compute\/v1\/projects\/([^/]+)\/(.+)$/.exec(url.pathname);
    if (!match || method !== "GET") return null;
    const project = decodeURIComponent(match[1] as string);
    const rest = match[2] as string;
    return {
      operation: `${project}/${rest}`,
      api: "compute",
      answer: () => {
        if (!estate.hasProject(project)) return { status: 404, body: errors.projectNotFound(project) };
        if (denied.has(project)) return { status: 403, body: errors.permissionDenied(project, `compute.${rest.split("/").at(-1)}.list`) };
        if (rest === "regions") return { status: 200, body: regionList(project) };
        if (rest === "zones") return { status: 200, body: zoneList(project) };
        const kind = emulatorKinds.find((k) => kindInfo[k].api === "compute" && kindInfo[k].path === rest);
        if (!kind) return { status: 404, body: errors.notFound(`projects/${project}/${rest}`) };
        const token = url.searchParams.get("pageToken");
        const start = token ? decodePageToken(token) : 0;
        if (start === null) return { status: 400, body: errors.badPageToken() };
        const requested = Number(url.searchParams.get("maxResults") ?? MAX_RESULTS);
        const max = requested > 0 ? Math.min(requested, MAX_RESULTS) : MAX_RESULTS;
        return { status: 200, body: listPage(project, kind, start, max) };
      },
    };
  }

  function handleToken(res: ServerResponse, body: string) {
    faults.requests.set("token", (faults.requests.get("token") ?? 0) + 1);
    const form = new URLSearchParams(body);
    if (faults.plan.rejectCredentials) {
      return send(res, 400, { error: "invalid_grant", error_description: "Invalid JWT Signature." });
    }
    const grant = authority?.grant(form.get("grant_type"), form.get("assertion"), Math.floor(Date.now() / 1000));
    if (!grant?.ok) {
      return send(res, 400, { error: "invalid_grant", error_description: grant?.description ?? "Invalid JWT Signature." });
    }
    send(res, 200, { access_token: grant.accessToken, expires_in: grant.expiresIn, token_type: "Bearer" });
  }

  function listPage(project: string, kind: EmulatorKind, start: number, max: number): Record<string, unknown> {
    const info = kindInfo[kind];
    const { items, next } = estate.page(project, kind, start, max);
    const malformed = new Set(faults.plan.malformedItemIds ?? []);
    const render = (item: GeneratedItem) => (malformed.has(item.resourceId) ? breakItem(kind, item.raw) : item.raw);
    const projectPath = `projects/${project}/${info.path}`;
    const body: Record<string, unknown> = { kind: info.listKind, id: projectPath, selfLink: `${API_BASE}/${projectPath}` };
    if (info.placement === "global") {
      if (items.length > 0) body.items = items.map(render);
    } else {
      // Scoped lists in order of first appearance, then every other zone/region marked empty.
      const scoped: Record<string, Record<string, unknown>> = {};
      for (const key of unreachable) {
        scoped[key] = {
          warning: {
            code: "UNREACHABLE",
            message: `Scope '${key}' is unreachable; results for it are not included.`,
            data: [{ key: "scope", value: key }],
          },
        };
      }
      for (const item of items) {
        const key = item.scopeKey ?? "global";
        if (unreachable.has(key)) continue;
        const entry = scoped[key] ?? { [info.scopedField]: [] };
        scoped[key] = entry;
        (entry[info.scopedField] as RawItem[]).push(render(item));
      }
      const zones = emulatorZones.map((z) => `zones/${z}`);
      const regions = emulatorRegions.map((r) => `regions/${r.code}`);
      // Instance group managers are zonal or regional; backend services regional or global.
      const keys =
        kind === "instanceGroupManager"
          ? [...zones, ...regions]
          : kind === "backendService"
            ? ["global", ...regions]
            : info.placement === "zone"
              ? zones
              : regions;
      for (const key of keys) {
        if (scoped[key]) continue;
        scoped[key] = {
          warning: {
            code: "NO_RESULTS_ON_PAGE",
            message: `There are no results for scope '${key}' on this page.`,
            data: [{ key: "scope", value: key }],
          },
        };
      }
      body.items = scoped;
    }
    if (next !== null) body.nextPageToken = encodePageToken(next);
    return body;
  }

  function regionList(project: string): Record<string, unknown> {
    const items = emulatorRegions.map((region, i) => ({
      kind: "compute#region",
      id: String(1000 + i),
      creationTimestamp: "1969-12-31T16:00:00.000-08:00",
      name: region.code,
      description: region.description,
      status: "UP",
      zones: region.zones.map((z) => `${API_BASE}/projects/${project}/zones/${region.code}-${z}`),
      selfLink: `${API_BASE}/projects/${project}/regions/${region.code}`,
      supportsPzs: false,
    }));
    return { kind: "compute#regionList", id: `projects/${project}/regions`, items, selfLink: `${API_BASE}/projects/${project}/regions` };
  }

  function zoneList(project: string): Record<string, unknown> {
    const items = emulatorZones.map((zone, i) => ({
      kind: "compute#zone",
      id: String(2000 + i),
      name: zone,
      description: zone,
      status: "UP",
      region: `${API_BASE}/projects/${project}/regions/${zone.replace(/-[a-z]$/, "")}`,
      selfLink: `${API_BASE}/projects/${project}/zones/${zone}`,
    }));
    return { kind: "compute#zoneList", id: `projects/${project}/zones`, items, selfLink: `${API_BASE}/projects/${project}/zones` };
  }

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const url = `http://127.0.0.1:${port}`;
  const tokenUri = `${url}/token`;
  authority = new TokenAuthority(projects[0] as string, tokenUri);

  return {
    url,
    endpoint: url,
    port,
    tokenUri,
    serviceAccountKey: authority.key,
    projects,
    faults,
    expected: () => estate.expected(),
    expectedDeployments: () => infraManager.expected(),
    expectedBackupRuns: () => backupRuns.expected(),
    expectedSnapshotSchedules: () => snapshots.expectedSchedules(),
    expectedSnapshots: () => snapshots.expectedSnapshots(),
    expectedBackendHealth: () => expectedBackendHealth(estate, seed, projects),
    *expectedInstanceGroups() {
      for (const project of projects) {
        const end = estate.positions(project, "instanceGroupManager");
        for (let position = 0; position < end; position++) {
          const item = estate.itemAt(project, "instanceGroupManager", position);
          if (!item) continue;
          const actions = item.raw.currentActions as { none?: number } | undefined;
          yield { project, resourceId: item.resourceId, targetSize: Number(item.raw.targetSize), running: actions?.none ?? 0 };
        }
      }
    },
    mutate: {
      add: (input) => estate.add(input),
      remove: (id) => estate.remove(id),
      retag: (id, labels) => estate.retag(id, labels),
      leaveOrganization: (projectId) => resourceManager.projects.delete(projectId),
      deleteSnapshot: (name) => {
        snapshots.deleted.add(name);
      },
    },
    setUnreachable(locations) {
      unreachable = new Set(locations.map((l) => (/-[a-z]$/.test(l) ? `zones/${l}` : `regions/${l}`)));
    },
    billingExportTable,
    *expectedCosts(account, start, end) {
      for (const line of billing.rows(account, start, end)) yield line.expected;
    },
    expectedCostTotal(account, start, end) {
      let total = 0n;
      for (const line of billing.rows(account, start, end)) total += line.expected.amountNanos;
      return formatNanos(total);
    },
    expectedMetrics: (account, opts) => monitoring.expected(account, opts),
    expectedKindMetrics: ({ resourceIds, start, end, periodSeconds = 300 }) => {
      const ends = periodEnds(Math.floor(start.getTime() / 1000), Math.ceil(end.getTime() / 1000), periodSeconds).reverse();
      return resourceIds.flatMap((id) => {
        const found = estate.find(id);
        if (found?.item.status !== "running") return [];
        return expectedKindSamples(seed, found.project, found.item, found.kind, ends, periodSeconds);
      });
    },
    catalogSkuPages: () => billingCatalog.skuPages,
    setQueryPendingPolls(polls) {
      bigquery.pendingPolls = polls;
    },
    requestCount(operationContains) {
      let n = 0;
      for (const [op, count] of faults.requests) if (!operationContains || op.includes(operationContains)) n += count;
      return n;
    },
    close() {
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      return new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}

function serviceOf(api: GcpApi): string {
  // Resource Manager's service name is not its API's short name.
  return api === "resourcemanager" ? "cloudresourcemanager.googleapis.com" : `${api}.googleapis.com`;
}

function collectBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let body = "";
    req.setEncoding("utf8");
    req.on("data", (chunk: string) => {
      body += chunk;
    });
    req.on("end", () => resolve(body));
    req.on("error", reject);
  });
}

function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  if (res.destroyed || res.headersSent) return;
  const text = JSON.stringify(body);
  res.writeHead(status, {
    "content-type": "application/json; charset=UTF-8",
    "content-length": Buffer.byteLength(text),
    ...headers,
  });
  res.end(text);
}
