import { dependencyOf, type RelationName } from "../../core/relations.ts";
import type { ResourceDependency } from "../../types.ts";

/**
 * Compute Engine names other resources by URL (`…/zones/us-central1-a/disks/web-1`), never by
 * the numeric id cloudsync keys them by, so a GCP edge names its target by self link.
 */
export function selfLinkDependency(relation: RelationName, url: unknown): ResourceDependency | null {
  return typeof url === "string" && url.trim() ? dependencyOf(relation, url.trim(), { targetKey: "selfLink" }) : null;
}

function records(value: unknown): Record<string, unknown>[] {
  return Array.isArray(value) ? value.filter((v): v is Record<string, unknown> => !!v && typeof v === "object") : [];
}

/** An instance's disks (the `boot` one is its boot volume) and, per network interface, its subnetwork or else its network. */
export function instanceDependencies(item: Record<string, unknown>): (ResourceDependency | null)[] {
  return [
    ...records(item.disks).map((d) => selfLinkDependency(d.boot === true ? "boot_volume" : "data_volume", d.source)),
    ...records(item.networkInterfaces).map((nic) =>
      nic.subnetwork ? selfLinkDependency("in_subnet", nic.subnetwork) : selfLinkDependency("in_network", nic.network),
    ),
  ];
}

/** A forwarding rule sends traffic to its target (pool, proxy, instance) or backend service, inside its subnetwork. */
export function forwardingRuleDependencies(item: Record<string, unknown>): (ResourceDependency | null)[] {
  return [
    selfLinkDependency("lb_backend", item.target),
    selfLinkDependency("lb_backend", item.backendService),
    selfLinkDependency("in_subnet", item.subnetwork),
  ];
}
