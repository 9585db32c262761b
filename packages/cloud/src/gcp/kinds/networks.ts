import { NetworksClient } from "@google-cloud/compute/build/src/v1/networks_client.js";
import type { NormalizedResource } from "../../types.ts";
import { listEntries } from "../paging.ts";
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
  fanout: "project_global",
  operation: "global/networks",
  metricKeys: [],
  relations: [],
  pages: (ctx) => listEntries(ctx.clients.get(NetworksClient), ctx),
  normalize: (raw, where) => normalizeNetwork(raw.item as Record<string, unknown>, where.account),
};
