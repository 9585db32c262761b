import { dependencyOf, withDependencies } from "../../core/relations.ts";
import type { ItemWhere } from "../../core/kind-reader.ts";
import type { NormalizedResource } from "../../types.ts";
import { configurationOf, type DoRaw, ids, malformed, num, regionSlug, str, tagsFromDo, volumeSizeCategory } from "../normalize.ts";
import { type DoKindReader, listPages } from "./kind.ts";

/**
 * A volume has no state of its own: attached it serves (`running`); detached it is still billed
 * but serves nothing, as AWS's unattached volumes are read (`stopped`).
 */
export function normalizeVolume(raw: DoRaw, where: ItemWhere): NormalizedResource {
  const id = str(raw, "id");
  if (!id) throw malformed(where.account, str(raw, "name") ?? null, "volume without id");
  const region = regionSlug(raw);
  if (!region) throw malformed(where.account, id, "volume without region");
  const droplets = ids(raw, "droplet_ids");
  return {
    cloud: "digitalocean",
    account: where.account,
    regionCode: region,
    kind: "do_volume",
    resourceId: id,
    name: str(raw, "name") ?? id,
    resourceType: "storage",
    status: droplets.length > 0 ? "running" : "stopped",
    sizeCategory: volumeSizeCategory(num(raw, "size_gigabytes")),
    tags: tagsFromDo(raw.tags),
    configuration: configurationOf(raw),
    providerCreatedAt: str(raw, "created_at") ?? null,
    // The droplet depends on its volume, as an EC2 instance on an attached EBS volume.
    ...withDependencies(droplets.map((d) => dependencyOf("data_volume", d, { reverse: true }))),
  };
}

/** Block storage volumes: `GET /v2/volumes`, paged. */
export const volumesReader: DoKindReader = {
  kind: "do_volume",
  resourceType: "storage",
  fanout: "account_global",
  operation: "volumes",
  metricKeys: [],
  relations: [{ name: "data_volume", targetKind: "do_droplet" }],
  pages: (ctx) => listPages(ctx, "volumes", "volumes", (v2) => v2.volumes),
  normalize: normalizeVolume,
};
