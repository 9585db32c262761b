import type { DependencyStrength, DependencyTargetKey, DependencyType, ResourceDependency } from "../types.ts";

/**
 * The rules that turn what an API says about two resources into a dependency's type and
 * strength (docs/coverage.md, "Relations per kind"). The strength says what the dependent
 * suffers when the parent fails:
 * - `critical`: the dependent is contained in the parent and cannot exist without it (a subnet
 *   in its VPC, a firewall rule in its network);
 * - `hard`: the dependent stops doing its job (an instance without its boot volume, its subnet
 *   or its security groups; a CDN without its origin);
 * - `soft`: the dependent keeps running, degraded (a data volume, one target of a load balancer).
 */
export const relationRules = {
  boot_volume: { dependencyType: "storage", dependencyStrength: "hard" },
  data_volume: { dependencyType: "storage", dependencyStrength: "soft" },
  in_subnet: { dependencyType: "network", dependencyStrength: "hard" },
  in_network: { dependencyType: "network", dependencyStrength: "critical" },
  network_interface: { dependencyType: "network", dependencyStrength: "hard" },
  security_group: { dependencyType: "security", dependencyStrength: "hard" },
  nat_address: { dependencyType: "network", dependencyStrength: "hard" },
  address_of: { dependencyType: "network", dependencyStrength: "soft" },
  lb_target: { dependencyType: "load_balancer", dependencyStrength: "soft" },
  lb_backend: { dependencyType: "load_balancer", dependencyStrength: "hard" },
  origin_bucket: { dependencyType: "storage", dependencyStrength: "hard" },
  origin_load_balancer: { dependencyType: "load_balancer", dependencyStrength: "hard" },
  group_member: { dependencyType: "load_balancer", dependencyStrength: "soft" },
} as const satisfies Record<string, { dependencyType: DependencyType; dependencyStrength: DependencyStrength }>;

export type RelationName = keyof typeof relationRules;

/** One edge by its relation's rule; the options say how the target is named and which way the edge points. */
export function dependencyOf(
  relation: RelationName,
  target: string,
  options: { targetKey?: DependencyTargetKey; reverse?: boolean } = {},
): ResourceDependency {
  const rule = relationRules[relation];
  return {
    relation,
    target,
    ...(options.targetKey ? { targetKey: options.targetKey } : {}),
    dependencyType: rule.dependencyType,
    dependencyStrength: rule.dependencyStrength,
    ...(options.reverse ? { reverse: true as const } : {}),
  };
}

const strengthRank: Record<DependencyStrength, number> = { soft: 0, hard: 1, critical: 2 };

/**
 * The edges of one resource without repeats: blank targets dropped, and of two edges to the same
 * target in the same direction (a GCP instance with two NICs in one subnet) the strongest kept.
 * Undefined when nothing is left, so a resource with no edges looks as it did before relations.
 */
export function dependencyList(edges: readonly (ResourceDependency | null | undefined)[]): ResourceDependency[] | undefined {
  const kept = new Map<string, ResourceDependency>();
  for (const edge of edges) {
    if (!edge?.target.trim()) continue;
    const key = `${edge.reverse ? "<" : ">"}${edge.targetKey ?? ""}:${edge.target}`;
    const seen = kept.get(key);
    if (!seen || strengthRank[edge.dependencyStrength] > strengthRank[seen.dependencyStrength]) kept.set(key, edge);
  }
  return kept.size > 0 ? [...kept.values()] : undefined;
}

/** `{ dependencies }` to spread into a normalized resource, or nothing when there are none. */
export function withDependencies(edges: readonly (ResourceDependency | null | undefined)[]): { dependencies?: ResourceDependency[] } {
  const list = dependencyList(edges);
  return list ? { dependencies: list } : {};
}
