import { CloudError } from "../../errors.ts";
import type { NormalizedResource, ResourceStatus } from "../../types.ts";
import { creationTimestampToIso, labelsToTags, str, toConfiguration } from "../normalize.ts";
import { memorySize } from "../sizes.ts";
import { malformed } from "./common.ts";
import type { GcpKindReader, GcpReadContext, RawEntry } from "./kind.ts";
import { gcpKeysOf } from "../metric-table.ts";

const functionStates: Record<string, ResourceStatus> = {
  ACTIVE: "running",
  DEPLOYING: "provisioning",
  DELETING: "stopping",
  FAILED: "error",
};

/** UNKNOWN and STATE_UNSPECIFIED cannot be judged: the item is skipped, not guessed. */
export function functionStatus(state: string | null | undefined): ResourceStatus | null {
  return state ? (functionStates[state] ?? null) : null;
}

/**
 * A Cloud Function (v2 API, 1st and 2nd gen): its full name
 * (`projects/P/locations/L/functions/F`) is the resource id, the region the name's location.
 * Size: the memory each instance gets (`serviceConfig.availableMemory`, `memorySize`).
 */
export function normalizeCloudFunction(item: Record<string, unknown>, project: string): NormalizedResource {
  const fullName = str(item, "name");
  const match = /^projects\/[^/]+\/locations\/([^/]+)\/functions\/([^/]+)$/.exec(fullName ?? "");
  if (!fullName || !match) throw malformed(project, fullName ?? "(unnamed)", "the function has no full name");
  const state = str(item, "state");
  const status = functionStatus(state);
  if (!status) throw malformed(project, fullName, `the function has an unknown state ${state ?? "(none)"}`);
  const service = (item.serviceConfig && typeof item.serviceConfig === "object" ? item.serviceConfig : {}) as Record<string, unknown>;
  return {
    cloud: "gcp",
    account: project,
    regionCode: match[1] as string,
    kind: "cloud_function",
    resourceId: fullName,
    name: match[2] as string,
    resourceType: "compute",
    status,
    sizeCategory: memorySize(str(service, "availableMemory")),
    tags: labelsToTags(item.labels),
    configuration: toConfiguration(item),
    providerCreatedAt: creationTimestampToIso(item.createTime ?? item.updateTime),
  };
}

interface FunctionLister {
  listFunctions(
    request: { parent: string; pageSize: number; pageToken?: string },
    options: object,
  ): Promise<[object[], { pageToken?: string | null } | null | undefined, { unreachable?: string[] | null } | undefined]>;
  close(): Promise<void>;
}

/**
 * `projects.locations.functions.list` over every location (`-`), one API page per call;
 * locations listed as `unreachable` make the list incomplete, so the scope fails at the end.
 */
async function* functionPages(ctx: GcpReadContext): AsyncGenerator<RawEntry[]> {
  // Imported on the first read of this kind, by path (the package index loads v1 and v2alpha/beta too).
  const { FunctionServiceClient } = await import("@google-cloud/functions/build/src/v2/function_service_client.js");
  const client = ctx.clients.get(FunctionServiceClient) as unknown as FunctionLister;
  const unreachable = new Set<string>();
  let pageToken: string | undefined;
  do {
    const request = { parent: `projects/${ctx.project}/locations/-`, pageSize: ctx.pageSize, ...(pageToken ? { pageToken } : {}) };
    const [items, next, raw] = await client.listFunctions(request, ctx.callOptions);
    for (const location of raw?.unreachable ?? []) unreachable.add(location);
    if (items.length > 0) yield items.map((item) => ({ item, scopeKey: null }));
    pageToken = next?.pageToken || undefined;
  } while (pageToken);
  if (unreachable.size > 0) {
    throw new CloudError(
      "gcp",
      `Cloud Functions of GCP project ${ctx.project} are incomplete: ${[...unreachable].slice(0, 5).join(", ")} did not answer; try again later`,
      { account: ctx.project },
    );
  }
}

/** Cloud Functions: one paged list per project over every location. */
export const cloudFunctionsReader: GcpKindReader = {
  kind: "cloud_function",
  resourceType: "compute",
  fanout: "project",
  operation: "locations/-/functions",
  api: { name: "Cloud Functions", role: "roles/cloudfunctions.viewer" },
  metricKeys: gcpKeysOf("cloud_function"),
  relations: [],
  pages: functionPages,
  normalize: (raw, where) => normalizeCloudFunction(raw.item as Record<string, unknown>, where.account),
};
