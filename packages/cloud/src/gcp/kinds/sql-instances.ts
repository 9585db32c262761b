import { MalformedItemError } from "../../errors.ts";
import type { NormalizedResource, ResourceStatus } from "../../types.ts";
import { creationTimestampToIso, labelsToTags, str, toConfiguration } from "../normalize.ts";
import { sqlTierSize } from "../sizes.ts";
import type { GcpKindReader, GcpReadContext, RawEntry } from "./kind.ts";
import { gcpKeysOf } from "../metric-table.ts";

/**
 * An instance's state and activation policy → status. A stopped Cloud SQL instance is RUNNABLE
 * with activation policy NEVER; SUSPENDED is stopped by Google (billing, abuse), not gone.
 */
export function sqlInstanceStatus(state: string | null | undefined, activationPolicy: string | null | undefined): ResourceStatus | null {
  switch (state) {
    case "RUNNABLE":
      return activationPolicy === "NEVER" ? "stopped" : "running";
    case "MAINTENANCE":
    case "ONLINE_MAINTENANCE":
      return "running";
    case "SUSPENDED":
      return "stopped";
    case "PENDING_CREATE":
      return "provisioning";
    case "PENDING_DELETE":
      return "stopping";
    case "FAILED":
    case "REPAIRING":
      return "error";
    default:
      return null;
  }
}

/**
 * A Cloud SQL instance has no numeric id: its name is unique in the project (and not reusable
 * for a while after deletion), so the resource id is its Cloud Asset Inventory name
 * (`//sqladmin.googleapis.com/projects/P/instances/N`), which the catch-all reader will see too.
 * Labels are the settings' `userLabels`.
 */
export function normalizeSqlInstance(item: Record<string, unknown>, project: string): NormalizedResource {
  const name = str(item, "name");
  if (!name) throw new MalformedItemError("gcp", project, null, "the Cloud SQL instance has no name");
  const resourceId = `//sqladmin.googleapis.com/projects/${str(item, "project") ?? project}/instances/${name}`;
  const settings = (item.settings && typeof item.settings === "object" ? item.settings : {}) as Record<string, unknown>;
  const state = str(item, "state");
  const status = sqlInstanceStatus(state, str(settings, "activationPolicy"));
  if (!status) throw new MalformedItemError("gcp", project, resourceId, `the Cloud SQL instance has an unknown state ${state ?? "(none)"}`);
  const regionCode = str(item, "region");
  if (!regionCode) throw new MalformedItemError("gcp", project, resourceId, "the Cloud SQL instance has no region");
  return {
    cloud: "gcp",
    account: project,
    regionCode,
    kind: "gcp_sql_instance",
    resourceId,
    name,
    resourceType: "database",
    status,
    sizeCategory: sqlTierSize(str(settings, "tier")),
    tags: labelsToTags(settings.userLabels),
    configuration: toConfiguration(item),
    providerCreatedAt: creationTimestampToIso(item.createTime),
  };
}

/** `instances.list` pages by `nextPageToken`; the response's list field is `items`. */
async function* sqlInstancePages(ctx: GcpReadContext): AsyncGenerator<RawEntry[]> {
  // Imported on the first read of this kind, by path (the package index loads every Cloud SQL
  // Admin client): its API description is 0.75 MB of JSON a Compute-only sync never needs.
  const { SqlInstancesServiceClient } = await import("@google-cloud/sql/build/src/v1/sql_instances_service_client.js");
  const client = ctx.clients.get(SqlInstancesServiceClient);
  let pageToken: string | undefined;
  do {
    const [response] = await client.list(
      { project: ctx.project, maxResults: ctx.pageSize, ...(pageToken ? { pageToken } : {}) },
      ctx.callOptions,
    );
    const items = response.items ?? [];
    if (items.length > 0) yield items.map((item) => ({ item, scopeKey: null }));
    pageToken = response.nextPageToken || undefined;
  } while (pageToken);
}

export const sqlInstancesReader: GcpKindReader = {
  kind: "gcp_sql_instance",
  resourceType: "database",
  fanout: "project",
  operation: "instances",
  api: { name: "Cloud SQL Admin", role: "roles/cloudsql.viewer" },
  metricKeys: gcpKeysOf("gcp_sql_instance"),
  relations: [],
  pages: sqlInstancePages,
  normalize: (raw, where) => normalizeSqlInstance(raw.item as Record<string, unknown>, where.account),
};
