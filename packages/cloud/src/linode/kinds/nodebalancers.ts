import type { NodeBalancerConfigRaw, NodeBalancerNodeRaw, NodeBalancerRaw } from "../wire.ts";
import { dependencyList, dependencyOf } from "../../core/relations.ts";
import type { NormalizedResource } from "../../types.ts";
import { configurationOf, linodeResourceId, linodeTags, linodeTime, malformed, requireId } from "../normalize.ts";
import { httpStatusOf } from "../session.ts";
import { withEdges } from "./instances.ts";
import { allItems, type LinodeKindReader, type LinodeReadContext, linodePages } from "./kind.ts";

/** A NodeBalancer as listed, with each port's config and that config's backend nodes (two more calls). */
export type NodeBalancerWithBackends = NodeBalancerRaw & {
  configs?: (NodeBalancerConfigRaw & { nodes: NodeBalancerNodeRaw[] })[];
  /** Set when the NodeBalancer vanished between the list and its configs: skipped, not taken for gone. */
  vanished?: true;
};

/**
 * A NodeBalancer. Its backends are nodes addressed as `private IPv4:port`; each is a target
 * (`lb_target`) on that private address, which the IP kind reports as its Linode's, so the
 * path LB → address → Linode is in the graph. No status of its own (a listed one is serving)
 * and no size (`medium`).
 */
export function normalizeNodeBalancer(raw: NodeBalancerWithBackends, where: { account: string }): NormalizedResource {
  const id = requireId(raw, where.account, "NodeBalancer");
  if (raw.vanished) throw malformed(where.account, linodeResourceId("nodebalancer", id), "the NodeBalancer was deleted while its configs were read");
  if (typeof raw.region !== "string" || !raw.region) throw malformed(where.account, linodeResourceId("nodebalancer", id), "NodeBalancer without a region");
  const targets = (raw.configs ?? []).flatMap((c) => c.nodes ?? []).map((n) => {
    const address = typeof n?.address === "string" ? n.address.replace(/:\d+$/, "") : "";
    return address ? dependencyOf("lb_target", linodeResourceId("ip", address)) : null;
  });
  return {
    cloud: "linode",
    account: where.account,
    regionCode: raw.region,
    kind: "linode_nodebalancer",
    resourceId: linodeResourceId("nodebalancer", id),
    name: raw.label || String(id),
    resourceType: "load_balancer",
    status: "running",
    sizeCategory: "medium",
    tags: linodeTags(raw.tags),
    configuration: configurationOf(raw),
    providerCreatedAt: linodeTime(raw.created),
    ...withEdges(dependencyList(targets)),
  };
}

export const nodeBalancersReader: LinodeKindReader<NodeBalancerWithBackends> = {
  kind: "linode_nodebalancer",
  resourceType: "load_balancer",
  fanout: "account_global",
  operation: "GET /nodebalancers",
  metricKeys: [],
  relations: [{ name: "lb_target", targetKind: "linode_ip" }],
  async *pages(ctx) {
    for await (const page of linodePages(ctx, "GET /nodebalancers", (sdk, params) => sdk.getNodeBalancers(params))) {
      const withBackends: NodeBalancerWithBackends[] = [];
      // One NodeBalancer at a time: the configs and nodes calls count against the same per-token limit.
      for (const nb of page) withBackends.push(await backendsOf(ctx, nb));
      yield withBackends;
    }
  },
  normalize: normalizeNodeBalancer,
};

async function backendsOf(ctx: LinodeReadContext, nb: NodeBalancerRaw): Promise<NodeBalancerWithBackends> {
  try {
    const configs = await allItems(ctx, "GET /nodebalancers/{id}/configs", (sdk, params) => sdk.getNodeBalancerConfigs(nb.id, params));
    const withNodes = [];
    for (const config of configs) {
      const nodes = await ctx.call("collection", "GET /nodebalancers/{id}/configs/{id}/nodes", (sdk) => sdk.getNodeBalancerConfigNodes(nb.id, config.id));
      withNodes.push({ ...config, nodes: nodes.data ?? [] });
    }
    return { ...nb, configs: withNodes };
  } catch (err) {
    if (httpStatusOf(err) === 404) return { ...nb, vanished: true };
    throw err;
  }
}
