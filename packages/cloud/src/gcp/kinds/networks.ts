import type { NormalizedResource } from "../../types.ts";
import { listPages } from "../paging.ts";
import { buildResource, identityOf } from "./common.ts";
import type { GcpKindReader } from "./kind.ts";

/**
 * VPC networks are global and have no lifecycle state: one that is listed is in use. Networks
 * have no size either; they are reported as `medium` so the column stays meaningful for sorting.
 */
export function normalizeNetwork(item: Record<string, unknown>, project: string): NormalizedResource {
  return buildResource(item, {
    project,
    identity: identityOf(item, project),
    kind: "gcp_network",
    regionCode: "global",
    resourceType: "network",
    status: "running",
    sizeCategory: "medium",
  });
}

export const networksReader: GcpKindReader = {
  kind: "gcp_network",
  resourceType: "network",
  coverage: "global",
  apiPath: "global/networks",
  pages: (clients, request) => listPages(clients.networks, request),
  normalize: (item, project) => normalizeNetwork(item, project),
};
