import { dependencyOf, withDependencies } from "../../core/relations.ts";
import type { ItemWhere } from "../../core/kind-reader.ts";
import type { NormalizedResource } from "../../types.ts";
import { configurationOf, type DoRaw, ids, loadBalancerSizeCategory, loadBalancerStatuses, lookup, malformed, num, regionSlug, str } from "../normalize.ts";
import { type DoKindReader, listPages } from "./kind.ts";

/**
 * A load balancer names its droplets (`droplet_ids`, or those carrying its `tag`); each is one
 * target (`lb_target`, soft: the others keep serving). Global load balancers have no region.
 * Load balancers carry no tags of their own.
 */
export function normalizeLoadBalancer(raw: DoRaw, where: ItemWhere): NormalizedResource {
  const id = str(raw, "id");
  if (!id) throw malformed(where.account, str(raw, "name") ?? null, "load balancer without id");
  const status = lookup(loadBalancerStatuses, str(raw, "status"));
  if (!status) throw malformed(where.account, id, `unknown load balancer status ${String(raw.status)}`);
  const vpc = str(raw, "vpc_uuid");
  return {
    cloud: "digitalocean",
    account: where.account,
    regionCode: regionSlug(raw) ?? "global",
    kind: "do_load_balancer",
    resourceId: id,
    name: str(raw, "name") ?? id,
    resourceType: "load_balancer",
    status,
    sizeCategory: loadBalancerSizeCategory(num(raw, "size_unit")),
    tags: {},
    configuration: configurationOf(raw),
    providerCreatedAt: str(raw, "created_at") ?? null,
    ...withDependencies([...ids(raw, "droplet_ids").map((d) => dependencyOf("lb_target", d)), vpc ? dependencyOf("in_network", vpc) : null]),
  };
}

/** Load balancers: `GET /v2/load_balancers`, paged. */
export const loadBalancersReader: DoKindReader = {
  kind: "do_load_balancer",
  resourceType: "load_balancer",
  fanout: "account_global",
  operation: "load_balancers",
  metricKeys: [],
  relations: [
    { name: "lb_target", targetKind: "do_droplet" },
    { name: "in_network", targetKind: "do_vpc" },
  ],
  pages: (ctx) => listPages(ctx, "load_balancers", "load_balancers", (v2) => v2.load_balancers),
  normalize: normalizeLoadBalancer,
};
