import { CloudError } from "../../errors.ts";
import type { NormalizedResource, ResourceStatus } from "../../types.ts";
import { creationTimestampToIso, labelsToTags, regionFromUrl, str, toConfiguration, zoneToRegion } from "../normalize.ts";
import { countSize } from "../sizes.ts";
import { malformed } from "./common.ts";
import type { GcpKindReader, GcpReadContext, RawEntry } from "./kind.ts";
import { gcpKeysOf } from "../metric-table.ts";

const clusterStates: Record<string, ResourceStatus> = {
  PROVISIONING: "provisioning",
  RUNNING: "running",
  // Being updated (an upgrade, a resize) while it keeps serving.
  RECONCILING: "running",
  STOPPING: "stopping",
  ERROR: "error",
  // Serving, but some of it is unhealthy: needs attention.
  DEGRADED: "error",
};

export function gkeClusterStatus(state: string | null | undefined): ResourceStatus | null {
  return state ? (clusterStates[state] ?? null) : null;
}

/**
 * A GKE cluster: its `id` is the resource id, its `location` a region (regional and Autopilot
 * clusters) or a zone (zonal clusters). Size: how many nodes it runs (`currentNodeCount`,
 * `countSize`); labels are its `resourceLabels`.
 */
export function normalizeGkeCluster(item: Record<string, unknown>, project: string): NormalizedResource {
  const id = str(item, "id");
  const name = str(item, "name");
  if (!id) throw malformed(project, str(item, "selfLink") ?? name ?? "(unknown)", "the GKE cluster has no id");
  if (!name) throw malformed(project, id, "the GKE cluster has no name");
  const location = str(item, "location");
  const regionCode = zoneToRegion(location) ?? regionFromUrl(location);
  if (!regionCode) throw malformed(project, id, "the GKE cluster has no location");
  const state = str(item, "status");
  const status = gkeClusterStatus(state);
  if (!status) throw malformed(project, id, `the GKE cluster has an unknown status ${state ?? "(none)"}`);
  return {
    cloud: "gcp",
    account: project,
    regionCode,
    kind: "gke_cluster",
    resourceId: id,
    name,
    resourceType: "compute",
    status,
    sizeCategory: countSize((item.currentNodeCount as number | undefined) ?? 0),
    tags: labelsToTags(item.resourceLabels),
    configuration: toConfiguration(item),
    providerCreatedAt: creationTimestampToIso(item.createTime),
  };
}

interface ClusterLister {
  listClusters(request: { parent: string }, options: object): Promise<[{ clusters?: object[] | null; missingZones?: string[] | null }, ...unknown[]]>;
  close(): Promise<void>;
}

/**
 * `projects.locations.clusters.list` over every location (`-`) is one unpaged answer; zones
 * that did not answer are `missingZones`, which makes the list incomplete: the scope fails after
 * passing on what did arrive, like an aggregated list with an UNREACHABLE zone.
 */
async function* clusterPages(ctx: GcpReadContext): AsyncGenerator<RawEntry[]> {
  // Imported on the first read of this kind, by path (the package index loads v1beta1 too).
  const { ClusterManagerClient } = await import("@google-cloud/container/build/src/v1/cluster_manager_client.js");
  const client = ctx.clients.get(ClusterManagerClient) as unknown as ClusterLister;
  const [response] = await client.listClusters({ parent: `projects/${ctx.project}/locations/-` }, ctx.callOptions);
  const clusters = response.clusters ?? [];
  // The answer is not paged; it is passed on in pages of pageSize like every other list.
  for (let start = 0; start < clusters.length; start += ctx.pageSize) {
    yield clusters.slice(start, start + ctx.pageSize).map((item) => ({ item, scopeKey: null }));
  }
  const missing = response.missingZones ?? [];
  if (missing.length > 0) {
    throw new CloudError(
      "gcp",
      `GKE clusters of GCP project ${ctx.project} are incomplete: ${missing.slice(0, 5).join(", ")} did not answer; try again later`,
      { account: ctx.project },
    );
  }
}

/** GKE clusters: one list per project over every location. */
export const gkeClustersReader: GcpKindReader = {
  kind: "gke_cluster",
  resourceType: "compute",
  fanout: "project",
  operation: "locations/-/clusters",
  api: { name: "Kubernetes Engine", role: "roles/container.clusterViewer" },
  metricKeys: gcpKeysOf("gke_cluster"),
  relations: [],
  pages: clusterPages,
  normalize: (raw, where) => normalizeGkeCluster(raw.item as Record<string, unknown>, where.account),
};
