/**
 * The list calls of the APIs beyond Compute, each at its documented path and in its documented
 * JSON: Cloud Storage `buckets.list`, Cloud SQL Admin `instances.list`, GKE
 * `projects.locations.clusters.list`, Cloud Functions v2 `projects.locations.functions.list`,
 * BigQuery `datasets.list` and Cloud Asset Inventory `searchAllResources`. Paging tokens are
 * positions, as for Compute, so any page is computed on demand.
 */
import type { FaultState } from "../faults.ts";
import { hashString } from "../rng.ts";
import { type GcpEstate, labelsOf } from "./estate.ts";
import { type EmulatorKind, type GeneratedItem, kindInfo, parseId, type RawItem } from "./items.ts";
import { projectNumber } from "./items-services.ts";
import type { ApiAnswer, RoutedRequest } from "./routed.ts";
import type { GcpApi } from "./token.ts";
import { decodePageToken, encodePageToken, errors, googleError } from "./wire.ts";

interface ListRoute {
  api: GcpApi;
  kind: EmulatorKind;
  /** The path, with the project as its first group (null when the project is a query parameter). */
  pattern: RegExp;
  /** Operation name (after `<project>/`) the fault knobs and request counts use. */
  operation: string;
  /** The query parameter carrying the page size, and the API's maximum. */
  sizeParam: "maxResults" | "pageSize" | null;
  maxPageSize: number;
  render(project: string, items: RawItem[], nextPageToken: string | null, unreachable: readonly string[]): Record<string, unknown>;
}

const routes: readonly ListRoute[] = [
  {
    api: "storage",
    kind: "bucket",
    pattern: /^\/storage\/v1\/b$/,
    operation: "b",
    sizeParam: "maxResults",
    maxPageSize: 1000,
    render: (_p, items, next) => ({ kind: "storage#buckets", ...(items.length > 0 ? { items } : {}), ...(next ? { nextPageToken: next } : {}) }),
  },
  {
    api: "sqladmin",
    kind: "sqlInstance",
    pattern: /^\/v1\/projects\/([^/]+)\/instances$/,
    operation: "instances",
    sizeParam: "maxResults",
    maxPageSize: 500,
    render: (_p, items, next) => ({ kind: "sql#instancesList", ...(items.length > 0 ? { items } : {}), ...(next ? { nextPageToken: next } : {}) }),
  },
  {
    // Not paged: every cluster of every location at once; locations that did not answer are `missingZones`.
    api: "container",
    kind: "gkeCluster",
    pattern: /^\/v1\/projects\/([^/]+)\/locations\/-\/clusters$/,
    operation: "locations/-/clusters",
    sizeParam: null,
    maxPageSize: Number.POSITIVE_INFINITY,
    render: (_p, items, _next, unreachable) => ({ clusters: items, ...(unreachable.length > 0 ? { missingZones: unreachable } : {}) }),
  },
  {
    api: "cloudfunctions",
    kind: "cloudFunction",
    pattern: /^\/v2\/projects\/([^/]+)\/locations\/-\/functions$/,
    operation: "locations/-/functions",
    sizeParam: "pageSize",
    maxPageSize: 1000,
    render: (_p, items, next, unreachable) => ({
      functions: items,
      ...(next ? { nextPageToken: next } : {}),
      ...(unreachable.length > 0 ? { unreachable } : {}),
    }),
  },
  {
    api: "bigquery",
    kind: "bigqueryDataset",
    pattern: /^\/bigquery\/v2\/projects\/([^/]+)\/datasets$/,
    operation: "datasets",
    sizeParam: "maxResults",
    maxPageSize: 1000,
    render: (_p, items, next) => ({
      kind: "bigquery#datasetList",
      etag: `"${hashString(JSON.stringify(items.map((i) => i.id)))}"`,
      ...(items.length > 0 ? { datasets: items } : {}),
      ...(next ? { nextPageToken: next } : {}),
    }),
  },
  {
    api: "cloudasset",
    kind: "asset",
    pattern: /^\/v1\/projects\/([^/]+)(?::|%3A)searchAllResources$/,
    operation: "searchAllResources",
    sizeParam: "pageSize",
    maxPageSize: 500,
    render: (_p, items, next) => ({ results: items, ...(next ? { nextPageToken: next } : {}) }),
  },
];

