import { dependencyOf, withDependencies } from "../../core/relations.ts";
import type { ItemWhere } from "../../core/kind-reader.ts";
import type { NormalizedResource } from "../../types.ts";
import { configurationOf, type DoRaw, firewallStatuses, ids, lookup, malformed, str, tagsFromDo } from "../normalize.ts";
import { type DoKindReader, listPages } from "./kind.ts";

/**
 * Cloud firewalls are not regional: region `global`. Each droplet it protects depends on it as
 * an EC2 instance on its security group (the edge points from the droplet, hence `reverse`).
 */
export function normalizeFirewall(raw: DoRaw, where: ItemWhere): NormalizedResource {
  const id = str(raw, "id");
  if (!id) throw malformed(where.account, str(raw, "name") ?? null, "firewall without id");
  const status = lookup(firewallStatuses, str(raw, "status"));
  if (!status) throw malformed(where.account, id, `unknown firewall status ${String(raw.status)}`);
  return {
    cloud: "digitalocean",
    account: where.account,
    regionCode: "global",
    kind: "do_firewall",
    resourceId: id,
    name: str(raw, "name") ?? id,
    resourceType: "network",
    status,
    sizeCategory: "custom",
    tags: tagsFromDo(raw.tags),
    configuration: configurationOf(raw),
    providerCreatedAt: str(raw, "created_at") ?? null,
    ...withDependencies(ids(raw, "droplet_ids").map((d) => dependencyOf("security_group", d, { reverse: true }))),
  };
}

/** Cloud firewalls: `GET /v2/firewalls`, paged. */
export const firewallsReader: DoKindReader = {
  kind: "do_firewall",
  resourceType: "network",
  fanout: "account_global",
  operation: "firewalls",
  metricKeys: [],
  relations: [{ name: "security_group", targetKind: "do_droplet" }],
  pages: (ctx) => listPages(ctx, "firewalls", "firewalls", (v2) => v2.firewalls),
  normalize: normalizeFirewall,
};
