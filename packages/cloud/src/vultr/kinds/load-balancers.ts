import { dependencyOf, withDependencies } from "../../core/relations.ts";
import type { ItemWhere } from "../../core/kind-reader.ts";
import type { NormalizedResource } from "../../types.ts";
import { createdAt, nodeCountSize, requireId, requireRegion, subscriptionStatus } from "../normalize.ts";
import { vultrKind, type VultrRaw } from "./kind.ts";

/** Load balancers (`GET /v2/load-balancers`): each attached instance is a soft target; its VPC contains it. */
export function normalizeLoadBalancer(raw: VultrRaw, where: ItemWhere): NormalizedResource {
  const id = requireId(raw, where.account, raw.label);
  const targets = Array.isArray(raw.instances) ? raw.instances.filter((x): x is string => typeof x === "string") : [];
  const vpc = (raw.generic_info as { vpc?: unknown } | undefined)?.vpc;
  return {
    cloud: "vultr",
    account: where.account,
    regionCode: requireRegion(raw.region, where.account, id),
    kind: "vultr_load_balancer",
    resourceId: id,
    name: typeof raw.label === "string" && raw.label ? raw.label : id,
    resourceType: "load_balancer",
    status: subscriptionStatus(raw.status as string),
    sizeCategory: nodeCountSize(raw.nodes as number),
    tags: {},
    configuration: raw,
    providerCreatedAt: createdAt(raw.date_created),
    ...withDependencies([...targets.map((t) => dependencyOf("lb_target", t)), typeof vpc === "string" && vpc ? dependencyOf("in_network", vpc) : null]),
  };
}

export const loadBalancerReader = vultrKind({
  kind: "vultr_load_balancer",
  resourceType: "load_balancer",
  endpoint: "loadBalancers",
  listKey: "load_balancers",
  operation: "GET /v2/load-balancers",
  metricKeys: [],
  relations: [
    { name: "lb_target", targetKind: "vultr_instance" },
    { name: "in_network", targetKind: "vultr_vpc" },
  ],
  normalize: normalizeLoadBalancer,
});
