import { AddressesClient } from "@google-cloud/compute/build/src/v1/addresses_client.js";
import type { NormalizedResource, ResourceStatus } from "../../types.ts";
import { regionFromScopeKey, regionFromUrl, str } from "../normalize.ts";
import { completeAggregatedPages } from "../paging.ts";
import { buildResource, identityOf, malformed } from "./common.ts";
import type { GcpKindReader } from "./kind.ts";

/**
 * An address reserved but used by nothing is still billed, so it is `stopped` (idle), not gone;
 * one being reserved is `provisioning`.
 */
export function addressStatus(state: string | null | undefined): ResourceStatus | null {
  if (state === "IN_USE") return "running";
  if (state === "RESERVED") return "stopped";
  if (state === "RESERVING") return "provisioning";
  return null;
}

/**
 * Regional static addresses (external and internal); global addresses are another collection.
 * An address has no size: `medium`, as for the other sizeless kinds.
 */
export function normalizeAddress(item: Record<string, unknown>, project: string, scopeKey: string | null): NormalizedResource {
  const identity = identityOf(item, project);
  const regionCode = regionFromUrl(str(item, "region")) ?? (scopeKey ? regionFromScopeKey(scopeKey) : null);
  if (!regionCode) throw malformed(project, identity.id, "the address has no region");
  const state = str(item, "status");
  const status = addressStatus(state);
  if (!status) throw malformed(project, identity.id, `the address has an unknown status ${state ?? "(none)"}`);
  return buildResource(item, {
    project,
    identity,
    kind: "gcp_address",
    regionCode,
    resourceType: "network",
    status,
    sizeCategory: "medium",
  });
}

export const addressesReader: GcpKindReader = {
  kind: "gcp_address",
  resourceType: "network",
  fanout: "project",
  operation: "aggregated/addresses",
  metricKeys: [],
  relations: [],
  pages: (ctx) => completeAggregatedPages(ctx.clients.get(AddressesClient), "addresses", ctx),
  normalize: (raw, where) => normalizeAddress(raw.item as Record<string, unknown>, where.account, raw.scopeKey),
};