export class ServiceApis {
  constructor(
    private readonly estate: GcpEstate,
    private readonly faults: FaultState,
    /** Zones and regions set unreachable (`zones/us-east1-b`, `regions/us-east1`). */
    private readonly unreachable: () => ReadonlySet<string>,
  ) {}

  route(method: string, url: URL): RoutedRequest | null {
    if (method !== "GET") return null;
    for (const route of routes) {
      const match = route.pattern.exec(url.pathname);
      if (!match) continue;
      const project = match[1] !== undefined ? decodeURIComponent(match[1]) : (url.searchParams.get("project") ?? "");
      return { operation: `${project}/${route.operation}`, api: route.api, answer: () => this.answer(route, project, url) };
    }
    return null;
  }

  private answer(route: ListRoute, project: string, url: URL): ApiAnswer {
    if (project === "") {
      return { status: 400, body: googleError(400, "INVALID_ARGUMENT", "required", "Required parameter: project") };
    }
    if (!this.estate.hasProject(project)) return { status: 404, body: errors.projectNotFound(project) };
    const token = url.searchParams.get("pageToken");
    const start = token ? decodePageToken(token) : 0;
    if (start === null) return { status: 400, body: errors.badPageToken() };
    const requested = route.sizeParam ? Number(url.searchParams.get(route.sizeParam) ?? route.maxPageSize) : route.maxPageSize;
    const max = requested > 0 ? Math.min(requested, route.maxPageSize) : route.maxPageSize;
    const unreachable = [...this.unreachable()].map((key) => key.split("/")[1] as string);
    const away = (item: GeneratedItem) => unreachable.some((l) => l === item.region || String(item.raw.location ?? "").startsWith(l));
    // Cloud Asset Inventory also reports what dedicated kinds cover (and types cloudsync does not
    // model): up to one such result per four assets, within the page size.
    const extras = route.kind === "asset" && max >= 2;
    const { items, next } = this.estate.page(project, route.kind, start, extras ? Math.max(1, Math.floor((max * 4) / 5)) : max);
    const malformed = new Set(this.faults.plan.malformedItemIds ?? []);
    const rendered: RawItem[] = [];
    for (const item of items) {
      if (away(item)) continue;
      rendered.push(malformed.has(item.resourceId) ? breakItem(route.kind, item.raw) : item.raw);
      // Never more than a page: an extra that would not fit is left out (it is not counted anyway).
      if (extras && hashString(item.id) % 4 === 0 && rendered.length < max - (items.length - items.indexOf(item) - 1)) {
        rendered.push(this.otherAsset(project, item));
      }
    }
    return { status: 200, body: route.render(project, rendered, next === null ? null : encodePageToken(next), route.kind === "gkeCluster" || route.kind === "cloudFunction" ? unreachable : []) };
  }

  /** A result the catch-all must leave alone: a VM (a dedicated kind reads it) or a service account. */
  private otherAsset(project: string, asset: GeneratedItem): RawItem {
    const number = projectNumber(project);
    const common = { project: `projects/${number}`, parentFullResourceName: `//cloudresourcemanager.googleapis.com/projects/${number}`, parentAssetType: "cloudresourcemanager.googleapis.com/Project" };
    const position = parseId(asset.id)?.position ?? 0;
    const instances = this.estate.positions(project, "instance");
    const vm = position % 2 === 0 && instances > 0 ? this.estate.itemAt(project, "instance", position % instances) : null;
    if (vm) {
      const zone = String(vm.raw.zone).split("/").pop() as string;
      return {
        name: `//compute.googleapis.com/projects/${project}/zones/${zone}/instances/${vm.raw.name as string}`,
        assetType: "compute.googleapis.com/Instance",
        displayName: vm.raw.name,
        location: zone,
        labels: labelsOf("instance", vm.raw),
        state: vm.raw.status,
        createTime: new Date(Date.parse(vm.raw.creationTimestamp as string)).toISOString(),
        ...common,
      };
    }
    const account = `sa-${position}@${project}.iam.gserviceaccount.com`;
    return { name: `//iam.googleapis.com/projects/${project}/serviceAccounts/${account}`, assetType: "iam.googleapis.com/ServiceAccount", displayName: account, location: "global", ...common };
  }
}

/** A malformed item keeps what identifies it but loses fields the adapter needs. */
export function breakItem(kind: EmulatorKind, raw: RawItem): RawItem {
  const broken = { ...raw };
  for (const field of kindInfo[kind].breaks) delete broken[field];
  return broken;
}
