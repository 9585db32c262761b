import type { VolumeRaw } from "../wire.ts";
import { dependencyList, dependencyOf } from "../../core/relations.ts";
import type { NormalizedResource } from "../../types.ts";
import { configurationOf, gbSize, linodeResourceId, linodeStatus, linodeTags, linodeTime, malformed, requireId } from "../normalize.ts";
import { withEdges } from "./instances.ts";
import { type LinodeKindReader, linodePages } from "./kind.ts";

/** A Block Storage volume; attached, it is a data volume of its Linode (Linodes boot from disks, not volumes). */
export function normalizeVolume(raw: VolumeRaw, where: { account: string }): NormalizedResource {
  const id = requireId(raw, where.account, "volume");
  const status = linodeStatus("volume", raw.status);
  if (!status) throw malformed(where.account, linodeResourceId("volume", id), `unknown volume status ${JSON.stringify(raw.status)}`);
  if (typeof raw.region !== "string" || !raw.region) throw malformed(where.account, linodeResourceId("volume", id), "volume without a region");
  return {
    cloud: "linode",
    account: where.account,
    regionCode: raw.region,
    kind: "linode_volume",
    resourceId: linodeResourceId("volume", id),
    name: raw.label || String(id),
    resourceType: "storage",
    status,
    sizeCategory: gbSize(raw.size),
    tags: linodeTags(raw.tags),
    configuration: configurationOf(raw),
    providerCreatedAt: linodeTime(raw.created),
    ...withEdges(dependencyList([typeof raw.linode_id === "number" ? dependencyOf("data_volume", linodeResourceId("linode", raw.linode_id), { reverse: true }) : null])),
  };
}

export const volumesReader: LinodeKindReader<VolumeRaw> = {
  kind: "linode_volume",
  resourceType: "storage",
  fanout: "account_global",
  operation: "GET /volumes",
  metricKeys: [],
  relations: [{ name: "data_volume", targetKind: "linode_instance" }],
  pages: (ctx) => linodePages(ctx, "GET /volumes", (sdk, params) => sdk.getVolumes(params)),
  normalize: normalizeVolume,
};
