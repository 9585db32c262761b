/**
 * Cloud Run Admin API, the two list calls the adapter makes, at their documented paths and in
 * their documented JSON: v1 `projects.locations.list` (`GET /v1/projects/{project}/locations`,
 * `{locations: [Location], nextPageToken}`) and v2 `projects.locations.services.list`
 * (`GET /v2/projects/{project}/locations/{region}/services`, `{services: [Service],
 * nextPageToken}`), which takes one region and refuses the `-` wildcard. Page tokens are
 * positions in the project's list of services, so any page is computed on demand.
 */
import type { FaultState } from "../faults.ts";
import { emulatorRegions } from "./catalog.ts";
import { breakItem } from "./services-api.ts";
import type { GcpEstate } from "./estate.ts";
import type { RawItem } from "./items.ts";
import type { ApiAnswer, RoutedRequest } from "./routed.ts";
import { decodePageToken, encodePageToken, errors, googleError } from "./wire.ts";

/** Cloud Run's own cap on `pageSize`; larger asks get this many. */
const MAX_PAGE_SIZE = 500;

export class RunApi {
  constructor(
    private readonly estate: GcpEstate,
    private readonly faults: FaultState,
  ) {}

  route(method: string, url: URL): RoutedRequest | null {
    if (method !== "GET") return null;
    const locations = /^\/v1\/projects\/([^/]+)\/locations$/.exec(url.pathname);
    if (locations) {
      const project = decodeURIComponent(locations[1] as string);
      return { operation: `${project}/run/locations`, api: "run", answer: () => this.locations(project, url) };
    }
    const services = /^\/v2\/projects\/([^/]+)\/locations\/([^/]+)\/services$/.exec(url.pathname);
    if (services) {
      const project = decodeURIComponent(services[1] as string);
      const region = decodeURIComponent(services[2] as string);
      return { operation: `${project}/locations/${region}/services`, api: "run", answer: () => this.services(project, region, url) };
    }
    return null;
  }

  private locations(project: string, url: URL): ApiAnswer {
    if (!this.estate.hasProject(project)) return { status: 404, body: errors.projectNotFound(project) };
    const page = pageOf(url);
    if (!page) return { status: 400, body: errors.badPageToken() };
    const all = emulatorRegions.map((r) => ({
      name: `projects/${project}/locations/${r.code}`,
      locationId: r.code,
      displayName: r.description,
      labels: { "cloud.googleapis.com/region": r.code },
    }));
    const slice = all.slice(page.start, page.start + page.max);
    const next = page.start + page.max < all.length ? encodePageToken(page.start + page.max) : null;
    return { status: 200, body: { locations: slice, ...(next ? { nextPageToken: next } : {}) } };
  }

  private services(project: string, region: string, url: URL): ApiAnswer {
    if (region === "-") {
      return {
        status: 400,
        body: googleError(400, "INVALID_ARGUMENT", "badRequest", "Location must be a valid Google Cloud region, and cannot be the \"-\" wildcard."),
      };
    }
    if (!this.estate.hasProject(project)) return { status: 404, body: errors.projectNotFound(project) };
    if (!emulatorRegions.some((r) => r.code === region)) {
      return { status: 404, body: errors.notFound(`projects/${project}/locations/${region}`) };
    }
    const page = pageOf(url);
    if (!page) return { status: 400, body: errors.badPageToken() };
    // The project's services in position order, those of other regions passed over.
    const end = this.estate.positions(project, "cloudRunService");
    const malformed = new Set(this.faults.plan.malformedItemIds ?? []);
    const items: RawItem[] = [];
    let position = page.start;
    while (position < end && items.length < page.max) {
      const item = this.estate.itemAt(project, "cloudRunService", position);
      position += 1;
      if (!item || item.region !== region) continue;
      items.push(malformed.has(item.resourceId) ? breakItem("cloudRunService", item.raw) : item.raw);
    }
    const more = position < end;
    // An empty region answers `{}`: proto3 JSON leaves out empty repeated fields.
    return { status: 200, body: { ...(items.length > 0 ? { services: items } : {}), ...(more ? { nextPageToken: encodePageToken(position) } : {}) } };
  }
}

function pageOf(url: URL): { start: number; max: number } | null {
  const token = url.searchParams.get("pageToken");
  const start = token ? decodePageToken(token) : 0;
  if (start === null) return null;
  const requested = Number(url.searchParams.get("pageSize") ?? MAX_PAGE_SIZE);
  return { start, max: requested > 0 ? Math.min(requested, MAX_PAGE_SIZE) : MAX_PAGE_SIZE };
}
