import type { ItemWhere } from "../../core/kind-reader.ts";
import type { NormalizedResource } from "../../types.ts";
import { createdAt, requireId } from "../normalize.ts";
import { vultrKind, type VultrRaw } from "./kind.ts";

/**
 * Firewall groups (`GET /v2/firewalls`): account-wide, so region `global`. The instances in a
 * group report the edge (`firewall_group_id`); the group lists only their count.
 */
export function normalizeFirewallGroup(raw: VultrRaw, where: ItemWhere): NormalizedResource {
  const id = requireId(raw, where.account, raw.description);
  return {
    cloud: "vultr",
    account: where.account,
    regionCode: "global",
    kind: "vultr_firewall_group",
    resourceId: id,
    name: typeof raw.description === "string" && raw.description ? raw.description : id,
    resourceType: "network",
    status: "running",
    sizeCategory: "medium",
    tags: {},
    configuration: raw,
    providerCreatedAt: createdAt(raw.date_created),
  };
}

export const firewallGroupReader = vultrKind({
  kind: "vultr_firewall_group",
  resourceType: "network",
  endpoint: "firewalls",
  listKey: "firewall_groups",
  operation: "GET /v2/firewalls",
  metricKeys: [],
  relations: [],
  normalize: normalizeFirewallGroup,
});
