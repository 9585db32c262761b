import { dependencyOf, withDependencies } from "../../core/relations.ts";
import type { NormalizedResource } from "../../types.ts";
import type { ItemWhere } from "../../core/kind-reader.ts";
import { configurationOf, type DoRaw, dropletStatuses, ids, lookup, malformed, memorySizeCategory, num, regionSlug, str, tagsFromDo } from "../normalize.ts";
import { type DoKindReader, listPages } from "./kind.ts";
import { dropletMetricKeys } from "../metric-table.ts";

export function normalizeDroplet(raw: DoRaw, where: ItemWhere): NormalizedResource {
  const id = num(raw, "id");
  if (id === undefined) throw malformed(where.account, str(raw, "name") ?? null, "droplet without id");
  const status = lookup(dropletStatuses, str(raw, "status"));
  if (!status) throw malformed(where.account, String(id), `unknown droplet status ${String(raw.status)}`);
  const region = regionSlug(raw);
  if (!region) throw malformed(where.account, String(id), "droplet without region");
  const vpc = str(raw, "vpc_uuid");
  return {
    cloud: "digitalocean",
    account: where.account,
    regionCode: region,
    kind: "do_droplet",
    resourceId: String(id),
    name: str(raw, "name") ?? String(id),
    resourceType: "compute",
    status,
    sizeCategory: memorySizeCategory(num(raw, "memory")),
    tags: tagsFromDo(raw.tags),
    configuration: configurationOf(raw),
    providerCreatedAt: str(raw, "created_at") ?? null,
    ...withDependencies([
      ...ids(raw, "volume_ids").map((v) => dependencyOf("data_volume", v)),
      vpc ? dependencyOf("in_network", vpc) : null,
    ]),
  };
}

/** Droplets: `GET /v2/droplets`, paged, every region of the team. */
export const dropletsReader: DoKindReader = {
  kind: "do_droplet",
  resourceType: "compute",
  fanout: "account_global",
  operation: "droplets",
  metricKeys: dropletMetricKeys,
  relations: [
    { name: "data_volume", targetKind: "do_volume" },
    { name: "in_network", targetKind: "do_vpc" },
  ],
  pages: (ctx) => listPages(ctx, "droplets", "droplets", (v2) => v2.droplets),
  normalize: normalizeDroplet,
};
