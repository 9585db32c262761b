import type { NormalizedResource, ResourceStatus } from "../../types.ts";
import { creationTimestampToIso, labelsToTags, str, toConfiguration } from "../normalize.ts";
import { gcpKeysOf } from "../metric-table.ts";
import { withRetries } from "../retry.ts";
import { cloudRunSize } from "../sizes.ts";
import { malformed } from "./common.ts";
import type { GcpKindReader, GcpReadContext, RawEntry } from "./kind.ts";

/**
 * The service's `terminalCondition.state` (Cloud Run Admin API v2, `Condition.State`):
 * SUCCEEDED serves; FAILED does not; PENDING and RECONCILING are a rollout in progress, which
 * still serves the last ready revision when there is one (`latestReadyRevision`), like a GKE
 * cluster that is RECONCILING. STATE_UNSPECIFIED or no condition cannot be judged: skipped.
 */
export function cloudRunStatus(state: string | null | undefined, hasReadyRevision: boolean): ResourceStatus | null {
  switch (state) {
    case "CONDITION_SUCCEEDED":
      return "running";
    case "CONDITION_FAILED":
      return "error";
    case "CONDITION_PENDING":
    case "CONDITION_RECONCILING":
      return hasReadyRevision ? "running" : "provisioning";
    default:
      return null;
  }
}

const record = (value: unknown): Record<string, unknown> => (value && typeof value === "object" && !Array.isArray(value) ? (value as Record<string, unknown>) : {});

/**
 * A Cloud Run service (Admin API v2): its full name `projects/P/locations/L/services/S` is the
 * resource id (its `uid` changes when a service is deleted and made again under the same name,
 * which is the same service to its users), the region the name's location. Size: the CPU and
 * memory limits of the revision template's containers (`cloudRunSize`). The raw item is the
 * configuration (`uri`, `ingress`, `latestReadyRevision`, `template.scaling`,
 * `template.containers[].image`…); labels are tags.
 */
export function normalizeCloudRunService(item: Record<string, unknown>, project: string): NormalizedResource {
  const fullName = str(item, "name");
  const match = /^projects\/[^/]+\/locations\/([^/]+)\/services\/([^/]+)$/.exec(fullName ?? "");
  if (!fullName || !match) throw malformed(project, fullName ?? "(unnamed)", "the Cloud Run service has no full name");
  const condition = record(item.terminalCondition);
  const state = str(condition, "state");
  const status = cloudRunStatus(state, str(item, "latestReadyRevision") !== null);
  if (!status) throw malformed(project, fullName, `the Cloud Run service has an unknown terminal condition ${state ?? "(none)"}`);
  const containers = Array.isArray(record(item.template).containers) ? (record(item.template).containers as unknown[]) : [];
  const limits = containers.map((c) => {
    const l = record(record(record(c).resources).limits);
    return { cpu: str(l, "cpu"), memory: str(l, "memory") };
  });
  return {
    cloud: "gcp",
    account: project,
    regionCode: match[1] as string,
    kind: "cloud_run_service",
    resourceId: fullName,
    name: match[2] as string,
    resourceType: "compute",
    status,
    sizeCategory: cloudRunSize(limits),
    tags: labelsToTags(item.labels),
    configuration: toConfiguration(item),
    providerCreatedAt: creationTimestampToIso(item.createTime),
  };
}

interface RunApiAnswer {
  data: { services?: object[]; locations?: { locationId?: string; name?: string }[]; nextPageToken?: string };
}

type Requester = (opts: { url: string; method: "GET"; signal?: AbortSignal }) => Promise<RunApiAnswer>;

/** One GET through the gated auth client (rate limit, timeout, failure bookkeeping), retried like the other kinds. */
function getter(ctx: GcpReadContext): (path: string, query: Record<string, string | undefined>) => Promise<RunApiAnswer["data"]> {
  const base = (ctx.endpoint ?? "https://run.googleapis.com").replace(/\/+$/, "");
  const request = ctx.authClient.request.bind(ctx.authClient) as unknown as Requester;
  return async (path, query) => {
    const url = new URL(`${base}${path}`);
    for (const [k, v] of Object.entries(query)) if (v !== undefined) url.searchParams.set(k, v);
    const { data } = await withRetries(
      () => request({ url: url.href, method: "GET", ...(ctx.signal ? { signal: ctx.signal } : {}) }),
      ctx.callOptions,
      ctx.signal,
    );
    return data ?? {};
  };
}

/**
 * The regions Cloud Run serves the project in: Admin API v1 `projects.locations.list` (v2 has
 * no locations list), paged by `nextPageToken`.
 */
async function cloudRunRegions(ctx: GcpReadContext, get: ReturnType<typeof getter>): Promise<string[]> {
  const regions: string[] = [];
  let pageToken: string | undefined;
  do {
    const data = await get(`/v1/projects/${encodeURIComponent(ctx.project)}/locations`, { pageToken });
    for (const location of data.locations ?? []) {
      const id = location.locationId || location.name?.split("/").pop();
      if (id) regions.push(id);
    }
    pageToken = data.nextPageToken || undefined;
  } while (pageToken);
  return regions;
}

/**
 * `projects.locations.services.list` (v2) takes one region, never the `-` wildcard: the read of
 * one region lists it; the read of the whole project lists every region Cloud Run serves it in,
 * one after the other, so the scope completes only when every region did.
 */
async function* servicePages(ctx: GcpReadContext): AsyncGenerator<RawEntry[]> {
  const get = getter(ctx);
  const regions = ctx.region ? [ctx.region] : await cloudRunRegions(ctx, get);
  for (const region of regions) {
    let pageToken: string | undefined;
    do {
      const path = `/v2/projects/${encodeURIComponent(ctx.project)}/locations/${encodeURIComponent(region)}/services`;
      const data = await get(path, { pageSize: String(ctx.pageSize), pageToken });
      const items = data.services ?? [];
      if (items.length > 0) yield items.map((item) => ({ item, scopeKey: null }));
      pageToken = data.nextPageToken || undefined;
    } while (pageToken);
  }
}

/** Cloud Run services: one paged list per project × region. */
export const cloudRunServicesReader: GcpKindReader = {
  kind: "cloud_run_service",
  resourceType: "compute",
  fanout: "project_region",
  operation: "locations/*/services",
  api: { name: "Cloud Run Admin", role: "roles/run.viewer" },
  metricKeys: gcpKeysOf("cloud_run_service"),
  relations: [],
  pages: servicePages,
  normalize: (raw, where) => normalizeCloudRunService(raw.item as Record<string, unknown>, where.account),
};
