import type { IpRaw } from "../wire.ts";
import { dependencyList, dependencyOf } from "../../core/relations.ts";
import type { NormalizedResource } from "../../types.ts";
import { configurationOf, linodeResourceId, malformed } from "../normalize.ts";
import { withEdges } from "./instances.ts";
import { type LinodeKindReader, linodePages } from "./kind.ts";

/**
 * An IP address of the account (`/networking/ips`: public and private IPv4, IPv6 SLAAC and
 * reserved addresses). The address is its id (`ip/<address>`). An address assigned to a Linode
 * is that Linode's (`address_of`); one assigned to none (a reserved IP) is `stopped`: it is
 * billed but carries no traffic. Addresses have no tags and no size (`micro`, the smallest
 * thing an estate holds, as AWS Elastic IPs).
 */
export function normalizeIp(raw: IpRaw, where: { account: string }): NormalizedResource {
  if (typeof raw.address !== "string" || !raw.address) throw malformed(where.account, null, "IP address without an address");
  if (typeof raw.region !== "string" || !raw.region) throw malformed(where.account, linodeResourceId("ip", raw.address), "IP address without a region");
  const linodeId = typeof raw.linode_id === "number" ? raw.linode_id : null;
  return {
    cloud: "linode",
    account: where.account,
    regionCode: raw.region,
    kind: "linode_ip",
    resourceId: linodeResourceId("ip", raw.address),
    name: raw.address,
    resourceType: "network",
    status: linodeId === null ? "stopped" : "running",
    sizeCategory: "micro",
    tags: {},
    configuration: configurationOf(raw),
    providerCreatedAt: null,
    ...withEdges(dependencyList([linodeId !== null ? dependencyOf("address_of", linodeResourceId("linode", linodeId)) : null])),
  };
}

export const ipsReader: LinodeKindReader<IpRaw> = {
  kind: "linode_ip",
  resourceType: "network",
  fanout: "account_global",
  operation: "GET /networking/ips",
  metricKeys: [],
  relations: [{ name: "address_of", targetKind: "linode_instance" }],
  pages: (ctx) => linodePages(ctx, "GET /networking/ips", (sdk, params) => sdk.getIPs(params)),
  normalize: normalizeIp,
};
