import type { FirewallRaw } from "../wire.ts";
import { dependencyList, dependencyOf } from "../../core/relations.ts";
import type { NormalizedResource } from "../../types.ts";
import { configurationOf, linodeResourceId, linodeStatus, linodeTags, linodeTime, malformed, requireId } from "../normalize.ts";
import { withEdges } from "./instances.ts";
import { type LinodeKindReader, linodePages } from "./kind.ts";

/**
 * A Cloud Firewall. Firewalls are account-wide (region `global`); the Linodes and NodeBalancers
 * it protects (`entities`) depend on it as on a security group. A disabled firewall is
 * `stopped`: it exists but filters nothing.
 */
export function normalizeFirewall(raw: FirewallRaw, where: { account: string }): NormalizedResource {
  const id = requireId(raw, where.account, "firewall");
  const status = linodeStatus("firewall", raw.status);
  if (!status) throw malformed(where.account, linodeResourceId("firewall", id), `unknown firewall status ${JSON.stringify(raw.status)}`);
  const protectedIds = (raw.entities ?? []).map((e) =>
    typeof e?.id === "number" && (e.type === "linode" || e.type === "nodebalancer") ? dependencyOf("security_group", linodeResourceId(e.type, e.id), { reverse: true }) : null,
  );
  return {
    cloud: "linode",
    account: where.account,
    regionCode: "global",
    kind: "linode_firewall",
    resourceId: linodeResourceId("firewall", id),
    name: raw.label || String(id),
    resourceType: "network",
    status,
    sizeCategory: "medium",
    tags: linodeTags(raw.tags),
    configuration: configurationOf(raw),
    providerCreatedAt: linodeTime(raw.created),
    ...withEdges(dependencyList(protectedIds)),
  };
}

export const firewallsReader: LinodeKindReader<FirewallRaw> = {
  kind: "linode_firewall",
  resourceType: "network",
  fanout: "account_global",
  global: true,
  operation: "GET /networking/firewalls",
  metricKeys: [],
  relations: [
    { name: "security_group", targetKind: "linode_instance" },
    { name: "security_group", targetKind: "linode_nodebalancer" },
  ],
  pages: (ctx) => linodePages(ctx, "GET /networking/firewalls", (sdk, params) => sdk.getFirewalls(params)),
  normalize: normalizeFirewall,
};
