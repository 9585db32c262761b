import { dependencyOf, withDependencies } from "../../core/relations.ts";
import type { ItemWhere } from "../../core/kind-reader.ts";
import type { NormalizedResource } from "../../types.ts";
import { configurationOf, type DoRaw, malformed, num, obj, regionSlug, str } from "../normalize.ts";
import { type DoKindReader, listPages } from "./kind.ts";

/**
 * A reserved IP is identified by its address. Assigned to a droplet it serves (`running`);
 * unassigned it is billed and serves nothing (`stopped`), as AWS's unassociated Elastic IPs.
 * It carries no tags.
 */
export function normalizeReservedIp(raw: DoRaw, where: ItemWhere): NormalizedResource {
  const ip = str(raw, "ip");
  if (!ip) throw malformed(where.account, null, "reserved IP without ip");
  const region = regionSlug(raw);
  if (!region) throw malformed(where.account, ip, "reserved IP without region");
  const droplet = obj(raw, "droplet");
  const dropletId = droplet ? num(droplet, "id") : undefined;
  return {
    cloud: "digitalocean",
    account: where.account,
    regionCode: region,
    kind: "do_reserved_ip",
    resourceId: ip,
    name: ip,
    resourceType: "network",
    status: dropletId !== undefined ? "running" : "stopped",
    sizeCategory: "custom",
    tags: {},
    // The API embeds the whole droplet; only its identity is kept, so the address's row (and its
    // change history) does not change each time its droplet does.
    configuration: configurationOf({ ...raw, droplet: droplet ? { id: dropletId ?? null, name: droplet.name ?? null } : null }),
    providerCreatedAt: null,
    // The address is only as reachable as the droplet it points at.
    ...withDependencies([dropletId !== undefined ? dependencyOf("address_of", String(dropletId)) : null]),
  };
}

/** Reserved IPs (formerly floating IPs): `GET /v2/reserved_ips`, paged. */
export const reservedIpsReader: DoKindReader = {
  kind: "do_reserved_ip",
  resourceType: "network",
  fanout: "account_global",
  operation: "reserved_ips",
  metricKeys: [],
  relations: [{ name: "address_of", targetKind: "do_droplet" }],
  pages: (ctx) => listPages(ctx, "reserved_ips", "reserved_ips", (v2) => v2.reserved_ips),
  normalize: normalizeReservedIp,
};
