import { createRng, hashString } from "../rng.ts";
import type { GcpEstate } from "./estate.ts";
import type { GeneratedItem } from "./items.ts";
import type { RoutedRequest } from "./routed.ts";
import { errors, googleError } from "./wire.ts";

/**
 * Compute Engine's backend health: `POST …/global/backendServices/{name}/getHealth` and
 * `POST …/regions/{region}/backendServices/{name}/getHealth`, body `{ "group": <a backend's group
 * URL> }`, answered as a `compute#backendServiceGroupHealth`: `healthStatus[]` with one entry
 * per endpoint of the group (`instance`, `ipAddress`, `port`, `healthState` HEALTHY, UNHEALTHY,
 * DRAINING, TIMEOUT or UNKNOWN), and no `healthStatus` at all for a group with no endpoint
 * (REST reference: backendServices.getHealth, regionBackendServices.getHealth,
 * BackendServiceGroupHealth). A group the service does not list is a 400, as Compute answers.
 *
 * Derived from (seed, service, group) so every call answers the same: a group has 0–3 endpoints
 * (0 in about one group in ten); most services are all HEALTHY; about one in seven has one
 * UNHEALTHY endpoint, one in twenty one DRAINING, one in ten every endpoint UNHEALTHY.
 */

export type BackendHealthState = "HEALTHY" | "UNHEALTHY" | "DRAINING" | "TIMEOUT" | "UNKNOWN";

export interface GcpEndpointHealth {
  instance: string;
  ipAddress: string;
  port: number;
  healthState: BackendHealthState;
}

export interface GcpExpectedBackendHealth {
  project: string;
  /** The backend service's id, as the adapter reports it. */
  resourceId: string;
  name: string;
  region: string;
  /** Endpoints per state over every backend group of the service. */
  states: Partial<Record<BackendHealthState, number>>;
}

function groupsOf(item: GeneratedItem): string[] {
  const backends = Array.isArray(item.raw.backends) ? (item.raw.backends as { group?: unknown }[]) : [];
  return backends.flatMap((b) => (typeof b.group === "string" ? [b.group] : []));
}

export function endpointHealthOf(seed: string, item: GeneratedItem, group: string): GcpEndpointHealth[] {
  const groups = groupsOf(item);
  const serviceRoll = createRng(hashString(`${seed}:health:${item.id}`)).next();
  const groupRng = createRng(hashString(`${seed}:health:${item.id}:${group}`));
  const count = groupRng.next() < 0.1 ? 0 : 1 + Math.floor(groupRng.next() * 3);
  const zoneUrl = group.replace(/\/instanceGroups\/[^/]+$/, "");
  const groupName = group.split("/").at(-1) ?? "group";
  const first = groups.indexOf(group) === 0;
  return Array.from({ length: count }, (_, i) => {
    let healthState: BackendHealthState = "HEALTHY";
    if (serviceRoll < 0.1) healthState = "UNHEALTHY";
    else if (serviceRoll < 0.24 && first && i === 0) healthState = "UNHEALTHY";
    else if (serviceRoll < 0.29 && first && i === 0) healthState = "DRAINING";
    return {
      instance: `${zoneUrl}/instances/${groupName}-${i}`,
      ipAddress: `10.${(hashString(group) >>> 8) & 0xff}.${hashString(group) & 0xff}.${10 + i}`,
      port: 80,
      healthState,
    };
  });
}

/** Every backend service's endpoints per state, as a correct reader sums them over its groups. */
export function* expectedBackendHealth(estate: GcpEstate, seed: string, projects: readonly string[]): Generator<GcpExpectedBackendHealth> {
  for (const project of projects) {
    const end = estate.positions(project, "backendService");
    for (let position = 0; position < end; position++) {
      const item = estate.itemAt(project, "backendService", position);
      if (!item) continue;
      const states: Partial<Record<BackendHealthState, number>> = {};
      for (const group of groupsOf(item)) {
        for (const e of endpointHealthOf(seed, item, group)) states[e.healthState] = (states[e.healthState] ?? 0) + 1;
      }
      yield { project, resourceId: item.resourceId, name: String(item.raw.name), region: item.region, states };
    }
  }
}

/** The getHealth route, or null for any other request. */
export function backendHealthRoute(estate: GcpEstate, seed: string, method: string, url: URL, body: string): RoutedRequest | null {
  const match = /^\/compute\/v1\/projects\/([^/]+)\/(global|regions\/([^/]+))\/backendServices\/([^/]+)\/getHealth$/.exec(url.pathname);
  if (!match || method !== "POST") return null;
  const project = decodeURIComponent(match[1] as string);
  const region = match[3] ? decodeURIComponent(match[3]) : "global";
  const name = decodeURIComponent(match[4] as string);
  const rest = `${match[2]}/backendServices/${name}/getHealth`;
  return {
    operation: `${project}/${rest}`,
    api: "compute",
    answer: () => {
      if (!estate.hasProject(project)) return { status: 404, body: errors.projectNotFound(project) };
      const item = findService(estate, project, region, name);
      const path = `projects/${project}/${match[2]}/backendServices/${name}`;
      if (!item) return { status: 404, body: errors.notFound(path) };
      let group: unknown;
      try {
        group = (JSON.parse(body || "{}") as { group?: unknown }).group;
      } catch {
        group = undefined;
      }
      // Compute accepts the group's full URL or its path from `projects/` on; the emulator lists full URLs.
      const listed = groupsOf(item).find((g) => typeof group === "string" && group !== "" && (g === group || g.endsWith(`/${group.replace(/^\//, "")}`)));
      if (!listed) {
        return { status: 400, body: googleError(400, "INVALID_ARGUMENT", "invalid", `Invalid value for field 'resource.group': '${String(group ?? "")}'. The group is not a backend of ${path}.`) };
      }
      const healthStatus = endpointHealthOf(seed, item, listed);
      return { status: 200, body: { kind: "compute#backendServiceGroupHealth", ...(healthStatus.length > 0 ? { healthStatus } : {}) } };
    },
  };
}

function findService(estate: GcpEstate, project: string, region: string, name: string): GeneratedItem | null {
  const end = estate.positions(project, "backendService");
  for (let position = 0; position < end; position++) {
    const item = estate.itemAt(project, "backendService", position);
    if (item && item.raw.name === name && item.region === region) return item;
  }
  return null;
}
