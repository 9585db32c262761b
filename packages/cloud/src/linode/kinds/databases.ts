import type { DatabaseRaw } from "../wire.ts";
import { dependencyList, dependencyOf } from "../../core/relations.ts";
import type { NormalizedResource } from "../../types.ts";
import { configurationOf, linodeResourceId, linodeStatus, linodeTags, linodeTime, malformed, planSize, requireId } from "../normalize.ts";
import { withEdges } from "./instances.ts";
import { type LinodeKindReader, linodePages } from "./kind.ts";

/**
 * A Managed Database cluster (MySQL or PostgreSQL, `engine`); size from its plan id. A database
 * attached to a VPC (`private_network.vpc_id`) is in that network.
 */
export function normalizeDatabase(raw: DatabaseRaw, where: { account: string }): NormalizedResource {
  const id = requireId(raw, where.account, "database");
  const status = linodeStatus("database", raw.status);
  if (!status) throw malformed(where.account, linodeResourceId("database", id), `unknown database status ${JSON.stringify(raw.status)}`);
  if (typeof raw.region !== "string" || !raw.region) throw malformed(where.account, linodeResourceId("database", id), "database without a region");
  const vpcId = raw.private_network?.vpc_id;
  return {
    cloud: "linode",
    account: where.account,
    regionCode: raw.region,
    kind: "linode_database",
    resourceId: linodeResourceId("database", id),
    name: raw.label || String(id),
    resourceType: "database",
    status,
    sizeCategory: planSize(raw.type),
    tags: linodeTags(raw.tags),
    configuration: configurationOf(raw),
    providerCreatedAt: linodeTime(raw.created),
    ...withEdges(dependencyList([typeof vpcId === "number" ? dependencyOf("in_network", linodeResourceId("vpc", vpcId)) : null])),
  };
}

export const databasesReader: LinodeKindReader<DatabaseRaw> = {
  kind: "linode_database",
  resourceType: "database",
  fanout: "account_global",
  operation: "GET /databases/instances",
  metricKeys: [],
  relations: [{ name: "in_network", targetKind: "linode_vpc" }],
  pages: (ctx) => linodePages(ctx, "GET /databases/instances", (sdk, params) => sdk.getDatabases(params)),
  normalize: normalizeDatabase,
};
