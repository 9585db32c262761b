import { dependencyOf, withDependencies } from "../../core/relations.ts";
import type { ItemWhere } from "../../core/kind-reader.ts";
import type { NormalizedResource } from "../../types.ts";
import { configurationOf, databaseStatuses, type DoRaw, lookup, malformed, memoryOfSlug, memorySizeCategory, regionSlug, str, tagsFromDo } from "../normalize.ts";
import { type DoKindReader, listAll } from "./kind.ts";

export function normalizeDatabase(raw: DoRaw, where: ItemWhere): NormalizedResource {
  const id = str(raw, "id");
  if (!id) throw malformed(where.account, str(raw, "name") ?? null, "database cluster without id");
  const status = lookup(databaseStatuses, str(raw, "status"));
  if (!status) throw malformed(where.account, id, `unknown database status ${String(raw.status)}`);
  const region = regionSlug(raw);
  if (!region) throw malformed(where.account, id, "database cluster without region");
  const vpc = str(raw, "private_network_uuid");
  return {
    cloud: "digitalocean",
    account: where.account,
    regionCode: region,
    kind: "do_database",
    resourceId: id,
    name: str(raw, "name") ?? id,
    resourceType: "database",
    status,
    // The node size slug (`db-s-2vcpu-4gb`) names the memory of each node.
    sizeCategory: memorySizeCategory(memoryOfSlug(str(raw, "size"))),
    tags: tagsFromDo(raw.tags),
    configuration: configurationOf(raw),
    providerCreatedAt: str(raw, "created_at") ?? null,
    ...withDependencies([vpc ? dependencyOf("in_network", vpc) : null]),
  };
}

/** Managed database clusters: `GET /v2/databases`, the one list the API does not page. */
export const databasesReader: DoKindReader = {
  kind: "do_database",
  resourceType: "database",
  fanout: "account_global",
  operation: "databases",
  metricKeys: [],
  relations: [{ name: "in_network", targetKind: "do_vpc" }],
  pages: (ctx) => listAll(ctx, "databases", "databases", (v2) => v2.databases),
  normalize: normalizeDatabase,
};
